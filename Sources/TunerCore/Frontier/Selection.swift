/// The setting a rule chose and why.
public struct Selection: Sendable, Equatable {
    /// Index of the chosen setting in the input.
    public let index: Int
    /// One sentence: the rule, the chosen setting and the number it won on.
    public let explanation: String

    public init(index: Int, explanation: String) {
        self.index = index
        self.explanation = explanation
    }
}
