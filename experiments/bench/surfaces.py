#!/usr/bin/env python3
"""How far a held-out surface agrees with the draw surface, setting by setting.

The benchmark's truth is recorded apart from what the strategies draw from (score.py); this
script says how much the two recordings differ, so a reader can judge what the truth measures:
per metric, the median ratio held-out / draw of the per-setting means (a level shift between
the sittings), the Spearman rank correlation of the per-setting means (does the ordering of
settings survive?), the share of settings whose feasibility under the study's constraints
agrees, and the best feasible setting under each.

    experiments/bench/surfaces.py --draw cache/<key>/draw.json --truth cache/<key>/truth.json
"""
import argparse

import numpy as np
import scipy.stats

import crn
from strategies import Question


def spearman(a, b):
    return float(scipy.stats.spearmanr(a, b).statistic)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draw", required=True)
    parser.add_argument("--truth", required=True)
    args = parser.parse_args()
    draw, held = crn.SurfaceTable(args.draw), crn.SurfaceTable(args.truth)
    grid = [s for s in draw.grid if s in held.repeats]
    q = draw.question
    met = Question(draw).met   # the study's constraints, as every opponent reads them

    print(f"draw: {draw.source} ({draw.trials} trials); held-out: {held.source} ({held.trials} trials); {len(grid)} settings in both")
    print("| metric | median ratio held-out / draw (per-setting means) | Spearman rank correlation |")
    print("|---|---:|---:|")
    names = [o["metric"] for o in q["objectives"]] + [c["metric"] for c in q["constraints"] if c["metric"] not in [o["metric"] for o in q["objectives"]]]
    for name in names:
        m = draw.metric_index(name)
        a = [draw.means(s)[m] for s in grid]
        b = [held.means(s)[m] for s in grid]
        ratio = np.median([y / x for x, y in zip(a, b) if x > 0])
        print(f"| {name} | {ratio:.3f} | {spearman(a, b):.3f} |")
    agree = sum(met(draw.means(s)) == met(held.means(s)) for s in grid)
    print(f"\nFeasibility agrees for {agree} of {len(grid)} settings.")
    dec = q["objectives"][q["decisive"]]
    col = draw.metric_index(dec["metric"])
    sign = 1 if dec["direction"] == "max" else -1
    for name, table in (("draw", draw), ("held-out", held)):
        feasible = [s for s in grid if met(table.means(s))]
        best = max(feasible, key=lambda s: sign * table.means(s)[col])
        other = held if table is draw else draw
        print(f"Best feasible by the {name} means: {table.label(best)} ({table.means(best)[col]:.0f}; "
              f"the other recording: {other.means(best)[col]:.0f}, feasible there: {met(other.means(best))})")


if __name__ == "__main__":
    main()
