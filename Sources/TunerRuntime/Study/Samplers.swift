import TunerCore

/// The one factory of samplers: the budget's kind becomes a `Sampler`; nothing else switches on it.
public enum Samplers {
    public static func make(_ spec: StudySpec, repeats: Int) -> any Sampler {
        switch spec.budget.sampler {
        case .grid:
            return PlannedSampler.grid(space: spec.space, settingCount: spec.budget.settings).repeated(repeats, seed: spec.seed)
        case .lhs:
            return PlannedSampler.latinHypercube(space: spec.space, settingCount: spec.budget.settings, seed: spec.seed)
                .repeated(repeats, seed: spec.seed)
        case .surrogate:
            return surrogate(spec)
        }
    }

    /// The surrogate search of the spec's space, objectives, constraints and start.
    public static func surrogate(_ spec: StudySpec) -> SurrogateSearch {
        SurrogateSearch(
            space: spec.space, objectives: spec.objectives.map { ($0.metric, $0.direction) },
            constraints: spec.constraints, seed: spec.seed, initialDesign: spec.budget.initialDesign)
    }
}
