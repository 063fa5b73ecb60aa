"""Finding the zone: how groups of text boxes are ranked, and the views of a photo the
detector is shown (as it is, a quarter turn away, levelled or enlarged). Geometry tests use
hand-made boxes; the views run the real detector and recogniser on rendered SPECIMEN lines."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from openkyc.vision.document.layouts import LAYOUTS
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.layouts.render import photograph
from openkyc.vision.document.mrz import locate
from openkyc.vision.document.mrz import read as mrz_read
from openkyc.vision.document.mrz.icao import parse
from openkyc.vision.document.mrz.locate import (
    MAX_GROUPS,
    TextBox,
    bands,
    groups,
    level,
    text_angle,
    vertical_share,
)
from openkyc.vision.document.mrz.read import read_mrz
from openkyc.vision.document.specimen.lines import render_band


def _box(x0: float, y: float, length: float, thickness: float, degrees: float = 0.0) -> TextBox:
    axis = np.array([math.cos(math.radians(degrees)), math.sin(math.radians(degrees))])
    centre = np.array([x0, y]) + axis * length / 2
    return TextBox(centre, axis, length, thickness)


def test_a_zone_is_tried_before_the_groups_of_a_page_header() -> None:
    # A header as long as the zone, over a column of short field lines: by the longest line
    # alone, its groups come first and fill the groups tried before the zone is reached.
    header = [_box(20, 30, 560, 20)]
    fields = [_box(20, 30 + 18 * k, 90 + 10 * (k % 3), 16) for k in range(1, 12)]
    zone = [_box(25, 340, 540, 20), _box(25, 370, 545, 22)]
    ranked = groups(header + fields + zone)
    zone_groups = [i for i, g in enumerate(ranked) if set(map(id, g)) == set(map(id, zone))]
    assert zone_groups, "the zone is among the groups tried"
    assert zone_groups[0] < 3
    assert len(ranked) <= MAX_GROUPS


def test_a_zone_whose_names_line_lost_its_fillers_is_still_tried_early() -> None:
    # The detector often leaves out the fillers after the names: one long line, one short.
    # A paragraph of medium lines above makes many groups whose second line is longer.
    zone = [_box(25, 600, 200, 20), _box(25, 630, 545, 22)]
    paragraph = [_box(25, 40 + 27 * k, 300, 18) for k in range(10)]
    by_second_line = sorted(groups(zone + paragraph), key=locate._by_second_line, reverse=True)
    assert not any(set(map(id, g)) == set(map(id, zone)) for g in by_second_line[:3])
    ranked = groups(zone + paragraph)
    assert any(set(map(id, g)) == set(map(id, zone)) for g in ranked[:2])


@pytest.mark.parametrize("degrees", [-18.0, -4.0, 0.0, 12.0, 80.0])
def test_text_angle_is_measured_from_the_nearest_quarter_turn(degrees: float) -> None:
    boxes = [_box(10, 40 * k, 300, 20, degrees) for k in range(5)]
    boxes.append(_box(0, 0, 60, 20, degrees + 35))  # a stray stroke does not move it
    expected = (degrees + 45) % 90 - 45
    assert text_angle(boxes) == pytest.approx(expected, abs=0.01)
    assert text_angle([]) == 0.0


def test_a_quarter_turn_is_looked_at_only_when_some_text_runs_vertical() -> None:
    level_text = [_box(20, 30 * i, 400, 20, degrees=3.0) for i in range(5)]
    assert vertical_share(level_text) == 0.0
    turned = [_box(30 * i, 20, 400, 20, degrees=91.0) for i in range(5)]
    assert vertical_share(turned) == 1.0
    half = [*level_text[:2], *turned[:2]]
    assert vertical_share(half) == pytest.approx(0.5)
    assert vertical_share([]) == 1.0  # nothing found: every view is worth a look


def test_levelling_maps_every_point_back_to_the_photo() -> None:
    photo = np.zeros((300, 500, 3), np.uint8)
    cv2.line(photo, (50, 250), (450, 120), (255, 255, 255), 9)  # text rising to the right
    angle = math.degrees(math.atan2(120 - 250, 450 - 50))
    levelled, to_photo = level(photo, angle)
    ys, xs = np.nonzero(levelled[..., 0] > 128)
    assert np.ptp(ys) < 20, "the line runs level"
    ends = np.array([[xs.min(), ys[xs.argmin()], 1.0], [xs.max(), ys[xs.argmax()], 1.0]])
    back = ends @ to_photo.T
    assert back[0] == pytest.approx([50, 250], abs=6)
    assert back[1] == pytest.approx([450, 120], abs=6)


def _tight_tilted_zone(rotation: float) -> tuple[np.ndarray, list[str]]:
    """Two MRZ lines stacked half a line apart, photographed at a slant: the detector takes
    them for one blob, as it did on a real 18-degree passport photo."""
    lines = mrz_lines(LAYOUTS["passport"], LAYOUTS["passport"].sample)
    band, boxes = render_band(tuple(lines), np.random.default_rng(4))
    rows = []
    for _, y0, _, y1 in boxes:
        half_gap = (y1 - y0) // 4
        rows.append(band[y0 - half_gap : y1 + half_gap])
    stack = np.vstack(rows)
    page = np.full((stack.shape[0] * 6, stack.shape[1] + 200, 3), 235, np.uint8)
    page[-stack.shape[0] - 60 : -60, 100:-100] = stack
    photo = photograph(page, seed=1, rotation=rotation, tilt=0.0)
    return cv2.resize(photo, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), lines


def test_a_slanted_zone_is_found_on_the_levelled_view(monkeypatch: pytest.MonkeyPatch) -> None:
    photo, lines = _tight_tilted_zone(18.0)
    searched = []
    search = mrz_read._search

    def spy(view: mrz_read._View) -> mrz_read._Candidate | None:
        found = search(view)
        searched.append((view.turn, found is not None))
        return found

    monkeypatch.setattr(mrz_read, "_search", spy)
    read = read_mrz(photo)
    assert read.result is not None, read.reason
    assert list(read.result.lines) == lines
    assert read.accepted, read.reason
    # as it is, then levelled: its text runs level, so no quarter turn is looked at
    assert [found for _, found in searched] == [False, True]
    assert searched[-1][0] == pytest.approx(18.0, abs=3)
    assert read.rotation == 0
    x, y, w, h = read.box or (0, 0, 0, 0)
    assert min(x, y) >= 0
    assert x + w <= photo.shape[1]
    assert y + h <= photo.shape[0]
    assert h > photo.shape[0] // 20, "the box is the slanted zone's, in the photo's frame"


def test_a_passport_zone_read_36_wide_is_cut_again_longer() -> None:
    lines = mrz_lines(LAYOUTS["passport"], LAYOUTS["passport"].sample)
    assert mrz_read._cut_short(parse([lines[0][:36], lines[1][:36]]))
    assert not mrz_read._cut_short(parse(lines))
    card = ["I<UTO" + lines[0][5:36], lines[1][:36]]  # a TD2 ID card is 36 wide
    assert not mrz_read._cut_short(parse(card))
    photo = np.full((400, 900, 3), 230, np.uint8)
    group = (_box(100, 300, 600, 20), _box(100, 330, 600, 20))
    forward, backward = bands(photo, group, 1.0)
    longer_f, longer_b = bands(photo, group, 1.0, (0.0, mrz_read.TD3_GROW))
    for short, longer in ((forward, longer_f), (backward, longer_b)):
        ratio = longer.crops[0].shape[1] / short.crops[0].shape[1]
        assert ratio == pytest.approx(44 / 36, rel=0.03)
