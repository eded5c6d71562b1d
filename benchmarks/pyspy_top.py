"""Summarize a py-spy raw (collapsed stacks) profile: the top functions, self and inclusive.

    .venv/bin/python benchmarks/pyspy_top.py PROFILE.txt [--top 25] [--filter pipelines/]

Each line of the file is `frame;frame;...;frame COUNT` (outermost first), a frame being
`function (file:line)`. "self" counts samples where the function is the innermost frame;
"inclusive" counts samples where it is anywhere on the stack (once per sample).
`--filter` restricts the inclusive table to frames whose file contains the text.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

_FRAME = re.compile(r"^(?P<fn>.*?) \((?P<file>[^()]*?):(?P<line>\d+)\)$")


def _key(frame: str) -> str:
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    path = m["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{m['fn']} ({path})"


def summarize(path: str, top: int = 25, filt: str | None = None) -> str:
    own, incl = Counter(), Counter()
    total = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = [_key(f) for f in stack.split(";") if f]
            if not frames:
                continue
            own[frames[-1]] += n
            for f in set(frames):
                incl[f] += n
    out = [f"{total} samples"]
    out.append(f"\nself time (innermost frame), top {top}:")
    for name, n in own.most_common(top):
        out.append(f"  {100 * n / total:5.1f}%  {name}")
    label = f" in files containing {filt!r}" if filt else ""
    out.append(f"\ninclusive time{label}, top {top}:")
    shown = 0
    for name, n in incl.most_common():
        if filt and filt not in name:
            continue
        out.append(f"  {100 * n / total:5.1f}%  {name}")
        shown += 1
        if shown >= top:
            break
    return "\n".join(out)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("profile")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--filter")
    a = p.parse_args()
    print(summarize(a.profile, a.top, a.filter))
