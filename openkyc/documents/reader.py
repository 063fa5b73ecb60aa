"""Reading one document: the MRZ (front, else back; ADR 0203), the page (outline,
perspective, quality), the printed fields with Tesseract and RapidOCR, type and country, the
portrait. The MRZ is authoritative for names and dates where it was accepted; printed fields
fill what it lacks and carry the accents. Pure orchestration of the vision library."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from PIL import Image

from openkyc.documents import back
from openkyc.documents.schemas import (
    Check,
    CheckDigitOut,
    Detected,
    DocumentRead,
    FieldValue,
    MrzOut,
    Quality,
    Side,
)
from openkyc.kit.text import fold
from openkyc.vision.document.classify import Detected as Detected_
from openkyc.vision.document.classify import classify, layout_for
from openkyc.vision.document.layouts import layout_rules
from openkyc.vision.document.mrz.read import MrzRead, read_mrz, with_printed_read
from openkyc.vision.document.page import (
    PageResult,
    find_document,
    flip_page,
    holds,
    page_of_spread,
)
from openkyc.vision.document.viz import FieldValue as VizField
from openkyc.vision.document.viz import OcrError, VizResult, read_printed_fields
from openkyc.vision.document.viz.accents import add_accents
from openkyc.vision.document.viz.guided import names_from_mrz, transliterates_to
from openkyc.vision.document.viz.read import mrz_texts
from openkyc.vision.face import FaceError, PortraitCrop, crop_document_portrait
from openkyc.vision.face.portrait import ROTATIONS

#: Confidence of a field from an accepted MRZ (check digits pass, a second read confirms what
#: they do not cover) and from a zone that was read but not accepted.
MRZ_ACCEPTED_CONFIDENCE = 0.99
MRZ_UNACCEPTED_CONFIDENCE = 0.5
NAME_FIELDS = ("surname", "given_names")
MRZ_ON_BACK = frozenset({"TD1"})
"""MRZ formats printed on the back of the card, away from the names."""
SEARCHES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="document-portrait")
"""Portrait searches, two ways up at a time: dlib releases the GIL, and a search that finds
nothing (a card's back, a page without a portrait) spends ~0.45 s in upsampled passes."""


@dataclass(frozen=True)
class Evidence:
    front: np.ndarray
    back: np.ndarray | None


def decode(data: bytes) -> np.ndarray:
    """The cleaned upload (already checked by the intake) as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _mrz(evidence: Evidence) -> tuple[MrzRead, Side]:
    front = read_mrz(evidence.front)
    if (front.result is None or not front.accepted) and evidence.back is not None:
        back = read_mrz(evidence.back)
        if back.result is not None and (front.result is None or back.accepted):
            return back, "back"
    return front, "front"


def _confirm_names(mrz: MrzRead, viz: VizResult | None) -> MrzRead:
    """Tesseract's read of the printed names is independent of the MRZ engines' reads: when
    they agree (accents aside), the names are confirmed."""
    result = mrz.result
    if viz is None or result is None or not mrz.names_pending:
        return mrz
    printed = {name: fold(viz.fields[name].value) for name in NAME_FIELDS if name in viz.fields}
    if printed.get("surname") != result.surname or not printed.get("given_names", "").split():
        return mrz
    if printed["given_names"].split()[0] != (result.given_names.split() or [""])[0]:
        return mrz
    return replace(
        mrz,
        accepted=True,
        engine="both",
        reason="every check digit passes as read; the names match the printed zone",
    )


def _vote_with_printed(mrz: MrzRead, viz: VizResult | None, side: Side) -> MrzRead:
    """Names of a zone not accepted, voted again with the printed-zone reader's own read of
    the MRZ (Tesseract `fra` on the whole page) as a fourth voter; only for a zone read on
    the page that was read."""
    if viz is None or side != "front" or mrz.accepted:
        return mrz
    printed = mrz_texts(viz.lines)
    return with_printed_read(mrz, printed) if printed else mrz


def _mrz_out(read: MrzRead, side: Side) -> MrzOut | None:
    result = read.result
    if result is None:
        return None
    return MrzOut(
        format=result.format,
        lines=list(result.lines),
        valid=result.valid,
        countries_valid=result.countries_valid,
        accepted=read.accepted,
        reason=read.reason,
        side=side,
        checks=[
            CheckDigitOut(name=c.name, read=c.read, computed=c.computed, valid=c.valid)
            for c in result.checks
        ],
    )


def _printed(mrz: MrzRead, viz: VizResult | None) -> dict[str, VizField]:
    """The printed fields; with an accepted MRZ, its names as they are printed. Names read
    without any accent are read again for the accents of any Latin-alphabet language."""
    if viz is None:
        return {}
    fields = viz.fields
    result = mrz.result
    if result is not None and mrz.accepted:
        names = {"surname": result.surname, "given_names": result.given_names}
        fields = names_from_mrz(viz.fields, viz.lines, names)
    return add_accents(viz.page_rgb, fields) if viz.page_rgb is not None else fields


def _fields(mrz: MrzRead, viz: VizResult | None, side: Side) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    for name, printed_value in _printed(mrz, viz).items():
        fields[name] = FieldValue(
            value=printed_value.value,
            value_accented=printed_value.value_accented,
            confidence=round(printed_value.confidence, 3),
            source="viz",
        )
    result = mrz.result
    if result is None:
        return fields
    confidence = MRZ_ACCEPTED_CONFIDENCE if mrz.accepted else MRZ_UNACCEPTED_CONFIDENCE
    values = {
        "surname": result.surname,
        "given_names": result.given_names,
        "document_number": result.document_number,
        "nationality": result.nationality,
        "issuing_country": result.issuing_country,
        "birth_date": result.birth_date,
        "expiry_date": result.expiry_date,
        "sex": result.sex,
        "document_code": result.document_code,
    }
    for name, value in values.items():
        printed = fields.get(name)
        if not value or (printed and not mrz.accepted and printed.confidence > confidence):
            continue
        accented = None
        if printed and (
            fold(printed.value) == fold(value)
            or transliterates_to(printed.value_accented or "", value)
        ):
            accented = printed.value_accented
        fields[name] = FieldValue(
            value=value,
            value_accented=accented,
            confidence=confidence,
            source="mrz",
            side=side,
        )
    return fields


def _read_viz(
    page: PageResult,
    layout: str | None,
    fallback: Callable[[], bool],
    turned: Callable[[], int | None],
) -> VizResult | None:
    try:
        return read_printed_fields(
            page.rgb, layout=layout, use_zones=page.found, fallback=fallback, turned=turned
        )
    except OcrError:
        return None


def _upright(mrz: MrzRead, side: Side) -> int | None:
    """The front photo's clockwise turn to upright, from a zone read on it: the MRZ is read
    in both directions and the one that parses decides, which is surer than orientation
    detection on the whole photo (and saves a Tesseract run)."""
    return mrz.rotation if side == "front" and mrz.result is not None else None


def _page_turn(page: PageResult, mrz: MrzRead, side: Side) -> int | None:
    """0, 90, 180 or 270: how far the found page must still turn to be upright, by the MRZ's
    direction; None when the MRZ does not tell (not read on the front). A whole photo without
    an outline was already turned by the MRZ (`find_document`)."""
    turn = _upright(mrz, side)
    if turn is None:
        return None
    if not page.found:
        return 0
    return (page.rotation - turn) % 360


def _page_holding_mrz(page: PageResult, mrz: MrzRead, side: Side, photo: np.ndarray) -> PageResult:
    """The page that holds the MRZ read on the front, where the names are printed beside it.

    Every format but TD1 prints the MRZ on the side with the names: there, an outline around
    something else (the portrait, a torn-off corner) gives way to the whole photo, turned
    upright by the MRZ. (A TD1 card's MRZ is on its back: an outline beside it may well be
    the front, photographed with it.) An outline a quarter turn off the MRZ is an open
    passport photographed whole (both pages): it gives way to the page that holds the MRZ."""
    turn = _upright(mrz, side)
    if turn is None or mrz.box is None or mrz.result is None or not page.found:
        return page
    x, y, w, h = mrz.box
    centre = (x + w / 2, y + h / 2)
    if not holds(page, centre):
        if mrz.result.format in MRZ_ON_BACK:
            return page
        return find_document(photo, upright=lambda: turn, outline=False)
    if _page_turn(page, mrz, side) in (90, 270):
        return page_of_spread(photo, page, centre, turn)
    return page


def _portrait(page: PageResult, evidence: Evidence, turn: int | None = None) -> PortraitCrop | None:
    """The portrait on the page, else on the photo.

    With the photo's clockwise turn to upright known (`turn`, the MRZ's), only that way up is
    searched (on the page: what is left of that turn after the page's own rotation). Without
    it, an outlined page is only in doubt between upright and upside down (its long edge is
    level), and so is the photo at the page's rotation; a whole photo without an outline is
    searched at every quarter turn. Each way up that finds no face costs ~0.45 s: the ways
    up are searched two at a time (`SEARCHES`), and the first in this order that shows a
    face is the portrait, as if they had been searched one after the other."""
    tries: list[tuple[np.ndarray, tuple[int, ...]]] = []
    if turn is not None:
        tries = [(page.rgb, ((turn - page.rotation) % 360,))] if page.found else []
        tries.append((evidence.front, (turn,)))
    elif page.found:
        level = (page.rotation, (page.rotation + 180) % 360)
        tries = [(page.rgb, (0, 180)), (evidence.front, level)]
    else:
        tries = [(evidence.front, tuple((page.rotation + r) % 360 for r in ROTATIONS))]
    searches = [
        SEARCHES.submit(_search, image, rotation)
        for image, rotations in tries
        for rotation in rotations
    ]
    for search in searches:  # the first way up, in the order above, that shows a face
        found = search.result()
        if found is not None:
            for later in searches:
                later.cancel()
            return found
    return None


def _search(image: np.ndarray, rotation: int) -> PortraitCrop | None:
    try:
        return crop_document_portrait(image, rotations=(rotation,), embed=False)
    except FaceError:
        return None


def _turned_by_mrz(page: PageResult, mrz: MrzRead, side: Side) -> PageResult | None:
    """The page turned upright (0 or 180 degrees) by the MRZ's direction; None when the MRZ
    does not tell. An outline does not tell 0 from 180 degrees: the MRZ does."""
    turn = _page_turn(page, mrz, side)
    if turn not in (0, 180):
        return None
    return flip_page(page) if turn == 180 else page


def _portrait_by_mrz(
    page: PageResult, evidence: Evidence, mrz_read: Future[tuple[MrzRead, Side]]
) -> tuple[bool, PortraitCrop | None]:
    """(searched, portrait): the portrait, once the MRZ says which way up the page is; not
    searched when it does not say (the printed zone's reading decides later)."""
    mrz, side = mrz_read.result()
    upright = _turned_by_mrz(page, mrz, side)
    if upright is None:
        return False, None
    return True, _portrait(upright, evidence, _upright(mrz, side))


def _quality(page: PageResult) -> Quality:
    q = page.quality
    return Quality.model_validate(
        {
            "document_found": page.found,
            "sharpness": round(q.sharpness, 3),
            "glare": round(q.glare, 4),
            "resolution_px_per_mm": round(q.resolution, 2),
            "cropping": round(q.cropping, 2),
            "rotation_deg": page.rotation,
            "refusals": [{"code": r.code, "message": r.message} for r in page.refusals],
        }
    )


def hinted_layout(document_hint: str | None, country_hint: str | None, aspect: float) -> str | None:
    """The layout pack a caller's hints point to (``auto`` or None: let the reader decide)."""
    kind = None if document_hint in (None, "auto") else document_hint
    country = None if country_hint in (None, "auto") else country_hint
    if kind is None:
        return None
    return layout_for(Detected_(kind, country, 1.0, (), "hint"), aspect)  # type: ignore[arg-type]


def read(
    evidence: Evidence, document_hint: str | None = None, country_hint: str | None = None
) -> tuple[DocumentRead, PortraitCrop | None]:
    """The document as read, and its portrait when a face was found (not embedded: a face
    match embeds it with `vision.face.embed_portrait`)."""
    # The MRZ read (ONNX models, which release the GIL) and the printed-field read (a
    # Tesseract process) are independent: run them side by side. The slow RapidOCR pass over
    # the printed zone runs only when the MRZ was not accepted: an accepted MRZ already gives
    # the names, dates, number, nationality and sex. Once the MRZ tells which way up the page
    # is, the portrait is searched that way up only, beside the printed-field read.
    with ThreadPoolExecutor(max_workers=2) as pool:
        mrz_read = pool.submit(_mrz, evidence)
        page = find_document(evidence.front, upright=lambda: _upright(*mrz_read.result()))
        by_mrz = pool.submit(_portrait_by_mrz, page, evidence, mrz_read)
        aspect = page.rgb.shape[1] / max(1, page.rgb.shape[0])
        layout = hinted_layout(document_hint, country_hint, aspect)
        holding = cache(lambda: _page_holding_mrz(page, *mrz_read.result(), evidence.front))
        # The slow pass runs only on the page that holds the MRZ: on another (an outline
        # around the portrait, one page of a spread) its read would be thrown away.
        viz = _read_viz(
            page,
            layout,
            lambda: not mrz_read.result()[0].accepted and holding() is page,
            lambda: _page_turn(page, *mrz_read.result()),
        )
        mrz, side = mrz_read.result()
        back_read = (
            back.READS.submit(
                back.read_back,
                evidence.back,
                mrz.rotation if side == "back" and mrz.result is not None else None,
                back.languages(viz),
            )
            if evidence.back is not None
            else None
        )
        first, page = page, holding()
        if page is not first:  # read again on the page that holds the MRZ
            viz = _read_viz(page, layout, lambda: not mrz.accepted, lambda: 0)
        searched, portrait = by_mrz.result()
    # Which way up the page is: the MRZ says, else the printed zone's reading (Tesseract read
    # some upright specimens better upside down).
    upright = _turned_by_mrz(page, mrz, side)
    if upright is not None:
        page = upright
    elif viz is not None and viz.turned == 180:
        page = flip_page(page)
    mrz = _vote_with_printed(_confirm_names(mrz, viz), viz, side)
    detected = classify([line.text for line in viz.lines] if viz else [], mrz=mrz.result)
    fields = back.with_back(_fields(mrz, viz, side), back_read.result() if back_read else None)
    rules = (
        [
            Check(name=c.name, status=c.status, message=c.message)
            for c in layout_rules(viz.layout, fields)
        ]
        if viz
        else []
    )
    if not searched:
        portrait = _portrait(page, evidence, _upright(mrz, side) if upright else None)
    document = DocumentRead(
        detected=Detected(
            type=detected.type,
            country=detected.country,
            confidence=round(detected.confidence, 3),
        ),
        fields=fields,
        mrz=_mrz_out(mrz, side),
        quality=_quality(page),
        face_found=portrait is not None,
        layout=viz.layout if viz else None,
        layout_checks=rules,
    )
    return document, portrait
