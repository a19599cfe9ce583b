import Foundation

/// ParEGO (Knowles 2006) for any number of minimised objectives, meant for three or more where
/// exact EHVI is not implemented: scalarise the observations with a random
/// ``TchebycheffScalarization``, fit one Gaussian process to the scalarised values, and use
/// ``ExpectedImprovement`` below the best scalarised observation.
public enum ParEGO {
    /// - Parameters:
    ///   - inputs: n points in the unit box.
    ///   - objectives: n objective vectors (m values each, minimised).
    ///   - seed: seeds the weights and the GP fit.
    ///   - features: a map from the inputs to the GP's inputs (none: the GP sees the inputs).
    /// - Returns: the acquisition and the scalarisation it used.
    /// - Throws: ``SurrogateError`` from the fit.
    public static func acquisition(
        inputs: [[Double]], objectives: [[Double]], seed: UInt64, restarts: Int = 4, features: (any FeatureMap)? = nil
    ) throws(SurrogateError) -> (acquisition: ExpectedImprovement, scalarization: TchebycheffScalarization) {
        guard !objectives.isEmpty else { throw .noObservations }
        let scalarization = TchebycheffScalarization.random(objectives: objectives, seed: seed)
        let values = objectives.map { scalarization($0) }
        let model: any SurrogateModel =
            if let features {
                try FeatureMappedModel.fit(coordinates: inputs, outputs: values, features: features, seed: seed &+ 1, restarts: restarts)
            } else {
                try GaussianProcess.fit(inputs: inputs, outputs: values, seed: seed &+ 1, restarts: restarts)
            }
        return (ExpectedImprovement(model: model, incumbent: values.min()!), scalarization)
    }
}

// MARK: - Constraints
