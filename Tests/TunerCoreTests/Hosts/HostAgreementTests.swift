import Testing

@testable import TunerCore

/// The hosts of a shared study compared on their own Go default.
struct HostAgreementTests {
    func trial(_ host: String, _ setting: GCSetting = .goDefault, throughput: Double, index: Int) -> TrialSample {
        var sample = syntheticTrial(setting, index: index, pause: 1, throughput: throughput)
        sample.host = host
        return sample
    }

    @Test func aHostTenPercentSlowerBeyondItsRepeatsSpreadIsReportedAsDisagreeing() throws {
        let samples = [
            trial("a", throughput: 1000, index: 0), trial("a", throughput: 1010, index: 1), trial("a", throughput: 990, index: 2),
            trial("b", throughput: 900, index: 3), trial("b", throughput: 905, index: 4),
        ]
        let agreement = try #require(HostAgreement.of(samples, metrics: [.throughputOpsPerSecond]))
        #expect(agreement.reference == "a" && agreement.defaultTrials == ["a": 3, "b": 2])
        let difference = try #require(agreement.differences.first)
        #expect(abs(difference.relative - (-0.0975)) < 1e-9)
        #expect(difference.beyondNoise && agreement.hostsDisagree)
    }

    @Test func hostsWithinTheirNoiseAgreeAndOneHostIsNoComparison() throws {
        let samples = [
            trial("a", throughput: 1000, index: 0), trial("a", throughput: 1100, index: 1),
            trial("b", throughput: 1040, index: 2), trial("b", throughput: 960, index: 3),
        ]
        let agreement = try #require(HostAgreement.of(samples, metrics: [.throughputOpsPerSecond]))
        #expect(!agreement.hostsDisagree, "\(agreement.differences)")
        #expect(HostAgreement.of(Array(samples.prefix(2)), metrics: [.throughputOpsPerSecond]) == nil)
    }

    @Test func withoutARepeatedDefaultTheNoiseIsUnknownNotAVerdict() throws {
        let samples = [trial("a", throughput: 1000, index: 0), trial("b", throughput: 500, index: 1)]
        let agreement = try #require(HostAgreement.of(samples, metrics: [.throughputOpsPerSecond]))
        #expect(!agreement.hostsDisagree)
        #expect(agreement.differences.first?.noiseBound == nil)
    }
}
