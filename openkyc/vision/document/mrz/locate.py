"""Find the machine-readable zone: text boxes from a detector, grouped by their geometry.

PP-OCRv4's text detector (DBNet, shipped in the RapidOCR wheel) runs once on the photo scaled
to `DETECT_SIDE` px. MRZ lines are the long, thin boxes that come two or three together:
parallel, about equally long, stacked at a regular pitch. Each line of a group is then cut out
along the group's own axis, so rotation and most of the perspective are undone. A box does not
say which way is up, so both reading directions are cut; the recogniser decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.rapid import DETECTORS, RAPIDOCR, RAPIDOCR_OPTIONS
from openkyc.vision.imaging import rotate_grown, shrink

RGB = npt.NDArray[np.uint8]
Gray = npt.NDArray[np.uint8]
Vector = npt.NDArray[np.float64]

DETECT_SIDE = int(RAPIDOCR_OPTIONS["det_limit_side_len"])
"""The detector sees the photo at this size: MRZ characters stay >= ~10 px on a page photo."""
CROP_SIDE = 1600
"""Line crops are cut from the photo at up to this size (sharper than the detector's copy)."""
OCRB_CROP_HEIGHT = 1.3
"""Crops for the OCR-B model are this many detected thicknesses tall: the detector's box hugs
the glyphs, the model was trained with room around them (on the demo specimen, a box one pixel
tighter flipped two characters). PP-OCRv4 and Tesseract read the crops as detected: on the
development images they confirmed fewer zones from taller crops."""
MIN_ELONGATION = 9.0
"""Length / thickness of a box that could be a whole MRZ line (30 OCR-B characters or more)."""
MIN_PART_ELONGATION = 2.0
"""Other lines of a zone may be shorter: the detector leaves out long runs of fillers."""
ALIGNED = 1.5
"""Lines of one zone start (or end) within this many line thicknesses of each other."""
MAX_ANGLE_DEG = 6.0
"""Lines of one zone are parallel within this angle."""
PITCH = (0.6, 2.6)
"""Distance between neighbouring lines, in line thicknesses."""
MAX_GAP = 2.0
"""A line split by the detector is joined again across a gap of up to this many thicknesses
(3.0 joined TD1 lines to printed text beside them on two ID cards)."""
MAX_GROUPS = 12
"""Groups tried per photo (each read costs ~15 ms). On the development images every zone was
among the first 7 in the order of `groups`; in the order by longest line alone, four zones
were 7th to 15th, behind a page header's groups, when only 6 were tried."""
FALLBACK_DETECT_SIDE = 1280
"""A tilted photo that shows no zone is levelled and shown to the detector again at this size:
on an 18-degree phone photo of a passport the detector merged the two close, slanting lines
into one box at 960 px; levelled, it found them at 1280 px (not at 960 or 1100)."""
MIN_LEVEL_DEG = 5.0
"""Text tilted less than this is not levelled again (the detector found zones tilted 8 degrees
as they were; the crops follow each line's own axis)."""
MIN_VERTICAL_SHARE = 0.25
"""A photo is looked at a quarter turn away only when at least this share of its text runs
vertical. On the development set no zone was found that way that the photo as it is did not
show (the detector reads vertical lines too); a photo of horizontal text only paid for it."""


@dataclass(frozen=True)
class TextBox:
    """One detected text line as a rotated rectangle in the detector's image."""

    center: Vector
    axis: Vector  # unit vector along the line, pointing into the right half-plane
    length: float
    thickness: float

    @property
    def normal(self) -> Vector:
        """Unit vector across the line, pointing down the page when the axis reads left to
        right (image y grows downwards)."""
        return np.array([-self.axis[1], self.axis[0]])


@dataclass(frozen=True)
class Band:
    """A candidate zone: its lines cut out upright (top line first), in one reading direction."""

    crops: tuple[Gray, ...]  # as detected: for PP-OCRv4 and Tesseract
    roomy: tuple[Gray, ...]  # with room above and below: for the OCR-B model
    rotation: int  # clockwise quarter turns (degrees) that would make the zone upright
    box: tuple[int, int, int, int]  # x, y, w, h in the input photo


def _as_box(quad: npt.NDArray[Any]) -> TextBox:
    (cx, cy), (w, h), angle = cv2.minAreaRect(np.asarray(quad, np.float32))
    theta = math.radians(angle if w >= h else angle + 90)
    axis = np.array([math.cos(theta), math.sin(theta)])
    if axis[0] < 0 or (axis[0] == 0 and axis[1] < 0):
        axis = -axis
    return TextBox(np.array([cx, cy]), axis, float(max(w, h)), float(max(1.0, min(w, h))))


def text_boxes(
    image: RGB, side: int = DETECT_SIDE, enlarge: bool = False, wide: bool = False
) -> tuple[list[TextBox], float]:
    """Text line boxes in `image` (RGB) and the scale from `image` to the detector's copy,
    whose longest side is at most `side` px (exactly `side` when `enlarge`). `wide`: on the
    two-thread detector (`rapid.DETECTORS`)."""
    small, scale = shrink(image, side)
    if enlarge and max(image.shape[:2]) < side:
        scale = side / max(image.shape[:2])
        size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
        small = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_CUBIC), np.uint8)
    with DETECTORS.borrow() if wide else RAPIDOCR.borrow() as engine:
        detect = engine if wide else engine.text_det
        quads, _ = detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    if quads is None:
        return [], scale
    return [_as_box(q) for q in quads], scale


