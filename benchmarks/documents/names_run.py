"""Printed names on the real images: the whole document reader against names transcribed by eye.

    .venv/bin/python benchmarks/documents/names_run.py [--json out.json] [--show-held-out]

The dataset's ground truth (`gt/<id>.json`) gives the MRZ's names (no accents) for every real
image, and printed names for only five. `names_gt.json` (beside this script) holds the
surname and given names as printed on each real image of OPENKYC_DATA/documents, upper-cased
with their accents, transcribed by eye from the images (2026-12-04), with whether the side
shown prints them at all and whether every letter and accent could be read with certainty.
Only the printed and legible ones are scored. The images are never copied.

A name is exact "with accents" when the reader's `value_accented` (else `value`) equals the
transcription, a hyphen counting as a space (the MRZ writes both as its filler; "with accents
and hyphens" counts it apart), and exact "without accents" when both agree once accents are
stripped too. Full stops and commas are not compared (`LEE W.`). The
reader is `openkyc.documents.reader.read`, front image only, as `POST /v1/document/ocr` runs
it. Misses are printed for the images tuned on only; held-out ones (names starting `pe_1` or
`ds_`, as in mrz_run.py) print a summary unless --show-held-out.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time
import unicodedata
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from openkyc.documents import reader

DATA = pathlib.Path(os.environ.get("OPENKYC_DATA", "../shared/data")) / "documents"
LABELS = pathlib.Path(__file__).with_name("names_gt.json")
NAMES = ("surname", "given_names")


def held_out(image_id: str) -> bool:
    return image_id.startswith(("pe_1", "ds_"))


def unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    """Without accents, and hyphens as spaces."""
    return separated(unaccented(text))


def separated(text: str) -> str:
    """Hyphens as spaces (the MRZ writes both as a filler)."""
    return " ".join(text.replace("-", " ").split())


def squash(text: str | None) -> str:
    """Upper case, single spaces, no full stops or commas (`LEE W.`)."""
    return " ".join((text or "").upper().replace(".", " ").replace(",", " ").split())


def load(path: pathlib.Path) -> np.ndarray:
    return np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))


def score(label: dict[str, Any], fields: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in NAMES:
        want = squash(label[name])
        if not want:  # one name field only (no given names printed apart)
            continue
        field = fields.get(name)
        got = squash((field.value_accented or field.value) if field else None)
        rows.append(
            {
                "name": name,
                "want": want,
                "got": got,
                "source": field.source if field else None,
                "accented": want != unaccented(want),
                "exact_strict": got == want,
                "exact": separated(got) == separated(want),
                "exact_plain": plain(got) == plain(want),
            }
        )
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    names = [n for row in rows for n in row["names"]]
    accented = [n for n in names if n["accented"]]

    def share(items: list[dict[str, Any]], key: str) -> str:
        hits = sum(1 for n in items if n[key])
        return f"{hits}/{len(items)}" + (f" ({100 * hits / len(items):.0f}%)" if items else "")

    times = [row["ms"] for row in rows]
    return {
        "images": len(rows),
        "names": len(names),
        "exact_with_accents": share(names, "exact"),
        "exact_with_accents_and_hyphens": share(names, "exact_strict"),
        "exact_without_accents": share(names, "exact_plain"),
        "accented_names": len(accented),
        "accented_exact": share(accented, "exact"),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(float(np.percentile(times, 95)), 1) if times else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", help="where the per-image rows go")
    parser.add_argument("--show-held-out", action="store_true")
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text())["images"]
    # the engines loaded first, as the server does at start (mrz_run.warm_up)
    from openkyc.demo.specimen import passport

    reader.warm_up(passport())
    rows = []
    skipped = {"not printed": 0, "illegible": 0}
    for image_id, label in sorted(labels.items()):
        if not label["printed"] or not label["legible"]:
            skipped["not printed" if not label["printed"] else "illegible"] += 1
            continue
        gt = json.loads((DATA / "gt" / f"{image_id}.json").read_text())
        image = load(DATA / gt["file"])
        started = time.perf_counter()
        document, _ = reader.read(reader.Evidence(image, None))
        ms = (time.perf_counter() - started) * 1000
        names = score(label, document.fields)
        row = {"id": image_id, "held_out": held_out(image_id), "ms": round(ms, 1), "names": names}
        rows.append(row)
        for n in names:
            if not n["exact"] and (args.show_held_out or not row["held_out"]):
                print(f"  miss {image_id} {n['name']}: want {n['want']!r} got {n['got']!r}"
                      f" ({n['source']})")  # fmt: skip
    result = {
        "skipped": skipped,
        "all": summary(rows),
        "tuned": summary([r for r in rows if not r["held_out"]]),
        "held_out": summary([r for r in rows if r["held_out"]]),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({**result, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
