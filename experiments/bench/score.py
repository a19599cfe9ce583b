#!/usr/bin/env python3
"""Scores the cached runs of every strategy against a truth and writes markdown tables.

The truth of a setting is the mean of its held-out repeats (--truth TABLE, recorded separately
from the draw surface the strategies saw), or the mean of all its repeats, draw and held-out
(--truth-mode all), or -- for smoke runs only -- the mean of the draw repeats themselves
(--truth in-sample; every output is then headed "PROVISIONAL: truth is not held out"). No
setting's value is ever pooled with another's.

Scores, per strategy and trial count N, over seeds (95 % percentile-bootstrap intervals over
seeds, 2000 resamples):

  constrained regret   1 - truth(r_N) / truth(s*) for the rule's objective (throughput) when the
                       recommendation r_N is feasible under the truth, else 1; s* = the best
                       setting feasible under the truth. r_N is the strategy's own recommendation
                       and, separately, the common rule: among the settings it measured, the one
                       whose observed mean meets the constraints with the best observed mean.
                       No recommendation counts as regret 1 (and is counted apart).
                       Median, P(regret <= 5 %), infeasible rate.
  hypervolume          of the true values (log(v + eps) in every objective, tuner's scale) of
                       the truth-feasible settings measured (in-sample) and of the strategy's
                       recommended front (out-of-sample), as % of the true feasible front's.
                       Reference point: for an objective that is also constrained (rss_peak <=
                       256MiB) the bound itself, for the others the worst value among the
                       truth-feasible settings: every feasible setting lies inside the box and
                       counts, nothing the user excluded does.
  IGD+                 of those sets against the true feasible front, each objective scaled so
                       the true front spans [0, 1] (an empty set scores as the reference point).
  confirmation         tuner's confirmation simulated on the recorded draw repeats: 5 pairs
                       (default, candidate) from a stream of their own (CommonDraws' confirmation
                       seed), confirmed when all 5 favour the candidate on the rule's objective
                       (one-sided sign test p <= 0.05) and the candidate's median meets every
                       constraint. P(confirmed) and P(confirmed and wrong), wrong = not better than
                       the default under the truth, or infeasible under the truth.
"""
import argparse
import datetime
import glob
import json
import math
import os
import sys

import numpy as np

import crn

CHECKPOINTS = [8, 12, 16, 24, 40]
PROVISIONAL = "PROVISIONAL: truth is not held out"


# ---------------------------------------------------------------------------------------------
# Truth


