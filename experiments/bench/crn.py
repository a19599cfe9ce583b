"""Common random numbers and the surface table: the evaluator every opponent reads.

The permutation is specified in Sources/TunerCore/Statistics/CommonDraws.swift and implemented
identically here; both test suites check experiments/bench/crn_vector.json:

    SM(x)  = first output of SplitMix64 started at state x (all arithmetic mod 2^64):
             z = x + 0x9E3779B97F4A7C15; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
             z = (z ^ (z >> 27)) * 0x94D049BB133111EB; return z ^ (z >> 31)
    key    = SM(SM(SM(SM(seed) ^ g) ^ l) ^ round)
    perm   = [0..n-1]; a SplitMix64 generator starts at state key;
             for i = n-1 down to 1: j = next() mod (i + 1); swap perm[i], perm[j]

Visit k (0-based) of the setting at grid position (g, l) in benchmark seed s returns recorded
repeat perm(s, g, l, k // n)[k % n]: without replacement until the n repeats are used up, then
a new order. Every strategy that visits a setting for the k-th time in seed s sees the same
measurement.
"""
import json
import math

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def splitmix(x):
    """SM(x): the first output of a SplitMix64 generator started at state x."""
    return _mix((x + GOLDEN) & MASK)


class SplitMix64:
    """The generator of tuner's SeededGenerator."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + GOLDEN) & MASK
        return _mix(self.state)

    def unit(self):
        """A uniform float in [0, 1) with 53 random bits."""
        return (self.next() >> 11) * 2.0**-53


def key(seed, gogc_index, limit_index, round_):
    return splitmix(splitmix(splitmix(splitmix(seed & MASK) ^ gogc_index) ^ limit_index) ^ round_)


def permutation(count, seed, gogc_index, limit_index, round_):
    order = list(range(count))
    if count <= 1:
        return order
    generator = SplitMix64(key(seed, gogc_index, limit_index, round_))
    for i in range(count - 1, 0, -1):
        j = generator.next() % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def repeat_index(visit, count, seed, gogc_index, limit_index):
    """The recorded repeat (0-based, recording order) that visit `visit` (0-based) returns."""
    assert count > 0 and visit >= 0
    return permutation(count, seed, gogc_index, limit_index, visit // count)[visit % count]


def confirmation_seed(seed):
    """The stream of the simulated confirmation of seed `seed` (CommonDraws.confirmationSeed)."""
    return (seed + 1_000_000) & MASK


class SurfaceTable:
    """A surface exported by `tuner-lab bench-search --export-table` (format tuner-surface-table/1).

    Attributes:
      gogc, gomemlimit   the grid's axis labels, ascending, "off" last
      metrics            metric names; values[m] below indexes them
      question           the study's objectives, constraints, rule, start size, confirm pairs
      repeats            {(g, l): [[value per metric], ...]} in recording order
      started            {(g, l): [start time of each repeat, unix seconds]}
      path, raw_sha256   where it was read from, and a hash of its bytes (the cache key)
    """

    def __init__(self, path):
        import hashlib

        with open(path, "rb") as f:
            raw = f.read()
        data = json.loads(raw)
        if data.get("format") != "tuner-surface-table/1":
            raise ValueError(f"{path}: not a tuner surface table (export one with tuner-lab bench-search --export-table)")
        self.path = path
        self.raw_sha256 = hashlib.sha256(raw).hexdigest()
        self.source = data["source"]
        self.gogc = data["gogc"]
        self.gomemlimit = data["gomemlimit"]
        self.metrics = data["metrics"]
        self.question = data["question"]
        self.trials = data["trials"]
        self.first_started = data["first_started_at_unix_seconds"]
        self.last_started = data["last_started_at_unix_seconds"]
        self.repeats, self.labels, self.started = {}, {}, {}
        for s in data["settings"]:
            key = (s["gogc_index"], s["limit_index"])
            self.repeats[key] = s["repeats"]
            self.labels[key] = s["label"]
            self.started[key] = s["started_at_unix_seconds"]

    @classmethod
    def from_repeats(cls, repeats, metrics, question, gogc=None, gomemlimit=None):
        """A table built in memory (tests)."""
        table = cls.__new__(cls)
        table.path = table.source = "<memory>"
        table.raw_sha256 = ""
        table.metrics = list(metrics)
        table.question = question
        table.repeats = {tuple(k): v for k, v in repeats.items()}
        g_count = 1 + max(g for g, _ in table.repeats)
        l_count = 1 + max(l for _, l in table.repeats)
        table.gogc = gogc or [str(i) for i in range(g_count)]
        table.gomemlimit = gomemlimit or [str(i) for i in range(l_count)]
        table.labels = {k: f"GOGC={table.gogc[k[0]]} GOMEMLIMIT={table.gomemlimit[k[1]]}" for k in table.repeats}
        table.started = {k: [] for k in table.repeats}
        table.trials = sum(len(v) for v in table.repeats.values())
        table.first_started = table.last_started = 0
        return table

    @property
    def grid(self):
        """Every setting's grid position, in order."""
        return sorted(self.repeats)

    def metric_index(self, name):
        return self.metrics.index(name)

    def default(self):
        """The Go default's grid position (GOGC=100, no limit)."""
        return (self.gogc.index("100"), self.gomemlimit.index("off"))

    def label(self, setting):
        return self.labels[tuple(setting)]

    def means(self, setting):
        """The mean of each metric over the setting's repeats."""
        rows = self.repeats[tuple(setting)]
        return [math.fsum(r[m] for r in rows) / len(rows) for m in range(len(self.metrics))]


class CommonDraws:
    """The evaluator of one strategy run: visit k of a setting in seed s returns the recorded
    repeat the common random numbers name; visits are counted per setting."""

    def __init__(self, table, seed):
        self.table = table
        self.seed = seed
        self.visits = {}

    def draw(self, setting, visit=None):
        """The metric values of the next visit of `setting` (or of visit `visit`)."""
        setting = tuple(setting)
        rows = self.table.repeats[setting]
        k = self.visits.get(setting, 0) if visit is None else visit
        if visit is None:
            self.visits[setting] = k + 1
        return rows[repeat_index(k, len(rows), self.seed, setting[0], setting[1])]
