#!/usr/bin/env python3
"""Builds, executes and renders a study's notebook from the data `tuner notebook` wrote.

    python3 scripts/notebook/make_notebook.py DIR/<study>.json [--timeout SECONDS]

writes DIR/<study>.ipynb (executed, kernel python3), DIR/<study>.html and the frontier figure
DIR/<study>-frontier.png beside the data.
The notebook reads only <study>.json from its own folder, so DIR can be moved or shared as is.

Everything the notebook shows is computed by tuner (NotebookData in
Sources/TunerRuntime/Output/NotebookData.swift): the recommendation, rule and explanation are
the study's stored decision; this script only chooses which cells to write and draws. Every
figure states its sample counts, and intervals are drawn where the data has them.
"""
import argparse
import base64
import html
import importlib.util
import json
import os
import sys
import textwrap

# (module, pip package); the pins are in scripts/requirements-notebook.txt.
REQUIRED = [("matplotlib", "matplotlib"), ("nbformat", "nbformat"), ("nbclient", "nbclient"),
            ("nbconvert", "nbconvert"), ("ipykernel", "ipykernel")]
SETUP_HINT = ("install them with 'source scripts/setup.sh' "
              "(or 'python3 -m pip install -r scripts/requirements-notebook.txt')")
FORMAT = 1  # NotebookData.currentFormat


def missing_packages():
    return [package for module, package in REQUIRED if importlib.util.find_spec(module) is None]


def cell_source(text):
    return textwrap.dedent(text).strip("\n")


# ---------------------------------------------------------------------------------------------
# Cells. Code cells are kept short and readable: a reader of the notebook sees how each figure
# is drawn from the data file. Shared helpers live in the first code cell.

SETUP = '''
%matplotlib inline
import json, math
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import LogNorm, Normalize
from IPython.display import Markdown, display

plt.rcParams.update({"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3})
with open(DATA_FILE) as f:
    data = json.load(f)
assert data["format"] == FORMAT, f"{DATA_FILE} has format {data['format']}, this notebook reads {FORMAT}"

trials = {t["trialIndex"]: t for t in data["trials"]}
rows = data["frontier"]
objectives = [o["metric"] for o in data["objectives"]]
directions = {o["metric"]: o["direction"] for o in data["objectives"]}
metric_info = {m["metric"]: m for m in data["metrics"]}
MIB = 1024 ** 2

def num(x):
    """JSON numbers; tuner writes non-finite values as strings ("inf", "nan")."""
    return float(x) if isinstance(x, str) else x

def axis(metric):
    """(divisor, label) for a metric's axis: bytes are shown in MiB."""
    info = metric_info.get(metric, {"label": metric, "isBytes": False})
    return (MIB, info["label"] + " (MiB)") if info["isBytes"] else (1.0, info["label"])

def fmt(metric, value):
    div, _ = axis(metric)
    v = num(value) / div
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.3g}"

def estimate_text(metric, e):
    if e["sampleCount"] < 2 or e["lower"] == e["upper"]:
        return f"{fmt(metric, e['value'])} (n={e['sampleCount']})"
    return f"{fmt(metric, e['value'])} [{fmt(metric, e['lower'])}, {fmt(metric, e['upper'])}] (n={e['sampleCount']})"

def better(metric, candidate, default):
    return candidate > default if directions.get(metric, "minimize") == "maximize" else candidate < default
'''

