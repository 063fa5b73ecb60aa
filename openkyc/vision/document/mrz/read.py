"""Find and read the MRZ in a photo with independent recognisers.

The zone is found by geometry on PP-OCRv4's text boxes (`locate.py`). Its lines are read by
the project's own OCR-B recogniser (`ocrb.py`, decoded at the zone's exact width); when that
read is not sure, a second OCR-B model of ours may read it surely on its own; otherwise
PP-OCRv4's recogniser reads the same crops and Tesseract the stacked lines, side by side.
What to report and whether to vouch for it is decided in `decide.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from openkyc.vision.document.mrz.decide import (
    DOCUMENT_CODES,
    contradicts,
    decide,
    known_code,
    majority_names,
    misprinted,
    rank,
    safe_repairs,
    sure_alone,
    sure_decision,
)
from openkyc.vision.document.mrz.icao import MrzResult, parse_or_none
from openkyc.vision.document.mrz.locate import (
    DETECT_SIDE,
    FALLBACK_DETECT_SIDE,
    MIN_LEVEL_DEG,
    MIN_VERTICAL_SHARE,
    Band,
    TextBox,
    bands,
    groups,
    level,
    text_angle,
    text_boxes,
    vertical_share,
)
from openkyc.vision.document.mrz.ocrb import FloatArray as LogProbs
from openkyc.vision.document.mrz.ocrb import (
    LineRead,
    OcrbRecognizer,
    at_width,
    ctc_greedy,
    first_among,
    ocrb_recognizer,
    second_ocrb_recognizer,
)
from openkyc.vision.document.mrz.second import (
    MAX_MISCOUNT,
    MIN_LINE_CHARS,
    TesseractRead,
    clean,
    read_pprec,
)

RGB = npt.NDArray[np.uint8]
MIN_CONFIDENCE = 0.3  # mean OCR-B character confidence below this: not an MRZ (or upside down)
TD3_GROW = 44 / 36 - 1
"""How much longer a passport zone read 36 wide is cut again (`_cut_short`)."""


@dataclass(frozen=True)
class MrzRead:
    result: MrzResult | None
    accepted: bool
    reason: str
    engine: str | None
    rotation: int
    box: tuple[int, int, int, int] | None  # x, y, w, h of the zone in the input photo
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # each engine's lines
    elapsed_ms: float = 0.0
    unconfirmed: tuple[str, ...] = ()  # uncovered fields no second engine read the same
    unvoted: MrzResult | None = None  # the reported read before its names were voted

    @property
    def names_pending(self) -> bool:
        """Check digits pass (safe repairs only) and only the names await confirmation."""
        result = self.result
        return (
            not self.accepted
            and result is not None
            and result.check_digits_valid
            and safe_repairs(result)
            and bool(self.unconfirmed)
            and set(self.unconfirmed) <= {"names", "surname", "given_names"}
        )


def _looks_like_mrz(text: str) -> bool:
    return len(text) >= MIN_LINE_CHARS and ("<" in text or sum(c.isdigit() for c in text) >= 10)


def _widths(count: int) -> tuple[int, ...]:
    return (30,) if count == 3 else (44, 36)


def _plausible(result: MrzResult) -> bool:
    """A parse that could be a real zone: an ICAO document code and at least one check digit
    that passes (text that merely has the zone's shape passes none, most of the time), or
    three passing check digits whatever the code (one misread letter, `LD` for `ID`, must not
    hide a zone whose numbers all check; `decide` never vouches for that read, and two could
    pass by chance on a page of ordinary text), and no line read twice. A zone's lines differ
    by structure, so two equal lines are one printed line the locator took twice: every engine
    then reads the same crop, and their agreement on its "names" (a TD1 number line, seen on
    an enlarged scan) would vouch for nothing."""
    known = known_code(result)
    passing = sum(c.valid for c in result.checks)
    return passing >= (1 if known else 3) and len(set(result.lines)) == len(result.lines)


@dataclass(frozen=True)
class _Candidate:
    band: Band
    result: MrzResult
    confidence: float
    characters: tuple[tuple[float, ...], ...] = ()  # per line, each character's confidence

    @property
    def key(self) -> tuple[int, int, int, int, float]:
        return (*rank(self.result), self.confidence)


def _read_ocrb(*directions: Band, recognizer: OcrbRecognizer | None = None) -> _Candidate | None:
    """The OCR-B reading of a group in whichever direction reads as an MRZ."""
    count = len(directions[0].crops)
    model = recognizer or ocrb_recognizer()
    log_probs = model.log_probs([crop for band in directions for crop in band.roomy])
    best: _Candidate | None = None
    for i, band in enumerate(directions):
        outputs = log_probs[i * count : (i + 1) * count]
        greedy = [ctc_greedy(lp) for lp in outputs]
        if not all(_looks_like_mrz(g.text) for g in greedy):
            continue
        confidence = float(np.mean([c for g in greedy for c in g.confidences]))
        if confidence < MIN_CONFIDENCE:
            continue
        for width in _widths(count):
            if any(abs(len(g.text) - width) > MAX_MISCOUNT for g in greedy):
                continue
            texts = [at_width(g, lp, width) for g, lp in zip(greedy, outputs, strict=True)]
            lines = [t for t in texts if t is not None]
            result = parse_or_none([t.text for t in lines]) if len(lines) == len(texts) else None
            if result is None or not _plausible(result):
                continue
            if not known_code(result):  # plausible as read; then its first letter as a code's
                lines[0] = _coded(lines[0], greedy[0], outputs[0])
                result = parse_or_none([t.text for t in lines]) or result
            characters = tuple(t.confidences for t in lines)
            candidate = _Candidate(band, result, confidence, characters)
            if best is None or candidate.key > best.key:
                best = candidate
    return best


def _second_sure(first: _Candidate) -> _Candidate | None:
    """The second OCR-B model's read of the zone `first` left in doubt, when it is sure alone
    (`sure_alone`) and `contradicts` no character the first model was sure of. Only a sure
    read counts; the two models never confirm each other (ADR 0203 section 12)."""
    other = _read_ocrb(first.band, recognizer=second_ocrb_recognizer())
    if other is None or not sure_alone(other.result, other.characters):
        return None
    if contradicts(first.result.lines, first.characters, other.result.lines):
        return None
    return other


def _coded(line: LineRead, greedy: LineRead, log_probs: LogProbs) -> LineRead:
    """A first line whose document code does not start as an ICAO one (in a zone plausible
    as read: `_plausible` asks more of an unknown code) has that letter read again among P,
    I, A, C and V (`first_among`). Its probability, low, keeps the read from
    being sure alone: another engine must read the same letter (`uncovered_fields`)."""
    if line.text[:1] in DOCUMENT_CODES or line.text[:1] != greedy.text[:1]:
        return line
    found = first_among(log_probs, DOCUMENT_CODES)
    if found is None:
        return line
    letter, probability = found
    return LineRead(letter + line.text[1:], (probability, *line.confidences[1:]))


@dataclass(frozen=True)
class _View:
    """The photo as the detector is shown it: turned `turn` degrees clockwise, with the 2x3
    matrix from the view's pixels back to the photo's."""

    image: RGB
    turn: float
    to_photo: npt.NDArray[np.float64]
    boxes: list[TextBox]
    scale: float  # from the view to the detector's copy


_AS_IS = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
"""The view's pixels are the photo's."""


def _views(image: RGB) -> Iterator[_View]:
    """The photo as it is, a quarter turn away when some of its text runs vertical (the
    detector finds vertical lines too, but not all), then, when the photo is small or
    tilted, enlarged to the detector's size or levelled and seen larger
    (`FALLBACK_DETECT_SIDE`); each only when the one before showed no zone. A large, upright
    photo gains nothing from a third look."""
    height = image.shape[0]
    boxes, scale = text_boxes(image)
    yield _View(image, 0.0, _AS_IS, boxes, scale)
    if vertical_share(boxes) >= MIN_VERTICAL_SHARE:
        turned = np.ascontiguousarray(np.rot90(image, k=-1))
        matrix = np.array([[0, 1.0, 0], [-1.0, 0, height]])
        yield _View(turned, 90.0, matrix, *text_boxes(turned, wide=True))
    angle = text_angle(boxes)
    if abs(angle) >= MIN_LEVEL_DEG:
        levelled, to_photo = level(image, angle)
        found, scale = text_boxes(levelled, FALLBACK_DETECT_SIDE, enlarge=True, wide=True)
        yield _View(levelled, -angle, to_photo, found, scale)
    elif max(image.shape[:2]) < DETECT_SIDE:
        found, scale = text_boxes(image, DETECT_SIDE, enlarge=True, wide=True)
        yield _View(image, 0.0, _AS_IS, found, scale)


def _cut_short(result: MrzResult) -> bool:
    """A passport zone read 36 characters wide: ICAO prints passports in TD3 (44) only, so
    the detector missed the end of its lines (faint fillers, a final box of its own)."""
    return result.format == "TD2" and result.document_code.startswith("P")


def _search(view: _View) -> _Candidate | None:
    """The zone among the view's groups of lines, most zone-like first (`groups`): the first
    read as a plausible zone with an ICAO document code ends the search. A photo shows one
    document's zone: later groups are other lines of print, which read as no zone. (Until
    the thirteenth session a zone whose check digits did not all pass made the search read
    every group, up to 12, ~10 ms each; on all 75 benchmark images the zone so chosen was the
    first plausible one.) A plausible read with an unknown code (three passing check digits)
    does not end it."""
    best: _Candidate | None = None
    for group in groups(view.boxes):
        forward, backward = bands(view.image, group, view.scale)
        candidate = _read_ocrb(forward, backward)
        if candidate is not None and _cut_short(candidate.result):
            grow = (0.0, TD3_GROW) if candidate.band is forward else (TD3_GROW, 0.0)
            longer = _read_ocrb(*bands(view.image, group, view.scale, grow))
            candidate = longer if longer is not None and longer.key > candidate.key else candidate
        if candidate is not None and (best is None or candidate.key > best.key):
            best = candidate
            if best.key[0] or best.key[1]:  # check digits pass, or an ICAO document code
                break
    return best


def _locate(image: RGB) -> _Candidate | None:
    for view in _views(image):
        found = _search(view)
        if found is not None:
            return (
                found if view.turn == 0 and view.image is image else _in_photo(found, view, image)
            )
    return None


def _in_photo(candidate: _Candidate, view: _View, image: RGB) -> _Candidate:
    """A candidate found on a turned or levelled view, reported in the photo's frame."""
    x, y, w, h = candidate.band.box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], np.float64)
    points = corners @ view.to_photo.T
    x0, y0 = np.clip(np.floor(points.min(axis=0)), 0, None)
    x1 = min(float(np.ceil(points[:, 0].max())), image.shape[1])
    y1 = min(float(np.ceil(points[:, 1].max())), image.shape[0])
    box = (int(x0), int(y0), int(x1 - x0), int(y1 - y0))
    rotation = round((candidate.band.rotation + view.turn) / 90) * 90 % 360
    band = replace(candidate.band, rotation=rotation, box=box)
    return replace(candidate, band=band)


