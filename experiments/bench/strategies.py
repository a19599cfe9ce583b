#!/usr/bin/env python3
"""Runs the opponents of tuner's search on a surface table and records what each one measured.

Every strategy reads the surface through the same evaluator (crn.CommonDraws: visit k of a
setting in seed s returns the recorded repeat the common random numbers name) over the same
grid (the surface's GOGC x GOMEMLIMIT values, "off" included, given to every sampler as two
ordered integer indices, which are log-spaced values), is told the study's question as
`tuner run` is (the table's `question`: objectives, constraints, start size), and spends the
same budget. One JSON line per seed is appended to --out (seeds already there are skipped):

  {"strategy", "start": "own"|"tuner", "seed", "budget", "trials": [[g, l], ...],
   "own_rule": bool, "recommendation": {"8": [g, l] | null, ...}, "front": {"8": [[g, l], ...]},
   "seconds", "versions"}

Strategies (`--strategy`):
  optuna-gp, optuna-tpe, optuna-nsga2   Optuna 5 on the study's objectives, each log(v + eps)
                                        (tuner's scale), constraints through Trial.set_constraint
                                        as log(value / bound) (<= 0 is feasible; Optuna 5's
                                        replacement of the deprecated constraints_func)
  optuna-gp-so, optuna-tpe-so           the same, single objective: the rule's objective
                                        (throughput) under the constraints
  qnehvi                                BoTorch qLogNEHVI (the numerically robust form of qNEHVI)
                                        with the constraints as outcome constraints, one torch
                                        thread, scored over the whole grid
  random                                distinct settings in a seeded random order
  grid                                  a fixed space-filling order: the Go default, then each
                                        setting farthest (in index units) from those chosen

Starts (`--start`): `own` (each strategy's own: random startup trials as many as tuner's start
for Optuna's GP and TPE, a first random population of that size for NSGA-II, a scrambled Sobol
design for qNEHVI), or `tuner` (tuner's own first `initial_design` settings of the same seed,
read from --tuner-records, given to Optuna through enqueue_trial; the model takes over after).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

import crn

CHECKPOINTS = [8, 12, 16, 24, 40]


# ---------------------------------------------------------------------------------------------
# The study's question, in the forms the samplers take


class Question:
    """Objectives and constraints of the table's study, and the transforms every opponent gets."""

    def __init__(self, table):
        q = table.question
        self.table = table
        self.objectives = q["objectives"]
        self.constraints = q["constraints"]
        self.decisive = q["decisive"]
        self.initial = q["initial_design"]
        self.objective_columns = [table.metric_index(o["metric"]) for o in self.objectives]
        self.constraint_columns = [table.metric_index(c["metric"]) for c in self.constraints]

    def log_objectives(self, values):
        """log(v + eps) of each objective, in its own direction."""
        return [math.log(max(values[c], 0.0) + o["log_offset"]) for c, o in zip(self.objective_columns, self.objectives)]

    def constraint_values(self, values):
        """log(value / bound) for `<=`, log(bound / value) for `>=`: <= 0 means met."""
        out = []
        for c, b in zip(self.constraint_columns, self.constraints):
            v = max(values[c], 1e-12)
            out.append(math.log(v / b["bound"]) if b["comparison"] == "<=" else math.log(b["bound"] / v))
        return out

    def met(self, values):
        return all(x <= 0 for x in self.constraint_values(values))

    def directions(self):
        return ["minimize" if o["direction"] == "min" else "maximize" for o in self.objectives]


def tuner_starts(path, initial):
    """Seed -> tuner's own first `initial` settings, from tuner's records (own start)."""
    starts = {}
    if not path:
        return starts
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r["start"] == "own":
                    starts[r["seed"]] = [tuple(x) for x in r["trials"][:initial]]
    return starts


def common_front(question, observed):
    """Settings whose observed mean constraint metrics are met, non-dominated by observed means
    of the objectives (the common front rule; the scorer uses the same)."""
    means = {s: np.mean(v, axis=0) for s, v in observed.items()}
    feasible = [s for s, m in means.items() if question.met(m)]
    points = {s: minimisation_form(question, question.log_objectives(means[s])) for s in feasible}
    front = []
    for s in feasible:
        if not any(dominates(points[t], points[s]) for t in feasible if t != s):
            front.append(s)
    return sorted(front)


def minimisation_form(question, logs):
    return [v if o["direction"] == "min" else -v for v, o in zip(logs, question.objectives)]


def dominates(a, b):
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


# ---------------------------------------------------------------------------------------------
# Strategies. Each returns (trials, recommendation-by-N or None, front-by-N or None).


