#!/usr/bin/env bash
# One measured run of nats-server under nats-bench, laid out as
# experiments/nats.yml runs it: nats-server pinned to CPU 1 with
# GODEBUG=gctrace=1, nats-bench on CPU 0, one unmeasured warm-up run, then
# the measured run.
#
#   ./measure-nats.sh LABEL 'GOGC=100 GOMEMLIMIT=off' [nats-bench flags...]
#
# Env: WARMUP (default 2s), DURATION (default 6s), OUT_DIR (default a temp dir).
# Prints: label, deliveries/s, p50/p99/max latency, gctrace lines during the
# measured run, peak RSS (VmHWM), CPU seconds of server and bench during the
# measured run, CPU seconds of everything else on the machine (to spot runs
# disturbed by other work), hypervisor steal time, errors, exit codes.
set -u
cd "$(dirname "$0")"
label=$1
envs=$2
shift 2
warmup=${WARMUP:-2s}
duration=${DURATION:-6s}
dir=${OUT_DIR:-$(mktemp -d /tmp/nats-measure.XXXXXX)}
mkdir -p "$dir"
port=$((20000 + RANDOM % 20000))
mport=$((port + 1))
# shellcheck disable=SC2086
env $envs GODEBUG=gctrace=1 taskset -c 1 nats-server -a 127.0.0.1 -p "$port" -m "$mport" 2>"$dir/$label.server.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' EXIT
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
# taskset execs nats-server, so $pid is the server itself.
ticks() { awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
steal() { awk '/^cpu /{print $9}' /proc/stat; }
taskset -c 0 bin/nats-bench -url "nats://127.0.0.1:$port" -duration "$warmup" -out /dev/null "$@" 2>"$dir/$label.warmup.err"
wrc=$?
gc0=$(grep -c '^gc [0-9]' "$dir/$label.server.err")
t0=$(ticks)
b0=$(busy)
s0=$(steal)
/usr/bin/time -f '%U %S' -o "$dir/$label.bench.time" \
  taskset -c 0 bin/nats-bench -url "nats://127.0.0.1:$port" -duration "$duration" -out "$dir/$label.result.json" "$@" 2>"$dir/$label.bench.err"
rc=$?
t1=$(ticks)
b1=$(busy)
s1=$(steal)
gc1=$(grep -c '^gc [0-9]' "$dir/$label.server.err")
hwm_kb=$(awk '/VmHWM/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
kill -TERM "$pid"
wait "$pid"
src=$?
trap - EXIT
python3 - "$dir/$label.result.json" "$label" "$((gc1 - gc0))" "$hwm_kb" "$rc" "$src" "$wrc" "$((t1 - t0))" "$(getconf CLK_TCK)" "$dir/$label.bench.time" "$dir" "$((b1 - b0))" "$((s1 - s0))" <<'EOF'
import json, sys
res, label, gcs, hwm, rc, src, wrc, srv, tck, btime, d, allb, st = sys.argv[1:]
try:
    r = json.load(open(res))
except Exception:
    r = {}
try:
    bu, bs = open(btime).read().split()[-2:]
    bench = float(bu) + float(bs)
except Exception:
    bench = 0.0
# CPU seconds of everything else on the machine during the measured run
# (a few tenths of jitter either way: the bench's time includes its setup).
other = float(allb) / float(tck) - bench - float(srv) / float(tck)
lat = r.get("latency_ms", {})
print("%-14s deliv/s=%8.0f p50=%6.2fms p99=%7.2fms max=%7.1fms gc=%5s rss=%6.1fMiB cpu_srv=%.1fs cpu_bench=%.1fs cpu_other=%.1fs steal=%.1fs err=%s rc=%s/%s srv_rc=%s dir=%s" % (
    label, r.get("throughput_msgs_per_sec", 0), lat.get("p50", 0), lat.get("p99", 0), lat.get("max", 0), gcs,
    int(hwm) / 1024, float(srv) / float(tck), bench, other, float(st) / float(tck), r.get("errors"), wrc, rc, src, d))
EOF
