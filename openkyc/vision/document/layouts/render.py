"""Render SPECIMEN documents for each layout pack (project-written designs) and degrade them.

The designs use only what Debian ships (DejaVu for print, `fonts-ocr-b` for the MRZ) and the
public-domain `skimage.data.astronaut()` portrait. Every image carries a red SPECIMEN mark.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from openkyc.vision.document.layouts.model import PAGE_MM, Box, Layout
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.layouts.packs import LAYOUTS
from openkyc.vision.document.specimen import degrade

UInt8Array = npt.NDArray[np.uint8]

RENDER_PX_PER_MM = 10.0
"""Specimen resolution (254 dpi): canonical page size of the reader too (`page.py`)."""
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
OCRB_FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
NASKH_FONT = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
"""Amiri (Debian `fonts-hosny-amiri`, OFL), a Naskh face with the Urdu letters."""
LABEL_SCALE = 0.62
"""Label height relative to the value height, as on most ID cards."""


@functools.cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    path = {"ocrb": OCRB_FONT, "naskh": NASKH_FONT}.get(name, FONT_DIR + name)
    return ImageFont.truetype(path, size)


def _px(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    return int(box[0] * width), int(box[1] * height), int(box[2] * width), int(box[3] * height)


def _fit(text: str, name: str, box: tuple[int, int, int, int]) -> ImageFont.FreeTypeFont:
    """The largest font that keeps `text` inside the box."""
    size = max(6, int((box[3] - box[1]) * 0.95))
    font = _font(name, size)
    while size > 6 and font.getlength(text) > box[2] - box[0]:
        size -= 1
        font = _font(name, size)
    return font


def _background(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """Pale tint with a faint guilloche, enough to look like security print, not to hide text."""
    tint = rng.uniform(215, 245, 3)
    img = np.ones((height, width, 3), np.float32) * tint
    xs = np.arange(width, dtype=np.float32)
    for _ in range(6):
        freq, phase = rng.uniform(0.01, 0.04), rng.uniform(0, 6.3)
        ys = rng.uniform(0, height) + rng.uniform(5, height / 4) * np.sin(freq * xs + phase)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        shade = tuple(float(v) for v in tint - rng.uniform(8, 25, 3))
        cv2.polylines(img, [pts], False, shade, 1, cv2.LINE_AA)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))


def _portrait(img: Image.Image, box: tuple[int, int, int, int]) -> None:
    from skimage import data  # local: only the renderer needs scikit-image

    face_px = np.asarray(data.astronaut())  # type: ignore[no-untyped-call]
    face = Image.fromarray(face_px[20:300, 120:340])
    img.paste(face.resize((box[2] - box[0], box[3] - box[1])), box[:2])


def _draw_fields(draw: ImageDraw.ImageDraw, layout: Layout, values: Mapping[str, str]) -> None:
    width, height = draw.im.size
    for zone in layout.fields:
        value = values.get(zone.name, "")
        box = _px(zone.box, width, height)
        if zone.label_left:
            label = zone.labels[0] + " "
            font = _font("DejaVuSans.ttf", int((box[3] - box[1]) * 0.8))
            draw.text((box[0], box[1]), label, font=font, fill=(60, 60, 90))
            box = (box[0] + int(font.getlength(label)), *box[1:])
        else:
            label_h = int((box[3] - box[1]) * LABEL_SCALE)
            label = " / ".join(zone.labels[:2]) if len(zone.labels) > 1 else zone.labels[0]
            top = box[1] - label_h - 4
            draw.text(
                (box[0], top), label, font=_font("DejaVuSans.ttf", label_h), fill=(60, 60, 90)
            )
        if value:
            draw.text(
                box[:2], value, font=_fit(value, "DejaVuSans-Bold.ttf", box), fill=(15, 15, 25)
            )


def _draw_mrz(draw: ImageDraw.ImageDraw, layout: Layout, values: Mapping[str, str]) -> None:
    if layout.mrz is None or layout.mrz_box is None:
        return
    lines = mrz_lines(layout, values)
    width, height = draw.im.size
    x0, y0, x1, y1 = _px(layout.mrz_box, width, height)
    pitch = (y1 - y0) / len(lines)
    font = _fit("<" * len(lines[0]), "ocrb", (x0, 0, x1, int(pitch * 0.7)))
    for row, text in enumerate(lines):
        draw.text((x0, y0 + row * pitch), text, font=font, fill=(10, 10, 10))


def _mark_specimen(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    width, height = draw.im.size
    photo = _px(layout.photo, width, height)
    mid = (photo[1] + photo[3]) // 2
    font = _fit("SPECIMEN", "DejaVuSans-Bold.ttf", (photo[0], mid, photo[2], mid + height // 14))
    draw.text((photo[0], mid), "SPECIMEN", font=font, fill=(220, 0, 0))


@dataclass(frozen=True)
class Specimen:
    """A rendered specimen: the upright page and the values printed on it."""

    rgb: UInt8Array
    values: Mapping[str, str]
    layout: Layout


def render_specimen(
    layout_name: str, fields: Mapping[str, str] | None = None, seed: int = 0
) -> Specimen:
    """Render the front of `layout_name` at RENDER_PX_PER_MM, SPECIMEN-marked.

    `fields` overrides the pack's sample values (as printed, accents kept).
    """
    layout = LAYOUTS[layout_name]
    values = {**layout.sample, **(fields or {})}
    mm_w, mm_h = PAGE_MM[layout.page_format]
    width, height = round(mm_w * RENDER_PX_PER_MM), round(mm_h * RENDER_PX_PER_MM)
    img = _background(np.random.default_rng(seed), width, height)
    _portrait(img, _px(layout.photo, width, height))
    draw = ImageDraw.Draw(img)
    for block in layout.headers:
        box = _px(block.box, width, height)
        font = _fit(block.text, "DejaVuSans-Bold.ttf" if block.bold else "DejaVuSans.ttf", box)
        draw.text(box[:2], block.text, font=font, fill=(20, 40, 100))
    _draw_fields(draw, layout, values)
    _draw_mrz(draw, layout, values)
    _mark_specimen(draw, layout)
    return Specimen(np.asarray(img, np.uint8), values, layout)


def photograph(
    page: UInt8Array,
    seed: int = 0,
    *,
    rotation: float = 0.0,
    tilt: float = 0.06,
    blur: float = 0.8,
    glare: float = 0.0,
    jpeg_quality: int = 70,
    margin: float = 0.25,
) -> UInt8Array:
    """The page as a phone photo: on a dark table, rotated, in perspective, blurred, JPEG."""
    rng = np.random.default_rng(seed)
    height, width = page.shape[:2]
    pad_y, pad_x = int(height * margin), int(width * margin)
    table = np.full(3, int(rng.uniform(40, 90)), np.uint8)  # grey: matches warp fill
    canvas = np.empty((height + 2 * pad_y, width + 2 * pad_x, 3), np.uint8)
    canvas[:] = table
    canvas[pad_y : pad_y + height, pad_x : pad_x + width] = page
    out = degrade.perspective(canvas, rng, tilt, border=int(table[0]))
    if rotation:
        out = degrade.rotate(out, rotation, border=int(table[0]))
    if glare > 0:
        out = degrade.glare(out, rng, glare)
    return degrade.jpeg(degrade.blur(out, blur), jpeg_quality)


@dataclass(frozen=True)
class BackField:
    """A labelled field printed on a card's back: the label above its value's lines."""

    name: str
    label: str
    box: Box
    """Where the value's lines go (fractions of the page)."""
    rtl: bool = False
    """Right-to-left script: label and lines aligned on the box's right edge."""