class Truth:
    """Per-setting true values, and what the study asks of them."""

    def __init__(self, draw, truth_tables, description):
        q = draw.question
        self.draw = draw
        self.description = description
        self.objectives = q["objectives"]
        self.constraints = q["constraints"]
        self.decisive = q["decisive"]
        self.pairs = q["confirm_pairs"]
        self.values = {}
        for s in draw.grid:
            rows = [r for table in truth_tables for r in table.repeats[s]]
            self.values[s] = [math.fsum(r[m] for r in rows) / len(rows) for m in range(len(draw.metrics))]
        self.obj_cols = [draw.metric_index(o["metric"]) for o in self.objectives]
        self.con_cols = [draw.metric_index(c["metric"]) for c in self.constraints]
        self.dec_col = self.obj_cols[self.decisive]
        self.dec_max = self.objectives[self.decisive]["direction"] == "max"
        self.feasible = {s for s in draw.grid if self.met(self.values[s])}
        if not self.feasible:
            raise SystemExit("no setting is feasible under the truth: nothing to score")
        self.best = max(self.feasible, key=lambda s: self.dec_value(self.values[s]))
        self.default = draw.default()
        # Hypervolume space: minimisation form of log(v + eps).
        self.points = {s: self.min_form(self.values[s]) for s in draw.grid}
        self.reference = []
        for k, o in enumerate(self.objectives):
            bound = [c for c in self.constraints if c["metric"] == o["metric"]
                     and ((c["comparison"] == "<=") == (o["direction"] == "min"))]
            if bound:
                v = math.log(max(bound[0]["bound"], 0.0) + o["log_offset"])
                self.reference.append(v if o["direction"] == "min" else -v)
            else:
                self.reference.append(max(self.points[s][k] for s in self.feasible))
        self.true_volume = hypervolume([self.points[s] for s in self.feasible], self.reference)
        front = nondominated([self.points[s] for s in self.feasible])
        self.front = np.array(front)
        self.ideal = self.front.min(axis=0)
        self.nadir = self.front.max(axis=0)

    def met(self, values):
        for c, b in zip(self.con_cols, self.constraints):
            ok = values[c] <= b["bound"] if b["comparison"] == "<=" else values[c] >= b["bound"]
            if not ok:
                return False
        return True

    def dec_value(self, values):
        """The rule's objective, larger is better."""
        return values[self.dec_col] if self.dec_max else -values[self.dec_col]

    def min_form(self, values):
        out = []
        for c, o in zip(self.obj_cols, self.objectives):
            v = math.log(max(values[c], 0.0) + o["log_offset"])
            out.append(v if o["direction"] == "min" else -v)
        return out

    def regret(self, setting):
        """Constrained regret of recommending `setting` (None: no recommendation)."""
        if setting is None or tuple(setting) not in self.feasible:
            return 1.0
        t, best = self.values[tuple(setting)][self.dec_col], self.values[self.best][self.dec_col]
        return 1.0 - (t / best if self.dec_max else best / t)

    def better_than_default(self, setting):
        return self.dec_value(self.values[tuple(setting)]) > self.dec_value(self.values[self.default])

    def volume_share(self, settings):
        pts = [self.points[s] for s in {tuple(x) for x in settings} if s in self.feasible]
        return hypervolume(pts, self.reference) / self.true_volume if pts else 0.0

    def igd_plus(self, settings):
        import moocore

        span = np.where(self.nadir > self.ideal, self.nadir - self.ideal, 1.0)
        pts = [self.points[s] for s in {tuple(x) for x in settings} if s in self.feasible]
        if not pts:
            pts = [self.reference]
        return float(moocore.igd_plus((np.array(pts) - self.ideal) / span, ref=(self.front - self.ideal) / span))


def hypervolume(points, reference):
    import moocore

    inside = [p for p in points if all(x < r for x, r in zip(p, reference))]
    return float(moocore.hypervolume(np.array(inside), ref=np.array(reference))) if inside else 0.0


def nondominated(points):
    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))

    unique = [list(p) for p in {tuple(p) for p in points}]
    return [p for p in unique if not any(dominates(q, p) for q in unique if q != p)]


# ---------------------------------------------------------------------------------------------
# One run at one N


def sign_test_p(successes, trials):
    """P(X >= successes), X ~ Binomial(trials, 1/2): tuner's one-sided exact sign test."""
    return sum(math.comb(trials, k) for k in range(successes, trials + 1)) / 2**trials


def confirm(truth, draw, seed, candidate):
    """tuner's confirmation of `candidate` against the default, simulated on draw repeats.
    Returns (confirmed, wrong)."""
    if candidate is None or tuple(candidate) == truth.default:
        return False, False  # nothing to confirm: the default stays
    stream = crn.CommonDraws(draw, crn.confirmation_seed(seed))
    favour, constraint_values = 0, [[] for _ in truth.constraints]
    for i in range(truth.pairs):
        b = stream.draw(truth.default, visit=i)
        c = stream.draw(tuple(candidate), visit=i)
        favour += truth.dec_value(c) > truth.dec_value(b)
        for k, col in enumerate(truth.con_cols):
            constraint_values[k].append(c[col])
    improved = sign_test_p(favour, truth.pairs) <= 0.05
    met = all(
        (np.median(v) <= b["bound"]) if b["comparison"] == "<=" else (np.median(v) >= b["bound"])
        for v, b in zip(constraint_values, truth.constraints))
    confirmed = improved and met
    wrong = confirmed and (tuple(candidate) not in truth.feasible or not truth.better_than_default(candidate))
    return confirmed, wrong


def observed_means(draw, record, n):
    """The strategy's own view after n trials: per setting, the mean of its draws."""
    draws = crn.CommonDraws(draw, record["seed"])
    seen = {}
    for s in record["trials"][:n]:
        seen.setdefault(tuple(s), []).append(draws.draw(tuple(s)))
    return {s: np.mean(v, axis=0) for s, v in seen.items()}


def common_recommendation(truth, means):
    feasible = [s for s, m in means.items() if truth.met(m)]
    return max(feasible, key=lambda s: (truth.dec_value(means[s]), s)) if feasible else None


