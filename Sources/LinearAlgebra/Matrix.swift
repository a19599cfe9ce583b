import CLapack

/// A dense matrix of `Double` stored row-major: element (i, j) lives at `storage[i * columns + j]`.
/// Shapes are written rows × columns throughout (e.g. a kernel matrix is n × n).
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// Row-major elements, `rows * columns` of them.
    public internal(set) var storage: [Double]

    /// A rows × columns matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix shape \(rows) × \(columns) is negative")
        self.rows = rows
        self.columns = columns
        self.storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix from row-major elements; `elements.count` must equal rows × columns.
    public init(rows: Int, columns: Int, rowMajor elements: [Double]) {
        precondition(
            elements.count == rows * columns,
            "\(elements.count) elements do not fill a \(rows) × \(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from nested rows, all of one length.
    public init(_ nestedRows: [[Double]]) {
        let columns = nestedRows.first?.count ?? 0
        precondition(nestedRows.allSatisfy { $0.count == columns }, "rows of unequal length")
        self.init(rows: nestedRows.count, columns: columns, rowMajor: nestedRows.flatMap { $0 })
    }

    /// An n × 1 column matrix holding `values`.
    public init(column values: [Double]) {
        self.init(rows: values.count, columns: 1, rowMajor: values)
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Row `i` as `columns` values.
    public func row(_ i: Int) -> [Double] {
        Array(storage[(i * columns)..<((i + 1) * columns)])
    }

    /// The main diagonal, min(rows, columns) values.
    public var diagonal: [Double] {
        (0..<min(rows, columns)).map { self[$0, $0] }
    }

    /// The transpose, columns × rows.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { t[j, i] = self[i, j] }
        }
        return t
    }

    public var description: String {
        (0..<rows).map { i in
            (0..<columns).map { j in String(self[i, j]) }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