def run_optuna(kind, single, question, table, seed, budget, start):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    draws = crn.CommonDraws(table, seed)
    g_max, l_max = len(table.gogc) - 1, len(table.gomemlimit) - 1
    trials = []
    decisive = question.decisive
    d_sign = 1 if question.objectives[decisive]["direction"] == "max" else -1

    def objective(trial):
        g = trial.suggest_int("gogc_index", 0, g_max)
        l = trial.suggest_int("gomemlimit_index", 0, l_max)
        trials.append((g, l))
        values = draws.draw((g, l))
        for name, c in zip((b["metric"] for b in question.constraints), question.constraint_values(values)):
            trial.set_constraint(name, c)
        logs = question.log_objectives(values)
        return logs[decisive] if single else tuple(logs)

    n_start = question.initial
    if kind == "gp":
        sampler = optuna.samplers.GPSampler(seed=seed, n_startup_trials=n_start)
    elif kind == "tpe":
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_start)
    else:
        sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=n_start)
    if single:
        study = optuna.create_study(direction=question.directions()[decisive], sampler=sampler)
    else:
        study = optuna.create_study(directions=question.directions(), sampler=sampler)
    for g, l in start or []:
        study.enqueue_trial({"gogc_index": g, "gomemlimit_index": l})

    recommendation, front = {}, {}
    done = 0
    for n in sorted(set(CHECKPOINTS + [budget])):
        if n > budget:
            continue
        study.optimize(objective, n_trials=n - done)
        done = n
        if n not in CHECKPOINTS:
            continue
        key = str(n)
        if single:
            try:
                best = study.best_trial
                recommendation[key] = [best.params["gogc_index"], best.params["gomemlimit_index"]]
                front[key] = [recommendation[key]]
            except ValueError:  # no feasible trial yet
                recommendation[key], front[key] = None, []
        else:
            best = study.best_trials  # feasible Pareto trials
            settings = sorted({(t.params["gogc_index"], t.params["gomemlimit_index"]) for t in best})
            front[key] = [list(s) for s in settings]
            if best:
                top = max(best, key=lambda t: d_sign * t.values[decisive])
                recommendation[key] = [top.params["gogc_index"], top.params["gomemlimit_index"]]
            else:
                recommendation[key] = None
    return trials, recommendation, front


def run_qnehvi(question, table, seed, budget, start):
    import torch
    from botorch.acquisition.multi_objective.logei import qLogNoisyExpectedHypervolumeImprovement
    from botorch.acquisition.multi_objective.objective import IdentityMCMultiOutputObjective
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms.outcome import Standardize
    from botorch.optim import optimize_acqf_discrete
    from botorch.sampling.normal import SobolQMCNormalSampler
    from botorch.utils.multi_objective.hypervolume import infer_reference_point
    from botorch.utils.multi_objective.pareto import is_non_dominated
    from gpytorch.mlls import ExactMarginalLogLikelihood

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    draws = crn.CommonDraws(table, seed)
    grid = table.grid
    g_max, l_max = len(table.gogc) - 1, len(table.gomemlimit) - 1
    choices = torch.tensor([[g / g_max, l / l_max] for g, l in grid], dtype=torch.double)
    n_obj, n_con = len(question.objectives), len(question.constraints)
    decisive = question.decisive

    if start is None:
        # Scrambled Sobol design rounded to the grid; duplicates replaced by seeded random picks.
        sobol = torch.quasirandom.SobolEngine(2, scramble=True, seed=seed).draw(question.initial).double()
        start, rng = [], np.random.default_rng(seed)
        for x in sobol.tolist():
            s = (int(round(x[0] * g_max)), int(round(x[1] * l_max)))
            while s in start:
                s = grid[rng.integers(len(grid))]
            start.append(s)
    trials, outcomes = [], []

    def measure(s):
        values = draws.draw(s)
        logs = question.log_objectives(values)
        y = [v if o["direction"] == "max" else -v for v, o in zip(logs, question.objectives)]  # maximise
        trials.append(tuple(s))
        outcomes.append(y + question.constraint_values(values))

    def fit():
        X = torch.tensor([[g / g_max, l / l_max] for g, l in trials], dtype=torch.double)
        Y = torch.tensor(outcomes, dtype=torch.double)
        model = SingleTaskGP(X, Y, outcome_transform=Standardize(m=Y.shape[-1]))
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        return X, Y, model

    def own_recommendation(model, Y):
        """tuner's rule on this model: the best posterior mean of the rule's objective among
        settings whose constraints hold at the posterior's one-sided 90 % bound."""
        with torch.no_grad():
            posterior = model.posterior(choices)
            mean, sd = posterior.mean, posterior.variance.clamp_min(1e-12).sqrt()
        # As tuner's recommend: when no setting passes, the least violating one (its penalty
        # of 100 x squared excess dominates the objective term).
        excess = torch.zeros(len(grid), dtype=torch.double)
        for c in range(n_con):
            excess += (mean[:, n_obj + c] + 1.2816 * sd[:, n_obj + c]).clamp_min(0) ** 2
        best = min(range(len(grid)), key=lambda i: (float(excess[i]), -float(mean[i, decisive])))
        return list(grid[best])

    recommendation, front = {}, {}
    for s in start[: min(len(start), budget)]:
        measure(s)
    while True:
        n = len(trials)
        needs_model = n < budget or n in CHECKPOINTS
        model = None
        if needs_model and n >= 2:
            X, Y, model = fit()
        if n in CHECKPOINTS:
            recommendation[str(n)] = own_recommendation(model, Y) if model is not None else None
            front[str(n)] = None  # the common front rule (the scorer computes it)
        if n >= budget:
            break
        if model is None:
            measure(grid[np.random.default_rng(seed + n).integers(len(grid))])
            continue
        feasible = (Y[:, n_obj:] <= 0).all(dim=-1)
        objectives_Y = Y[:, :n_obj]
        pareto = objectives_Y[feasible] if feasible.any() else objectives_Y
        pareto = pareto[is_non_dominated(pareto)]
        ref_point = infer_reference_point(pareto)
        acqf = qLogNoisyExpectedHypervolumeImprovement(
            model=model,
            ref_point=ref_point.tolist(),
            X_baseline=X,
            sampler=SobolQMCNormalSampler(sample_shape=torch.Size([128]), seed=seed * 1000 + n),
            objective=IdentityMCMultiOutputObjective(outcomes=list(range(n_obj))),
            constraints=[(lambda Z, k=k: Z[..., n_obj + k]) for k in range(n_con)],
            prune_baseline=True,
        )
        candidate, _ = optimize_acqf_discrete(acqf, q=1, choices=choices)
        x = candidate[0].tolist()
        measure((int(round(x[0] * g_max)), int(round(x[1] * l_max))))
    return trials, recommendation, front