def common_front(truth, means):
    feasible = [s for s, m in means.items() if truth.met(m)]
    pts = {s: truth.min_form(means[s]) for s in feasible}

    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))

    return [s for s in feasible if not any(dominates(pts[t], pts[s]) for t in feasible if t != s)]


def score_run(truth, draw, record, n):
    means = observed_means(draw, record, n)
    common = common_recommendation(truth, means)
    key = str(n)
    if record.get("own_rule", True) and key in record["recommendation"]:
        own = record["recommendation"][key]
        own = tuple(own) if own is not None else None
    else:
        own = common
    front = record.get("front", {}).get(key)
    if front is None or not record.get("own_rule", True):
        front = common_front(truth, means)
    out = {}
    for name, rec in (("own", own), ("common", common)):
        out[f"regret_{name}"] = truth.regret(rec)
        out[f"none_{name}"] = rec is None
        out[f"infeasible_{name}"] = rec is not None and tuple(rec) not in truth.feasible
        confirmed, wrong = confirm(truth, draw, record["seed"], rec)
        out[f"confirmed_{name}"] = confirmed
        out[f"wrong_{name}"] = wrong
    measured = list(means)
    out["hv_in"] = truth.volume_share(measured)
    out["hv_out"] = truth.volume_share(front)
    out["igd_in"] = truth.igd_plus(measured)
    out["igd_out"] = truth.igd_plus(front)
    out["trials"] = min(n, len(record["trials"]))
    return out


# ---------------------------------------------------------------------------------------------
# Tables


def bootstrap(values, statistic, resamples=2000, seed=12345):
    """(estimate, lower, upper): the statistic and its 95 % percentile-bootstrap interval over
    the values (seeds), resampled with replacement. `statistic` takes an axis argument."""
    values = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(resamples, len(values)))
    stats = statistic(values[idx], axis=1)
    return float(statistic(values)), float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5))


def cell(values, statistic, scale=100.0, decimals=1):
    est, lo, hi = bootstrap(values, statistic)
    f = f"{{:.{decimals}f}}"
    return f"{f.format(est * scale)} [{f.format(lo * scale)}, {f.format(hi * scale)}]"


NAMES = {"tuner-optimum": "tuner, its posterior optimum (no robust pick)",
         "tuner-leanest": "tuner, the region's leanest member (its rule before the held-out benchmark)",
         "tuner-box": "tuner on raw knob inputs, no alias rule (ablation)"}


def label(strategy, start):
    strategy = NAMES.get(strategy, strategy)
    return {"own": strategy, "tuner": f"{strategy}, tuner's start", "random": f"{strategy}, random start"}[start]


ORDER = ["tuner", "tuner-optimum", "tuner-leanest", "tuner-box", "optuna-gp", "optuna-gp-so", "qnehvi", "optuna-tpe", "optuna-tpe-so", "optuna-nsga2", "random", "grid"]


def load_records(cache):
    runs = {}
    for path in sorted(glob.glob(os.path.join(cache, "*.jsonl"))):
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    runs.setdefault((r["strategy"], r["start"]), {})[r["seed"]] = r
                    if r["strategy"] == "tuner" and r.get("leanest"):
                        # The same run, recommending the plateau region's leanest member (smallest
                        # predicted peak RSS), tuner's rule before it recommended the optimum: the
                        # before and after of that change on one set of runs.
                        runs.setdefault(("tuner-leanest", r["start"]), {})[r["seed"]] = dict(r, strategy="tuner-leanest", recommendation=r["leanest"])
                    elif r["strategy"] == "tuner" and r.get("optimum"):
                        # Records from before that change: `recommendation` holds the leanest
                        # member's pick, `optimum` the surrogate's posterior optimum.
                        runs.setdefault(("tuner-optimum", r["start"]), {})[r["seed"]] = dict(r, strategy="tuner-optimum", recommendation=r["optimum"])
    return runs


