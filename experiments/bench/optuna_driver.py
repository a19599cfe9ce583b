#!/usr/bin/env python3
"""Runs Optuna samplers on tuner's recorded replay surface and writes the settings they visit.

The surface is a trials.jsonl written by `tuner run` (one TrialSample per line). Each
evaluation of a setting draws one recorded repeat at random (numpy, seeded per run), exactly as
tuner's own replay does, and returns (pause p99 in ms, throughput in ops/s): pause p99 is the
linear-interpolation (Hyndman-Fan 7, numpy's default) 0.99 quantile of the trial's stop-the-world
pauses in its window (two per GC cycle), 0 when no GC ran -- the same definition as tuner's.

Output (for `tuner bench-search --sequences FILE`):
  {"strategy": "optuna-gp", "sequences": [[{"gogc": "100", "gomemlimit": "off"}, ...], ...]}
"""
import argparse
import json
import sys
from collections import defaultdict

import numpy as np
import optuna


def go_size(n):
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n and n % size == 0:
            return f"{n // size}{unit}"
    return f"{n}B"


def load_surface(path):
    surface = defaultdict(list)
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            if "measured" not in t["outcome"] or not t.get("load") or not t.get("gc"):
                continue
            setting = t["setting"]
            gogc = "off" if setting.get("gogc") is None else str(setting["gogc"])
            limit = "off" if setting.get("memoryLimitBytes") is None else go_size(setting["memoryLimitBytes"])
            pauses = [p for c in t["gc"]["cycles"] for p in (c["sweepTerminationMillis"], c["markTerminationMillis"])]
            pause_p99 = float(np.quantile(pauses, 0.99)) if pauses else 0.0
            surface[(gogc, limit)].append((pause_p99, t["load"]["throughputOpsPerSecond"]))
    return surface


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--surface", required=True)
    parser.add_argument("--sampler", choices=["gp", "tpe", "nsga2"], required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    surface = load_surface(args.surface)
    if not surface:
        sys.exit(f"{args.surface}: no measured trials")
    gogc_values = sorted({g for g, _ in surface}, key=lambda v: float("inf") if v == "off" else int(v))
    limit_values = sorted({l for _, l in surface}, key=lambda v: (v == "off", v))

    sequences = []
    for seed in range(1, args.seeds + 1):
        rng = np.random.default_rng(seed)
        visited = []

        def objective(trial):
            gogc = trial.suggest_categorical("gogc", gogc_values)
            limit = trial.suggest_categorical("gomemlimit", limit_values)
            visited.append({"gogc": gogc, "gomemlimit": limit})
            repeats = surface.get((gogc, limit))
            if not repeats:
                raise optuna.TrialPruned()  # not on the surface grid
            return repeats[rng.integers(len(repeats))]

        if args.sampler == "gp":
            sampler = optuna.samplers.GPSampler(seed=seed)
        elif args.sampler == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed)
        else:
            sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=10)
        study = optuna.create_study(directions=["minimize", "maximize"], sampler=sampler)
        study.optimize(objective, n_trials=args.budget)
        sequences.append(visited)
        print(f"optuna-{args.sampler} seed {seed}: {len(visited)} trials", file=sys.stderr)

    with open(args.out, "w") as f:
        json.dump({"strategy": f"optuna-{args.sampler}", "sequences": sequences}, f)


if __name__ == "__main__":
    main()