TABLE = '''
def mark(row):
    m = ("*" if row["onFrontier"] else "") + ("?" if row["membership"] == "uncertain" else "")
    m += "d" if row["isDefault"] else ""
    return m + (" =>" if row["isRecommended"] else "")

shown = objectives + [m for m in ["rss_peak", "latency_p99_ms", "gc_count"] if m not in objectives]
head = ["mark", "GOGC", "GOMEMLIMIT", "n"] + [axis(m)[1] for m in shown] + ["P(front)", "constraints"]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
for row in sorted(rows, key=lambda r: not r["onFrontier"]):  # frontier first, then by setting
    n = f"{row['measuredTrials']}" + (f"+{row['failedTrials']}f" if row["failedTrials"] else "")
    cells = [mark(row), row["setting"].split()[0][5:], row["setting"].split()[1][11:], n]
    cells += [estimate_text(m, row["metrics"][m]) if m in row["metrics"] else "–" for m in shown]
    cells += [f"{row['frontierProbability']:.2f}",
              "met" if row["feasible"] and not row["undecidedConstraints"] else
              ("met?" if row["feasible"] else "violates " + ", ".join(row["violatedConstraints"]))]
    lines.append("| " + " | ".join(cells) + " |")
display(Markdown("**Frontier** (medians over repeats, 95 % bootstrap interval, n = repeats; "
                 "* frontier, ? uncertain, d Go default, => recommended):\\n\\n" + "\\n".join(lines)))

head = ["#", "phase", "setting"] + [axis(m)[1] for m in objectives] + ["pauses"]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
for t in data["trials"]:
    values = [fmt(m, t["metrics"][m]) if m in t["metrics"] else "–" for m in objectives]
    pauses = len(t["pausesMillis"]) if t.get("pausesMillis") is not None else "–"
    status = "" if t["measured"] else f" (failed: {t.get('failure')})"
    lines.append("| " + " | ".join([str(t["number"]), t["phase"], t["setting"] + status] + values + [str(pauses)]) + " |")
display(Markdown(f"**Every trial** ({len(data['trials'])}, in the order they ran):\\n\\n" + "\\n".join(lines)))
'''

FRONTIER = '''
from itertools import combinations
pairs = list(combinations(objectives, 2))
fig, axes = plt.subplots(1, len(pairs), figsize=(6.5 * len(pairs), 5.2), squeeze=False)
for ax, (mx, my) in zip(axes[0], pairs):
    dx, lx = axis(mx)
    dy, ly = axis(my)
    drawn = [r for r in rows if mx in r["metrics"] and my in r["metrics"]]
    for r in drawn:
        ex, ey = r["metrics"][mx], r["metrics"][my]
        x, y = num(ex["value"]) / dx, num(ey["value"]) / dy
        xerr = [[x - num(ex["lower"]) / dx], [num(ex["upper"]) / dx - x]]
        yerr = [[y - num(ey["lower"]) / dy], [num(ey["upper"]) / dy - y]]
        faded = not r["onFrontier"]
        marked = r["isDefault"] or r["isRecommended"]  # keep their bars legible, in grey when dominated
        ax.errorbar(x, y, xerr=xerr, yerr=yerr, fmt="o", ms=5, capsize=2,
                    color=("0.45" if marked else "0.6") if faded else "C0", alpha=0.35 if faded and not marked else 0.9, zorder=2)
        ax.annotate(f"n={r['measuredTrials']}", (x, y), textcoords="offset points", xytext=(4, 4),
                    fontsize=7, color="0.5" if faded else "0.2")
        if r["isDefault"]:
            ax.plot(x, y, "s", ms=11, mfc="none", mec="black", mew=2, zorder=3,
                    label=f"Go default {r['setting']} (n={r['measuredTrials']})")
        if r["isRecommended"]:
            ax.plot(x, y, "*", ms=17, color="crimson", zorder=4,
                    label=f"recommended {r['setting']} (n={r['measuredTrials']})")
    for c in data["constraints"]:
        if c["metric"] == mx:
            ax.axvline(c["bound"] / dx, color="darkorange", ls="--", label=f"constraint {c['text']}")
        if c["metric"] == my:
            ax.axhline(c["bound"] / dy, color="darkorange", ls="--", label=f"constraint {c['text']}")
    ax.plot([], [], "o", color="C0", label=f"on the frontier of the medians (all {len(objectives)} objectives)")
    ax.plot([], [], "o", color="0.6", alpha=0.35, label="dominated (faded)")
    ax.set_xlabel(f"{lx} ({directions[mx]})")
    ax.set_ylabel(f"{ly} ({directions[my]})")
    trials_n = sum(r["measuredTrials"] for r in drawn)
    ax.set_title(f"{len(drawn)} settings, {trials_n} trials: medians, 95 % bootstrap intervals\\n"
                 "(n = repeats; n=1 has no interval)", fontsize=10)
    ax.legend(fontsize=7, loc="best")
fig.suptitle(f"Frontier of study '{data['study']}'")
fig.tight_layout()
plt.show()
'''

