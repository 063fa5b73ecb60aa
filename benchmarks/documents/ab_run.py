"""Time the whole document reader of two checkouts against each other on the same machine.

This machine's timings drift by ~10 % between runs of the whole set, more than most changes
worth measuring. Here each checkout runs in its own process (warmed up as `openkyc serve`
is), and the two read every image in alternation, one at a time, the order swapped from one
image and round to the next: drift falls on both alike. Per image, each side's time is its
median over the rounds; the outputs (MRZ accepted, lines, portrait found) are compared too.

    OPENKYC_DATA=../shared/data .venv/bin/python benchmarks/documents/ab_run.py \\
        /tmp/before /path/to/after --rounds 3 [--only NAME ...]

(`git worktree add /tmp/before <commit>` gives a checkout of another commit.)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = (
    Path(os.environ.get("OPENKYC_DATA", HERE.parents[1].parent / "shared" / "data")) / "documents"
)


def _serve(root: str, conn: Connection) -> None:
    """One checkout's reader: reads the images it is sent, answers time and outputs."""
    sys.path.insert(0, root)
    sys.path.insert(1, str(HERE))
    import mrz_run  # the benchmark's own image loading (EXIF orientation honoured)

    from openkyc.demo.specimen import passport
    from openkyc.documents import reader

    warm_up: Any = getattr(reader, "warm_up", None)
    if warm_up is not None:
        warm_up(passport())
    else:  # checkouts before the thirteenth session
        reader.read(reader.Evidence(reader.decode(passport()), None))
    conn.send("ready")
    while (name := conn.recv()) is not None:
        image = mrz_run.load(DATA / "images" / name)
        started = time.perf_counter()
        document, portrait = reader.read(reader.Evidence(image, None))
        ms = (time.perf_counter() - started) * 1000
        mrz = document.mrz
        conn.send((ms, [mrz and mrz.accepted, mrz and list(mrz.lines), portrait is not None]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", help="checkout A (its root: the folder holding openkyc/)")
    parser.add_argument("after", help="checkout B")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=[], help="images whose name holds these")
    parser.add_argument("--out", type=Path, help="per-image times as JSON")
    args = parser.parse_args()
    context = mp.get_context("spawn")
    sides: list[Connection] = []
    for root in (args.before, args.after):
        ours, theirs = context.Pipe()
        context.Process(target=_serve, args=(root, theirs), daemon=True).start()
        sides.append(ours)
    for side in sides:
        side.recv()
    names = sorted(
        json.loads(path.read_text())["file"].split("/")[-1]
        for path in DATA.joinpath("gt").glob("*.json")
    )
    names = [n for n in names if not args.only or any(o in n for o in args.only)]
    times: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names}
    outputs: dict[tuple[str, int], Any] = {}
    for round_ in range(args.rounds):
        for index, name in enumerate(names):
            for side in (0, 1) if (index + round_) % 2 == 0 else (1, 0):
                sides[side].send(name)
                ms, output = sides[side].recv()
                times[name][side].append(ms)
                outputs.setdefault((name, side), output)
    for side in sides:
        side.send(None)
    median = {n: [statistics.median(t[0]), statistics.median(t[1])] for n, t in times.items()}
    for side, root in enumerate((args.before, args.after)):
        values = [m[side] for m in median.values()]
        print(
            f"{root}: p50 {np.median(values):.0f} ms, p95 {np.percentile(values, 95):.0f} ms, "
            f"over 800 ms: {sum(v > 800 for v in values)}, "
            f"portraits {sum(bool(outputs[(n, side)][2]) for n in names)}/{len(names)}"
        )
    for name in sorted(names, key=lambda n: -max(median[n]))[:25]:
        differs = "" if outputs[(name, 0)] == outputs[(name, 1)] else "  outputs differ"
        print(f"{name:40} {median[name][0]:6.0f} {median[name][1]:6.0f}{differs}")
    print("outputs differ:", [n for n in names if outputs[(n, 0)] != outputs[(n, 1)]])
    if args.out:
        args.out.write_text(json.dumps({"median_ms": median, "rounds_ms": times}, indent=1))


if __name__ == "__main__":
    main()
