#!/usr/bin/env python3
"""Splits a surface recording into the rounds the strategies draw from and the rounds kept for
the truth: a grid study with `repeats: 6` (experiments/surface-nats.yml) measures every setting
once per round, so repeatIndex 0..k-1 are the first k rounds. Each output holds whole trials,
unchanged, and is what compare.sh reads with --draw and --truth.

    experiments/bench/split_rounds.py data/surface-nats/trials.jsonl --draw-rounds 3 \\
        --draw /tmp/nats-draw.jsonl --truth /tmp/nats-truth.jsonl
"""
import argparse
import gzip
import json
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trials", help="trials.jsonl or trials.jsonl.gz of a grid study")
    parser.add_argument("--draw-rounds", type=int, required=True, help="rounds (repeats) 1..k go to --draw, the rest to --truth")
    parser.add_argument("--draw", required=True)
    parser.add_argument("--truth", required=True)
    args = parser.parse_args()
    opener = gzip.open if args.trials.endswith(".gz") else open
    draw, truth = [], []
    with opener(args.trials, "rt") as f:
        for line in f:
            if line.strip():
                trial = json.loads(line)
                (draw if trial["repeatIndex"] < args.draw_rounds else truth).append(line if line.endswith("\n") else line + "\n")
    if not draw or not truth:
        sys.exit(f"{args.trials}: {len(draw)} trials in rounds 1-{args.draw_rounds} and {len(truth)} after: both must be recorded")
    for path, lines in ((args.draw, draw), (args.truth, truth)):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.writelines(lines)
    print(f"{args.draw}: {len(draw)} trials; {args.truth}: {len(truth)} trials", file=sys.stderr)


if __name__ == "__main__":
    main()
