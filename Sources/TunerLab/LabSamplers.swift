@_spi(Lab) import TunerCore
import TunerRuntime

/// The product's surrogate search with the benchmark's ablation knobs set (`tuner run` always
/// uses heap-goal inputs and EHVI).
public enum LabSamplers {
    /// `Samplers.surrogate(spec)` with another input model or acquisition.
    @_spi(Lab) public static func surrogate(
        _ spec: StudySpec, inputModel: SurrogateSearch.InputModel,
        acquisition: SurrogateSearch.AcquisitionKind = .expectedHypervolumeImprovement
    ) -> SurrogateSearch {
        SurrogateSearch(
            space: spec.space, objectives: spec.objectives.map { ($0.metric, $0.direction) },
            constraints: spec.constraints, seed: spec.seed, initialDesign: spec.budget.initialDesign,
            inputModel: inputModel, acquisition: acquisition)
    }
}
