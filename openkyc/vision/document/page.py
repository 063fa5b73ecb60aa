"""Find the document in a photo, warp it upright to its canonical size, and grade the capture.

Pipeline: downscale -> edge and brightness masks -> largest convex quadrilateral with a card-like
aspect -> perspective warp to PAGE_MM x CANONICAL_PX_PER_MM (long side horizontal) -> quality
(sharpness, glare, resolution, cropping) and refusal reasons (`page_quality`). Without an
outline the whole photo is the page and Tesseract OSD turns it by 90/180/270. Whether an
outlined page is upside down is decided by the reader (`viz.read_printed_fields` retries at
180 degrees when its text confidence is low, and reports `turned`); `flip_page` applies that
to a PageResult.

EXIF orientation is the decoder's job: `rgb` is taken as the pixels to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.layouts.model import PAGE_MM, PageFormat
from openkyc.vision.document.page_orient import osd_rotation
from openkyc.vision.document.page_quality import (
    MIN_PX_PER_MM,
    Quality,
    Refusal,
    grade,
    is_paper_white,
    px_per_mm,
    refusals,
    touching,
)
from openkyc.vision.imaging import shrink

UInt8Array = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]

DETECT_MAX_SIDE = 1000
"""Quad search runs on a copy this large: enough for card edges, fast on 2 cores."""
WARP_MAX_SIDE = 2400
"""Large phone photos (4584 px) are capped before warping; the warp only needs ~10 px/mm."""
CANONICAL_PX_PER_MM = 10.0
"""Canonical page resolution (254 dpi): ID-1 is 856x540 px; Tesseract reads 2.5 mm text well."""
WHOLE_PHOTO_SIDE = 1250
"""Without an outline the page is the photo with its long side scaled (up or down) to this,
the width of a canonical ID-3 page: the 748 px floor photo read 0/2 names at its own size and
2/2 at this size."""
MIN_AREA_FRACTION = 0.12
"""A quad smaller than this share of the image is not taken as the document."""
MAX_AREA_FRACTION = 0.92
"""A quad this large is the photo frame itself (scans, bright masks), not an outline found."""
FRAME_ASPECT_TOL = 0.05
"""An outline on all four borders within this of the photo's aspect is the photo frame."""
TIGHT_SCAN_ASPECT_TOL = 0.05
TIGHT_SCAN_SHARE = 0.5
"""A box printed on a tight scan covers less than this of it (a portrait frame: ~15 %)."""

ASPECT_RANGE = (1.25, 1.80)
"""Width/height of accepted quads: ID-1 1.586, ID-2 1.419, ID-3 1.420, with perspective slack."""


@dataclass(frozen=True)
class PageResult:
    found: bool
    """False when no document outline was found and the whole photo is used as the page."""
    quad: tuple[tuple[float, float], ...]
    """Document corners in the source photo (tl, tr, br, bl of the upright page)."""
    rgb: UInt8Array
    """The page, warped to its canonical size (or the whole photo, capped, when not found)."""
    page_format: PageFormat
    rotation: int
    """Clockwise degrees the document was turned in the photo (0, 90, 180, 270)."""
    quality: Quality
    refusals: tuple[Refusal, ...]

    @property
    def readable(self) -> bool:
        return not self.refusals


def _masks(gray: UInt8Array) -> list[UInt8Array]:
    """Edge map and bright-object map: one finds cards on busy tables, the other on plain ones."""
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.dilate(cv2.Canny(blurred, 30, 90), np.ones((5, 5), np.uint8))
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    return [np.asarray(edges, np.uint8), np.asarray(bright, np.uint8)]


def _order(pts: FloatArray) -> FloatArray:
    """Corners as tl, tr, br, bl, with the long side horizontal."""
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    ordered = pts[np.argsort(angles)]  # clockwise in image coordinates, starting anywhere
    start = int(np.argmin(ordered.sum(axis=1)))
    ordered = np.roll(ordered, -start, axis=0)
    top = np.linalg.norm(ordered[1] - ordered[0])
    side = np.linalg.norm(ordered[3] - ordered[0])
    if side > top:  # portrait outline: the card lies on its side
        ordered = np.roll(ordered, -1, axis=0)
    return ordered.astype(np.float32)


def _aspect(quad: FloatArray) -> float:
    width = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    height = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    return float(width) / max(float(height), 1.0)


def find_quad(gray: UInt8Array) -> FloatArray | None:
    """The largest convex card-shaped quadrilateral in `gray`, or None."""
    area_min = MIN_AREA_FRACTION * gray.shape[0] * gray.shape[1]
    best: tuple[float, FloatArray] | None = None
    for mask in _masks(gray):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            area = cv2.contourArea(contour)
            if area < area_min:
                break
            if area > MAX_AREA_FRACTION * gray.shape[0] * gray.shape[1]:
                continue
            hull = cv2.convexHull(contour)
            approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(approx) != 4:
                continue
            quad = _order(approx.reshape(4, 2).astype(np.float32))
            if ASPECT_RANGE[0] <= _aspect(quad) <= ASPECT_RANGE[1] and (
                best is None or area > best[0]
            ):
                best = (area, quad)
    return None if best is None else best[1]


