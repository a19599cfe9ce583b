#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for RUNS inputs (default 1000000).
#
#   Fuzz/run.sh [RUNS]
#
# Environment:
#   TARGETS   targets to run, default "gctrace spec"
#   NO_BUILD  set to 1 to skip the build (use the binaries already in Fuzz/.build/release)
#   SANITIZE  sanitizers besides the fuzzer, default "address" (set to "" for libFuzzer alone)
#   NICE      niceness of build and fuzzing, default 10 (the machine is shared)
#   MERGE_FLAGS libFuzzer flags for the minimising merge, default "-use_counters=0" (an input is
#             kept for a new edge, not for a new hit count, which halves the corpus)
#
# For each target it fuzzes with the dictionary Fuzz/<target>.dict, reading the committed corpus
# Fuzz/corpus/<target>/ and writing new inputs to a scratch folder (Fuzz/.build/fuzz/<target>/new),
# then minimises the corpus with -set_cover_merge=1 (libFuzzer's -merge=1 with a set cover):
# the seed-* files (real gctrace lines, hand-written specs) are always kept, and of the other
# inputs, old and new, only the fewest that cover what the seeds do not. The corpus folder is rewritten only when the merge succeeds. Crash, timeout
# and out-of-memory inputs are written to Fuzz/.build/fuzz/<target>/artifacts/. Prints, per
# target, the inputs executed (libFuzzer's final "Done N runs") and whether it crashed; exits 1
# if any target did.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
runs="${1:-1000000}"
targets="${TARGETS:-gctrace spec}"
sanitize="${SANITIZE-address}"
nice_level="${NICE:-10}"
MERGE_FLAGS="${MERGE_FLAGS--use_counters=0}"

# Sanitizer flags. swift-driver 6.3.1 hands the frontend only the LAST -sanitize= flag, and
# SwiftPM's "--sanitize=fuzzer --sanitize=address" passes two, in an order that varied between
# our builds: such a build could come out with no coverage instrumentation at all. So SwiftPM
# gets --sanitize=fuzzer alone (it then links libFuzzer's main instead of the target's), and
# swiftc one combined -sanitize=fuzzer,address after it. The C in Yams (libyaml) gets coverage
# and ASan from -fsanitize=fuzzer-no-link,address.
swift_sanitizers="fuzzer"
c_sanitizers="fuzzer-no-link"
for s in $sanitize; do swift_sanitizers+=",$s"; c_sanitizers+=",$s"; done
build_flags=(-c release --package-path "$here" --scratch-path "$here/.build"
             --sanitize=fuzzer -Xswiftc "-sanitize=$swift_sanitizers" -Xcc "-fsanitize=$c_sanitizers")

if [[ "${NO_BUILD:-0}" != 1 ]]; then
    echo "== building (release, -sanitize=$swift_sanitizers)"
    for t in $targets; do
        nice -n "$nice_level" swift build "${build_flags[@]}" --product "fuzz-$t" || { echo "build of fuzz-$t failed"; exit 2; }
    done
fi

max_len_for() { case "$1" in gctrace) echo 512 ;; spec) echo 4096 ;; *) echo 4096 ;; esac; }

summary=()
failed=0
for t in $targets; do
    bin="$here/.build/release/fuzz-$t"
    work="$here/.build/fuzz/$t"
    corpus="$here/corpus/$t"
    log="$work/fuzz.log"
    rm -rf "$work/new"
    mkdir -p "$work/new" "$work/artifacts" "$corpus"
    max_len="$(max_len_for "$t")"
    # A harness built without coverage instrumentation still runs, blind; refuse it.
    counters="$(SWIFT_BACKTRACE=enable=no "$bin" -runs=0 "$work/new" 2>&1 | sed -nE 's/.*Loaded [0-9]+ modules +\(([0-9]+) inline 8-bit counters.*/\1/p' | head -n 1)"
    if [[ -z "$counters" || "$counters" -lt 100 ]]; then
        echo "fuzz-$t has no coverage instrumentation (counters: ${counters:-none}); rebuild it"
        summary+=("fuzz-$t: NOT RUN, binary not instrumented"); failed=1; continue
    fi
    asan_refs="$(nm "$here/.build/release/fuzz_$t.build/"*.o 2>/dev/null | grep -c __asan_report)"
    if [[ "$sanitize" == *address* && "${asan_refs:-0}" -eq 0 ]]; then
        echo "fuzz-$t: the harness was built without the address sanitizer; rebuild it"
        summary+=("fuzz-$t: NOT RUN, no address sanitizer"); failed=1; continue
    fi
    echo "== fuzz-$t: $runs runs, max_len $max_len, corpus $(ls "$corpus" | wc -l) files, log $log"
    start=$(date +%s)
    # SWIFT_BACKTRACE=enable=no: libFuzzer, not the Swift runtime's backtracer, handles a crash,
    # so the input is written to artifacts/ at once (the backtracer can linger per crash).
    # -detect_leaks=0: the Swift runtime's metadata caches and lazily built globals look like
    # leaks to LeakSanitizer; leaks are not what these targets are fuzzed for.
    SWIFT_BACKTRACE=enable=no nice -n "$nice_level" "$bin" \
        -runs="$runs" -dict="$here/$t.dict" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
        -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/new" "$corpus" >"$log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    grep -E '^#[0-9]+.*(pulse|DONE)|^Done|^stat::|ERROR|SUMMARY|Test unit written|^==[0-9]+==' "$log" | tail -n 12

    done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)"
    if [[ -n "$done_line" ]]; then
        executed="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/' <<<"$done_line")"
        seconds="$(sed -E 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\2/' <<<"$done_line")"
    else
        executed="$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')"
        seconds=$elapsed
    fi
    executed="${executed:-0}"
    (( seconds > 0 )) || seconds=1
    if [[ $rc -eq 0 && -n "$done_line" ]]; then
        verdict="no crash"
    else
        verdict="CRASHED (exit $rc): $(grep -m1 -E 'Test unit written to' "$log" | sed 's/.*written to //')"
        failed=1
    fi

    # Minimise: keep the seed-* files (real and hand-made inputs), then add the fewest of the
    # other corpus files and the new inputs that cover what the seeds do not (-set_cover_merge=1:
    # a greedy set cover, which keeps about a third fewer files than -merge=1's size order).
    new_count=$(ls "$work/new" | wc -l)
    before=$(ls "$corpus" | wc -l)
    rm -rf "$work/min" "$work/pool"
    mkdir -p "$work/min" "$work/pool"
    find "$corpus" -maxdepth 1 -type f -name 'seed-*' -exec cp {} "$work/min/" \;
    find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' -exec cp {} "$work/pool/" \;
    if SWIFT_BACKTRACE=enable=no nice -n "$nice_level" "$bin" -set_cover_merge=1 -max_len="$max_len" -timeout=10 -detect_leaks=0 $MERGE_FLAGS \
        "$work/min" "$work/pool" "$work/new" >"$work/merge.log" 2>&1; then
        find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' -delete
        find "$work/min" -maxdepth 1 -type f ! -name 'seed-*' -exec cp {} "$corpus/" \;
    else
        echo "merge failed (corpus left as it was), see $work/merge.log"
    fi
    after=$(ls "$corpus" | wc -l)
    size=$(du -cb "$corpus"/* 2>/dev/null | tail -n 1 | cut -f1)

    summary+=("fuzz-$t: $executed inputs executed in ${seconds}s ($(( executed / seconds )) exec/s), $verdict; corpus $before -> $after files, $size bytes ($new_count new inputs merged)")
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $failed