HYPERVOLUME = '''
hv = data["hypervolume"]
history = hv["history"]
x = [h["number"] for h in history]
y = [h["hypervolume"] for h in history]
fig, ax = plt.subplots(figsize=(9, 4.2))
ax.step(x, y, where="post", color="0.3", lw=1.5, label="hypervolume of the measured trials so far")
phases = sorted({h["phase"].split(" ")[0] for h in history})
for i, phase in enumerate(phases):
    pts = [(h["number"], h["hypervolume"]) for h in history if h["phase"].split(" ")[0] == phase and h["counted"]]
    if pts:
        ax.plot(*zip(*pts), "o", ms=5, color=f"C{i}", label=f"{phase} trials (n={len(pts)})")
failed = [(h["number"], h["hypervolume"]) for h in history if not h["counted"]]
if failed:
    ax.plot(*zip(*failed), "x", color="crimson", label=f"failed / incomplete trials (n={len(failed)}, not counted)")
ax.set_xlabel("trial")
ax.set_ylabel(f"hypervolume (normalised, max {hv['maximum']:.3f})")
counted = sum(h["counted"] for h in history)
ax.set_title(f"Hypervolume after each trial: {counted} counted of {len(history)}; "
             f"final frontier {history[-1]['frontierSize'] if history else 0} trials", fontsize=10)
ax.set_ylim(bottom=0)
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()
'''

