#!/usr/bin/env python3
"""Writes the gctrace seed corpus from real GODEBUG=gctrace=1 captures.

Usage: make-gctrace-seeds.py OUT_DIR CAPTURE... (captures named trace<goversion>-*.txt)

The captures come from seeds/gcprog.go run under Go 1.27 and Debian's Go 1.19:
    GOMAXPROCS=P GODEBUG=gctrace=1 ./prog 2> trace127-P.txt
Seeds are named seed-<origin>-<content hash>, so re-running is idempotent. Besides whole lines this writes
truncated lines (cut inside each section), annotated lines, interleaved program output,
CRLF endings and short multi-line captures.
"""
import hashlib, os, re, sys

out, captures = sys.argv[1], sys.argv[2:]
os.makedirs(out, exist_ok=True)
seeds = []  # (tag, text)
tag = "edge"

def add(text):
    seeds.append((tag, text))

for path in captures:
    m = re.search(r"trace(\d)(\d+)", os.path.basename(path))
    tag = f"go{m.group(1)}.{m.group(2)}" if m else "go"
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    gc = [l for l in lines if "gc " in l]
    # A spread of whole lines: first, last, forced, and a few from the middle.
    picks = gc[:2] + gc[-2:] + [l for l in gc if "(forced)" in l][:2] + gc[len(gc) // 2: len(gc) // 2 + 2]
    for l in picks:
        add(l)
    # Every non-trace line (program output, possibly glued to a trace line).
    for l in lines:
        if not l.startswith("gc "):
            add(l)
    # A short multi-line capture.
    add("\n".join(lines[:6]) + "\n")

tag = "variant"
whole = sorted({l for _, l in seeds if l.startswith("gc ")})
base = whole[:: max(1, len(whole) // 4)][:4]
for i, l in enumerate(base):
    # Cut at every field boundary (two lines only: the cuts are alike).
    if i < 2:
        for m in re.finditer(r"[ ,:+/>%@]", l):
            add(l[: m.start()])
    add(l + "\r")
    add(l + "\r\n" + l + "\r\n")
    add(l.replace(": ", " (checking for goroutine leaks): ", 1))
    add("program says hi " + l)
    add(l + " (forced)")
    add(l.replace(", 0 MB stacks, 0 MB globals", "").replace(", 0 MB stacks, 1 MB globals", ""))
    add(l.replace(" P", " MB future, 3 P"))
# Hand-made edge cases.
tag = "edge"
add("gc 1 @0.000s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 0->0->0 MB, 4 MB goal, 1 P")
add("gc 99999999999999999999 @1.0s 1%: 1+2+3 ms clock")
add("gc 7 @0.207s 1%: 0.87+2.6+0.032 ms clock, 1.7+0.32/0.68/0+0.065 ms cpu, 3->3->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)")
add("gc 7 @1e3s 1%: 1e400+2+3 ms clock")
add("gc gc gc 1 @")
add("")

written = set()
for tag, text in seeds:
    data = text.encode("utf-8")
    if data in written:
        continue
    written.add(data)
    # "seed-" marks hand-made and real inputs: run.sh keeps them when it minimises the corpus.
    name = f"seed-{tag}-{hashlib.sha1(data).hexdigest()[:12]}"
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(len(written), "seeds")
