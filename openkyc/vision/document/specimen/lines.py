"""Synthetic MRZ line crops in OCR-B with realistic degradations (training and tests).

A whole band is rendered (so a crop can show slivers of the neighbouring lines, as real crops
do), then degraded (guilloche background, ink, skew, low resolution, blur, glare, JPEG, noise)
and one line is cut out with random margins.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from openkyc.vision.document.specimen.compose import (
    SpecimenFields,
    td1_lines,
    td2_lines,
    td3_lines,
)

OCRB_FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
"""Debian `fonts-ocr-b`; the MRZ typeface mandated by ICAO 9303 part 3."""
OCRB_VARIANTS = (OCRB_FONT, "/usr/share/fonts/opentype/ocr-b/OCRBS.otf")
"""The package's regular and sharp cuts; the oblique cut stands for slanted print."""
OCRB_OBLIQUE = "/usr/share/fonts/opentype/ocr-b/OCRBL.otf"
OTHER_FACES = tuple(
    f"/usr/share/fonts/truetype/dejavu/{name}.ttf"
    for name in (
        "DejaVuSansMono",
        "DejaVuSansMono-Bold",
        "DejaVuSansCondensed",
        "DejaVuSans-ExtraLight",
    )
)
"""Debian `fonts-dejavu-core` faces for zones not printed in OCR-B: some visas and older cards
use a thin or condensed sans (on a development visa the model, trained on OCR-B only, read
its 0s as U), and laser engraving thins the strokes."""
OTHER_FACE_SHARE = 0.12
"""Share of the training bands printed in one of `OTHER_FACES`: enough to see them, not so much
that OCR-B, which nearly every document uses, is learnt less well."""
RENDER_SIZE = 40
"""Font size of the clean render; degradations scale it down afterwards."""

UInt8Array = npt.NDArray[np.uint8]


@functools.cache
def ocrb_font(size: int = RENDER_SIZE, path: str = OCRB_FONT) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class PrintStyle:
    """How a real printer departs from the clean font: cut, weight, pitch, width, wobble, ink."""

    font: str = OCRB_FONT
    stroke: int = 0
    """Extra stroke width in pixels at RENDER_SIZE (bold laser or inkjet print)."""
    pitch: tuple[float, float] = (0.92, 1.15)
    """Range of the character advance, as a multiple of the font's own."""
    x_scale: float = 1.0
    """Horizontal stretch of the whole band after rendering (condensed or wide print)."""
    jitter: float = 0.0
    """Standard deviation of each character's vertical offset, in pixels at RENDER_SIZE."""
    ink: tuple[float, float] = (0.0, 90.0)


def random_style(rng: np.random.Generator) -> PrintStyle:
    """A print style as seen on real documents: bolder, condensed or wide, faint, wobbly."""
    pick = rng.random()
    font = OCRB_OBLIQUE if pick < 0.05 else OCRB_VARIANTS[int(rng.integers(0, 2))]
    if rng.random() < OTHER_FACE_SHARE:
        font = OTHER_FACES[int(rng.integers(0, len(OTHER_FACES)))]
    return PrintStyle(
        font=font,
        stroke=int(rng.choice([0, 0, 0, 1, 1, 1, 2])),
        pitch=(0.8, 1.4),
        x_scale=float(rng.uniform(0.75, 1.25)),
        jitter=float(rng.uniform(0.0, 1.5)),
        ink=(0.0, 150.0),
    )


def _word(rng: np.random.Generator, low: int, high: int) -> str:
    length = int(rng.integers(low, high + 1))
    return "".join(rng.choice(list(string.ascii_uppercase), length))


def _digits(rng: np.random.Generator, count: int) -> str:
    return "".join(rng.choice(list(string.digits), count))


def random_fields(rng: np.random.Generator) -> SpecimenFields:
    """Plausible random fields: names, alphanumeric numbers, dates, country codes."""
    given = " ".join(_word(rng, 2, 9) for _ in range(int(rng.integers(1, 4))))
    chars = string.ascii_uppercase + string.digits
    number = "".join(rng.choice(list(chars), int(rng.integers(6, 10))))
    date = f"{_digits(rng, 2)}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"
    expiry = f"{_digits(rng, 2)}{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}"
    optional = "" if rng.random() < 0.6 else _digits(rng, int(rng.integers(1, 8)))
    return SpecimenFields(
        surname=" ".join(_word(rng, 2, 12) for _ in range(int(rng.integers(1, 3)))),
        given_names=given,
        document_number=number,
        issuing_country=_word(rng, 1, 3) if rng.random() < 0.1 else _word(rng, 3, 3),
        nationality=_word(rng, 3, 3),
        birth_date=date,
        sex=str(rng.choice(["M", "F", "<"])),
        expiry_date=expiry,
        optional_data=optional,
        document_code=str(rng.choice(["", "", "ID", "IR", "AC", "PO", "V", "C"])),
    )


