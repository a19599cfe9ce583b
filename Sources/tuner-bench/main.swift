// tuner-bench: times the frontier core on large point sets and prints JSON.
//
//   tuner-bench [--repeats N] FILE...      time each dataset file (written by
//                                          experiments/bench/frontier_vs_moocore.py)
//   tuner-bench [--repeats N] --generate   generate the two standard datasets (seeded) instead
//
// Dataset file layout (little-endian): 8 bytes "TUNRPTS1", UInt64 n, UInt64 m, m Float64 reference
// point, then n·m Float64 values row-major. Every objective is minimised.
//
// For each dataset it reports the non-dominated count, the hypervolume and the best wall-clock
// time of `--repeats` runs (default 5) of ParetoFront.nonDominatedIndices and Hypervolume.volume
// on a flat PointSet.

import Foundation
import TunerCore

struct Dataset {
    var name: String
    var points: PointSet
    var reference: [Double]
}

enum BenchError: Error, CustomStringConvertible {
    case unreadable(String)
    case malformed(String, String)
    case usage(String)

    var description: String {
        switch self {
        case .unreadable(let path): return "cannot read \(path)"
        case .malformed(let path, let why): return "\(path) is not a dataset file: \(why)"
        case .usage(let why): return "\(why)\nusage: tuner-bench [--repeats N] (--generate | FILE...)"
        }
    }
}

func readDataset(_ path: String) throws -> Dataset {
    guard let data = FileManager.default.contents(atPath: path) else { throw BenchError.unreadable(path) }
    guard data.count >= 24, data.prefix(8).elementsEqual("TUNRPTS1".utf8) else {
        throw BenchError.malformed(path, "missing TUNRPTS1 header")
    }
    func word(_ offset: Int) -> UInt64 {
        data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }.littleEndian
    }
    let n = Int(word(8))
    let m = Int(word(16))
    guard m >= 1, data.count == 24 + 8 * (m + n * m) else {
        throw BenchError.malformed(path, "size \(data.count) does not match n=\(n), m=\(m)")
    }
    var doubles = [Double](repeating: 0, count: m + n * m)
    doubles.withUnsafeMutableBytes { target in
        data.withUnsafeBytes { source in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[24...]))
        }
    }
    let name = (path as NSString).lastPathComponent
    return Dataset(
        name: name,
        points: PointSet(values: Array(doubles[m...]), dimension: m),
        reference: Array(doubles[0..<m])
    )
}

/// n points in m objectives, half on the concave front ‖x‖ = 1 (positive orthant), half on
/// spheres of radius 1.05–2 (dominated); shuffled. Reference 2.1 in every objective.
func generateDataset(n: Int, m: Int, seed: UInt64) -> Dataset {
    var generator = SeededGenerator(seed: seed)
    func normal() -> Double {
        // Box–Muller.
        let u = max(generator.nextUnit(), 0x1p-60)
        let v = generator.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
    var rows = [[Double]]()
    rows.reserveCapacity(n)
    for i in 0..<n {
        var x = (0..<m).map { _ in abs(normal()) }
        let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let radius = i < n / 2 ? 1.0 : 1.05 + 0.95 * generator.nextUnit()
        x = x.map { $0 / norm * radius }
        rows.append(x)
    }
    rows.shuffle(using: &generator)
    return Dataset(
        name: "generated-\(m)d-\(n)",
        points: PointSet(values: rows.flatMap { $0 }, dimension: m),
        reference: Array(repeating: 2.1, count: m)
    )
}

/// Best wall-clock time in milliseconds of `repeats` runs, and the last result.
func time<T>(_ repeats: Int, _ body: () -> T) -> (Double, T) {
    let clock = ContinuousClock()
    var best = Double.infinity
    var result: T?
    for _ in 0..<repeats {
        let start = clock.now
        let value = body()
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15
        best = min(best, ms)
        result = value
    }
    return (best, result!)
}

func run() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var repeats = 5
    var generate = false
    var files = [String]()
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "--repeats":
            guard let value = arguments.first.flatMap(Int.init), value >= 1 else {
                throw BenchError.usage("--repeats needs a positive integer")
            }
            arguments.removeFirst()
            repeats = value
        case "--generate":
            generate = true
        case "-h", "--help":
            throw BenchError.usage("times the frontier core")
        default:
            files.append(argument)
        }
    }
    guard generate != !files.isEmpty else { throw BenchError.usage("give dataset files or --generate") }
    let datasets =
        generate
        ? [generateDataset(n: 1_000_000, m: 2, seed: 1), generateDataset(n: 100_000, m: 3, seed: 2)]
        : try files.map(readDataset)

    var entries = [String]()
    for dataset in datasets {
        let directions = Array(repeating: ObjectiveDirection.minimize, count: dataset.points.dimension)
        let (filterMillis, front) = time(repeats) {
            ParetoFront.nonDominatedIndices(dataset.points, directions: directions)
        }
        let (volumeMillis, volume) = time(repeats) {
            Hypervolume.volume(dataset.points, reference: dataset.reference, directions: directions)
        }
        entries.append(
            """
              {"name": "\(dataset.name)", "n": \(dataset.points.count), "m": \(dataset.points.dimension), \
            "repeats": \(repeats), "nondominated": \(front.count), "hypervolume": \(volume), \
            "filter_ms": \(filterMillis), "hypervolume_ms": \(volumeMillis)}
            """
        )
    }
    print("[\n" + entries.joined(separator: ",\n") + "\n]")
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("tuner-bench: \(error)\n".utf8))
    exit(2)
}
