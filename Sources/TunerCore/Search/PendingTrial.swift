/// A trial another worker is measuring now: part of the search state, so no two workers measure
/// the same setting by accident (``ConstantLiar``).
public struct PendingTrial: Sendable, Equatable {
    public var setting: GCSetting
    public var repeatIndex: Int

    public init(setting: GCSetting, repeatIndex: Int) {
        self.setting = setting
        self.repeatIndex = repeatIndex
    }
}
