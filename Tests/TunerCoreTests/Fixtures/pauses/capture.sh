#!/usr/bin/env bash
# Captures the pause-source fixtures of this folder from one run of the bundled workload.
# Usage: capture.sh OUTDIR [PORT]   (run from the repository root; needs go, curl)
# See README.md in this folder for what each file is.
set -euo pipefail
out=${1:?usage: capture.sh OUTDIR [PORT]}
port=${2:-18473}
mkdir -p "$out"
out=$(cd "$out" && pwd)
trace_bin=$(mktemp /tmp/pauses-trace.XXXXXX)
cd experiments/workload
go build -o bin/ ./cmd/...
url=http://127.0.0.1:$port
now() { date +%s%N; }

echo "launch_unix_nano $(now)" > "$out/times.txt"
GODEBUG=gctrace=1 bin/collab-server -addr 127.0.0.1:$port 2> "$out/gctrace.stderr" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs $url/healthz >/dev/null && break; sleep 0.1; done

bin/sync-bench -url $url -mode closed -clients 16 -docs 2 -warmup 1s -duration 3s -out "$out/sync-bench.json" &
bench=$!
sleep 0.95  # about when the measured window starts (after the 1 s warm-up and the opens)

scrape() { # $1 = before|after
  echo "metrics_$1_start $(now)" >> "$out/times.txt"
  curl -fs $url/metrics -o "$out/metrics-$1.txt"
  echo "metrics_$1_end $(now)" >> "$out/times.txt"
  curl -fs $url/debug/vars -o "$out/vars-$1.json"
  echo "vars_$1_end $(now)" >> "$out/times.txt"
  curl -fs $url/debug/gcmetrics -o "$out/gcmetrics-$1.json"
  echo "gcmetrics_$1_end $(now)" >> "$out/times.txt"
}
scrape before
echo "trace_request $(now)" >> "$out/times.txt"
# One /debug/vars poll in the middle of the window: an intermediate expvar snapshot, and a
# non-GC stop-the-world (read mem stats) inside the trace.
( sleep 1.5; echo "vars_during_start $(now)" >> "$out/times.txt"; curl -fs $url/debug/vars -o "$out/vars-during.json";
  echo "vars_during_end $(now)" >> "$out/times.txt" ) &
poll=$!
curl -fs "$url/debug/pprof/trace?seconds=3" -o "$trace_bin"
echo "trace_done $(now)" >> "$out/times.txt"
wait $poll
scrape after
wait $bench
kill -TERM $server; wait $server || true
trap - EXIT
# The full -d=parsed output is about 150 MB per second of trace; keep the lines the parser reads:
# Sync events (trace span and clock snapshot) and stop-the-world ranges.
go tool trace -d=parsed "$trace_bin" |
  awk -v keep="$out/trace-parsed-stw.txt" '
    { lines++; bytes += length($0) + 1 }
    /^M=[^ ]+ P=[^ ]+ G=[^ ]+ (Sync |Range(Begin|Active|End) .*Name="stop-the-world )/ { print > keep }
    END { printf "parsed_lines %d\nparsed_bytes %d\n", lines, bytes }' >> "$out/times.txt"
echo "trace_bytes $(wc -c < "$trace_bin")" >> "$out/times.txt"
rm -f "$trace_bin"
go version > "$out/go-version.txt"
