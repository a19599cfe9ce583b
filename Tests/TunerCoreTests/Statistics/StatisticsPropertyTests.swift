import PropertyBased
import Testing

@testable import TunerCore

@Suite("Statistics helpers, property tests")
struct StatisticsPropertyTests {
    @Test("quantiles follow Hyndman–Fan definition 7 like NumPy's default")
    func quantileDefinition7() {
        // numpy.quantile([1, 2, 3, 4], [0, 0.25, 0.5, 0.9, 1]) = [1, 1.75, 2.5, 3.7, 4]
        let values: [Double] = [4, 1, 3, 2]
        #expect(Statistics.quantile(values, 0) == 1)
        #expect(Statistics.quantile(values, 0.25) == 1.75)
        #expect(Statistics.quantile(values, 0.5) == 2.5)
        #expect(abs(Statistics.quantile(values, 0.9)! - 3.7) < 1e-12)
        #expect(Statistics.quantile(values, 1) == 4)
        #expect(Statistics.quantile([], 0.5) == nil)
        #expect(Statistics.quantile([7], 0.3) == 7)
    }

    @Test("the median is the middle value or the mean of the two middle values")
    func median() {
        #expect(Statistics.median([3, 1, 2]) == 2)
        #expect(Statistics.median([1, 2, 3, 4]) == 2.5)
        #expect(Statistics.median([]) == nil)
    }

    @Test("the coefficient of variation is the sample standard deviation over the mean")
    func coefficientOfVariation() {
        #expect(Statistics.coefficientOfVariation([1, 2, 3]) == 0.5)
        #expect(Statistics.coefficientOfVariation([5]) == nil)
        #expect(Statistics.coefficientOfVariation([-1, 1]) == nil)
        #expect(abs(Statistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])! - 2.138089935) < 1e-9)
    }

    @Test("quantiles are monotone in p and lie within the data")
    func quantilesAreMonotone() async {
        await propertyCheck(
            count: 200, input: Gen.double(in: -100...100).array(of: 1...30), Gen.double(in: 0...1), Gen.double(in: 0...1)
        ) { values, p, q in
            let (low, high) = (min(p, q), max(p, q))
            let a = Statistics.quantile(values, low)!
            let b = Statistics.quantile(values, high)!
            #expect(a <= b)
            #expect(values.min()! <= a && b <= values.max()!)
        }
    }

    @Test("bootstrap intervals are seeded, contain the estimate and collapse for one sample")
    func bootstrapIntervals() async {
        await propertyCheck(count: 50, input: Gen.double(in: 0...10).array(of: 2...20), Gen.uint64()) { values, seed in
            let a = Bootstrap.interval(values, resamples: 300, seed: seed)!
            let b = Bootstrap.interval(values, resamples: 300, seed: seed)!
            #expect(a == b)
            #expect(a.lower <= a.value && a.value <= a.upper)
            #expect(values.min()! <= a.lower && a.upper <= values.max()!)
            #expect(a.sampleCount == values.count)
        }
        let one = Bootstrap.interval([3.5], seed: 1)!
        #expect(one.lower == 3.5 && one.upper == 3.5 && one.isSingleSample)
        #expect(Bootstrap.interval([], seed: 1) == nil)
    }

    @Test("the seeded generator repeats its stream and derived streams differ")
    func seededGenerator() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = SeededGenerator(seed: 42).derived(1)
        var d = SeededGenerator(seed: 42).derived(2)
        #expect(c.next() != d.next())
        var e = SeededGenerator(seed: 1)
        #expect(
            (0..<1000).allSatisfy { _ in
                let u = e.nextUnit()
                return u >= 0 && u < 1
            })
    }
}
