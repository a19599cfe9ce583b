import Testing

@testable import TunerCore

@Suite struct DescriptiveStatisticsTests {
    @Test func quantilesFollowDefinitionSeven() {
        // NumPy: np.quantile([1, 2, 3, 4], [0.25, 0.5, 0.99]) = [1.75, 2.5, 3.97]
        let values = [4.0, 1, 3, 2]
        #expect(Statistics.quantile(values, 0.25) == 1.75)
        #expect(Statistics.median(values) == 2.5)
        #expect(abs(Statistics.quantile(values, 0.99)! - 3.97) < 1e-12)
        #expect(Statistics.quantile([], 0.5) == nil)
        #expect(Statistics.quantile([7], 0.99) == 7)
    }

    @Test func coefficientOfVariationIsSampleSDOverMean() {
        // sd([9, 10, 11]) = 1, mean 10
        #expect(abs(Statistics.coefficientOfVariation([9, 10, 11])! - 0.1) < 1e-12)
        #expect(Statistics.coefficientOfVariation([5]) == nil)
    }

    @Test func bootstrapIsReproducibleAndBracketsTheMedian() {
        let values = [10.0, 12, 11, 13, 9, 10.5, 11.5]
        let a = Bootstrap.interval(values, seed: 3)!
        let b = Bootstrap.interval(values, seed: 3)!
        #expect(a == b)
        #expect(a.lower <= a.value && a.value <= a.upper)
        #expect(a.lower >= 9 && a.upper <= 13)
        #expect(a.sampleCount == 7)
    }

    @Test func bootstrapOfOneSampleSaysSo() {
        let single = Bootstrap.interval([4.2], seed: 1)!
        #expect(single.isSingleSample)
        #expect(single.lower == 4.2 && single.upper == 4.2)
    }
}
