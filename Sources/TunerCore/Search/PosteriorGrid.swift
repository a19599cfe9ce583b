import Foundation

/// The surrogate's posterior for one objective over a grid of (GOGC, GOMEMLIMIT): what the
/// notebook draws as the predicted surface. Info only; drawing is the notebook's.
///
/// Shapes: `gogcValues` has C entries (columns), `memoryLimitBytesValues` R entries (rows);
/// every matrix is R rows × C columns, `matrix[r][c]` at (`gogcValues[c]`, `memoryLimitBytesValues[r]`).
/// A `nil` axis value is `off`, at the encoding's off coordinate (``SettingEncoding/offCoordinate``).
public struct PosteriorGrid: Sendable, Equatable, Codable {
    public var metric: Metric
    public var direction: ObjectiveDirection
    /// GOGC in percent, log-spaced over the encoding's GOGC range, then `nil` (off) when the
    /// space allows it. Continuous values: the model is evaluated between measured settings.
    public var gogcValues: [Double?]
    /// GOMEMLIMIT in bytes, log-spaced over the encoding's range, then `nil` (no limit) when allowed.
    public var memoryLimitBytesValues: [Double?]
    /// What the Gaussian process models: `log(value + ε)` for pauses, latencies and RSS (ε = the
    /// metric's ``Metric/logOffset``), the value itself otherwise; never sign-flipped here.
    public var scale: String
    /// Posterior mean of the latent response on `scale` (R × C).
    public var posteriorMean: [[Double]]
    /// Posterior standard deviation of the latent response on `scale` (R × C; noise excluded).
    public var posteriorSD: [[Double]]
    /// `posteriorMean` mapped back to the metric's units (R × C): for a log-modelled metric this is
    /// the posterior *median* of the metric, exp(mean) − ε; otherwise the posterior mean.
    public var predicted: [[Double]]
    /// Pointwise 95 % posterior interval in the metric's units, mean ∓ 1.96 sd mapped back (R × C).
    public var lower95: [[Double]]
    public var upper95: [[Double]]
    /// Measured trials the model was fitted on.
    public var trainingTrials: Int

    /// Row count R and column count C.
    public var shape: (rows: Int, columns: Int) { (memoryLimitBytesValues.count, gogcValues.count) }
}

extension SurrogateSearch {
    /// Why a ``PosteriorGrid`` could not be made.
    public struct GridUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The posterior of objective `k`'s model over a (GOGC, GOMEMLIMIT) grid, the model fitted
    /// exactly as ``recommend(samples:rule:)`` fits it (``recommendationModel(objective:measured:features:)``
    /// on ``recommendationTrials(_:)`` with the same feature map).
    ///
    /// - Parameters:
    ///   - samples: the study's trials without its confirmation runs (what `recommend` is given).
    ///   - k: index into `objectives`.
    ///   - points: numeric grid points per knob (log-spaced, ends included); `off` is added after them.
    /// - Returns: the grid, or why not (fewer than two usable trials, or the fit failed).
    ///   Cost: one GP fit plus (points + 1)² predictions of O(n²) each.
    public func posteriorGrid(samples: [TrialSample], objective k: Int, points: Int = 30) -> Result<PosteriorGrid, GridUnavailable> {
        precondition(objectives.indices.contains(k), "objective \(k) of \(objectives.count)")
        precondition(points >= 2, "a grid needs at least 2 points per knob")
        let (metric, direction) = objectives[k]
        let measured = recommendationTrials(samples)
        guard measured.filter({ metric.value(of: $0) != nil }).count >= 2 else {
            return .failure(
                GridUnavailable(description: "fewer than 2 measured trials carry \(metric.rawValue), so the surrogate cannot be fitted"))
        }
        let model: FeatureMappedModel
        do {
            guard let fitted = try recommendationModel(objective: k, measured: measured, features: features(for: measured)) else {
                return .failure(
                    GridUnavailable(description: "fewer than 2 measured trials carry \(metric.rawValue), so the surrogate cannot be fitted")
                )
            }
            model = fitted
        } catch {
            return .failure(GridUnavailable(description: "the \(metric.rawValue) model could not be fitted (\(error))"))
        }

        // Unit-box coordinates of each axis: `points` log-spaced numeric values, then off.
        func axis(numeric: Bool, off: Bool, range: ClosedRange<Double>) -> [(coordinate: Double, value: Double?)] {
            var result: [(Double, Double?)] = []
            if numeric {
                for i in 0..<points {
                    let u = Double(i) / Double(points - 1)
                    result.append((u, range.lowerBound * exp(u * log(range.upperBound / range.lowerBound))))
                }
            }
            if off { result.append((SettingEncoding.offCoordinate, nil)) }
            return result
        }
        let columns = axis(numeric: encoding.gogcNumeric, off: encoding.gogcOff, range: encoding.gogcRange)
        let rows = axis(numeric: encoding.limitNumeric, off: encoding.limitOff, range: encoding.limitRange)
        // The model sees minimisation form: a maximised objective is fitted negated.
        let sign = direction == .minimize ? 1.0 : -1.0
        func back(_ value: Double) -> Double { metric.isLogModelled ? exp(value) - metric.logOffset : value }
        var mean: [[Double]] = []
        var sd: [[Double]] = []
        var predicted: [[Double]] = []
        var lower: [[Double]] = []
        var upper: [[Double]] = []
        for row in rows {
            var m: [Double] = []
            var s: [Double] = []
            var p: [Double] = []
            var lo: [Double] = []
            var hi: [Double] = []
            for column in columns {
                let posterior = model.predict([column.coordinate, row.coordinate], includingNoise: false)
                let mu = sign * posterior.mean
                let sigma = max(posterior.variance, 0).squareRoot()
                m.append(mu)
                s.append(sigma)
                p.append(back(mu))
                lo.append(back(mu - 1.96 * sigma))
                hi.append(back(mu + 1.96 * sigma))
            }
            mean.append(m)
            sd.append(s)
            predicted.append(p)
            lower.append(lo)
            upper.append(hi)
        }
        let scale = metric.isLogModelled ? "log(\(metric.rawValue) + \(metric.logOffset))" : metric.rawValue
        return .success(
            PosteriorGrid(
                metric: metric, direction: direction, gogcValues: columns.map(\.value),
                memoryLimitBytesValues: rows.map(\.value), scale: scale, posteriorMean: mean,
                posteriorSD: sd, predicted: predicted, lower95: lower, upper95: upper,
                trainingTrials: measured.filter { metric.value(of: $0) != nil }.count))
    }
}
