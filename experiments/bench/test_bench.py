"""Tests of the benchmark's Python side: the common random numbers against the vector the Swift
tests check too, and the scores on a toy surface whose answers are known by hand.

    python3 -m pytest -q -rs experiments/bench/test_bench.py
    python3 -m unittest discover -v -s experiments/bench -p 'test_*.py'

They need numpy; the tests of score.Truth also need moocore (score.py computes the hypervolume
and IGD+ with it) and are skipped, with that reason, where it is not installed. None needs
Optuna, BoTorch or torch (strategies.py imports them only inside the samplers that use them).
"""
import json
import math
import os
import unittest

try:
    import moocore  # noqa: F401  (score.py imports it where it computes hypervolume and IGD+)
except ImportError:
    HAVE_MOOCORE = False
else:
    HAVE_MOOCORE = True

import crn
import score
import strategies

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 2**20


class CommonRandomNumbersTests(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(HERE, "crn_vector.json")) as f:
            self.vector = json.load(f)

    def test_splitmix_and_keys_match_the_shared_vector(self):
        for c in self.vector["splitmix"]:
            self.assertEqual(crn.splitmix(int(c["x"])), int(c["sm"]))
        for c in self.vector["keys"]:
            self.assertEqual(crn.key(int(c["seed"]), c["gogc_index"], c["limit_index"], c["round"]), int(c["key"]))

    def test_permutations_and_visits_match_the_shared_vector(self):
        for c in self.vector["permutations"]:
            self.assertEqual(crn.permutation(c["count"], int(c["seed"]), c["gogc_index"], c["limit_index"], c["round"]), c["permutation"])
        for c in self.vector["visits"]:
            got = [crn.repeat_index(k, c["count"], int(c["seed"]), c["gogc_index"], c["limit_index"]) for k in range(len(c["repeats"]))]
            self.assertEqual(got, c["repeats"])

    def test_visits_use_every_repeat_once_per_round_and_pair_across_strategies(self):
        table = toy_table()
        table.repeats[(1, 0)] = [[0.5, 1200.0 + i, 64 * MiB, 45.0] for i in range(3)]  # three distinct repeats
        a, b = crn.CommonDraws(table, 5), crn.CommonDraws(table, 5)
        a.draw((0, 0))  # another setting's visits do not shift this one's
        first = [a.draw((1, 0)) for _ in range(3)]
        self.assertEqual(sorted(map(tuple, first)), sorted(map(tuple, table.repeats[(1, 0)])))
        self.assertEqual([b.draw((1, 0)) for _ in range(3)], first)
        expected = [table.repeats[(1, 0)][crn.repeat_index(k, 3, 5, 1, 0)] for k in range(3)]
        self.assertEqual(first, expected)


def toy_question():
    return {
        "spec": "toy",
        "objectives": [
            {"metric": "pause_p99_ms", "direction": "min", "log_offset": 0.001},
            {"metric": "throughput_ops_per_sec", "direction": "max", "log_offset": 0.01},
            {"metric": "rss_peak", "direction": "min", "log_offset": 1048576},
        ],
        "constraints": [
            {"metric": "latency_p99_ms", "comparison": "<=", "bound": 120},
            {"metric": "rss_peak", "comparison": "<=", "bound": 256 * MiB},
        ],
        "decisive": 1, "initial_design": 2, "confirm_pairs": 5,
    }


METRICS = ["pause_p99_ms", "throughput_ops_per_sec", "rss_peak", "latency_p99_ms"]
# (pause ms, throughput, RSS, latency) of the four settings; every repeat alike unless changed.
TOY = {
    (0, 1): (1.0, 1000.0, 100 * MiB, 50.0),   # GOGC=100, no limit: the Go default
    (1, 1): (0.8, 1500.0, 300 * MiB, 40.0),   # best throughput, past the 256 MiB budget
    (0, 0): (1.5, 900.0, 70 * MiB, 60.0),
    (1, 0): (0.5, 1200.0, 64 * MiB, 45.0),    # s*: feasible, and dominates every feasible setting
}


def toy_table(changes=None):
    rows = {s: [list(v), list(v), list(v)] for s, v in TOY.items()}
    for s, v in (changes or {}).items():
        rows[s] = [list(v)] * 3
    return crn.SurfaceTable.from_repeats(rows, METRICS, toy_question(), gogc=["100", "200"], gomemlimit=["64MiB", "off"])


def record(trials, recommendation=None, front=None, seed=1):
    return {"strategy": "toy", "start": "own", "seed": seed, "budget": len(trials), "trials": [list(t) for t in trials],
            "own_rule": recommendation is not None, "recommendation": recommendation or {}, "front": front or {}}


NO_MOOCORE = ("moocore is not installed: score.Truth computes the true front's hypervolume and IGD+ with it "
              "(pip install moocore==0.3.2, as in experiments/bench/requirements.txt)")


