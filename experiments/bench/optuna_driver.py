#!/usr/bin/env python3
"""Runs Optuna samplers on tuner's recorded replay surface and writes the settings they visit.

The surface is a trials.jsonl (or .jsonl.gz) written by `tuner run` (one TrialSample per line). Each
evaluation of a setting draws one recorded repeat at random (numpy, seeded per run), as tuner's
own replay does, and returns the objectives in their own units:

  pause_p99_ms            linear-interpolation 0.99 quantile (Hyndman-Fan 7, numpy's default) of
                          the trial's stop-the-world pauses in its window, two per GC cycle, 0
                          when no GC ran -- tuner's definition
  throughput_ops_per_sec  the load generator's throughput
  rss_peak                the server's peak RSS (VmHWM), bytes
  pause_ms_per_s, latency_p99_ms as tuner defines them

The two knobs are given to Optuna as ordered integers: the index of the value in the surface's
sorted GOGC list (off last) and in its sorted GOMEMLIMIT list (off last). The surface's values
are spaced about evenly on a log scale, so the index is a log-scale coordinate, and GPSampler,
TPE and NSGA-II all see the order (categorical parameters would hide it from them).

Output (for `tuner-lab bench-search --sequences FILE`):
  {"strategy": "optuna-gp", "sequences": [[{"gogc": "100", "gomemlimit": "off"}, ...], ...]}
"""
import argparse
import gzip
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


def metric_value(metric, trial):
    cycles = trial["gc"]["cycles"]
    pauses = [p for c in cycles for p in (c["sweepTerminationMillis"], c["markTerminationMillis"])]
    if metric == "pause_p99_ms":
        return float(np.quantile(pauses, 0.99)) if pauses else 0.0
    if metric == "pause_ms_per_s":
        window = trial["gc"]["windowSeconds"]
        return sum(pauses) / window if window > 0 else 0.0
    if metric == "throughput_ops_per_sec":
        return trial["load"]["throughputOpsPerSecond"]
    if metric == "latency_p99_ms":
        return trial["load"]["latencyP99Millis"]
    if metric == "rss_peak":
        return float(trial["memory"]["peakBytes"])
    sys.exit(f"--objectives: metric {metric} is not supported by this driver")


def load_surface(path, metrics):
    surface = defaultdict(list)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for line in f:
            if not line.strip():
                continue
            t = json.loads(line)
            if "measured" not in t["outcome"] or not t.get("load") or not t.get("gc") or not t.get("memory"):
                continue
            setting = t["setting"]
            gogc = "off" if setting.get("gogc") is None else str(setting["gogc"])
            limit = "off" if setting.get("memoryLimitBytes") is None else go_size(setting["memoryLimitBytes"])
            surface[(gogc, limit)].append(tuple(metric_value(m, t) for m in metrics))
    return surface


def size_bytes(text):
    for unit, size in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("B", 1)):
        if text.endswith(unit):
            return int(text[: -len(unit)]) * size
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--surface", required=True)
    parser.add_argument("--sampler", choices=["gp", "tpe", "nsga2"], required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--objectives", default="pause_p99_ms:min,throughput_ops_per_sec:max,rss_peak:min",
                        help="comma-separated METRIC:min|max, as tuner-lab bench-search takes them")
    parser.add_argument("--startup", type=int, default=None,
                        help="random trials before the model takes over (GPSampler and TPE; default: Optuna's own, 10)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    objectives = [item.split(":") for item in args.objectives.split(",")]
    metrics = [m for m, _ in objectives]
    directions = ["minimize" if d == "min" else "maximize" for _, d in objectives]
    surface = load_surface(args.surface, metrics)
    if not surface:
        sys.exit(f"{args.surface}: no measured trials")
    gogc_values = sorted({g for g, _ in surface}, key=lambda v: float("inf") if v == "off" else int(v))
    limit_values = sorted({l for _, l in surface}, key=lambda v: float("inf") if v == "off" else size_bytes(v))

    sequences = []
    for seed in range(1, args.seeds + 1):
        rng = np.random.default_rng(seed)
        visited = []

        def objective(trial):
            gogc = gogc_values[trial.suggest_int("gogc_index", 0, len(gogc_values) - 1)]
            limit = limit_values[trial.suggest_int("gomemlimit_index", 0, len(limit_values) - 1)]
            visited.append({"gogc": gogc, "gomemlimit": limit})
            repeats = surface.get((gogc, limit))
            if not repeats:
                raise optuna.TrialPruned()  # not on the surface grid
            return repeats[rng.integers(len(repeats))]

        startup = {} if args.startup is None else {"n_startup_trials": args.startup}
        if args.sampler == "gp":
            sampler = optuna.samplers.GPSampler(seed=seed, **startup)
        elif args.sampler == "tpe":
            sampler = optuna.samplers.TPESampler(seed=seed, **startup)
        else:
            sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=10)
        study = optuna.create_study(directions=directions, sampler=sampler)
        study.optimize(objective, n_trials=args.budget)
        sequences.append(visited)
        print(f"{args.sampler} seed {seed}: {len(visited)} trials", file=sys.stderr)

    name = f"optuna-{args.sampler}" + ("" if args.startup is None else f"-start{args.startup}")
    with open(args.out, "w") as f:
        json.dump({"strategy": name, "sequences": sequences, "optuna": optuna.__version__}, f)


if __name__ == "__main__":
    main()
