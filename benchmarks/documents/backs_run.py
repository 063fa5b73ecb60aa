"""Card backs: the address (and issue date) the document reader takes from the back image.

    .venv/bin/python benchmarks/documents/backs_run.py [--seeds 5]

Renders the backs the project draws (`layouts.render.BACKS`: the French 2021 card's address
and issue date, the Pakistani CNIC's present and permanent address in Urdu), each as a flat
page and as a phone photo (`photograph`: perspective, 8 degrees, blur, JPEG), and reads each
as the reader reads a back (`documents.back.read_back`: labels only, the front pack's
languages: `urd` for a CNIC). A value is exact when its `value_accented` equals the printed
text, lines joined by a space. Synthetic only: the dataset has no CNIC back.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from openkyc.documents import back as backs
from openkyc.vision.document.layouts.normalize import clean_accented, normalise_date
from openkyc.vision.document.layouts.render import BACKS, photograph, render_back
from openkyc.vision.document.viz import VizResult


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    report: dict[str, dict[str, object]] = {}
    for pack, (fields, _) in BACKS.items():
        languages = backs.languages(VizResult({}, (), pack))
        exact = {f.name: 0 for f in fields}
        misses: list[str] = []
        times = []
        for seed in range(args.seeds):
            back = render_back(pack, seed=seed)
            for photo in (False, True):
                image = photograph(back.rgb, seed=seed, rotation=8.0) if photo else back.rgb
                started = time.perf_counter()
                read = backs.read_back(image, None, languages)
                times.append((time.perf_counter() - started) * 1000)
                for field in fields:
                    printed = back.values[field.name].replace("\n", " ")
                    want = normalise_date(printed) if field.name.endswith("date") else printed
                    got = read.fields.get(field.name) if read else None
                    value = (got.value_accented if got else "") or ""
                    if clean_accented(value) == clean_accented(want or ""):
                        exact[field.name] += 1
                    else:
                        misses.append(f"{pack} seed {seed} photo={photo} {field.name}: {value!r}")
        total = 2 * args.seeds
        report[pack] = {
            "languages": languages,
            "exact": {name: f"{n}/{total}" for name, n in exact.items()},
            "p50_ms": round(statistics.median(times)),
            "max_ms": round(max(times)),
        }
        for miss in misses:
            print("  miss", miss)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