SURFACE = '''
surface = data["surface"]
grid = surface["grid"]
metric = grid["metric"]
div, label = axis(metric)
gogc, limits = grid["gogcValues"], grid["memoryLimitBytesValues"]
OFF = 1.25  # where the model itself places `off` on each axis (SettingEncoding.offCoordinate)
num_g = [v for v in gogc if v is not None]
num_l = [v for v in limits if v is not None]

def unit(value, numeric):
    """Model coordinate of a knob value: log-scaled onto [0, 1] over the grid's range; off at 1.25."""
    if value is None:
        return OFF
    lo, hi = numeric[0], numeric[-1]
    return math.log(value / lo) / math.log(hi / lo)

def log_ticks(ax_set, numeric, fmt_value, label):
    """Ticks at round values of a log axis drawn in model coordinates, and "off" at 1.25."""
    lo, hi = numeric[0], numeric[-1]
    nice = [m * 10 ** e for e in range(-1, 13) for m in (1, 2, 5)]
    ticks = [v for v in nice if lo <= v <= hi] or [lo, hi]
    positions = [unit(v, numeric) for v in ticks] + [OFF]
    ax_set(positions, [fmt_value(v) for v in ticks] + ["off"], label)

def mib(v):
    return f"{v / MIB:.0f}MiB" if v < 1024 * MIB else f"{v / 1024 / MIB:.3g}GiB"

# Measured points the model was fitted on: search and noise-check trials carrying the metric.
train = [t for t in data["trials"] if t["measured"] and not t["phase"].startswith("confirm") and metric in t["metrics"]]
by_setting = {}
for t in train:
    by_setting.setdefault((t.get("gogc"), t.get("memoryLimitBytes")), []).append(num(t["metrics"][metric]) / div)

pred = np.array([[num(v) for v in row] for row in grid["predicted"]]) / div
sd = np.array([[num(v) for v in row] for row in grid["posteriorSD"]])
positive = bool(np.all(pred > 0)) and pred.max() / pred.min() > 5
norm = LogNorm(vmin=pred.min(), vmax=pred.max()) if positive else Normalize(vmin=pred.min(), vmax=pred.max())
gi_num = [i for i, v in enumerate(gogc) if v is not None]
li_num = [i for i, v in enumerate(limits) if v is not None]
gi_off = [i for i, v in enumerate(gogc) if v is None]
li_off = [i for i, v in enumerate(limits) if v is None]

if gi_num and li_num:
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.4))
    X = [unit(gogc[i], num_g) for i in gi_num]
    Y = [unit(limits[j], num_l) for j in li_num]
    band = [OFF - 0.1, OFF + 0.1]  # the off arms are drawn as bands 0.2 wide around 1.25
    for ax, Z, cmap, vnorm, title in [
            (axes[0], pred, "viridis", norm, f"predicted {label}"),
            (axes[1], sd, "magma", Normalize(vmin=sd.min(), vmax=sd.max()), f"posterior sd of {grid['scale']}")]:
        levels = np.geomspace(vnorm.vmin, vnorm.vmax, 14) if isinstance(vnorm, LogNorm) else np.linspace(vnorm.vmin, vnorm.vmax, 14)
        cs = ax.contourf(X, Y, Z[np.ix_(li_num, gi_num)], levels=levels, cmap=cmap, norm=vnorm)
        # The off arms: no limit as a row at 1.25, GOGC=off as a column at 1.25, both at the corner.
        for j in li_off:
            ax.contourf(X, band, np.vstack([Z[j, gi_num]] * 2), levels=levels, cmap=cmap, norm=vnorm)
        for i in gi_off:
            ax.contourf(band, Y, np.column_stack([Z[li_num, i]] * 2), levels=levels, cmap=cmap, norm=vnorm)
            for j in li_off:
                ax.add_patch(plt.Rectangle((band[0], band[0]), 0.2, 0.2, color=plt.get_cmap(cmap)(vnorm(Z[j, i])), lw=0))
        fig.colorbar(cs, ax=ax, label=title)
        for (g, l), values in by_setting.items():
            at = (unit(g, num_g), unit(l, num_l))
            if Z is pred:
                ax.scatter(*at, s=30 + 12 * len(values), c=[np.median(values)], cmap=cmap, norm=vnorm, edgecolors="black", zorder=3)
            else:
                ax.scatter(*at, s=30 + 12 * len(values), c="white", edgecolors="black", zorder=3)
            ax.annotate(f"×{len(values)}", at, textcoords="offset points", xytext=(5, -9), fontsize=7)
        log_ticks(lambda p, t, lab: (ax.set_xticks(p), ax.set_xticklabels(t), ax.set_xlabel(lab)), num_g,
                  lambda v: f"{v:.0f}", "GOGC (log scale; off at the edge)")
        log_ticks(lambda p, t, lab: (ax.set_yticks(p), ax.set_yticklabels(t), ax.set_ylabel(lab)), num_l,
                  mib, "GOMEMLIMIT (log scale; off at the edge)")
        ax.set_xlim(-0.03, OFF + 0.12)
        ax.set_ylim(-0.03, OFF + 0.12)
        ax.grid(False)
        ax.set_title(f"{title}\\n{len(train)} trials at {len(by_setting)} setting{'s' if len(by_setting) != 1 else ''} (circles: measured median, ×n trials)", fontsize=9)
else:
    # One knob has no numeric values (e.g. no GOMEMLIMIT domain): the surface is a curve.
    along_gogc = bool(gi_num) or not li_num
    values = gogc if along_gogc else limits
    numeric = num_g if along_gogc else num_l
    lo95 = np.array([[num(v) for v in row] for row in grid["lower95"]]) / div
    hi95 = np.array([[num(v) for v in row] for row in grid["upper95"]]) / div
    fig, ax = plt.subplots(figsize=(9, 4.8))
    line = (lambda M: M[0, :]) if along_gogc else (lambda M: M[:, 0])
    idx = [i for i, v in enumerate(values) if v is not None]
    if numeric:
        xs = [unit(values[i], numeric) for i in idx]
        ax.plot(xs, line(pred)[idx], color="C0", label="posterior prediction")
        ax.fill_between(xs, line(lo95)[idx], line(hi95)[idx], color="C0", alpha=0.2, label="95 % posterior interval")
    for i, v in enumerate(values):
        if v is None:
            p = line(pred)[i]
            ax.errorbar(OFF, p, yerr=[[p - line(lo95)[i]], [line(hi95)[i] - p]], fmt="s", color="C0", capsize=3)
    for (g, l), vals in by_setting.items():
        key = g if along_gogc else l
        ax.plot([unit(key, numeric) if numeric else OFF] * len(vals), vals, "o", color="black", ms=4)
    ax.plot([], [], "o", color="black", ms=4, label=f"measured trials (n={len(train)})")
    if numeric:
        log_ticks(lambda p, t, lab: (ax.set_xticks(p), ax.set_xticklabels(t), ax.set_xlabel(lab)), numeric,
                  (lambda v: f"{v:.0f}") if along_gogc else mib,
                  ("GOGC" if along_gogc else "GOMEMLIMIT") + " (log scale; off at the edge)")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
    ax.set_title(f"Surrogate's predicted {label} ({len(train)} trials at {len(by_setting)} setting{'s' if len(by_setting) != 1 else ''})", fontsize=10)
fig.suptitle(f"Surrogate's posterior of {metric} over (GOGC, GOMEMLIMIT), fitted on {grid['trainingTrials']} trials", fontsize=10)
fig.tight_layout()
plt.show()
'''

