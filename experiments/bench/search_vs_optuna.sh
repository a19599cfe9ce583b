#!/usr/bin/env bash
# Compares tuner's surrogate search with grid, random and Optuna's GPSampler, TPE and NSGA-II
# on the recorded replay surface: mean trials to reach 95 % of the surface's true
# hypervolume, and the hypervolume after 10, 20 and 40 trials, over 20 seeds each.
#   experiments/bench/search_vs_optuna.sh [SURFACE] [SEEDS] [BUDGET] [OBJECTIVES]
# OBJECTIVES defaults to the baseline study's: pause_p99_ms:min,throughput_ops_per_sec:max,rss_peak:min
# The table is printed and written to experiments/bench/search_vs_optuna.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
surface="${1:-$root/data/surface/trials.jsonl}"
seeds="${2:-20}"
budget="${3:-40}"
objectives="${4:-pause_p99_ms:min,throughput_ops_per_sec:max,rss_peak:min}"
source "$root/scripts/setup.sh"
python3 -c "import optuna, scipy, torch" 2>/dev/null || python3 -m pip install -q "optuna==5.0.0" scipy torch
out="$(mktemp -d)"
started=$(date +%s)
# Optuna's samplers with their defaults (10 random trials first), and GPSampler and TPE with
# tuner's 5-setting start as well, so neither side gets a shorter warm-up.
runs=("gp" "gp --startup 5" "tpe" "tpe --startup 5" "nsga2")
files=()
for i in "${!runs[@]}"; do
  # shellcheck disable=SC2086
  python3 "$root/experiments/bench/optuna_driver.py" --surface "$surface" --sampler ${runs[$i]} \
    --seeds "$seeds" --budget "$budget" --objectives "$objectives" --out "$out/$i.json" 2>"$out/$i.log"
  files+=(--sequences "$out/$i.json")
  echo "optuna ${runs[$i]}: $seeds seeds done" >&2
done
swift build -c release --product tuner --package-path "$root" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
{
  echo "# experiments/bench/search_vs_optuna.sh $(basename "$surface") seeds=$seeds budget=$budget"
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), optuna $(python3 -c 'import optuna; print(optuna.__version__)'), $(nproc) cores"
  "$root/.build/release/tuner" bench-search --surface "$surface" --seeds "$seeds" --budget "$budget" \
    --objectives "$objectives" \
    "${files[@]}" --json "$out/table.json"
  echo "# wall time $(( $(date +%s) - started )) s"
} | tee "$root/experiments/bench/search_vs_optuna.txt"
