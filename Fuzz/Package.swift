// swift-tools-version:6.1
import PackageDescription

// libFuzzer harnesses for tuner's two text parsers. Built separately from the root package
// because every module (and the C in Yams) must be compiled with the fuzzer's coverage
// instrumentation; see README.md and run.sh.
//
//   fuzz-gctrace  GCTraceParser.parse(line:) and parse(text:)   (TunerCore)
//   fuzz-spec     SpecLoader.parse(yaml:file:absolutePath:)     (TunerRuntime, Yams/libyaml)
let package = Package(
    name: "tuner-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "tuner", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "fuzz-gctrace",
            dependencies: [.product(name: "TunerCore", package: "tuner")]
        ),
        .executableTarget(
            name: "fuzz-spec",
            dependencies: [
                .product(name: "TunerRuntime", package: "tuner"),
                .product(name: "TunerCore", package: "tuner"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
