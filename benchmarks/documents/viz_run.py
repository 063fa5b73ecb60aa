"""Printed-field (VIZ) benchmark: real images with VIZ ground truth + rendered specimens.

    .venv/bin/python benchmarks/documents/viz_run.py [--seeds 3] [--json out.json] [--mrz]

`--mrz` reads the MRZ of each real image too and, when it is accepted, takes the names from
where they are printed (`viz.guided`), as the document reader does; the time then includes
the MRZ read (the reader runs it side by side with the printed zone).

Real images come from OPENKYC_DATA (default ../shared/data)/documents; only those whose
`gt/<id>.json` has a `viz` block are used, and they are never copied. Timing covers
find_document + read_printed_fields (the whole printed-field read) on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from openkyc.vision.document.layouts import LAYOUTS
from openkyc.vision.document.layouts.model import FieldZone
from openkyc.vision.document.layouts.normalize import (
    clean_accented,
    clean_name,
    normalise_date,
    normalise_number,
)
from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.document.mrz.read import read_mrz
from openkyc.vision.document.page import find_document
from openkyc.vision.document.viz import read_printed_fields
from openkyc.vision.document.viz.accents import add_accents
from openkyc.vision.document.viz.guided import names_from_mrz

DATA = pathlib.Path(os.environ.get("OPENKYC_DATA", "../shared/data")) / "documents"
HELD_OUT = ("mi_intl_id_esp", "pe_79_pass-hun")
"""Never run or inspected while tuning; everything else with VIZ ground truth was."""
GT_KEYS = {
    "surname": "surname",
    "given": "given_names",
    "NOM": "surname",
    "PRÉNOMS": "given_names",
    "birth": "birth_date",
    "Date de naissance": "birth_date",
    "place": "birth_place",
    "Lieu de naissance": "birth_place",
    "Sexe": "sex",
    "expiry": "expiry_date",
    "Date d'expiration": "expiry_date",
    "docno": "document_number",
    "N° de la carte": "document_number",
    "dni": "document_number",
    "issue": "issue_date",
}
"""Ground-truth `viz` keys that name a field the reader returns (others are labels/titles)."""
NAME_FIELDS = {"surname", "given_names", "full_name", "father_name"}


def _expected(field: str, text: str) -> tuple[str, str]:
    """(without accents, with accents) in the reader's normalisation."""
    if field.endswith("_date"):
        iso = normalise_date(text) or text
        return iso, iso
    if field == "document_number":
        return normalise_number(text), normalise_number(text)
    if field == "sex":
        return text.upper(), text.upper()
    return clean_name(text), clean_accented(text)


LATIN = True
"""False (`--no-latin`) reads names as before the Latin-script model was added."""


def _read(
    rgb: np.ndarray[Any, Any], layout: str | None = None, mrz: bool = False
) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    page = find_document(rgb)
    result = read_printed_fields(page.rgb, layout, use_zones=page.found)
    fields = result.fields
    if mrz:  # as the document reader does: an accepted MRZ says which printed words are names
        read = read_mrz(rgb)
        if read.accepted and read.result is not None:
            names = {"surname": read.result.surname, "given_names": read.result.given_names}
            fields = names_from_mrz(fields, result.lines, names)
    if LATIN and result.page_rgb is not None:  # as the reader does: accents of Latin names
        fields = add_accents(result.page_rgb, fields)
    elapsed = (time.perf_counter() - start) * 1000
    return {k: (v.value, v.value_accented) for k, v in fields.items()}, elapsed


def _score(rows: list[dict[str, Any]], expected: dict[str, str], got: dict[str, Any]) -> None:
    for field, text in expected.items():
        plain, accented = _expected(field, text)
        value = got.get(field, ("", ""))
        rows.append(
            {
                "field": field,
                "name": field in NAME_FIELDS,
                "expected": accented,
                "read": value[1],
                "plain": value[0] == plain,
                "accented": value[1] == accented,
            }
        )