def _cross(a: Vector, b: Vector) -> float:
    """The sine of the angle between two unit vectors."""
    return float(a[0] * b[1] - a[1] * b[0])


def _span(box: TextBox, axis: Vector) -> tuple[float, float]:
    middle = float(box.center @ axis)
    return middle - box.length / 2, middle + box.length / 2


def _neighbours(a: TextBox, b: TextBox) -> bool:
    """`b` is the line right below `a` (in `a`'s reading direction) of the same zone.

    MRZ lines start and end at the same place, but the detector often leaves out a long run
    of fillers (after the names): lines of one zone are aligned at either end, not
    necessarily equally long."""
    if abs(_cross(a.axis, b.axis)) > math.sin(math.radians(MAX_ANGLE_DEG)):
        return False
    thickness = (a.thickness + b.thickness) / 2
    across = float((b.center - a.center) @ a.normal)
    if not PITCH[0] * thickness <= across <= PITCH[1] * thickness:
        return False
    (a0, a1), (b0, b1) = _span(a, a.axis), _span(b, a.axis)
    return min(abs(a0 - b0), abs(a1 - b1)) <= ALIGNED * thickness


def _collinear(a: TextBox, b: TextBox) -> bool:
    """`b` continues `a`'s line after a gap (the detector splits lines at long filler runs)."""
    if abs(_cross(a.axis, b.axis)) > math.sin(math.radians(MAX_ANGLE_DEG)):
        return False
    offset = b.center - a.center
    thickness = max(a.thickness, b.thickness)
    gap = abs(float(offset @ a.axis)) - (a.length + b.length) / 2
    return abs(float(offset @ a.normal)) < 0.4 * thickness and gap < MAX_GAP * thickness


def _join(a: TextBox, b: TextBox) -> TextBox:
    ends = [
        c + s * box.axis * box.length / 2 for box in (a, b) for c in [box.center] for s in (-1, 1)
    ]
    along = [float(e @ a.axis) for e in ends]
    first, last = ends[int(np.argmin(along))], ends[int(np.argmax(along))]
    length = max(along) - min(along)
    return TextBox((first + last) / 2, a.axis, length, max(a.thickness, b.thickness))


def merge_split_lines(boxes: list[TextBox]) -> list[TextBox]:
    """Boxes that continue each other along one line, joined into one box."""
    pending = sorted(boxes, key=lambda b: (float(b.center[1]), float(b.center[0])))
    merged: list[TextBox] = []
    while pending:
        current = pending.pop(0)
        joined = True
        while joined:
            joined = False
            for index, other in enumerate(pending):
                if _collinear(current, other):
                    current = _join(current, other)
                    del pending[index]
                    joined = True
                    break
        merged.append(current)
    return merged


def _by_second_line(group: tuple[TextBox, ...]) -> tuple[float, int]:
    """A zone's full lines are all long: a page header is one long line above short ones."""
    return sorted(b.length / b.thickness for b in group)[-2], len(group)


def _by_longest_line(group: tuple[TextBox, ...]) -> tuple[float, int]:
    """A zone whose names line lost its fillers to the detector still has one longest line."""
    return max(b.length for b in group), len(group)


def groups(boxes: list[TextBox]) -> list[tuple[TextBox, ...]]:
    """Runs of 2 or 3 stacked lines (top first for a left-to-right axis), with at least one
    full-length line among them, most zone-like first: two orders, each right where the other
    is wrong, taken in turns (`_by_second_line`, `_by_longest_line`)."""
    lines = [b for b in merge_split_lines(boxes) if b.length >= MIN_PART_ELONGATION * b.thickness]
    below = {i: [j for j, b in enumerate(lines) if _neighbours(a, b)] for i, a in enumerate(lines)}
    found: list[tuple[TextBox, ...]] = []
    for i in below:
        for j in below[i]:
            found.extend((lines[i], lines[j], lines[k]) for k in below[j])
            found.append((lines[i], lines[j]))
    found = [g for g in found if any(b.length >= MIN_ELONGATION * b.thickness for b in g)]
    orders = [sorted(found, key=key, reverse=True) for key in (_by_second_line, _by_longest_line)]
    ranked: list[tuple[TextBox, ...]] = []
    for pair in zip(*orders, strict=True):
        ranked.extend(group for group in pair if not any(group is g for g in ranked))
    return ranked[:MAX_GROUPS]


