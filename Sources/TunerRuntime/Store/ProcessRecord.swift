import Foundation
import TunerCore

/// A process group a running trial started, as a store records it.
public struct ProcessRecord: Sendable {
    public var group: Int32
    /// `/proc/PGID/stat` start time when recorded (0: unknown), so a reused pid is never ours.
    public var startTicks: Int
    public var role: String
    public var owner: StudyOwner
}
extension ProcessRecord {
    /// The rule every store applies to its records: a record is left over when its owner is
    /// another process that is gone.
    func isLeftover(seenBy owner: StudyOwner) -> Bool {
        !self.owner.isSameProcess(as: owner) && !self.owner.isAlive
    }
}