def real_images(tuning: bool, mrz: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for gt_path in sorted((DATA / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text())
        if tuning and gt["id"] in HELD_OUT:
            continue
        viz = gt.get("viz") or {}
        expected = {GT_KEYS[k]: v for k, v in viz.items() if k in GT_KEYS}
        if "addr1" in viz:  # the address is scored as one field, its lines joined
            expected["address"] = " ".join(viz[k] for k in ("addr1", "addr2", "addr3") if k in viz)
        if not expected:
            continue
        rgb = np.asarray(ImageOps.exif_transpose(Image.open(DATA / gt["file"])).convert("RGB"))
        got, ms = _read(rgb, mrz=mrz)
        image_rows: list[dict[str, Any]] = []
        _score(image_rows, expected, got)
        for row in image_rows:
            row.update(
                image=gt["id"],
                synthetic=gt.get("synthetic", False),
                ms=ms,
                held_out=gt["id"] in HELD_OUT,
            )
        rows += image_rows
    return rows


def specimens(seeds: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, pack in LAYOUTS.items():
        for seed in range(seeds):
            rng = np.random.default_rng(100 + seed)
            photo = photograph(
                render_specimen(name, seed=seed).rgb,
                seed=100 + seed,
                rotation=float(rng.choice([0, 90, 180, 270]) + rng.uniform(-15, 15)),
                glare=float(rng.uniform(0, 0.3)),
                blur=float(rng.uniform(0.5, 1.3)),
                jpeg_quality=int(rng.integers(50, 90)),
            )
            got, ms = _read(photo)
            expected = {z.name: pack.sample[z.name] for z in pack.fields if _kind(z) != "skip"}
            image_rows: list[dict[str, Any]] = []
            _score(image_rows, expected, got)
            for row in image_rows:
                row.update(image=f"{name}#{seed}", pack=name, ms=ms)
            rows += image_rows
    return rows


WORLD_NAMES = (
    ("NOVÁKOVÁ", "JANA"), ("DVOŘÁK", "ŠTĚPÁN"), ("WAŁĘSA", "ŁUCJA"), ("GARCÍA NÚÑEZ", "JOSÉ"),
    ("KOVÁČ", "ĽUBOŠ"), ("MÜLLER", "JÜRGEN"), ("SØRENSEN", "ÅSE"), ("ÓLAFSDÓTTIR", "ÞÓRA"),
    ("CONCEIÇÃO", "JOÃO"), ("ÇELİK", "ÖZGÜR"), ("LEFÈVRE", "HÉLÈNE"), ("PETRĂȘCU", "ȘTEFAN"),
    ("NAGY", "ZSÓFIA"), ("HORVÁTH", "ÁGNES"), ("BÉKÉSI", "GYŐZŐ"), ("KÕIV", "MÄRT"),
    ("SMITH", "JOHN PAUL"), ("OKONKWO", "CHIDI"), ("NGUYEN", "VAN AN"), ("SILVA", "MARIA"),
)  # fmt: skip
"""Holders' names for the generic passport pack, chosen for this benchmark (none is a name of
the dataset): the diacritics of 13 Latin-alphabet languages, and four plain names that must
stay plain."""


def world_names(seeds: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for index, (surname, given) in enumerate(WORLD_NAMES):
        for seed in range(seeds):
            rng = np.random.default_rng(300 + 10 * index + seed)
            specimen = render_specimen("passport", {"surname": surname, "given_names": given})
            photo = photograph(
                specimen.rgb,
                seed=300 + seed,
                rotation=float(rng.uniform(-8, 8)),
                glare=float(rng.uniform(0, 0.2)),
                blur=float(rng.uniform(0.5, 1.1)),
                jpeg_quality=int(rng.integers(60, 90)),
            )
            got, ms = _read(photo)
            image_rows: list[dict[str, Any]] = []
            _score(image_rows, {"surname": surname, "given_names": given}, got)
            for row in image_rows:
                row.update(image=f"{surname}#{seed}", pack="passport", ms=ms)
            rows += image_rows
    return rows


def _kind(zone: FieldZone) -> str:
    # country fields compare codes, not printed names; the document-type letter is not a field
    return "skip" if zone.kind == "country" or zone.name == "document_type" else zone.kind


def _pct(rows: list[dict[str, Any]], key: str) -> str:
    hits = sum(r[key] for r in rows)
    return f"{100 * hits / len(rows):.0f}% ({hits}/{len(rows)})" if rows else "-"


def summary(label: str, rows: list[dict[str, Any]]) -> str:
    names = [r for r in rows if r["name"]]
    times = sorted({r["image"]: r["ms"] for r in rows}.values())
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else 0
    p50 = statistics.median(times) if times else 0
    return (
        f"| {label} | {len(times)} | {_pct(names, 'accented')} | {_pct(names, 'plain')} | "
        f"{_pct(rows, 'accented')} | {_pct(rows, 'plain')} | {p50:.0f} | {p95:.0f} |"
    )


HEADER = (
    "| set | images | names exact (accents) | names exact (no accents) | all fields (accents) "
    "| all fields (no accents) | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--json", type=pathlib.Path)
    parser.add_argument("--tuning", action="store_true", help="leave the held-out images out")
    parser.add_argument(
        "--mrz", action="store_true", help="names found through an accepted MRZ (real images)"
    )
    parser.add_argument(
        "--world-names",
        action="store_true",
        help="only the passport specimens with names of 13 Latin-alphabet languages",
    )
    parser.add_argument("--no-latin", action="store_true", help="names read with fra only")
    args = parser.parse_args()
    global LATIN
    LATIN = not args.no_latin
    if args.world_names:
        rows = world_names(args.seeds)
        print(HEADER)
        print(summary("passport specimens, world names", rows))
        for row in rows:
            if not row["accented"]:
                print(f"  miss {row['image']}: expected {row['expected']!r} read {row['read']!r}")
        return
    real = real_images(args.tuning, args.mrz) if DATA.exists() else []
    spec = specimens(args.seeds)
    print(HEADER)
    print(summary("real, tuned on", [r for r in real if not r["held_out"] and not r["synthetic"]]))
    print(summary("real, held out", [r for r in real if r["held_out"]]))
    print(summary("dataset synthetic (syn_td1*)", [r for r in real if r["synthetic"]]))
    for name in LAYOUTS:
        print(summary(f"specimen {name}", [r for r in spec if r["pack"] == name]))
    print(summary("all specimens", spec))
    for row in real:  # misses of held-out images are not printed: they must not steer tuning
        if not row["accented"] and not row["held_out"]:
            print(
                f"  miss {row['image']} {row['field']}: "
                f"expected {row['expected']!r} read {row['read']!r}"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"real": real, "specimens": spec}, indent=1, ensure_ascii=False)
        )


if __name__ == "__main__":
    main()