def read_mrz(image: RGB, located: Callable[[MrzRead], None] | None = None) -> MrzRead:
    """Locate and read the MRZ of an upright-or-rotated RGB photo.

    `located`, when given, is called once the zone is located, before any second read: with
    the OCR-B read, not accepted, whose rotation and box are those of the read returned (the
    same band is read again) and whose lines are as many and as long; with a read whose
    result is None when no zone was found. A caller may start what depends only on where the
    zone is and which way up it reads (the page, the portrait) while the zone is read again."""
    started = time.perf_counter()
    candidate = _locate(image)
    if located is not None:
        located(_located(candidate))
    if candidate is None:
        return MrzRead(
            None,
            False,
            "no machine-readable zone found",
            None,
            0,
            None,
            {},
            round((time.perf_counter() - started) * 1000, 1),
        )
    band, first = candidate.band, candidate.result
    width = len(first.lines[0])
    reads: dict[str, MrzResult | None] = {"ocrb": first}
    lines: dict[str, tuple[str, ...]] = {"ocrb": first.lines}
    if sure_alone(first, candidate.characters):
        decision = sure_decision(first)
    elif misprinted(first, candidate.characters):
        decision = decide(reads, lines)
        decision = replace(
            decision,
            reason=f"{decision.reason} (every character read surely: wrong as printed)",
        )
    elif (second := _second_sure(candidate)) is not None:
        reads["ocrb_b"], lines["ocrb_b"] = second.result, second.result.lines
        decision = sure_decision(second.result, "ocrb_b")
    else:
        tesseract = TesseractRead(band)
        try:
            lines["rapidocr"], reads["rapidocr"] = read_pprec(band, width)
            decision = decide(reads, lines)
            if not decision.accepted:
                lines["tesseract"], reads["tesseract"] = tesseract.result(width)
                decision = decide(reads, lines)
        finally:
            tesseract.stop()
    return MrzRead(
        decision.result,
        decision.accepted,
        decision.reason,
        decision.engine,
        band.rotation,
        band.box,
        {name: read for name, read in lines.items() if read},
        round((time.perf_counter() - started) * 1000, 1),
        decision.unconfirmed,
        decision.unvoted,
    )