@unittest.skipUnless(HAVE_MOOCORE, NO_MOOCORE)
class ScoringTests(unittest.TestCase):
    def setUp(self):
        self.draw = toy_table()
        self.truth = score.Truth(self.draw, [self.draw], "toy")

    def test_regret_is_relative_to_the_best_feasible_setting_and_one_when_infeasible(self):
        t = self.truth
        self.assertEqual(t.best, (1, 0))
        self.assertEqual(t.feasible, {(0, 1), (0, 0), (1, 0)})
        self.assertAlmostEqual(t.regret((0, 1)), 1 - 1000 / 1200)
        self.assertEqual(t.regret((1, 0)), 0.0)
        self.assertEqual(t.regret((1, 1)), 1.0)
        self.assertEqual(t.regret(None), 1.0)

    def test_common_and_own_recommendations_are_scored_apart(self):
        r = record([(0, 1), (1, 1), (0, 0), (1, 0)], recommendation={"3": [1, 1], "4": [1, 0]})
        at3 = score.score_run(self.truth, self.draw, r, 3)
        self.assertAlmostEqual(at3["regret_common"], 1 - 1000 / 1200)  # the default: best feasible measured
        self.assertEqual((at3["regret_own"], at3["infeasible_own"]), (1.0, True))
        at4 = score.score_run(self.truth, self.draw, r, 4)
        self.assertEqual((at4["regret_own"], at4["regret_common"]), (0.0, 0.0))

    def test_hypervolume_and_igd_plus_have_their_hand_computed_values(self):
        t = self.truth
        ref = [math.log(1.5 + 0.001), -math.log(900 + 0.01), math.log(256 * MiB + MiB)]
        self.assertEqual([round(x, 12) for x in t.reference], [round(x, 12) for x in ref])

        def box(p):
            return math.prod(r - x for r, x in zip(ref, p))

        best, default = t.points[(1, 0)], t.points[(0, 1)]
        self.assertAlmostEqual(t.true_volume, box(best))
        self.assertAlmostEqual(t.volume_share([(0, 1)]), box(default) / box(best))
        self.assertAlmostEqual(t.volume_share([(0, 1), (1, 1)]), box(default) / box(best))  # infeasible adds nothing
        self.assertEqual(t.volume_share([]), 0.0)
        self.assertAlmostEqual(t.igd_plus([(1, 0)]), 0.0)
        # One-point true front: unit scale; the default is worse in every objective.
        self.assertAlmostEqual(t.igd_plus([(0, 1)]), math.dist(default, best))

    def test_confirmation_needs_all_five_pairs_and_the_constraints(self):
        self.assertEqual(score.confirm(self.truth, self.draw, 1, (1, 0)), (True, False))
        self.assertEqual(score.confirm(self.truth, self.draw, 1, (1, 1)), (False, False))  # breaks the RSS budget
        self.assertEqual(score.confirm(self.truth, self.draw, 1, (0, 1)), (False, False))  # the default itself
        self.assertEqual(score.confirm(self.truth, self.draw, 1, None), (False, False))

    def test_a_candidate_the_draws_favour_but_the_truth_does_not_is_confirmed_and_wrong(self):
        draw = toy_table({(0, 0): (1.5, 1100.0, 70 * MiB, 60.0)})
        held = toy_table()  # held-out: 900 ops/s, below the default's 1000
        truth = score.Truth(draw, [held], "held-out toy")
        self.assertEqual(score.confirm(truth, draw, 1, (0, 0)), (True, True))


class ScoringHelperTests(unittest.TestCase):
    """The parts of score.py that need no Truth (and so no moocore)."""

    def test_the_sign_test_is_the_exact_one_sided_binomial_tail(self):
        self.assertEqual(score.sign_test_p(5, 5), 1 / 32)
        self.assertEqual(score.sign_test_p(4, 5), 6 / 32)

    def test_the_draw_surface_is_refused_as_its_own_held_out_truth(self):
        draw = toy_table()
        draw.raw_sha256 = "same"
        copy = toy_table()
        copy.raw_sha256 = "same"
        with self.assertRaises(SystemExit):
            score.check_heldout(draw, copy)

    def test_bootstrap_of_constant_values_is_a_point(self):
        import numpy as np

        self.assertEqual(score.bootstrap([0.2] * 10, np.median), (0.2, 0.2, 0.2))


class StrategyTests(unittest.TestCase):
    def test_grid_is_a_fixed_space_filling_order_from_the_default(self):
        table = toy_table()
        question = strategies.Question(table)
        trials, _, _ = strategies.run_grid(question, table, 1, 4, None)
        self.assertEqual(trials[0], table.default())
        self.assertEqual(trials, strategies.run_grid(question, table, 2, 4, None)[0])
        self.assertEqual(sorted(trials), sorted(table.grid))
        self.assertEqual(trials[1], (1, 0))  # the far corner from (0, 1)

    def test_random_with_tuners_start_begins_with_it(self):
        table = toy_table()
        trials, _, _ = strategies.run_random(strategies.Question(table), table, 3, 4, [(1, 1), (0, 0)])
        self.assertEqual(trials[:2], [(1, 1), (0, 0)])
        self.assertEqual(sorted(trials), sorted(table.grid))

    def test_constraints_reach_the_samplers_as_log_ratios_to_their_bounds(self):
        question = strategies.Question(toy_table())
        values = [1.0, 1000.0, 128 * MiB, 240.0]
        self.assertEqual([round(x, 12) for x in question.constraint_values(values)], [round(math.log(2), 12), round(math.log(0.5), 12)])
        self.assertFalse(question.met(values))


if __name__ == "__main__":
    unittest.main()
