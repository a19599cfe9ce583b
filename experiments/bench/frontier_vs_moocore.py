#!/usr/bin/env python3
"""Time tuner's frontier core against moocore on identical data, in one run.

Writes two seeded datasets (10^6 points in 2-D and 10^5 in 3-D; half on the concave front
||x|| = 1 in the positive orthant, half on spheres of radius 1.05-2, shuffled), times moocore's
is_nondominated / filter_dominated / hypervolume on them, runs the Swift benchmark binary on the
same files, checks that both find the same number of non-dominated points and the same
hypervolume (relative 1e-9), and prints the ratios tuner/moocore. Exit status 1 on a mismatch.

Usage:
    experiments/bench/frontier_vs_moocore.py --bench PATH/TO/tuner-bench [--repeats 7]
        [--seed 20240611] [--workdir DIR] [--json OUT.json]

Needs numpy and moocore==0.3.2 (pip install moocore==0.3.2 numpy).

File layout read by tuner-bench (little-endian): b"TUNRPTS1", uint64 n, uint64 m, m float64
reference point, n*m float64 values row-major; every objective is minimised.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
    import moocore
except ImportError as error:  # pragma: no cover - environment check
    sys.exit(f"frontier_vs_moocore: {error}; run: pip install moocore==0.3.2 numpy")

REFERENCE = 2.1
DATASETS = [("front-2d", 1_000_000, 2), ("front-3d", 100_000, 3)]


def generate(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """n points in m objectives: half on the unit sphere (concave front), half on spheres of
    radius 1.05-2 (dominated), all in the positive orthant, shuffled."""
    x = np.abs(rng.standard_normal((n, m)))
    x /= np.linalg.norm(x, axis=1)[:, None]
    radius = np.ones(n)
    radius[n // 2:] = 1.05 + 0.95 * rng.random(n - n // 2)
    x *= radius[:, None]
    return np.ascontiguousarray(x[rng.permutation(n)])


def write_dataset(path: str, points: np.ndarray, reference: np.ndarray) -> None:
    n, m = points.shape
    with open(path, "wb") as out:
        out.write(b"TUNRPTS1")
        out.write(struct.pack("<QQ", n, m))
        out.write(reference.astype("<f8").tobytes())
        out.write(points.astype("<f8").tobytes())


def best_of(repeats: int, body):
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        best = min(best, time.perf_counter() - start)
    return best * 1e3, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True, help="path to the tuner-bench binary (release build)")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per operation; the best counts")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--workdir", help="where to write the dataset files (default: a temporary directory)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    if not os.access(args.bench, os.X_OK):
        sys.exit(f"frontier_vs_moocore: --bench {args.bench} is not an executable; build it with "
                 "`swift build -c release --product tuner-bench` (or run experiments/bench/run.sh)")

    rng = np.random.default_rng(args.seed)
    workdir = args.workdir or tempfile.mkdtemp(prefix="frontier-bench-")
    os.makedirs(workdir, exist_ok=True)
    rows = []
    files = []
    for name, n, m in DATASETS:
        points = generate(n, m, rng)
        reference = np.full(m, REFERENCE)
        path = os.path.join(workdir, f"{name}.bin")
        write_dataset(path, points, reference)
        files.append(path)

        nd_ms, mask = best_of(args.repeats, lambda: moocore.is_nondominated(points, keep_weakly=True))
        filter_ms, kept = best_of(args.repeats, lambda: moocore.filter_dominated(points, keep_weakly=True))
        hv_ms, volume = best_of(args.repeats, lambda: moocore.hypervolume(points, ref=reference))
        rows.append({
            "name": f"{name}.bin", "n": n, "m": m,
            "moocore_nondominated": int(mask.sum()), "moocore_filtered": int(len(kept)),
            "moocore_hypervolume": float(volume),
            "moocore_is_nondominated_ms": nd_ms, "moocore_filter_dominated_ms": filter_ms,
            "moocore_hypervolume_ms": hv_ms,
        })

    # The Swift side runs on the same files, in the same run, right after moocore.
    completed = subprocess.run(
        [args.bench, "--repeats", str(args.repeats), *files], check=True, capture_output=True, text=True
    )
    tuner = {entry["name"]: entry for entry in json.loads(completed.stdout)}

    failures = []
    print(f"moocore {moocore.__version__}, numpy {np.__version__}, best of {args.repeats} runs, "
          f"data in {workdir}")
    header = f"{'dataset':<14} {'operation':<22} {'tuner ms':>10} {'moocore ms':>11} {'ratio':>7}  check"
    print(header)
    print("-" * len(header))
    for row in rows:
        t = tuner[row["name"]]
        row.update({
            "tuner_nondominated": t["nondominated"], "tuner_hypervolume": t["hypervolume"],
            "tuner_filter_ms": t["filter_ms"], "tuner_hypervolume_ms": t["hypervolume_ms"],
        })
        same_count = t["nondominated"] == row["moocore_nondominated"] == row["moocore_filtered"]
        relative = abs(t["hypervolume"] - row["moocore_hypervolume"]) / abs(row["moocore_hypervolume"])
        same_volume = relative <= 1e-9
        if not same_count:
            failures.append(f"{row['name']}: tuner finds {t['nondominated']} non-dominated points, "
                            f"moocore {row['moocore_nondominated']}")
        if not same_volume:
            failures.append(f"{row['name']}: hypervolume differs by {relative:.2e} (relative)")
        label = row["name"].removesuffix(".bin")
        count_note = f"{t['nondominated']} points {'==' if same_count else '!='}"
        volume_note = f"rel diff {relative:.1e}"
        for operation, ours, theirs, note in [
            ("nondominated filter*", t["filter_ms"], row["moocore_is_nondominated_ms"], count_note),
            ("hypervolume", t["hypervolume_ms"], row["moocore_hypervolume_ms"], volume_note),
        ]:
            print(f"{label:<14} {operation:<22} {ours:>10.1f} {theirs:>11.1f} {ours / theirs:>7.2f}  {note}")
        row["ratio_filter"] = t["filter_ms"] / row["moocore_is_nondominated_ms"]
        row["ratio_hypervolume"] = t["hypervolume_ms"] / row["moocore_hypervolume_ms"]
    print("* tuner: ParetoFront.nonDominatedIndices; moocore: is_nondominated(keep_weakly=True) "
          "(filter_dominated: " + ", ".join(f"{r['moocore_filter_dominated_ms']:.1f} ms" for r in rows) + ")")

    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=2)
    for failure in failures:
        print(f"MISMATCH {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
