"""Layout packs for printed-field (VIZ) reading, their rules and SPECIMEN renderer.

Public API:
    LAYOUTS: dict[str, Layout]           shipped packs: passport, civ_cni, ben_cni, pak_cnic,
                                         fra_cni_2021, fra_cni_1988
    get_layout(name) -> Layout           KeyError for an unknown name
    generic_layout() -> Layout           every pack's labels, no zones (unknown documents)
    layout_rules(layout, fields, today=None) -> list[Check]
    render_specimen(name, fields=None, seed=0) -> Specimen(rgb, values, layout)
    layouts.render.photograph(page_rgb, seed, rotation=, tilt=, blur=, glare=, jpeg_quality=)
                                         the page as a phone photo (tests, benchmarks)
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from openkyc.vision.document.layouts.model import Check, FieldZone, Layout, TextBlock
from openkyc.vision.document.layouts.packs import LAYOUTS
from openkyc.vision.document.layouts.rules import PACK_RULES, dates_coherent, not_expired

if TYPE_CHECKING:
    from openkyc.vision.document.layouts.render import Specimen

__all__ = [
    "LAYOUTS",
    "Check",
    "FieldZone",
    "Layout",
    "TextBlock",
    "generic_layout",
    "get_layout",
    "layout_rules",
    "render_specimen",
]

EXTRA_LABELS: dict[str, tuple[str, ...]] = {
    "surname": ("APELLIDOS", "Nom/Surname", "Családi név"),
    "given_names": ("NOMBRE", "Prénom(s)", "Utónév"),
    "birth_date": ("FECHA DE NACIMIENTO", "Né(e) le"),
    "birth_place": ("LUGAR DE NACIMIENTO",),
    "sex": ("SEXO",),
    "expiry_date": ("VALIDO HASTA",),
}
"""Labels of real documents outside the packs (Spanish DNI, Hungarian passport)."""


EXTRA_FIELDS = (
    FieldZone(
        "address",
        (0, 0, 0, 0),
        ("ADRESSE", "Address", "DOMICILE", "DOMICILIO", "موجودہ پتہ", "موجودہ"),
        "address",
    ),
    FieldZone("permanent_address", (0, 0, 0, 0), ("مستقل پتہ", "مستقل"), "address"),
    FieldZone("issue_date", (0, 0, 0, 0), ("DATE DE DÉLIVRANCE", "Date of issue"), "date"),
)
"""Fields printed on card backs, read by label only: the French 2021 card's address and issue
date; the Pakistani CNIC's present address (`موجودہ پتہ`) and permanent address (`مستقل پتہ`),
in Urdu (also by their first word alone: Tesseract's `urd` often misreads `پتہ` as `بتہ`)."""


def get_layout(name: str) -> Layout:
    if name == "generic":
        return generic_layout()
    return LAYOUTS[name]


@functools.cache
def generic_layout() -> Layout:
    """One field per name with the labels of every pack: reads unknown cards by label only."""
    labels: dict[str, list[str]] = {}
    kinds: dict[str, Any] = {}
    for pack in LAYOUTS.values():
        for zone in pack.fields:
            known = labels.setdefault(zone.name, [])
            known += [x for x in zone.labels if x not in known]
            kinds[zone.name] = zone.kind
    for name, extra in EXTRA_LABELS.items():
        labels[name] += [x for x in extra if x not in labels[name]]
    for zone in EXTRA_FIELDS:
        known = labels.setdefault(zone.name, [])
        known += [x for x in zone.labels if x not in known]
        kinds[zone.name] = zone.kind
    fields = tuple(FieldZone(n, (0, 0, 0, 0), tuple(v), kinds[n]) for n, v in labels.items())
    return Layout("generic", "Any document, by printed labels", "ID1", "other", "", fields, (),
                  (0, 0, 0, 0))  # fmt: skip


def _plain(fields: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(getattr(v, "value", v)) for k, v in fields.items()}


def layout_rules(
    layout: str | Layout, fields: Mapping[str, Any], today: dt.date | None = None
) -> list[Check]:
    """Pack rules plus date coherence and expiry for read fields.

    `fields` maps field names to `FieldValue`s (their `.value` is used) or plain strings.
    """
    pack = layout if isinstance(layout, Layout) else get_layout(layout)
    values = _plain(fields)
    checks = [rule(values) for rule in PACK_RULES.get(pack.name, ())]
    checks.append(dates_coherent(values))
    checks.append(not_expired(values, today or dt.date.today()))
    return checks


def render_specimen(
    layout_name: str, fields: Mapping[str, str] | None = None, seed: int = 0
) -> Specimen:
    """SPECIMEN front of a pack (imported lazily: only tests and benchmarks render)."""
    from openkyc.vision.document.layouts.render import render_specimen as render

    return render(layout_name, fields, seed)
