#!/usr/bin/env python3
"""The README's short table of the search benchmark, from score.py's scores.json files: per
strategy, the median constrained regret of its own recommendation at each N (held-out truth,
95 % bootstrap interval over seeds), the same at N = 16 under the all-repeats truth, its
infeasible rate at N = 16, P(confirmed) and P(confirmed and wrong) at N = 16, and the in-sample
hypervolume at N = 40. The full tables are score.py's markdown files; this only condenses them.

    experiments/bench/summary.py experiments/bench/results/bundled/heldout/scores.json \
        experiments/bench/results/bundled/all-repeats/scores.json
"""
import argparse
import json

import numpy as np

from score import cell, label, sort_key


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("heldout")
    parser.add_argument("all_repeats")
    args = parser.parse_args()
    held = json.load(open(args.heldout))["scores"]
    every = json.load(open(args.all_repeats))["scores"]

    ns = ["8", "12", "16", "24", "40"]
    print("| strategy | seeds | " + " | ".join(f"regret N={n}" for n in ns)
          + " | regret N=16, all repeats | infeasible N=16 | P(confirmed) N=16 | P(confirmed and wrong) N=16 | HV in-sample N=40 |")
    print("|---|---:|" + "---:|" * (len(ns) + 5))
    for k in sorted(held, key=lambda k: sort_key(tuple(k.split("|")))):
        per = held[k]
        strategy, start = k.split("|")
        row = [label(strategy, start), str(len(per["16"]))]
        row += [cell([r["regret_own"] for r in per[n]], np.median) for n in ns]
        row.append(cell([r["regret_own"] for r in every[k]["16"]], np.median) if k in every else "—")
        row.append(cell([r["infeasible_own"] for r in per["16"]], np.mean, decimals=0))
        row.append(cell([r["confirmed_own"] for r in per["16"]], np.mean, decimals=0))
        row.append(cell([r["wrong_own"] for r in per["16"]], np.mean, decimals=0))
        row.append(cell([r["hv_in"] for r in per["40"]], np.mean))
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
