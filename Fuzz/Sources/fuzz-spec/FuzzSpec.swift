// libFuzzer harness for the study-spec loader (TunerRuntime, SpecLoader; YAML via Yams/libyaml).
//
// Each input is taken as the text of a spec file (bytes decoded as UTF-8, invalid sequences
// repaired to U+FFFD). `SpecError` is the loader's ordinary answer to a bad spec; a crash,
// trap (overflow, index out of range, force unwrap), hang or sanitizer report is a bug. A spec
// that loads must also satisfy the ranges the loader promises; those are checked with
// `precondition`, so a value that slips through validation is reported as a crash.
#if canImport(Glibc)
import Glibc
#endif
import TunerCore
import TunerRuntime

/// `FUZZ_VERBOSE=1 fuzz-spec FILE...` prints the loader's verdict on each input.
let verbose = getenv("FUZZ_VERBOSE") != nil

/// Keeps the optimiser from dropping the results.
nonisolated(unsafe) var sink = 0

@inline(never)
func check(_ spec: StudySpec) {
    precondition(!spec.study.isEmpty)
    precondition(!spec.target.command.isEmpty)
    precondition((1...10_000).contains(spec.load.clients))
    precondition((1...10_000).contains(spec.load.docs))
    precondition(spec.load.docSizeBytes <= 64 << 20)
    precondition((2...3).contains(spec.objectives.count))
    // 0 when the sampler needs no settings count (surrogate search).
    precondition(spec.budget.settings == 0 || (2...1000).contains(spec.budget.settings))
    precondition((1...100).contains(spec.budget.repeats))
    precondition(spec.budget.durationSeconds.isFinite && spec.budget.durationSeconds >= 0.5)
    precondition(spec.budget.warmupSeconds.isFinite && spec.budget.warmupSeconds >= 0)
    sink &+= spec.study.utf8.count &+ spec.constraints.count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let spec = try SpecLoader.parse(yaml: text, file: "fuzz.yml",
                                        absolutePath: "/fuzz/experiments/fuzz.yml")
        check(spec)
        if verbose { print("loaded: study \(spec.study), \(spec.budget.sampler), \(spec.objectives.count) objectives") }
    } catch {
        if verbose { print("rejected: \(error)") }
        // SpecError: an ordinary rejection. Its text must render (it is printed to the user).
        sink &+= error.description.utf8.count
    }
    return 0
}