def run_random(question, table, seed, budget, start):
    rng = np.random.default_rng(seed)
    order = [table.grid[i] for i in rng.permutation(len(table.grid))]
    chosen = list(start or [])
    chosen += [s for s in order if s not in chosen]
    return chosen[:budget], None, None


def farthest_point_order(table, chosen, count):
    """Continue `chosen` with the settings farthest (Euclidean, in grid-index units) from every
    setting chosen so far; ties go to the smallest (GOGC index, limit index)."""
    chosen = list(chosen)
    remaining = [s for s in table.grid if s not in chosen]
    while remaining and len(chosen) < count:
        best = max(remaining, key=lambda s: (min((s[0] - c[0]) ** 2 + (s[1] - c[1]) ** 2 for c in chosen), -s[0], -s[1]))
        chosen.append(best)
        remaining.remove(best)
    return chosen


def run_grid(question, table, seed, budget, start):
    return farthest_point_order(table, start or [table.default()], budget)[:budget], None, None


STRATEGIES = {
    "optuna-gp": lambda *a: run_optuna("gp", False, *a),
    "optuna-tpe": lambda *a: run_optuna("tpe", False, *a),
    "optuna-nsga2": lambda *a: run_optuna("nsga2", False, *a),
    "optuna-gp-so": lambda *a: run_optuna("gp", True, *a),
    "optuna-tpe-so": lambda *a: run_optuna("tpe", True, *a),
    "qnehvi": run_qnehvi,
    "random": run_random,
    "grid": run_grid,
}


def versions():
    out = {"numpy": np.__version__}
    for name in ("optuna", "torch", "botorch", "gpytorch"):
        try:
            out[name] = __import__(name).__version__
        except ImportError:
            pass
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="draw surface table (tuner-lab bench-search --export-table)")
    parser.add_argument("--strategy", choices=sorted(STRATEGIES), required=True)
    parser.add_argument("--start", choices=["own", "tuner"], default="own")
    parser.add_argument("--tuner-records", help="tuner's records (own start), for --start tuner")
    parser.add_argument("--seeds", type=int, default=50, help="seeds 1..N")
    parser.add_argument("--budget", type=int, default=40)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    table = crn.SurfaceTable(args.table)
    question = Question(table)
    starts = tuner_starts(args.tuner_records, question.initial) if args.start == "tuner" else {}
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    if r["budget"] == args.budget:
                        done.add(r["seed"])
    run = STRATEGIES[args.strategy]
    with open(args.out, "a") as out:
        for seed in range(1, args.seeds + 1):
            if seed in done:
                continue
            start = None
            if args.start == "tuner":
                if seed not in starts:
                    sys.exit(f"--tuner-records {args.tuner_records}: no own-start run of seed {seed}; run tuner's records first")
                start = starts[seed]
            began = time.perf_counter()
            trials, recommendation, front = run(question, table, seed, args.budget, start)
            record = {
                "strategy": args.strategy, "start": args.start, "seed": seed, "budget": args.budget,
                "trials": [list(t) for t in trials], "own_rule": recommendation is not None,
                "recommendation": recommendation or {}, "front": front or {},
                "seconds": time.perf_counter() - began, "versions": versions(),
            }
            out.write(json.dumps(record, sort_keys=True) + "\n")
            out.flush()
            print(f"{args.strategy} ({args.start} start) seed {seed}: {len(trials)} trials in {record['seconds']:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