BACKS: dict[str, tuple[tuple[BackField, ...], dict[str, str]]] = {
    "fra_cni_2021": (
        (
            BackField("address", "ADRESSE / Address", (0.05, 0.16, 0.70, 0.42)),
            BackField("issue_date", "DATE DE DÉLIVRANCE / Date of issue", (0.05, 0.55, 0.40, 0.62)),
        ),
        {"address": "12 RUE DES ÉCOLES\n75005 PARIS", "issue_date": "12 02 2021"},
    ),
    "pak_cnic": (
        (
            BackField("address", "موجودہ پتہ", (0.30, 0.22, 0.95, 0.38), rtl=True),
            BackField("permanent_address", "مستقل پتہ", (0.30, 0.64, 0.95, 0.74), rtl=True),
        ),
        {
            "address": "مکان نمبر 12 گلی نمبر 5\nماڈل ٹاؤن لاہور",  # noqa: RUF001 (Urdu)
            "permanent_address": "گاؤں چک 45 ضلع فیصل آباد",
        },
    ),
}  # fmt: skip
"""Backs the renderer draws (project designs): the French 2021 card's address and issue date,
the Pakistani CNIC's present and permanent address in Urdu."""


BACK_LINE_HEIGHT = 0.08
"""Line pitch of a back's values, as a fraction of the page height."""


def render_back(
    layout_name: str, fields: Mapping[str, str] | None = None, seed: int = 0
) -> Specimen:
    """Render the back of `layout_name` (see BACKS), SPECIMEN-marked; a value's lines are
    separated by newlines."""
    layout = LAYOUTS[layout_name]
    back, sample = BACKS[layout_name]
    values = {**sample, **(fields or {})}
    mm_w, mm_h = PAGE_MM[layout.page_format]
    width, height = round(mm_w * RENDER_PX_PER_MM), round(mm_h * RENDER_PX_PER_MM)
    img = _background(np.random.default_rng(seed), width, height)
    draw = ImageDraw.Draw(img)
    for field in back:
        x0, y0, x1, y1 = _px(field.box, width, height)
        lines = values.get(field.name, "").split("\n")
        pitch = min((y1 - y0) / max(1, len(lines)), BACK_LINE_HEIGHT * height)
        label_h = int(pitch * 0.8 * (1.0 if field.rtl else LABEL_SCALE))
        face = "naskh" if field.rtl else "DejaVuSans.ttf"
        bold = "naskh" if field.rtl else "DejaVuSans-Bold.ttf"
        anchor, x = ("ra", x1) if field.rtl else ("la", x0)
        direction = "rtl" if field.rtl else None
        draw.text((x, y0 - int(label_h * 1.6)), field.label, font=_font(face, label_h),
                  fill=(60, 60, 90), anchor=anchor, direction=direction)  # fmt: skip
        for row, text in enumerate(lines):
            font = _fit(text, bold, (x0, 0, x1, int(pitch * 0.8)))
            draw.text((x, y0 + row * pitch), text, font=font, fill=(15, 15, 25),
                      anchor=anchor, direction=direction)  # fmt: skip
    font = _fit("SPECIMEN", "DejaVuSans-Bold.ttf", (0, 0, width // 4, height // 12))
    draw.text((int(width * 0.05), int(height * 0.88)), "SPECIMEN", font=font, fill=(220, 0, 0))
    return Specimen(np.asarray(img, np.uint8), values, layout)
