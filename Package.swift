// swift-tools-version:6.1
import PackageDescription

// Module split (see ../shared/STYLE.md):
//   CLapack        system library over OpenBLAS + LAPACKE; header and modulemap only.
//   LinearAlgebra  the only importer of CLapack: Matrix, Cholesky, solves, gemm.
//   TunerCore      pure code, no I/O: search space, samples, trace parsing, statistics,
//                  Pareto frontier, hypervolume, sampling, recommendation.
//   TunerRuntime   the world: spec loading, processes, /proc sampling, load drivers,
//                  data files, env files, terminal output.
//   tuner          @main root command and one file per subcommand.
// The lab, apart from the product (`swift build --product tuner` compiles none of it):
//   TunerFakes     test support: fake launcher, processes, load driver and pause source, and
//                  the replay of a recorded surface; the tests and the lab depend on it.
//   TunerLab       the search benchmark: common random numbers, replayed strategies, scoring.
//   tuner-lab      its command line (bench-search); tuner-bench times the frontier core.
let package = Package(
    name: "tuner",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tuner", targets: ["tuner"]),
        .executable(name: "tuner-lab", targets: ["tuner-lab"]),
        // Libraries for tools built beside tuner (the fuzzers under Fuzz/).
        .library(name: "TunerCore", targets: ["TunerCore"]),
        .library(name: "TunerRuntime", targets: ["TunerRuntime"]),
    ],
    // PostgreSQL (shared studies, `tuner worker`) is opt-in: postgres-nio brings swift-nio-ssl and
    // swift-crypto, whose two BoringSSL copies take about 4 of the quick start's build minutes on
    // 2 cores. `swift build --traits Postgres` (or `./tuner worker …`) builds it in.
    traits: [.trait(name: "Postgres", description: "Studies shared by many workers through PostgreSQL (postgres-nio).")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLapack",
            pkgConfig: "lapacke",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev", "pkg-config"])]
        ),
        .target(
            name: "LinearAlgebra",
            dependencies: ["CLapack"],
            linkerSettings: [.linkedLibrary("openblas")]
        ),
        .target(name: "TunerCore", dependencies: ["LinearAlgebra"]),
        .target(
            name: "TunerRuntime",
            dependencies: [
                "TunerCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Postgres"])),
            ]
        ),
        .executableTarget(
            name: "tuner",
            dependencies: [
                "TunerRuntime", "TunerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TunerFakes", dependencies: ["TunerRuntime", "TunerCore"]),
        .target(name: "TunerLab", dependencies: ["TunerFakes", "TunerRuntime", "TunerCore"]),
        .executableTarget(
            name: "tuner-lab",
            dependencies: [
                "TunerLab", "TunerFakes", "TunerRuntime", "TunerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tuner-bench", dependencies: ["TunerCore"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(
            name: "TunerCoreTests",
            dependencies: ["TunerCore", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TunerRuntimeTests",
            dependencies: ["TunerRuntime", "TunerCore", "TunerFakes", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "TunerLabTests", dependencies: ["TunerLab", "TunerFakes", "TunerRuntime", "TunerCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TunerRuntime", "TunerCore", "TunerFakes"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
