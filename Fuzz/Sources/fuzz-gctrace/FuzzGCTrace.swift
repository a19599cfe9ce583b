// libFuzzer harness for the gctrace parser (TunerCore, GCTraceParser).
//
// Each input is taken as stderr text (bytes decoded as UTF-8, invalid sequences repaired to
// U+FFFD, as a `String` read from a pipe would be). It is parsed as one line and as a whole
// capture. A crash, trap (overflow, index out of range), hang or sanitizer report is a bug;
// `.malformed` and `.other` are ordinary results. Beyond not crashing, a few invariants that
// the parser promises are checked with `precondition`, so breaking one is reported as a crash.
import TunerCore

/// Keeps the optimiser from dropping the parse results.
nonisolated(unsafe) var sink = 0

@inline(never)
func checkCycle(_ cycle: GCCycle) {
    // Every figure comes from a run of ASCII digits (and '.'), so none can be negative or NaN.
    precondition(cycle.number >= 0)
    for value in [cycle.startSeconds, cycle.sweepTerminationMillis, cycle.concurrentMarkMillis,
                  cycle.markTerminationMillis, cycle.cpuMillis ?? 0] {
        precondition(!value.isNaN && value >= 0, "negative or NaN figure in \(cycle)")
    }
    for value in [cycle.cumulativeCPUPercent, cycle.heapStartMiB ?? 0, cycle.heapEndMiB ?? 0,
                  cycle.liveHeapMiB ?? 0, cycle.heapGoalMiB ?? 0, cycle.processors ?? 0] {
        precondition(value >= 0, "negative figure in \(cycle)")
    }
    // Fields are filled strictly in order: a later field is never present without the earlier.
    if cycle.heapStartMiB != nil { precondition(cycle.cpuMillis != nil) }
    if cycle.heapGoalMiB != nil { precondition(cycle.heapStartMiB != nil && cycle.liveHeapMiB != nil) }
    if cycle.processors != nil { precondition(cycle.heapGoalMiB != nil) }
    precondition(cycle.pausesMillis.count == 2)
    sink &+= cycle.number &+ (cycle.processors ?? 0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    // The whole input as one line (what the trial runner does per line of stderr).
    switch GCTraceParser.parse(line: text) {
    case .cycle(let cycle): checkCycle(cycle)
    case .malformed(let reason): sink &+= reason.utf8.count
    case .other: break
    }

    // The whole input as a capture of many lines.
    let (cycles, malformed) = GCTraceParser.parse(text: text)
    for cycle in cycles { checkCycle(cycle) }
    // Each line yields at most one result.
    let lineCount = text.split(separator: "\n", omittingEmptySubsequences: true).count
    precondition(cycles.count + malformed.count <= lineCount)
    sink &+= malformed.count
    return 0
}