def _random_sequence(rng: np.random.Generator, width: int) -> str:
    """Characters with '<' runs but no layout, so the model cannot lean on positions."""
    alphabet = list(string.ascii_uppercase + string.digits + "<<<<<<")
    chars = list(rng.choice(alphabet, width))
    start = int(rng.integers(0, width))
    run = int(rng.integers(0, width - start + 1))
    chars[start : start + run] = ["<"] * run
    return "".join(chars)


def _french_old(rng: np.random.Generator) -> tuple[str, str]:
    line1 = ("IDFRA" + _word(rng, 3, 12)).ljust(30, "<") + _digits(rng, 6)
    line2 = _digits(rng, 12) + _word(rng, 3, 14).ljust(14, "<") + _digits(rng, 7) + "M" + "0"
    return line1[:36], line2[:36]


def random_band(rng: np.random.Generator) -> tuple[str, ...]:
    """The lines of one random MRZ of a random format (or of layout-free sequences)."""
    pick = rng.random()
    if pick < 0.3:
        width = int(rng.choice([30, 36, 44]))
        return tuple(_random_sequence(rng, width) for _ in range(int(rng.choice([2, 3]))))
    fields = random_fields(rng)
    try:
        if pick < 0.55:
            return td3_lines(fields)
        if pick < 0.8:
            return td1_lines(fields)
        if pick < 0.92:
            return td2_lines(fields)
    except ValueError:
        return tuple(_random_sequence(rng, 44) for _ in range(2))
    return _french_old(rng)


def _background(rng: np.random.Generator, height: int, width: int) -> UInt8Array:
    base = rng.uniform(150, 255, 3)
    img = np.ones((height, width, 3), np.float32) * base
    xs = np.arange(width, dtype=np.float32)
    for _ in range(int(rng.integers(0, 12))):
        freq, phase = rng.uniform(0.005, 0.05), rng.uniform(0, 6.3)
        amp, y0 = rng.uniform(3, height / 3), rng.uniform(0, height)
        ys = y0 + amp * np.sin(freq * xs + phase)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        shade = tuple(float(v) for v in base - rng.uniform(10, 90, 3))
        cv2.polylines(img, [pts], False, shade, int(rng.integers(1, 3)), cv2.LINE_AA)
    return np.clip(img, 0, 255).astype(np.uint8)


def render_band(
    lines: tuple[str, ...], rng: np.random.Generator, style: PrintStyle | None = None
) -> tuple[UInt8Array, list[tuple[int, int, int, int]]]:
    """RGB image of the band and each line's box (x0, y0, x1, y1) in it."""
    style = style or PrintStyle()
    font = ocrb_font(RENDER_SIZE, style.font)
    advance = font.getlength("<") * rng.uniform(*style.pitch)
    pitch = RENDER_SIZE * rng.uniform(1.25, 1.8)
    margin = RENDER_SIZE * 2
    width = int(margin * 2 + advance * max(len(x) for x in lines))
    height = int(margin * 2 + pitch * len(lines))
    background = _background(rng, height, width)
    img = Image.fromarray(background)
    draw = ImageDraw.Draw(img)
    darkest = float(background.mean()) - 60.0
    ink = tuple(int(v) for v in np.minimum(rng.uniform(*style.ink, 3), darkest))
    boxes = []
    for row, text in enumerate(lines):
        y = margin + row * pitch
        for col, char in enumerate(text):
            dy = rng.normal(0, style.jitter) if style.jitter else 0.0
            place = (margin + col * advance, y + dy)
            draw.text(place, char, font=font, fill=ink, stroke_width=style.stroke, stroke_fill=ink)
        x1 = margin + advance * len(text)
        boxes.append((margin, int(y + RENDER_SIZE * 0.1), int(x1), int(y + RENDER_SIZE * 0.8)))
    band = np.asarray(img)
    if style.x_scale != 1.0:
        band = np.asarray(
            cv2.resize(band, None, fx=style.x_scale, fy=1.0, interpolation=cv2.INTER_AREA),
            np.uint8,
        )
        boxes = [(int(a * style.x_scale), b, int(c * style.x_scale), d) for a, b, c, d in boxes]
    return band, boxes