def guess_format(aspect: float) -> PageFormat:
    """ID-1 cards are 1.586 wide per high; passport pages (ID-3) and ID-2 are ~1.42."""
    return "ID1" if aspect > 1.5 else "ID3"


def _warp(rgb: UInt8Array, quad: FloatArray, page_format: PageFormat) -> UInt8Array:
    mm_w, mm_h = PAGE_MM[page_format]
    width, height = round(mm_w * CANONICAL_PX_PER_MM), round(mm_h * CANONICAL_PX_PER_MM)
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    out = cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_AREA)
    return np.asarray(out, np.uint8)


def _inside_tight_scan(quad: FloatArray, img: UInt8Array) -> bool:
    """Whether `quad` is a box printed on a document scanned or cropped to its edges (the
    portrait's frame, warped as the card a quarter turn off, on flat SPECIMEN cards) rather
    than the document: it covers less than TIGHT_SCAN_SHARE of the photo and as a card it
    would be refused for resolution, while the photo is shaped like a document (ID-1, ID-2 or
    ID-3, within TIGHT_SCAN_ASPECT_TOL) and has the resolution as a whole. A small card far away on
    a table is still found, and refused. (A passport page's portrait frame makes a plausible
    card at 6 px/mm: there, the reader's rule that the page must hold its MRZ gives way to
    the whole photo.) No image of the dataset is affected."""
    height, width = img.shape[:2]
    aspect = max(height, width) / min(height, width)
    shaped = [mm for mm in PAGE_MM.values() if abs(aspect - mm[0] / mm[1]) < TIGHT_SCAN_ASPECT_TOL]
    if not shaped:
        return False
    as_card = px_per_mm(quad, guess_format(_aspect(quad)))
    whole = max(height, width) / max(shaped)[0]  # ID-2 and ID-3 share a shape: the larger
    share = cv2.contourArea(quad.reshape(-1, 1, 2)) / float(height * width)
    return bool(share < TIGHT_SCAN_SHARE and as_card < MIN_PX_PER_MM <= whole)


def _is_frame(quad: FloatArray, shape: tuple[int, ...]) -> bool:
    """All corners on the border with the photo's own aspect: the frame, not a card outline."""
    frame_aspect = max(shape[0], shape[1]) / min(shape[0], shape[1])
    return touching(quad, shape) == 4 and abs(_aspect(quad) - frame_aspect) < FRAME_ASPECT_TOL


def find_document(
    rgb: UInt8Array,
    page_format: PageFormat | None = None,
    upright: Callable[[], int | None] | None = None,
    outline: bool = True,
) -> PageResult:
    """Locate, straighten and grade the document in an RGB photo.

    `page_format` forces the canonical size (e.g. from a layout hint); otherwise the outline's
    aspect decides. Without a usable outline the whole photo is the page (`found=False`), and
    is turned upright by `upright()` (the clockwise turn another reader found, such as the
    MRZ's; called only then) or, when that gives None, by Tesseract's orientation detection.
    `outline=False` skips the outline search (another reader showed the outline is wrong).
    """
    work, _ = shrink(rgb, WARP_MAX_SIDE)
    found_quad, quad = _outline(work) if outline else (None, _order(_corners(work)))
    scale_x, scale_y = rgb.shape[1] / work.shape[1], rgb.shape[0] / work.shape[0]
    source: FloatArray = (quad * np.array([scale_x, scale_y], np.float32)).astype(np.float32)
    rotation = _base_rotation(quad)
    if found_quad is None:
        # 0 vs 180 of an outlined card is left to the reader's confidence (OSD inverted some
        # landscape cards); a whole photo may lie on its side, which OSD tells reliably
        known = upright() if upright is not None else None
        turn = known if known is not None else osd_rotation(shrink(work, DETECT_MAX_SIDE)[0])
        work = np.ascontiguousarray(np.rot90(work, k=-(turn // 90)))
        quad = _order(_corners(work))
        source = np.roll(_corners(rgb), turn // 90, axis=0)
        rotation = turn
    fmt = page_format or guess_format(_aspect(quad))
    if found_quad is None:  # keep the photo's own aspect: squashing it into a card distorts text
        page = _resize_long_side(work, WHOLE_PHOTO_SIDE)
    else:
        page = _warp(work, quad, fmt)
    quality = grade(page, quad, work.shape, fmt)
    source_quad = tuple((float(x), float(y)) for x, y in source.tolist())
    return PageResult(
        found=found_quad is not None,
        quad=source_quad,
        rgb=page,
        page_format=fmt,
        rotation=rotation,
        quality=quality,
        refusals=refusals(quality, found_quad is not None, is_paper_white(page)),
    )


def _resize_long_side(img: UInt8Array, side: int) -> UInt8Array:
    scale = side / max(img.shape[:2])
    size = (round(img.shape[1] * scale), round(img.shape[0] * scale))
    method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(img, size, interpolation=method), np.uint8)


def _outline(work: UInt8Array) -> tuple[FloatArray | None, FloatArray]:
    """(the card outline or None, the quad to warp: the outline or the whole photo)."""
    small, scale = shrink(work, DETECT_MAX_SIDE)
    found = find_quad(np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), np.uint8))
    if found is not None and (
        _is_frame(found, small.shape) or _inside_tight_scan(found / scale, work)
    ):
        found = None  # the photo frame itself: a tight scan, or no outline at all
    if found is not None:
        return found, found / scale
    return None, _order(_corners(work))


def holds(page: PageResult, point: tuple[float, float]) -> bool:
    """Whether a point of the photo (pixels) lies within the page's outline."""
    contour = np.array(page.quad, np.float32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(point[0]), float(point[1])), False) >= 0


