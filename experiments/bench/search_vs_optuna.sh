#!/usr/bin/env bash
# Compares tuner's surrogate search with grid, random and Optuna's GPSampler, TPE and NSGA-II
# on the recorded replay surface: mean trials to reach 95 % of the surface's true
# hypervolume, and the hypervolume after 10, 20 and 40 trials, over 20 seeds each.
#   experiments/bench/search_vs_optuna.sh [SURFACE] [SEEDS] [BUDGET]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
surface="${1:-$root/data/surface/trials.jsonl}"
seeds="${2:-20}"
budget="${3:-40}"
python3 -c "import optuna" 2>/dev/null || python3 -m pip install -q "optuna>=4.2" scipy torch 2>/dev/null || python3 -m pip install -q "optuna>=4.2" scipy
out="$(mktemp -d)"
for sampler in gp tpe nsga2; do
  python3 "$root/experiments/bench/optuna_driver.py" --surface "$surface" --sampler "$sampler" \
    --seeds "$seeds" --budget "$budget" --out "$out/$sampler.json"
done
swift build -c release --product tuner --package-path "$root" >/dev/null
"$root/.build/release/tuner" bench-search --surface "$surface" --seeds "$seeds" --budget "$budget" \
  --sequences "$out/gp.json" --sequences "$out/tpe.json" --sequences "$out/nsga2.json" --json "$out/table.json"
