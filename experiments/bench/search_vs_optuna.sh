#!/usr/bin/env bash
# Compares tuner's surrogate search with grid, random and Optuna's GPSampler, TPE and NSGA-II
# on the recorded replay surface: mean trials to reach 95 % of the surface's true
# hypervolume, and the hypervolume after 10, 20 and 40 trials, over 20 seeds each.
#   experiments/bench/search_vs_optuna.sh [SURFACE] [SEEDS] [BUDGET] [OBJECTIVES]
# OBJECTIVES defaults to the baseline study's: pause_p99_ms:min,throughput_ops_per_sec:max,rss_peak:min
# The table is printed and written to experiments/bench/search_vs_optuna.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
surface="${1:-$root/data/surfaces/surface/trials.jsonl.gz}"
seeds="${2:-20}"
budget="${3:-40}"
objectives="${4:-pause_p99_ms:min,throughput_ops_per_sec:max,rss_peak:min}"
source "$root/scripts/setup.sh"
# GPSampler needs torch; the CPU build avoids gigabytes of CUDA libraries.
python3 -c "import optuna, scipy, torch" 2>/dev/null || python3 -m pip install -q "optuna==5.0.0" scipy "torch==2.13.0+cpu"
# One thread: reproducible reductions, and the other core stays free.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
# SEQUENCES_DIR=DIR keeps Optuna's sequences there and reuses those already present (each
# GPSampler run of 20 seeds takes about 8 minutes here).
out="${SEQUENCES_DIR:-$(mktemp -d)}"
mkdir -p "$out"
started=$(date +%s)
# Optuna's samplers with their defaults (10 random trials first), and GPSampler and TPE with
# tuner's 5-setting start as well, so neither side gets a shorter warm-up.
runs=("gp" "gp --startup 5" "tpe" "tpe --startup 5" "nsga2")
files=()
for i in "${!runs[@]}"; do
  if [ ! -s "$out/$i.json" ]; then
    # shellcheck disable=SC2086
    python3 "$root/experiments/bench/optuna_driver.py" --surface "$surface" --sampler ${runs[$i]} \
      --seeds "$seeds" --budget "$budget" --objectives "$objectives" --out "$out/$i.json" 2>"$out/$i.log"
    echo "optuna ${runs[$i]}: $seeds seeds done" >&2
  fi
  files+=(--sequences "$out/$i.json")
done
swift build -c release --product tuner-lab --package-path "$root" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
{
  echo "# experiments/bench/search_vs_optuna.sh $(basename "$surface") seeds=$seeds budget=$budget"
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), optuna $(python3 -c 'import optuna; print(optuna.__version__)'), $(nproc --all) cores"
  echo
  echo "## Pooled truth (settings the runtime cannot tell apart share one value; 10 % tolerance)"
  "$root/.build/release/tuner-lab" bench-search --surface "$surface" --seeds "$seeds" --budget "$budget" \
    --objectives "$objectives" "${files[@]}" --json "$out/table.json"
  # The same sequences scored under other truths: how much the verdict depends on the choice.
  for truth in "--pool-tolerance 0.05" "--pool-tolerance 0.2" "--truth means"; do
    echo
    echo "## Sensitivity: $truth"
    # shellcheck disable=SC2086
    "$root/.build/release/tuner-lab" bench-search --surface "$surface" --seeds "$seeds" --budget "$budget" \
      --objectives "$objectives" "${files[@]}" $truth
  done
  echo "# wall time $(( $(date +%s) - started )) s"
} 2>/dev/null | tee "$root/experiments/bench/search_vs_optuna.txt"
