import Testing

@testable import TunerCore

@Suite("Selection rules")
struct SelectionRuleTests {
    // pause p99 (ms, minimise), throughput (ops/s, maximise).
    static let points: [[Double]] = [[10, 100], [5, 80], [2, 40], [12, 90]]
    static let directions: [ObjectiveDirection] = [.minimize, .maximize]
    static let names = ["pause p99", "throughput"]
    static var onFrontier: [Bool] { ParetoFront.nonDominatedMask(PointSet(rows: points, dimension: 2), directions: directions) }
    static let allFeasible = [true, true, true, true]

    static func select(_ rule: SelectionRule, feasible: [Bool] = allFeasible) -> Selection? {
        rule.select(points: points, directions: directions, feasible: feasible, onFrontier: onFrontier, objectiveNames: names)
    }

    @Test("the frontier of the example is the first three settings")
    func exampleFrontier() {
        #expect(Self.onFrontier == [true, true, true, false])
    }

    @Test("best on one objective picks the lowest pause or the highest throughput")
    func bestOnOneObjective() {
        #expect(Self.select(.best(objective: 0))?.index == 2)
        #expect(Self.select(.best(objective: 1))?.index == 0)
        let explanation = Self.select(.best(objective: 1))?.explanation ?? ""
        #expect(explanation.contains("highest throughput"))
        #expect(explanation.contains("100"))
    }

    @Test("constraints on the other objectives restrict the choice")
    func constraintsRestrictTheChoice() {
        let feasible = ObjectiveConstraint.feasibility(
            points: Self.points, constraints: [ObjectiveConstraint(objective: 0, limit: 6)], directions: Self.directions
        )
        #expect(feasible == [false, true, true, false])
        #expect(Self.select(.best(objective: 1), feasible: feasible)?.index == 1)
        let atLeast = ObjectiveConstraint.feasibility(
            points: Self.points, constraints: [ObjectiveConstraint(objective: 1, limit: 80)], directions: Self.directions
        )
        #expect(atLeast == [true, true, false, true])
        #expect(Self.select(.best(objective: 0), feasible: atLeast)?.index == 1)
    }

    @Test("no feasible frontier setting means no selection")
    func nothingToChoose() {
        #expect(Self.select(.knee, feasible: [false, false, false, true]) == nil)
        #expect(SelectionRule.knee.select(points: [], directions: Self.directions, feasible: [], onFrontier: []) == nil)
    }

    @Test("the knee is farthest from the line through the extremes")
    func kneeByDistance() {
        // Normalised: setting 0 (1, 0), setting 1 (0.375, 0.333), setting 2 (0, 1).
        let selection = Self.select(.knee)
        #expect(selection?.index == 1)
        #expect(selection?.explanation.contains("knee") == true)
    }

    @Test("the largest hypervolume contribution is also the middle setting")
    func kneeByContribution() {
        #expect(Self.select(.largestContribution)?.index == 1)
    }

    @Test("weighted losses choose by the weights")
    func weightedLosses() {
        #expect(Self.select(.weightedLoss(weights: [1, 0]))?.index == 2)
        #expect(Self.select(.weightedLoss(weights: [0, 1]))?.index == 0)
        #expect(Self.select(.weightedLoss(weights: [1, 1]))?.index == 1)
        // α·pause + β/throughput with α = 1 per ms, β = 1000 ops/s·ms: 20, 17.5, 27.
        #expect(Self.select(.weightedRawLoss(weights: [1, 1000]))?.index == 1)
        #expect(Self.select(.weightedRawLoss(weights: [1, 0]))?.index == 2)
    }

    @Test("ties go to the lower index")
    func tiesGoToTheLowerIndex() {
        let points: [[Double]] = [[1, 1], [1, 1], [0, 2], [2, 0]]
        let directions: [ObjectiveDirection] = [.minimize, .minimize]
        let front = [true, true, true, true]
        #expect(SelectionRule.knee.select(points: points, directions: directions, feasible: front, onFrontier: front)?.index == 0)
        #expect(
            SelectionRule.weightedLoss(weights: [1, 1])
                .select(points: points, directions: directions, feasible: front, onFrontier: front)?.index == 0
        )
    }

    @Test("a rule's description names the objective and its direction")
    func descriptions() {
        #expect(
            SelectionRule.best(objective: 1).description(objectiveNames: Self.names, directions: Self.directions)
                == "highest throughput among frontier settings that meet the constraints"
        )
        #expect(
            SelectionRule.best(objective: 0).description(objectiveNames: Self.names, directions: Self.directions)
                == "lowest pause p99 among frontier settings that meet the constraints"
        )
        #expect(SelectionRule.best(objective: 2).description == "best objective 2 among frontier settings that meet the constraints")
        #expect(SelectionRule.knee.description.contains("line"))
        #expect(
            SelectionRule.weightedRawLoss(weights: [1, 1000]).description(objectiveNames: Self.names, directions: Self.directions)
                == "smallest loss 1·pause p99 + 1000/throughput among frontier settings that meet the constraints"
        )
    }

    @Test("three objectives: the knee balances all of them")
    func threeObjectiveKnee() {
        let points: [[Double]] = [[0, 1, 1], [1, 0, 1], [1, 1, 0], [0.3, 0.3, 0.3]]
        let directions = [ObjectiveDirection](repeating: .minimize, count: 3)
        let all = [true, true, true, true]
        #expect(SelectionRule.knee.select(points: points, directions: directions, feasible: all, onFrontier: all)?.index == 3)
        #expect(
            SelectionRule.largestContribution.select(points: points, directions: directions, feasible: all, onFrontier: all)?.index == 3)
    }
}
