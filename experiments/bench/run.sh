#!/usr/bin/env bash
# Build the frontier benchmark in release mode and compare it with moocore on identical data.
#   experiments/bench/run.sh [--repeats N] [--json OUT.json] ...   (arguments go to the Python script)
# Environment: SCRATCH (build directory, default .build-frontier), PYTHON (default python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="${SCRATCH:-$root/.build-frontier}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import moocore, numpy' 2>/dev/null; then
    echo "installing moocore 0.3.2 and numpy for $python" >&2
    "$python" -m pip install --quiet 'moocore==0.3.2' numpy
fi

cd "$root"
swift build -c release --scratch-path "$scratch" --product tuner-bench >&2
exec "$python" "$root/experiments/bench/frontier_vs_moocore.py" \
    --bench "$scratch/release/tuner-bench" "$@"
