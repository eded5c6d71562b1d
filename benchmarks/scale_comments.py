"""Comment masking: time per comment against the size of the roster.

    .venv/bin/python benchmarks/scale_comments.py [--rosters 1000,10000,100000]
        [--comments 10000] [--former 1000,10000] [--json OUT]

For each roster size it builds the roster's name index once (`RosterNames`, as ingest does
once per file) and cleans the same comments with `clean_comment`: the benchmark generator's
comment texts, a quarter of them with one or two roster names written into them (their first
names are common words, so every comment reaches the index) and some near misses. It prints
the build time, the time per comment and the exponent e of t_per_comment ∝ roster^e between
the smallest and the largest roster. `--former` also times the former call, which passed the
roster as a set and rebuilt the index key per comment, at the given sizes (it is slow).
Nothing here is a test: it measures and reports.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import COMMENTS, FIRST, _names  # noqa: E402

from pipelines.domain.comments import RosterNames, clean_comment  # noqa: E402


def roster(size: int) -> list[str]:
    first, last = _names(np.arange(size))
    return [f"{f} {lname}" for f, lname in zip(first, last, strict=True)]


def comments(names: list[str], count: int, seed: int = 16) -> list[str]:
    rng = np.random.default_rng(seed)
    texts = COMMENTS.tolist()
    out = []
    for i in range(count):
        text = texts[i % len(texts)]
        roll = rng.random()
        if roll < 0.25:
            who = names[int(rng.integers(len(names)))]
            text = f"{text} Ask {who}, or {FIRST[int(rng.integers(len(FIRST)))]} from ops."
        elif roll < 0.35:
            a, b = (names[int(j)] for j in rng.integers(len(names), size=2))
            text = f"{a} and {b.split(' ')[0]} {a.split(' ')[-1]}x said: {text}"
        out.append(text)
    return out


def time_cleaning(texts: list[str], names) -> tuple[float, float, int]:
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    masked = sum("[name]" in (clean_comment(t, names).text or "") for t in texts)
    return time.perf_counter() - start_wall, time.process_time() - start_cpu, masked


def exponent(small: int, large: int, t_small: float, t_large: float) -> float:
    return math.log(t_large / t_small) / math.log(large / small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rosters", default="1000,10000,100000")
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--former", default="", help="roster sizes for the former call")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.rosters.split(",")]
    former = {int(s) for s in args.former.split(",") if s}
    rows = []
    for size in sizes:
        names = roster(size)
        texts = comments(names, args.comments)
        start = time.perf_counter()
        index = RosterNames(names)
        build = time.perf_counter() - start
        wall, cpu, masked = time_cleaning(texts, index)
        row = {"roster": size, "comments": len(texts), "build_s": build, "wall_s": wall,
               "cpu_s": cpu, "us_per_comment": 1e6 * wall / len(texts),
               "cpu_us_per_comment": 1e6 * cpu / len(texts), "masked": masked}
        if size in former:
            as_set = frozenset(names)
            sample = texts[: max(200, len(texts) // 10)]
            f_wall, f_cpu, _ = time_cleaning(sample, as_set)
            row["former_us_per_comment"] = 1e6 * f_wall / len(sample)
            row["former_cpu_us_per_comment"] = 1e6 * f_cpu / len(sample)
        rows.append(row)
        print(f"roster {size:>7,}: index built in {build:6.2f} s; {row['us_per_comment']:7.1f} µs"
              f" per comment ({row['cpu_us_per_comment']:.1f} CPU), {masked:,} of {len(texts):,}"
              " comments masked"
              + (f"; former call {row['former_us_per_comment']:,.0f} µs per comment"
                 if "former_us_per_comment" in row else ""), flush=True)
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        e_wall = exponent(a["roster"], b["roster"], a["us_per_comment"], b["us_per_comment"])
        e_cpu = exponent(a["roster"], b["roster"], a["cpu_us_per_comment"],
                         b["cpu_us_per_comment"])
        print(f"exponent of time per comment against roster size: {e_wall:.3f} wall,"
              f" {e_cpu:.3f} CPU (0 = independent of the roster)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
