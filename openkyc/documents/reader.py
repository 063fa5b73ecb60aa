"""Reading one document: the MRZ (front, else back; ADR 0203), the page (outline,
perspective, quality), the printed fields with Tesseract and RapidOCR, type and country, the
portrait. The MRZ is authoritative for names and dates where it was accepted; printed fields
fill what it lacks and carry the accents. Pure orchestration of the vision library."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from openkyc.documents import back, pages
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
    flip_page,
)
from openkyc.vision.document.viz import FieldValue as VizField
from openkyc.vision.document.viz import OcrError, VizResult, read_printed_fields
from openkyc.vision.document.viz.accents import add_accents
from openkyc.vision.document.viz.guided import names_from_mrz, transliterates_to
from openkyc.vision.document.viz.read import mrz_texts, reads_upright
from openkyc.vision.face import PortraitCrop

#: Confidence of a field from an accepted MRZ (check digits pass, a second read confirms what
#: they do not cover) and from a zone that was read but not accepted.
MRZ_ACCEPTED_CONFIDENCE = 0.99
MRZ_UNACCEPTED_CONFIDENCE = 0.5
NAME_FIELDS = ("surname", "given_names")


@dataclass(frozen=True)
class Evidence:
    front: np.ndarray
    back: np.ndarray | None


def decode(data: bytes) -> np.ndarray:
    """The cleaned upload (already checked by the intake) as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _mrz(evidence: Evidence, located: Future[MrzRead]) -> tuple[MrzRead, Side]:
    """The MRZ (front, else back); `located` is given the front's zone as soon as it is
    located (`read_mrz`), or the error that stopped its search."""
    try:
        front = read_mrz(evidence.front, located.set_result)
    except BaseException as exc:
        if not located.done():
            located.set_exception(exc)
        raise
    if (front.result is None or not front.accepted) and evidence.back is not None:
        back = read_mrz(evidence.back)
        if back.result is not None and (front.result is None or back.accepted):
            return back, "back"
    return front, "front"


def _once(make: Callable[[], PageResult]) -> Callable[[], PageResult]:
    """`make` run once, by whichever thread asks first; the others wait for its page."""
    lock = threading.Lock()
    made: list[PageResult] = []

    def get() -> PageResult:
        with lock:
            if not made:
                made.append(make())
            return made[0]

    return get


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


def printed_pass(mrz: MrzRead) -> bool:
    """Whether the slow RapidOCR pass over the printed zone may run (where Tesseract left the
    layout short of fields): when no MRZ was read, the printed zone is all there is; when the
    MRZ's check digits pass and only its names await a second read, the printed names may
    confirm them (`_confirm_names`). Not when the MRZ was accepted (it gives the names, dates,
    number, nationality and sex), nor when it was read and cannot be accepted whatever the
    printed zone says (a check digit fails, or a country or document code no second engine
    read the same): the document is then not valid on its MRZ, and on the benchmark the pass
    changed no name there, for 0.5-1 s per document (ADR 0202 §15)."""
    return mrz.result is None or mrz.names_pending


def _portrait_turn(
    mrz: MrzRead, side: Side, upright: PageResult | None, viz: VizResult | None, page: PageResult
) -> int | None:
    """The photo's clockwise turn to upright for the portrait search: the MRZ's; else, when
    the printed zone read surely on the page as it is now turned (`reads_upright`), the
    page's own (a portrait is printed the same way up as the text around it); else None,
    and every way up is searched. Each way up that shows no face costs ~0.3-0.45 s of CPU:
    a document without an MRZ nor a face (the back of a card, a cover) was searched four
    ways up (ADR 0202 section 16)."""
    if upright is not None:
        return pages.upright_turn(mrz, side)
    if viz is not None and reads_upright(viz.lines):
        return page.rotation
    return None


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
    # The MRZ read (ONNX models) and the printed-field read (Tesseract), which both release
    # the GIL, run side by side; a photo without an outline is read as upright until the MRZ
    # is located and says otherwise (`pages.first_page`). The slow RapidOCR pass over the
    # printed zone runs only without an MRZ, or when the MRZ's names alone await
    # confirmation (`printed_pass`): an accepted MRZ already gives the names, dates, number,
    # nationality and sex. Once the front's zone is located, before its second reads, it
    # tells which way up the page is and which page holds it: the page is chosen, read again
    # if it is not the first one, and its portrait searched that way up only, while the zone
    # is still being read (ADR 0202 section 16).
    located: Future[MrzRead] = Future()
    with ThreadPoolExecutor(max_workers=2) as pool:
        mrz_read = pool.submit(_mrz, evidence, located)
        first, confirmed = pages.first_page(evidence.front, located)
        final = _once(
            lambda: pages.final_page(first, confirmed(), located.result(), "front", evidence.front)
        )
        by_zone = pool.submit(pages.portrait_by_zone, final, evidence.front, located)
        layout = hinted_layout(document_hint, country_hint, pages.aspect(first))
        # The slow pass runs only on the page that holds the MRZ, turned as the MRZ says: on
        # another (an outline around the portrait, one page of a spread, a photo taken the
        # wrong way up) its read would be thrown away.
        # The first page is not read when the zone, located already, places the page
        # elsewhere (a photo turned, a spread); the slow pass asks where the page is before
        # waiting for the zone's second reads. An outline that lies a quarter turn off is in
        # doubt (a card on its side, either way, or an open passport photographed whole):
        # it waits until the zone is located (`pages.quarter_turned`).
        if pages.quarter_turned(first):
            wait([located])
        viz = (
            _read_viz(
                first,
                layout,
                lambda: final() is first and printed_pass(mrz_read.result()[0]),
                lambda: pages.page_turn(first, located.result(), "front"),
            )
            if not located.done() or final() is first
            else None
        )
        page = final()
        if page is not first:  # read again on the page that holds the MRZ, upright
            layout = hinted_layout(document_hint, country_hint, pages.aspect(page))
            turn = 0 if confirmed() else pages.page_turn(page, located.result(), "front")
            viz = _read_viz(page, layout, lambda: printed_pass(mrz_read.result()[0]), lambda: turn)
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
        searched, portrait = by_zone.result()
    if not pages.same_place(located.result(), mrz, side):
        # The back's zone was read instead of the front's: the page as the front's zone
        # placed it may not be the page to read.
        moved = pages.final_page(first, False, mrz, side, evidence.front)
        if moved is not page:
            page = moved
            layout = hinted_layout(document_hint, country_hint, pages.aspect(page))
            turn = pages.page_turn(page, mrz, side)
            viz = _read_viz(page, layout, lambda: printed_pass(mrz), lambda: turn)
        searched, portrait = False, None
    # Which way up the page is: the MRZ says, else the printed zone's reading (Tesseract read
    # some upright specimens better upside down).
    upright = pages.turned_by_mrz(page, mrz, side)
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
        turn = _portrait_turn(mrz, side, upright, viz, page)
        portrait = pages.portrait(page, evidence.front, turn, mrz if side == "front" else None)
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


def warm_up(sample: bytes) -> None:
    """Load the reader's engines ahead of the first request: the OCR-B and PP-OCRv4 models,
    Tesseract's `fra` and Latin-script models and the face detector, by reading `sample`
    (an image of a document with an MRZ, such as the demo's specimen passport), then a face
    detector for each portrait search that may run at once."""
    read(Evidence(decode(sample), None))
    pages.prepare_searches()