ECDF = '''
decision = data["decision"]
default_setting = next((r["setting"] for r in rows if r["isDefault"]), None)
wanted = [s for s in [default_setting, decision.get("recommended")] if s]
wanted = list(dict.fromkeys(wanted))  # the recommendation may be the default itself
fig, ax = plt.subplots(figsize=(9, 4.8))
units = set()
for i, setting in enumerate(wanted):
    ts = [t for t in data["trials"] if t["setting"] == setting and t["measured"]]
    pauses = [p for t in ts for p in (t.get("pausesMillis") or [])]
    buckets = [b for t in ts for b in (t.get("pauseHistogram") or [])]
    units.update(t.get("pauseSampleUnit") or "pause" for t in ts)
    role = ("Go default" if setting == default_setting else "") + (" = " if setting == default_setting and setting == decision.get("recommended") else "")
    role += "recommended" if setting == decision.get("recommended") else ""
    if pauses:
        # gctrace prints pauses under 0.001 ms as 0: drawn at 0.001 ms on the log axis.
        xs = np.sort(np.maximum(np.array(pauses), 1e-3))
        ys = np.arange(1, len(xs) + 1) / len(xs)
        zeros = sum(p <= 0 for p in pauses)
        note = f", {zeros} printed as 0 drawn at 0.001 ms" if zeros else ""
        p99 = np.quantile(pauses, 0.99)
        ax.step(xs, ys, where="post", color=f"C{i}", lw=1.8,
                label=f"{role}: {setting}: n={len(pauses)} pauses from {len(ts)} trials, p99 {p99:.3g} ms{note}")
    elif buckets:
        # A histogram source: the ECDF is known only at bucket edges (drawn at each bucket's upper edge).
        edges = {}
        for b in buckets:
            edges[b.get("upperMillis") or b["lowerMillis"]] = edges.get(b.get("upperMillis") or b["lowerMillis"], 0) + b["count"]
        xs = sorted(edges)
        counts = np.cumsum([edges[x] for x in xs])
        ax.step(xs, counts / counts[-1], where="post", color=f"C{i}", lw=1.8,
                label=f"{role}: {setting}: n={int(counts[-1])} pauses (histogram buckets) from {len(ts)} trials")
    else:
        ax.plot([], [], color=f"C{i}", label=f"{role}: {setting}: no pauses in {len(ts)} trials (no GC in the window)")
ax.set_xscale("log")
ax.set_ylim(0, 1.02)
ax.set_xlabel("stop-the-world pause (ms, log scale)" + ("; expvar/Prometheus: one figure per GC cycle" if "cycle" in units else ""))
ax.set_ylabel("share of pauses ≤ x")
ax.set_title("Pause distribution (ECDF) of the Go default and the recommended setting, every measured trial pooled", fontsize=10)
ax.legend(fontsize=8, loc="lower right")
fig.tight_layout()
plt.show()
'''

