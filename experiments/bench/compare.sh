#!/usr/bin/env bash
# The search benchmark, from one command: tuner's search and its opponents on the recorded draw
# surface under common random numbers, every run cached, then scored against the held-out truth
# (experiments/bench/README.md describes the protocol).
#
#   experiments/bench/compare.sh                      # the full comparison (hours: run it on a quiet machine)
#   experiments/bench/compare.sh --truth in-sample --seeds 5 --only tuner,random,optuna-tpe   # a smoke run
#
# Options:
#   --draw PATH        the surface the strategies draw from (default data/surface/trials.jsonl.gz,
#                      or data/surfaces/surface/trials.jsonl.gz when only that exists)
#   --truth PATH       the held-out surface (default data/surface-heldout/trials.jsonl[.gz], or
#                      data/surfaces/surface-heldout/trials.jsonl.gz when only that exists);
#                      'in-sample' scores against the draw repeats themselves: a smoke run, every
#                      table headed "PROVISIONAL: truth is not held out", written to results/provisional/
#   --spec PATH        the study whose question is asked (default experiments/baseline.yml)
#   --name NAME        the surface's name: tables go to results/NAME/ (default bundled, the bundled
#                      server's surface; nats for data/surfaces/surface-nats/)
#   --seeds N          seeds per strategy (default 50)
#   --slow-seeds N     seeds for the strategies slower than 1 s a proposal (default 20)
#   --slow LIST        which those are (default optuna-gp,qnehvi: 17-35 s and 87-97 s a seed of 40
#                      trials here; single-objective GPSampler, 2 s a seed, runs the full --seeds)
#   --budget N         trials per run (default 40)
#   --only LIST        run only these strategies (comma-separated: tuner,tuner-box,optuna-gp,optuna-gp-so,
#                      optuna-tpe,optuna-tpe-so,optuna-nsga2,qnehvi,random,grid); scoring covers
#                      every run in the cache
#   --jobs N           strategy runs at a time (default 1; 2 on an otherwise idle 2-core machine)
#   --fresh            delete this surface's cached runs first, and do not seed the cache from
#                      results/NAME/records/ (rerun everything, e.g. after changing a strategy)
#   --score-only       only score what the cache holds. Without --fresh, a run missing from the
#                      cache is taken from results/NAME/records/ (every run is saved there gzipped
#                      after a comparison), so a fresh clone rescores the published tables without
#                      rerunning, and --only X adds strategy X to them
# The Swift side is the lab's executable tuner-lab (Sources/tuner-lab/, not part of the product),
# built here in release mode: `tuner-lab bench-search` exports the tables and runs tuner's search.
# Environment: PYTHON (default python3), SCRATCH (Swift build folder, default .build-bench).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="$root/experiments/bench"
python="${PYTHON:-python3}"
scratch="${SCRATCH:-$root/.build-bench}"

draw=""; truth=""; spec="$root/experiments/baseline.yml"; seeds=50; slow_seeds=20; slow="optuna-gp,qnehvi"
budget=40; only=""; jobs=1; fresh=0; score_only=0; name=bundled
while [ $# -gt 0 ]; do
  case "$1" in
    --draw) draw="$2"; shift 2 ;;
    --truth) truth="$2"; shift 2 ;;
    --spec) spec="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --slow-seeds) slow_seeds="$2"; shift 2 ;;
    --slow) slow="$2"; shift 2 ;;
    --budget) budget="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --score-only) score_only=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

first_existing() { for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done; }
if [ -z "$draw" ]; then
  draw="$(first_existing "$root/data/surface/trials.jsonl.gz" "$root/data/surface/trials.jsonl" "$root/data/surfaces/surface/trials.jsonl.gz")"
fi
[ -n "$draw" ] && [ -e "$draw" ] || { echo "compare.sh: no draw surface; give --draw PATH (data/surfaces/surface/trials.jsonl.gz ships with the project)" >&2; exit 1; }
if [ -z "$truth" ]; then
  truth="$(first_existing "$root/data/surface-heldout/trials.jsonl.gz" "$root/data/surface-heldout/trials.jsonl" "$root/data/surfaces/surface-heldout/trials.jsonl.gz")"
  if [ -z "$truth" ]; then
    cat >&2 <<EOF
compare.sh: the held-out truth does not exist yet, so no final table can be written.
  Record it (same settings and protocol, a new order; about 65 minutes on an idle machine):
    ./tuner run experiments/surface-heldout.yml
  or give it with --truth PATH. For a smoke run of the harness only, use --truth in-sample
  (every table is then headed "PROVISIONAL: truth is not held out").
EOF
    exit 1
  fi
fi

# One spelling per file, relative to the repository when inside it: the table records its
# source path and the cache is named by the table's hash, so `data/surfaces/...` and
# `$PWD/data/surfaces/...` must not make two caches of one surface.
draw="$(realpath --relative-to="$root" "$(realpath "$draw")")"
[ "$truth" = "in-sample" ] || truth="$(realpath --relative-to="$root" "$(realpath "$truth")")"

# Python packages, pinned; not part of the quick start. Rescoring needs only the scorer's
# (requirements-test.txt, which CI installs too); running the opponents needs all of them.
if [ "$score_only" = 1 ]; then
  needed='import moocore, numpy, scipy'; requirements="$bench/requirements-test.txt"
else
  needed='import optuna, botorch, torch, moocore, numpy, scipy'; requirements="$bench/requirements.txt"