def text_angle(boxes: list[TextBox]) -> float:
    """The photo's text direction, in degrees from the nearest quarter turn (-45 to 45;
    negative: rising to the right): the length-weighted median over the line boxes, so a few
    stray boxes (a signature, a stamp) do not move it."""
    lines = [b for b in boxes if b.length >= MIN_PART_ELONGATION * b.thickness]
    if not lines:
        return 0.0
    angles = np.array(
        [(math.degrees(math.atan2(b.axis[1], b.axis[0])) + 45) % 90 - 45 for b in lines]
    )
    weights = np.array([b.length for b in lines])
    order = np.argsort(angles)
    cumulative = np.cumsum(weights[order])
    return float(angles[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def vertical_share(boxes: list[TextBox]) -> float:
    """How much of the photo's text (line boxes, by length) runs closer to vertical than to
    horizontal; 1.0 when the detector found no line at all (nothing says which way is up)."""
    lines = [b for b in boxes if b.length >= MIN_PART_ELONGATION * b.thickness]
    total = sum(b.length for b in lines)
    if not total:
        return 1.0
    return sum(b.length for b in lines if abs(b.axis[1]) > abs(b.axis[0])) / total


def level(image: RGB, degrees: float) -> tuple[RGB, npt.NDArray[np.float64]]:
    """The photo turned so text at `degrees` (see `text_angle`) runs level, on a canvas that
    holds all of it, and the 2x3 matrix from the levelled image's pixels to the photo's."""
    levelled, matrix = rotate_grown(image, degrees)
    return levelled, np.asarray(cv2.invertAffineTransform(matrix), np.float64)


def _cut(
    image: RGB,
    box: TextBox,
    axis: Vector,
    span: tuple[float, float],
    scale: float,
    height: float = 1.0,
) -> Gray:
    """The zone's full width at this line's height (`height` detected thicknesses), as an
    upright grayscale strip a little longer than detected, so the outer characters are whole."""
    margin = box.thickness * 0.3
    length = (span[1] - span[0] + 2 * margin) / scale
    thickness = box.thickness * height / scale
    width, height = max(8, round(length)), max(8, round(thickness))
    normal = np.array([-axis[1], axis[0]])
    across = box.center - axis * float(box.center @ axis)
    center = (across + axis * (span[0] + span[1]) / 2) / scale
    origin = center - axis * width / 2 - normal * height / 2
    matrix = np.column_stack([axis, normal, origin]).astype(np.float64)
    strip = cv2.warpAffine(
        image,
        matrix,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY), np.uint8)


def _upright_turn(axis: Vector) -> int:
    """Clockwise degrees (a multiple of 90) that bring a line reading along `axis` upright."""
    degrees = math.degrees(math.atan2(axis[1], axis[0])) % 360
    return (360 - round(degrees / 90) * 90) % 360


def _bounds(group: tuple[TextBox, ...], scale: float) -> tuple[int, int, int, int]:
    corners = []
    for b in group:
        half_l, half_t = b.axis * b.length / 2, b.normal * b.thickness / 2
        for sign_l in (-1, 1):
            for sign_t in (-1, 1):
                corners.append((b.center + sign_l * half_l + sign_t * half_t) / scale)
    points = np.array(corners)
    x0, y0 = np.floor(points.min(axis=0))
    x1, y1 = np.ceil(points.max(axis=0))
    return int(max(x0, 0)), int(max(y0, 0)), int(x1 - max(x0, 0)), int(y1 - max(y0, 0))


def bands(
    image: RGB,
    group: tuple[TextBox, ...],
    detect_scale: float,
    grow: tuple[float, float] = (0.0, 0.0),
) -> tuple[Band, Band]:
    """The group cut out in both reading directions: as detected, and turned half a turn;
    `grow` lengthens the lines by these fractions before their start and after their end (in
    the detected direction)."""
    crop_image, crop_scale = shrink(image, CROP_SIDE)
    scale = detect_scale / crop_scale  # detector px per crop-image px
    axis = sum((b.axis for b in group), np.zeros(2))
    axis = axis / np.linalg.norm(axis)
    spans = [_span(b, axis) for b in group]
    start, end = min(s[0] for s in spans), max(s[1] for s in spans)
    span = (start - grow[0] * (end - start), end + grow[1] * (end - start))
    backward_span = (-span[1], -span[0])
    box = _bounds(group, detect_scale)
    turn = _upright_turn(axis)

    def cut(
        way: Vector, extent: tuple[float, float], lines: tuple[TextBox, ...], turn: int
    ) -> Band:
        return Band(
            tuple(_cut(crop_image, b, way, extent, scale) for b in lines),
            tuple(_cut(crop_image, b, way, extent, scale, OCRB_CROP_HEIGHT) for b in lines),
            turn,
            box,
        )

    return cut(axis, span, group, turn), cut(-axis, backward_span, group[::-1], (turn + 180) % 360)