def sort_key(item):
    (strategy, start) = item
    return (ORDER.index(strategy) if strategy in ORDER else len(ORDER), strategy, {"own": 0, "tuner": 1, "random": 2}[start])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draw", required=True, help="draw surface table (what the strategies saw)")
    parser.add_argument("--truth", required=True, help="held-out surface table, or 'in-sample' (smoke runs only)")
    parser.add_argument("--truth-mode", choices=["heldout", "all"], default="heldout",
                        help="truth = mean of the held-out repeats, or of all repeats (draw and held-out)")
    parser.add_argument("--cache", required=True, help="folder of strategies' records (*.jsonl)")
    parser.add_argument("--out", required=True, help="folder for the markdown tables and scores.json")
    parser.add_argument("--checkpoints", default=",".join(map(str, CHECKPOINTS)))
    args = parser.parse_args()
    checkpoints = [int(x) for x in args.checkpoints.split(",")]

    draw = crn.SurfaceTable(args.draw)
    provisional = args.truth == "in-sample"
    if provisional:
        truth = Truth(draw, [draw], "in-sample: the mean of the draw repeats themselves (the strategies saw these values)")
    else:
        held = crn.SurfaceTable(args.truth)
        check_heldout(draw, held)
        tables = [held] if args.truth_mode == "heldout" else [draw, held]
        what = "mean of the held-out repeats" if args.truth_mode == "heldout" else "mean of all repeats (draw and held-out)"
        truth = Truth(draw, tables, f"{what}; held-out surface {held.source} ({held.trials} trials)")

    runs = load_records(args.cache)
    if not runs:
        sys.exit(f"--cache {args.cache}: no records; run experiments/bench/compare.sh first")
    scores = {}
    for key in sorted(runs, key=sort_key):
        seeds = sorted(runs[key])
        scores[key] = {n: [score_run(truth, draw, runs[key][s], n) for s in seeds] for n in checkpoints}
    default_regret = truth.regret(truth.default)

    os.makedirs(args.out, exist_ok=True)
    head = header(args, draw, truth, provisional, runs, default_regret)
    files = {
        "regret.md": regret_tables(scores, checkpoints, default_regret),
        "hypervolume.md": hypervolume_tables(scores, checkpoints, truth),
        "confirmation.md": confirmation_tables(scores, checkpoints),
        "goal.md": goal_check(scores, checkpoints),
    }
    for name, body in files.items():
        text = head + body
        with open(os.path.join(args.out, name), "w") as f:
            f.write(text)
        print(text)
    export = {f"{s}|{st}": {str(n): v for n, v in per.items()} for (s, st), per in scores.items()}
    with open(os.path.join(args.out, "scores.json"), "w") as f:
        json.dump({"provisional": provisional, "truth": truth.description, "scores": export}, f)


def check_heldout(draw, held):
    """The held-out truth must be the same question on the same grid, recorded separately."""
    problems = []
    if held.raw_sha256 == draw.raw_sha256:
        problems.append("it is the draw surface itself")
    if held.gogc != draw.gogc or held.gomemlimit != draw.gomemlimit or set(held.repeats) != set(draw.repeats):
        problems.append("its grid differs from the draw surface's (every setting must be recorded again)")
    same_question = {k: v for k, v in held.question.items() if k != "spec"} == {k: v for k, v in draw.question.items() if k != "spec"}
    if held.metrics != draw.metrics or not same_question:
        problems.append("it was exported for a different question (export both with the same --spec)")
    overlap = set(t for s in draw.repeats for t in draw.started.get(s, [])) & set(t for s in held.repeats for t in held.started.get(s, []))
    if overlap:
        problems.append(f"{len(overlap)} of its trials are trials of the draw surface")
    if problems:
        sys.exit(f"--truth {held.path}: not a held-out truth: " + "; ".join(problems))


