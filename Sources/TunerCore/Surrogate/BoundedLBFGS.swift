/// Limited-memory BFGS for smooth minimisation inside a box, in the projected style:
/// L-BFGS directions restricted to the free variables, and a backtracking (Armijo) line search
/// along the projected path x(t) = clamp(x + t·d, lower, upper).
///
/// Notation: P variables; x, g, d are P-vectors; m ≤ `memory` stored pairs
/// sₖ = xₖ₊₁ − xₖ, yₖ = gₖ₊₁ − gₖ (each P values). The search direction is d = −H·ĝ where H is
/// the two-loop-recursion inverse-Hessian approximation (Nocedal & Wright 2006, Alg. 7.4) with
/// H₀ = (sᵀy / yᵀy)·I, and ĝ is the projected gradient: components of variables held at a bound
/// by a gradient pointing outwards are zero, and so are those components of d.
///
/// Safeguards: a pair is stored only when sᵀy > 1e-10·yᵀy (curvature condition; otherwise the
/// approximation could lose positive definiteness); when d is not a descent direction the
/// memory is dropped and steepest descent is used; a non-finite objective value counts as a
/// failed line-search trial, so the objective may return `.infinity` where it is undefined
/// (e.g. a kernel matrix that cannot be factorised).
///
/// This is not L-BFGS-B's generalised Cauchy point machinery; for the handful of variables tuner
/// optimises (≤ 5 hyperparameters, ≤ 3 inputs) projection is accurate enough and much smaller.
///
/// Complexity: O(memory · P) per iteration plus the objective's evaluations (usually one per
/// iteration; at most 40 per line search).
public enum BoundedLBFGS {
    /// The outcome of ``minimize(start:lower:upper:memory:maxIterations:gradientTolerance:valueTolerance:objective:)``.
    public struct Result: Sendable, Equatable {
        /// The best point found, within the bounds.
        public var point: [Double]
        /// The objective at `point`.
        public var value: Double
        /// The objective's gradient at `point`.
        public var gradient: [Double]
        /// Iterations taken (accepted steps).
        public var iterations: Int
        /// Objective evaluations, including the one at the start.
        public var evaluations: Int
        /// True when a tolerance was met; false when the iteration limit was hit or the line
        /// search could make no progress.
        public var converged: Bool
    }

    /// Minimises `objective` over the box [lower, upper].
    /// - Parameters:
    ///   - start: P values; clamped into the box first.
    ///   - lower, upper: P bounds each, lower ≤ upper (equal bounds fix a variable).
    ///   - memory: number of (s, y) pairs kept.
    ///   - maxIterations: limit on accepted steps.
    ///   - gradientTolerance: stop when every projected gradient component is at most this.
    ///   - valueTolerance: stop when a step lowers the value by less than this × max(1, |value|).
    ///   - objective: value and gradient (P values) at a point; may return a non-finite value
    ///     where it is undefined.
    /// - Returns: the final point. If the objective is not finite at the start, returns at once
    ///   with `converged == false`.
    public static func minimize(
        start: [Double],
        lower: [Double],
        upper: [Double],
        memory: Int = 8,
        maxIterations: Int = 200,
        gradientTolerance: Double = 1e-6,
        valueTolerance: Double = 1e-12,
        objective: ([Double]) -> (value: Double, gradient: [Double])
    ) -> Result {
        let p = start.count
        precondition(lower.count == p && upper.count == p, "bounds must have one entry per variable")
        precondition(zip(lower, upper).allSatisfy { $0 <= $1 }, "every lower bound must be ≤ its upper bound")
        var x = clamp(start, lower, upper)
        var (f, g) = objective(x)
        var evaluations = 1
        var iterations = 0
        guard f.isFinite, g.count == p, g.allSatisfy(\.isFinite) else {
            return Result(point: x, value: f, gradient: g, iterations: 0, evaluations: 1, converged: false)
        }
        var sHistory = [[Double]]()
        var yHistory = [[Double]]()
        var converged = false

        while iterations < maxIterations {
            let fixed = (0..<p).map { i in
                (x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0) || lower[i] == upper[i]
            }
            var projected = g
            for i in 0..<p where fixed[i] { projected[i] = 0 }
            if projected.map(abs).max() ?? 0 <= gradientTolerance {
                converged = true
                break
            }
            var direction = twoLoop(projected, sHistory, yHistory).map { -$0 }
            for i in 0..<p where fixed[i] { direction[i] = 0 }
            if dot(direction, projected) >= 0 || !direction.allSatisfy(\.isFinite) {
                sHistory.removeAll()
                yHistory.removeAll()
                direction = projected.map { -$0 }
            }
            // Without curvature information, a first step of unit length in the largest
            // coordinate keeps the trial inside a sensible range.
            var step = sHistory.isEmpty ? min(1, 1 / (direction.map(abs).max() ?? 1)) : 1

            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<40 {
                let trial = clamp(zip(x, direction).map { $0 + step * $1 }, lower, upper)
                if trial == x { break }
                let (ft, gt) = objective(trial)
                evaluations += 1
                let decrease = dot(g, zip(trial, x).map { $0 - $1 })
                if ft.isFinite, gt.allSatisfy(\.isFinite), ft <= f + 1e-4 * min(decrease, 0) {
                    accepted = (trial, ft, gt)
                    break
                }
                step *= 0.5
            }
            guard let next = accepted else {
                if sHistory.isEmpty { break }
                // The quasi-Newton direction failed; retry once from steepest descent.
                sHistory.removeAll()
                yHistory.removeAll()
                continue
            }
            iterations += 1
            let s = zip(next.x, x).map { $0 - $1 }
            let y = zip(next.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-10 * dot(y, y) {
                sHistory.append(s)
                yHistory.append(y)
                if sHistory.count > memory {
                    sHistory.removeFirst()
                    yHistory.removeFirst()
                }
            }
            let improvement = f - next.f
            x = next.x
            f = next.f
            g = next.g
            if improvement <= valueTolerance * max(1, abs(f)) {
                converged = true
                break
            }
        }
        return Result(point: x, value: f, gradient: g, iterations: iterations, evaluations: evaluations, converged: converged)
    }

    /// H·q by the two-loop recursion over the stored pairs (oldest first).
    static func twoLoop(_ q: [Double], _ s: [[Double]], _ y: [[Double]]) -> [Double] {
        var r = q
        let m = s.count
        guard m > 0 else { return r }
        var alphas = [Double](repeating: 0, count: m)
        let rhos = (0..<m).map { 1 / dot(s[$0], y[$0]) }
        for k in stride(from: m - 1, through: 0, by: -1) {
            alphas[k] = rhos[k] * dot(s[k], r)
            for i in r.indices { r[i] -= alphas[k] * y[k][i] }
        }
        let gamma = dot(s[m - 1], y[m - 1]) / dot(y[m - 1], y[m - 1])
        for i in r.indices { r[i] *= gamma }
        for k in 0..<m {
            let beta = rhos[k] * dot(y[k], r)
            for i in r.indices { r[i] += (alphas[k] - beta) * s[k][i] }
        }
        return r
    }

    static func clamp(_ x: [Double], _ lower: [Double], _ upper: [Double]) -> [Double] {
        (0..<x.count).map { min(max(x[$0], lower[$0]), upper[$0]) }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
