#!/usr/bin/env bash
# One measured run: start collab-server with GC settings, drive it with
# sync-bench, print one summary line.
#
#   ./measure.sh LABEL 'GOGC=100 GOMEMLIMIT=off' [sync-bench flags...]
#
# Prints: label, throughput, p99 latency, GC cycles (gctrace lines), peak RSS
# (VmHWM of the server), GC CPU share, CPU seconds of server / sync-bench /
# everything else on the machine during the run and hypervisor steal time
# (to spot runs disturbed by other work), exit codes. Raw files are kept in $OUT_DIR (default: a temp dir).
set -u
cd "$(dirname "$0")"
label=$1
envs=$2
shift 2
dir=${OUT_DIR:-$(mktemp -d /tmp/workload-measure.XXXXXX)}
mkdir -p "$dir"
port=$((20000 + RANDOM % 20000))
# shellcheck disable=SC2086
env $envs GODEBUG=gctrace=1 bin/collab-server -addr "127.0.0.1:$port" 2>"$dir/$label.server.err" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' EXIT
cpu_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
cpu_steal() { awk '/^cpu /{print $9}' /proc/stat; }
busy0=$(cpu_busy)
steal0=$(cpu_steal)
/usr/bin/time -f '%U %S' -o "$dir/$label.bench.time" \
  bin/sync-bench -url "http://127.0.0.1:$port" -out "$dir/$label.result.json" "$@" 2>"$dir/$label.bench.err"
rc=$?
busy1=$(cpu_busy)
steal1=$(cpu_steal)
srv_ticks=$(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
hwm_kb=$(awk '/VmHWM/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
curl -s -m 2 "http://127.0.0.1:$port/debug/gcmetrics" >"$dir/$label.gcmetrics.json"
kill -TERM "$pid"
wait "$pid"
src=$?
trap - EXIT
gcs=$(grep -c '^gc [0-9]' "$dir/$label.server.err")
tck=$(getconf CLK_TCK)
python3 - "$dir/$label.result.json" "$dir/$label.gcmetrics.json" "$label" "$gcs" "$hwm_kb" "$rc" "$src" "$dir" \
  "$busy0" "$busy1" "$srv_ticks" "$tck" "$dir/$label.bench.time" "$steal0" "$steal1" <<'EOF'
import json, sys
res_p, gc_p, label, gcs, hwm, rc, src, d, b0, b1, srv, tck, btime, st0, st1 = sys.argv[1:]
tck = float(tck)
try:
    bu, bs = open(btime).read().split()[-2:]
    bench_cpu = float(bu) + float(bs)
except Exception:
    bench_cpu = 0.0
# CPU seconds used by everything else on the machine while the bench ran
# (server CPU before the bench started is small and ignored).
other = (float(b1) - float(b0)) / tck - bench_cpu - float(srv) / tck
try:
    r = json.load(open(res_p))
except Exception:
    r = {}
try:
    g = json.load(open(gc_p))
    gccpu = g["/cpu/classes/gc/total:cpu-seconds"]
    tot = g["/cpu/classes/total:cpu-seconds"]
    h = g["/gc/pauses:seconds"]
    n = sum(h["counts"])
    # approximate p99 / max STW pause from the histogram (upper bucket bound)
    acc, p99, mx = 0, 0.0, 0.0
    for i, c in enumerate(h["counts"]):
        if c:
            mx = h["buckets"][i + 1]
        acc += c
        if n and not p99 and acc >= 0.99 * n:
            p99 = h["buckets"][i + 1]
    gcinfo = "gc_cpu=%5.1f%% pause_p99<=%.3fms pause_max<=%.3fms" % (100 * gccpu / tot if tot else 0, p99 * 1e3, mx * 1e3)
except Exception as e:
    gcinfo = "gcmetrics n/a (%s)" % e
lat = r.get("latency_ms", {})
print("%-20s ops/s=%7.1f p50=%7.2fms p99=%8.2fms gc=%5s rss=%6.0fMiB %s cpu_srv=%.1fs cpu_bench=%.1fs cpu_other=%.1fs steal=%.1fs conv=%s err=%s rc=%s srv_rc=%s" % (
    label, r.get("throughput_ops_per_sec", 0), lat.get("p50", 0), lat.get("p99", 0), gcs,
    int(hwm) / 1024, gcinfo, float(srv) / tck, bench_cpu, max(other, 0), (float(st1) - float(st0)) / tck, r.get("converged"), r.get("errors"), rc, src))
EOF