CONFIRMATION = '''
runs = [r for r in data["decision"]["confirmations"] if r["pairs"]]
shown = objectives + ([] if "rss_peak" in objectives else ["rss_peak"])
fig = plt.figure(figsize=(5 * len(shown), 4.4 * len(runs)), layout="constrained")
for sub, run in zip(np.atleast_1d(fig.subfigures(len(runs), 1)), runs):
    changes = {c["metric"]: c["change"] for c in run["changes"]}
    axes = sub.subplots(1, len(shown), squeeze=False)[0]
    for ax, metric in zip(axes, shown):
        div, label = axis(metric)
        drawn = 0
        for k, (d, c) in enumerate(run["pairs"]):
            dv, cv = trials[d]["metrics"].get(metric), trials[c]["metrics"].get(metric)
            if dv is None or cv is None:
                continue
            drawn += 1
            ax.plot([0, 1], [dv / div, cv / div], "o-", color="seagreen" if better(metric, cv, dv) else "crimson", alpha=0.8)
            ax.annotate(f"{k + 1}", (1, cv / div), textcoords="offset points", xytext=(6, -3), fontsize=7)
        ax.set_xticks([0, 1])
        ax.set_xticklabels(["Go default", "candidate"])
        ax.set_xlim(-0.3, 1.3)
        ax.set_ylabel(label)
        title = f"{metric} ({directions.get(metric, 'watched')}): {drawn} pairs"
        if metric in changes:
            e = changes[metric]
            title += f"\\nchange {e['value'] * 100:+.1f} % [{e['lower'] * 100:+.1f}, {e['upper'] * 100:+.1f}] (95 % CI, n={e['sampleCount']})"
        ax.set_title(title, fontsize=9)
    verdict = run.get("verdict") or "not analysed"
    sub.suptitle(f"{run['candidate']}{' (the decision)' if run['isDecisive'] else ''} against the Go default, "
                 f"alternating; one line per pair, numbered, green where the candidate is better\\n{verdict}", fontsize=9)
plt.show()
'''

LEVELS = '''
verification = data["verification"]
levels = [l for l in verification["levels"] if l["pairs"] > 0]
shown = ["throughput_ops_per_sec", "latency_p99_ms", "cpu_per_op_us", "gc_cpu_share_pct"]
fig, axes = plt.subplots(1, len(shown), figsize=(4.6 * len(shown), 4.2), squeeze=False)
x = np.arange(len(levels))
for ax, metric in zip(axes[0], shown):
    div, label = axis(metric)
    for offset, side, name, color in [(-0.12, "baseline", "Go default", "grey"), (0.12, "candidate", "recommended", "seagreen")]:
        points = [(i, next((r[side] for r in l["rows"] if r["metric"] == metric and r.get(side)), None)) for i, l in enumerate(levels)]
        points = [(i, e) for i, e in points if e]
        if not points:
            continue
        xs = [i + offset for i, _ in points]
        ys = [e["value"] / div for _, e in points]
        err = [[(e["value"] - e["lower"]) / div for _, e in points], [(e["upper"] - e["value"]) / div for _, e in points]]
        ax.errorbar(xs, ys, yerr=err, fmt="o", color=color, label=name, capsize=3)
    for i, l in enumerate(levels):
        if l["flags"]:
            ax.axvspan(i - 0.4, i + 0.4, color="crimson", alpha=0.08)
    ax.set_xticks(x)
    ax.set_xticklabels([l["level"]["name"] for l in levels])
    ax.set_ylabel(label)
    ax.set_title(f"{metric}: medians, 95 % CI over {verification['pairsPerLevel']} pairs", fontsize=9)
    ax.legend(fontsize=8)
fig.suptitle(f"{verification['candidate']} against the Go default at each load level (flagged levels shaded)", fontsize=10)
fig.tight_layout()
plt.show()
'''