def header(args, draw, truth, provisional, runs, default_regret):
    lines = []
    if provisional:
        lines += [f"**{PROVISIONAL}.** Smoke run: the truth is the mean of the very repeats the strategies "
                  "drew from, so these numbers are not the benchmark's result.", ""]
    names = truth.draw.labels
    ref = ", ".join(f"{o['metric']} {fmt_native(o, truth.reference[k])}" for k, o in enumerate(truth.objectives))
    lines += [
        f"Draw surface: `{draw.source}` ({draw.trials} trials, {len(draw.grid)} settings; table sha256 {draw.raw_sha256[:12]}). "
        f"Truth: {truth.description}. Question (`{draw.question['spec']}`): objectives "
        + ", ".join(f"{o['direction']} {o['metric']}" for o in truth.objectives)
        + "; constraints " + ", ".join(f"{c['metric']} {c['comparison']} {fmt_bound(c)}" for c in truth.constraints)
        + f"; rule: best {truth.objectives[truth.decisive]['metric']}.",
        "",
        f"Best feasible setting under the truth s* = {names[truth.best]} "
        f"({truth.values[truth.best][truth.dec_col]:.0f} {truth.objectives[truth.decisive]['metric']}); "
        f"{len(truth.feasible)} of {len(draw.grid)} settings feasible; the Go default's regret {default_regret * 100:.1f} %. "
        f"Hypervolume reference point: {ref}.",
        "",
        draw_oracle_line(draw, truth),
        "",
        "Seeds per strategy: " + ", ".join(f"{label(*k)} {len(v)}" for k, v in sorted(runs.items(), key=lambda kv: sort_key(kv[0]))) + ". "
        f"Cells: estimate [95 % bootstrap interval over seeds]. Scored {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    return "\n".join(lines) + "\n"


def draw_oracle_line(draw, truth):
    """What measuring every setting of the draw surface (all its repeats) and taking the common
    rule would score: the floor below which a strategy's regret is the disagreement between
    the two recordings, not its search. Added after the first held-out scores were seen (the
    scores themselves are unchanged)."""
    means = {s: draw.means(s) for s in draw.grid}
    pick = common_recommendation(truth, means)
    if pick is None:
        return "Draw-surface oracle: no setting's draw means meet the constraints."
    return (f"Draw-surface oracle (every setting, all {draw.trials} draw trials, common rule): {draw.labels[pick]}, "
            f"regret {truth.regret(pick) * 100:.1f} % under this truth: below that, a difference between strategies "
            "is the two recordings' disagreement, not their search.")


def fmt_bound(constraint):
    b = constraint["bound"]
    return f"{b / 2**20:g}MiB" if constraint["metric"] == "rss_peak" else f"{b:g}"


def fmt_native(objective, value):
    v = value if objective["direction"] == "min" else -value
    raw = math.exp(v) - objective["log_offset"]
    if objective["metric"] == "rss_peak":
        return f"{raw / 2**20:.0f} MiB"
    return f"{raw:.4g}"


def table(rows, checkpoints, title, note=""):
    out = [f"#### {title}", ""]
    if note:
        out += [note, ""]
    out.append("| strategy | seeds | " + " | ".join(f"N = {n}" for n in checkpoints) + " |")
    out.append("|---|---:|" + "---:|" * len(checkpoints))
    out += rows
    return "\n".join(out) + "\n\n"


def rows_of(scores, checkpoints, fn):
    rows = []
    for key, per in scores.items():
        seeds = len(per[checkpoints[0]])
        rows.append(f"| {label(*key)} | {seeds} | " + " | ".join(fn(per[n]) for n in checkpoints) + " |")
    return rows


def regret_tables(scores, checkpoints, default_regret):
    out = ["## Constrained regret of the recommendation", ""]
    for rule, what in (("own", "each strategy's own recommendation (tuner: its surrogate's posterior optimum, as `tuner run` "
                                 "would confirm; Optuna: its best feasible trial(s); qNEHVI: tuner's rule on its model; "
                                 "random and grid have none and use the common rule)"),
                       ("common", "among the settings it measured, the best observed mean of those "
                                  "whose observed means meet the constraints")):
        out.append(f"### {rule.capitalize()} rule: {what}\n")
        out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r[f"regret_{rule}"] for r in rs], np.median)),
                         checkpoints, f"Median regret, % ({rule} rule)", f"The Go default itself: {default_regret * 100:.1f} %."))
        out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r[f"regret_{rule}"] <= 0.05 for r in rs], np.mean, decimals=0)),
                         checkpoints, f"P(regret <= 5 %), % ({rule} rule)"))

        def infeasible(rs):
            c = cell([r[f"infeasible_{rule}"] for r in rs], np.mean, decimals=0)
            none = sum(r[f"none_{rule}"] for r in rs)
            return c + (f"; none {none}" if none else "")

        out.append(table(rows_of(scores, checkpoints, infeasible), checkpoints,
                         f"Infeasible under the truth, % ({rule} rule)", "'none k': k seeds had no recommendation (counted as regret 1, not as infeasible)."))
    return "\n".join(out)