def _located(candidate: _Candidate | None) -> MrzRead:
    if candidate is None:
        return MrzRead(None, False, "no machine-readable zone found", None, 0, None)
    band = candidate.band
    reason = "located; read by the OCR-B model only so far"
    return MrzRead(candidate.result, False, reason, "ocrb", band.rotation, band.box)


def with_printed_read(read: MrzRead, printed: list[str]) -> MrzRead:
    """`read` with its names voted again with one more voter: `printed`, the zone's lines as
    the printed-zone reader read them on the whole page (Tesseract's `fra` model at the
    page's scale, not the three engines' models on the zone's crops), top to bottom.

    Only for a zone not accepted for want of a second engine reading its names the same
    (`decide.majority_names`): with four voters a letter each engine misread differently
    (`UNITE9`: OCR-B `9`, PP-OCRv4 `O`, Tesseract `D`) comes out as the two that agree read
    it. Acceptance, and every other field, is unchanged."""
    if read.accepted or read.unvoted is None or read.engine is None or read.result is None:
        return read
    others = {name: lines for name, lines in read.reads.items() if name != read.engine}
    voted = majority_names(read.unvoted, others | {"printed": tuple(clean(t) for t in printed)})
    if voted.lines == read.result.lines:
        return read
    reason = (
        f"{read.reason}; with the printed zone's read of the MRZ, names "
        f"{voted.surname!r}, {voted.given_names!r}"
    )
    return replace(read, result=voted, reason=reason)