SOAK = '''
soak = data["verification"]["soak"]
series = [("rssBytes", "RSS (MiB)", 1048576), ("liveHeapBytes", "live heap after GC (MiB)", 1048576),
          ("goroutines", "goroutines", 1), ("latencyP99Millis", "segment p99 latency (ms)", 1)]
fig, axes = plt.subplots(1, len(series), figsize=(4.6 * len(series), 4.0), squeeze=False)
for ax, (key, label, div) in zip(axes[0], series):
    for result, color in zip(soak, ["grey", "seagreen"]):
        points = [(s["elapsedSeconds"] / 60, s[key] / div) for s in result["samples"] if s.get(key) is not None]
        if points:
            ax.plot(*zip(*points), "o-", ms=3, color=color, label="Go default" if result["setting"].get("gogc") == 100 and result["setting"].get("memoryLimitBytes") is None else "recommended")
        ax.axvline(result["warmupSeconds"] / 60, color=color, ls=":", lw=0.8)
    ax.set_xlabel("minutes into the soak (dotted: end of warm-up)")
    ax.set_ylabel(label)
    ax.legend(fontsize=8)
fig.suptitle("Soak: each setting served alone for the same window, a reading between load segments", fontsize=10)
fig.tight_layout()
plt.show()
'''


def verification_headline(verification):
    """Each level's flags (or held), and the soak's budgets, as a Markdown list."""
    lines = []
    for level in verification["levels"]:
        name = level["level"]["name"]
        lines.append(f"- `{name}` ({level['pairs']} pairs): " + ("held" if not level["flags"] else "; ".join(level["flags"])))
    for result in verification.get("soak") or []:
        checks = ", ".join(f"{c['name']} {'met' if c.get('figure') is not None and c['figure'] <= c['bound'] else 'NOT MET'} ({c['text']})"
                           for c in result["checks"])
        leaks = "; leaks: " + ", ".join(l["kind"] for l in result["leaks"]) if result["leaks"] else "; no leak signal"
        lines.append(f"- soak of GOGC={result['setting'].get('gogc', 'off')}: {checks}{leaks}")
    return "\n".join(lines)