def hypervolume_tables(scores, checkpoints, truth):
    out = ["## Hypervolume and IGD+ of the true values", ""]
    out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r["hv_in"] for r in rs], np.mean)), checkpoints,
                     "In-sample: truth-feasible settings measured, mean % of the true feasible hypervolume",
                     f"The Go default alone: {truth.volume_share([truth.default]) * 100:.1f} %."))
    out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r["hv_out"] for r in rs], np.mean)), checkpoints,
                     "Out-of-sample: the recommended front, mean % of the true feasible hypervolume",
                     "Front: tuner's report frontier of feasible settings (medians); Optuna's best (feasible Pareto) trials; "
                     "the others the feasible non-dominated observed means."))
    out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r["igd_out"] for r in rs], np.mean, scale=1, decimals=3)),
                     checkpoints, "IGD+ of the recommended front (lower is better; objectives scaled to the true front's range)"))
    out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r["igd_in"] for r in rs], np.mean, scale=1, decimals=3)),
                     checkpoints, "IGD+ of the truth-feasible settings measured"))
    return "\n".join(out)


def confirmation_tables(scores, checkpoints):
    out = ["## Confirmation accuracy (tuner's 5 alternating pairs, simulated on the draw repeats)", "",
           "With 3 recorded repeats a setting, the 5 pairs reuse repeats (a second round of the common random "
           "numbers), and the recorded repeats were not run back to back as real pairs are: read these as "
           "an approximation of what confirmation would do.", ""]
    for rule in ("own", "common"):
        out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r[f"confirmed_{rule}"] for r in rs], np.mean, decimals=0)),
                         checkpoints, f"P(confirmed), % ({rule} rule)"))
        out.append(table(rows_of(scores, checkpoints, lambda rs: cell([r[f"wrong_{rule}"] for r in rs], np.mean, decimals=0)),
                         checkpoints, f"P(confirmed and wrong), % ({rule} rule)",
                         "Wrong: not better than the Go default under the truth, or infeasible under the truth."))
    return "\n".join(out)


def goal_check(scores, checkpoints):
    """Issue 12's acceptance goal, checked mechanically on these tables."""
    out = ["## Issue 12's goal on this surface", ""]
    tuner = scores.get(("tuner", "own"))
    rivals = [k for k in scores if k[0] in ("optuna-gp", "optuna-gp-so", "qnehvi")]
    if tuner is None or not rivals:
        return "\n".join(out + ["Not checkable: tuner's or its rivals' runs are missing.", ""]) + "\n"
    lines = []
    for n in (12, 16):
        if n not in checkpoints:
            continue
        _, tlo, thi = bootstrap([r["regret_own"] for r in tuner[n]], np.median)
        t_med = np.median([r["regret_own"] for r in tuner[n]])
        for k in rivals:
            med, lo, hi = bootstrap([r["regret_own"] for r in scores[k][n]], np.median)
            ok = thi < lo
            lines.append(f"- N = {n}: tuner's median regret {t_med * 100:.1f} % [{tlo * 100:.1f}, {thi * 100:.1f}] vs {label(*k)} "
                         f"{med * 100:.1f} % [{lo * 100:.1f}, {hi * 100:.1f}]: {'lower, intervals apart' if ok else 'NOT lower with intervals apart'}")
            t_inf = np.mean([r["infeasible_own"] for r in tuner[n]])
            r_inf = np.mean([r["infeasible_own"] for r in scores[k][n]])
            lines.append(f"  infeasible {t_inf * 100:.0f} % vs {r_inf * 100:.0f} %: {'no higher' if t_inf <= r_inf else 'HIGHER'}")
    if 40 in checkpoints:
        t_hv = np.mean([r["hv_in"] for r in tuner[40]])
        for k in rivals:
            r_hv = np.mean([r["hv_in"] for r in scores[k][40]])
            lines.append(f"- N = 40 in-sample hypervolume: tuner {t_hv * 100:.1f} % vs {label(*k)} {r_hv * 100:.1f} %: "
                         f"{'at least theirs' if t_hv >= r_hv else 'BELOW'}")
    for n in checkpoints:
        w = np.mean([r["wrong_own"] for r in tuner[n]])
        lines.append(f"- N = {n}: tuner's P(confirmed and wrong) {w * 100:.0f} %: {'at most 5 %' if w <= 0.05 else 'ABOVE 5 %'}")
    return "\n".join(out + lines + [""]) + "\n"


if __name__ == "__main__":
    main()