def _below_middle(quad: FloatArray, point: tuple[float, float]) -> bool:
    """Whether a photo point falls in the lower half of the page that `quad` outlines."""
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    to_page = cv2.getPerspectiveTransform(quad, unit).astype(np.float32)
    y = cv2.perspectiveTransform(np.array([[point]], np.float32), to_page)[0, 0, 1]
    return bool(y > 0.5)


def page_of_spread(
    rgb: UInt8Array, spread: PageResult, inside: tuple[float, float], turn: int
) -> PageResult:
    """The page of an open booklet that holds a point (the MRZ's centre), upright.

    An open passport photographed whole (both pages, held upright: ~1:1.41) has the outline
    of one page on its side, and `find_document` warps it as one ID-3 page, a quarter turn
    off the text. When the MRZ's direction says so, the outline is cut across its long side,
    and the half holding `inside` (photo pixels, the MRZ's centre) is warped upright: with
    the MRZ at the bottom. `turn` (the MRZ's) becomes the page's rotation; quality and
    refusals are the page's own (its corners at the fold are inside the photo)."""
    quad = np.array(spread.quad, np.float32)
    height, width = spread.rgb.shape[:2]
    to_photo = cv2.getPerspectiveTransform(_corners(spread.rgb), quad)
    middle = cv2.perspectiveTransform(
        np.array([[[(width - 1) / 2, 0], [(width - 1) / 2, height - 1]]], np.float32), to_photo
    )[0]
    at = cv2.perspectiveTransform(
        np.array([[inside]], np.float32), np.linalg.inv(to_photo).astype(np.float32)
    )[0, 0]
    if at[0] < (width - 1) / 2:
        half = np.array([quad[0], middle[0], middle[1], quad[3]], np.float32)
    else:
        half = np.array([middle[0], quad[1], quad[2], middle[1]], np.float32)
    # Of the two corner orders with the long side on top, the one that puts the MRZ at the
    # bottom of the page.
    ordered = next(
        (
            rolled
            for k in range(4)
            if np.linalg.norm((rolled := np.roll(half, -k, axis=0))[1] - rolled[0])
            >= np.linalg.norm(rolled[3] - rolled[0])
            and _below_middle(rolled, inside)
        ),
        None,
    )
    if ordered is None:
        return spread
    work, scale = shrink(rgb, WARP_MAX_SIDE)
    in_work = (ordered * np.float32(scale)).astype(np.float32)
    page = _warp(work, in_work, spread.page_format)
    quality = grade(page, in_work, work.shape, spread.page_format)
    return replace(
        spread,
        quad=tuple((float(x), float(y)) for x, y in ordered.tolist()),
        rgb=page,
        rotation=turn % 360,
        quality=quality,
        refusals=refusals(quality, True, is_paper_white(page)),
    )


def flip_page(result: PageResult) -> PageResult:
    """The same result turned 180 degrees (when the reader finds the text upside down)."""
    page = np.ascontiguousarray(result.rgb[::-1, ::-1])
    quad = result.quad[2:] + result.quad[:2]
    return replace(result, rgb=page, quad=quad, rotation=(result.rotation + 180) % 360)


def _corners(img: npt.NDArray[Any]) -> FloatArray:
    height, width = img.shape[:2]
    return np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)


def _base_rotation(quad: FloatArray) -> int:
    """The clockwise turn, to the nearest 90, that the warp along `quad` (tl, tr, br, bl)
    gives the photo, as `rotation` is for a whole photo turned upright. The page's top edge
    runs tl -> tr in the photo: pointing down the photo (90 degrees clockwise from level),
    the photo's right edge becomes the page's top, which is a turn of 270 clockwise. (Until
    the thirteenth session this returned the edge's own angle, 90, and the page of a card
    photographed on its side was taken as turned the other way: read upside down.)"""
    dx, dy = quad[1] - quad[0]
    return -int(round(np.degrees(np.arctan2(dy, dx)) / 90.0) * 90) % 360