fi
if ! "$python" -c "$needed" 2>/dev/null; then
  echo "installing the benchmark's Python packages ($requirements)" >&2
  "$python" -m pip install --quiet -r "$requirements"
fi
# One thread everywhere: reproducible reductions, and nothing competes with a second job.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONWARNINGS=ignore

started=$(date +%s)
cd "$root"
swift build -c release --scratch-path "$scratch" --product tuner-lab >"$scratch.build.log" 2>&1 || { cat "$scratch.build.log" >&2; exit 1; }
lab="$scratch/release/tuner-lab"

# The draw table names the cache: a different surface or question gets a different folder.
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$lab" bench-search --surface "$draw" --spec "$spec" --export-table "$tmp/draw.json" 2>/dev/null
key="$(sha256sum "$tmp/draw.json" | cut -c1-12)-b$budget"
cache="$bench/cache/$key"
[ "$fresh" = 1 ] && rm -rf "$cache"
mkdir -p "$cache/logs"
mv "$tmp/draw.json" "$cache/draw.json"
echo "cache: $cache" >&2
results="$bench/results/$name"
# A run saved by an earlier comparison (results/NAME/records/, committed) seeds the cache, so a
# fresh clone rescores or extends (--only) the published runs without rerunning them; --fresh
# starts from nothing instead (after a change to a strategy's code, say).
if [ "$fresh" = 0 ] && [ -d "$results/records" ]; then
  for saved in "$results/records"/*.jsonl.gz; do
    [ -e "$saved" ] || continue
    run="$cache/$(basename "$saved" .gz)"
    [ -e "$run" ] || gunzip -c "$saved" >"$run"
  done
fi

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
seeds_of() { if [[ " ${slow//,/ } " == *" $1 "* ]]; then echo "$slow_seeds"; else echo "$seeds"; fi; }

if [ "$score_only" = 0 ]; then
  # tuner's own-start runs first (about a second a seed): the opponents' "tuner's start"
  # variants read its first budget.initial settings of each seed.
  records="$cache/tuner-own.jsonl"
  "$lab" bench-search --surface "$draw" --spec "$spec" --records "$records" --start own \
    --seeds "$seeds" --budget "$budget" 2>"$cache/logs/tuner-own.log"
  echo "tuner (own start): done" >&2
  # One script per strategy run; --jobs of them at a time. A run appends a line per seed, so
  # a stopped comparison resumes where it was.
  mkdir -p "$tmp/jobs"; n=0
  job() { n=$((n + 1)); local log="$1"; shift
    printf '%q ' "$@" >"$tmp/jobs/$(printf %03d $n).sh"
    printf "2>%q || { echo %q >&2; exit 1; }\n" "$log" "FAILED: $* (log: $log)" >>"$tmp/jobs/$(printf %03d $n).sh"; }
  if wanted tuner; then
    job "$cache/logs/tuner-random.log" "$lab" bench-search --surface "$draw" --spec "$spec" \
      --records "$cache/tuner-random.jsonl" --start random --seeds "$seeds" --budget "$budget"
  fi
  if wanted tuner-box; then
    # The ablation: tuner's search and recommendation on raw knob inputs (no heap-goal
    # features, so no alias rule either), tuner's own start.
    job "$cache/logs/tuner-box-own.log" "$lab" bench-search --surface "$draw" --spec "$spec" \
      --records "$cache/tuner-box-own.jsonl" --start own --input-model box --seeds "$seeds" --budget "$budget"
  fi
  for strategy in optuna-gp optuna-gp-so qnehvi optuna-tpe optuna-tpe-so optuna-nsga2 random grid; do
    wanted "$strategy" || continue
    for start in own tuner; do
      job "$cache/logs/$strategy-$start.log" "$python" "$bench/strategies.py" --table "$cache/draw.json" \
        --strategy "$strategy" --start "$start" --tuner-records "$records" --seeds "$(seeds_of "$strategy")" \
        --budget "$budget" --out "$cache/$strategy-$start.jsonl"
    done
  done
  if [ "$n" -gt 0 ]; then
    find "$tmp/jobs" -name '*.sh' | sort | xargs -P "$jobs" -n 1 nice -n 10 bash
  fi
  echo "runs: done in $(( $(date +%s) - started )) s" >&2
fi

if [ "$truth" = "in-sample" ]; then
  "$python" "$bench/score.py" --draw "$cache/draw.json" --truth in-sample --cache "$cache" --out "$bench/results/provisional" >/dev/null
  echo "PROVISIONAL tables (truth is not held out): $bench/results/provisional/" >&2
else
  "$lab" bench-search --surface "$truth" --spec "$spec" --export-table "$cache/truth.json" 2>/dev/null
  "$python" "$bench/score.py" --draw "$cache/draw.json" --truth "$cache/truth.json" --cache "$cache" --out "$results/heldout" >/dev/null
  "$python" "$bench/score.py" --draw "$cache/draw.json" --truth "$cache/truth.json" --truth-mode all --cache "$cache" --out "$results/all-repeats" >/dev/null
  # Every run scored, saved beside the tables (the cache itself is not committed).
  mkdir -p "$results/records"
  for run in "$cache"/*.jsonl; do gzip -9nc "$run" >"$results/records/$(basename "$run").gz"; done
  echo "tables: $results/heldout/ (truth = held-out means), $results/all-repeats/ (truth = means of all repeats); runs: $results/records/" >&2
fi
echo "wall time $(( $(date +%s) - started )) s" >&2