def build(data, data_file):
    """The notebook's cells for this study (only plot cells that have data to draw)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def plot(source, name=None):
        tags = ["plot"] + ([f"figure-{name}"] if name else [])
        return new_code_cell(cell_source(source), metadata={"tags": tags})

    decision = data["decision"]
    cells = []
    summary = [f"# Study `{data['study']}`", "",
               f"Spec `{data['specPath']}`, sampler `{data['sampler']}`, seed {data['seed']}, "
               f"{len(data['trials'])} trials. Written by `tuner notebook` from the stored study "
               "(nothing was run). The decision below is the study's stored decision as `tuner report` "
               "renders it; the notebook does not decide anew.", ""]
    if decision.get("recommended"):
        summary.append(f"**Recommended: `{decision.get('recommended')}`** — {decision['explanation']}")
    else:
        summary.append(f"**No recommendation**: {decision['explanation']}")
    if decision.get("note"):
        summary += ["", f"> {decision.get('note')}"]
    # Preformatted and unwrapped, HTML-escaped: the text exactly as the terminal shows it.
    summary += ["", "`tuner report` prints:", "",
                '<pre style="white-space: pre; overflow-x: auto; font-size: 85%">' + html.escape(data["summaryText"], quote=False) + "</pre>"]
    cells.append(new_markdown_cell("\n".join(summary)))
    cells.append(new_code_cell(f"DATA_FILE = {json.dumps(data_file)}\nFORMAT = {FORMAT}\n" + cell_source(SETUP)))
    cells.append(new_markdown_cell("## The data\n\nThe frontier rows as `tuner frontier` computes them, then every trial."))
    cells.append(new_code_cell(cell_source(TABLE)))

    cells.append(new_markdown_cell(
        "## Frontier\n\nEach pair of objectives: one point per setting at its medians, error bars "
        "its 95 % bootstrap interval over repeats (none for a single trial), dominated settings "
        "faded, the Go default boxed, the recommendation starred, constraints dashed."))
    cells.append(plot(FRONTIER, "frontier"))

    cells.append(new_markdown_cell("## Hypervolume against trials\n\n" + data["hypervolume"]["normalisation"] + "."))
    cells.append(plot(HYPERVOLUME))

    surface = data["surface"]
    cells.append(new_markdown_cell(
        f"## The surrogate's surface\n\nObjective `{surface['objective']}` ({surface['objectiveReason']}). "
        f"{surface['note'][:1].upper() + surface['note'][1:]}."
        + ("" if surface["available"] else " Nothing to draw.")))
    if surface["available"]:
        cells.append(plot(SURFACE))

    cells.append(new_markdown_cell(
        "## Pauses of the Go default and the recommended setting\n\nEvery stop-the-world pause "
        "of every measured trial of each setting, pooled, as an empirical CDF."))
    if any(t["measured"] and (t.get("pausesMillis") or t.get("pauseHistogram")) for t in data["trials"]):
        cells.append(plot(ECDF))
    else:
        cells[-1]["source"] += "\n\nNo trial recorded individual pauses (a summary pause source): nothing to draw."

    runs = decision["confirmations"]
    cells.append(new_markdown_cell(
        "## Confirmation pairs\n\n"
        + (f"Decisive objective `{decision['decisiveObjective']}`. Verdict: {decision.get('confirmationVerdict') or 'none'}."
           if runs else "The study ran no confirmation (budget.confirm is 0, or it stopped before confirming).")))
    if runs and any(r["pairs"] for r in runs):
        cells.append(plot(CONFIRMATION))

    verification = data.get("verification")
    if verification:
        cells.append(new_markdown_cell(
            "## Verification at other loads (`tuner verify`)\n\n" + verification_headline(verification)))
        if any(l["pairs"] > 0 for l in verification["levels"]):
            cells.append(plot(LEVELS, "levels"))
        if verification.get("soak") and any(r["samples"] for r in verification["soak"]):
            cells.append(plot(SOAK, "soak"))

    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: two exports of one study compare equal
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["tuner"] = {"study": data["study"], "format": FORMAT}
    nbformat.validate(nb)
    return nb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="DIR/<study>.json written by tuner notebook")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    args = parser.parse_args()
    missing = missing_packages()
    if missing:
        print(f"error: the notebook needs the Python package(s) {', '.join(missing)}, missing for "
              f"{sys.executable}; {SETUP_HINT}", file=sys.stderr)
        return 3
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert import HTMLExporter

    path = os.path.abspath(args.data)
    folder, data_file = os.path.dirname(path), os.path.basename(path)
    base = os.path.splitext(path)[0]
    with open(path) as f:
        data = json.load(f)
    if data.get("format") != FORMAT:
        print(f"error: {path} has format {data.get('format')}; this script reads {FORMAT} (rebuild tuner)", file=sys.stderr)
        return 2
    nb = build(data, data_file)
    print(f"notebook: executing {len(nb.cells)} cells", file=sys.stderr)
    # The kernel's own warnings (e.g. that it talks over loopback TCP) are not the user's concern;
    # errors still show, and a failing cell raises below.
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": folder}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            record_timing=False)  # no timestamps: two exports of one study compare equal
    failed = None
    try:
        client.execute()
    except CellExecutionError as error:
        failed = error
    # Written in both cases: a failed notebook shows its error in place.
    tmp = base + ".ipynb.tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, base + ".ipynb")
    if failed is not None:
        print(f"error: a notebook cell failed; see {base}.ipynb\n{failed}", file=sys.stderr)
        return 1
    # The frontier figure as a PNG of its own, for a README or a ticket.
    for cell in nb.cells:
        if "figure-frontier" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    with open(base + "-frontier.png", "wb") as f:
                        f.write(base64.b64decode(output["data"]["image/png"]))
    # The HTML is the report to look at: outputs and text only; the code is in the .ipynb.
    html, _ = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True).from_notebook_node(nb)
    with open(base + ".html.tmp", "w", encoding="utf-8") as f:
        f.write(html)
    os.replace(base + ".html.tmp", base + ".html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
