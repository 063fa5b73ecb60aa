"""Which page of the photo is read, which way up, and where its portrait is: the choices the
document reader makes from the outline, the MRZ's direction and its position (`reader`)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from openkyc.documents.schemas import Side
from openkyc.vision.document.mrz.read import MrzRead
from openkyc.vision.document.page import (
    PageResult,
    find_document,
    flip_page,
    holds,
    page_of_spread,
)
from openkyc.vision.face import FaceError, PortraitCrop, crop_document_portrait, face_engine
from openkyc.vision.face.portrait import ROTATIONS

MRZ_ON_BACK = frozenset({"TD1"})
"""MRZ formats printed on the back of the card, away from the names."""
SEARCH_THREADS = 2
SEARCHES = ThreadPoolExecutor(max_workers=SEARCH_THREADS, thread_name_prefix="document-portrait")
"""Portrait searches, two ways up at a time: dlib releases the GIL, and a search that finds
nothing (a card's back, a page without a portrait) spends ~0.45 s in upsampled passes."""


def prepare_searches() -> None:
    """Load a set of the face detector's models for each search that may run at once
    (`SEARCHES`): a set loads in ~0.3 s, which the first document searched two ways up at
    once would otherwise wait for."""
    face_engine("dlib").prepare(SEARCH_THREADS)


def upright_turn(mrz: MrzRead, side: Side) -> int | None:
    """The front photo's clockwise turn to upright, from a zone read on it: the MRZ is read
    in both directions and the one that parses decides, which is surer than orientation
    detection on the whole photo (and saves a Tesseract run)."""
    return mrz.rotation if side == "front" and mrz.result is not None else None


def page_turn(page: PageResult, mrz: MrzRead, side: Side) -> int | None:
    """0, 90, 180 or 270: how far the found page must still turn to be upright, by the MRZ's
    direction; None when the MRZ does not tell (not read on the front)."""
    return left_to_turn(page, upright_turn(mrz, side))


def left_to_turn(page: PageResult, turn: int | None) -> int | None:
    """How far `page` must still turn to be upright when its photo must turn `turn` clockwise
    (None: not known). A whole photo without an outline was already turned so
    (`find_document`)."""
    if turn is None:
        return None
    if not page.found:
        return 0
    return (turn - page.rotation) % 360


def page_holding_mrz(page: PageResult, mrz: MrzRead, side: Side, photo: np.ndarray) -> PageResult:
    """The page that holds the MRZ read on the front, where the names are printed beside it.

    Every format but TD1 prints the MRZ on the side with the names: there, an outline around
    something else (the portrait, a torn-off corner) gives way to the whole photo, turned
    upright by the MRZ. (A TD1 card's MRZ is on its back: an outline beside it may well be
    the front, photographed with it.) An outline a quarter turn off the MRZ is an open
    passport photographed whole (both pages): it gives way to the page that holds the MRZ."""
    turn = upright_turn(mrz, side)
    if turn is None or mrz.box is None or mrz.result is None or not page.found:
        return page
    x, y, w, h = mrz.box
    centre = (x + w / 2, y + h / 2)
    if not holds(page, centre):
        if mrz.result.format in MRZ_ON_BACK:
            return page
        return find_document(photo, upright=lambda: turn, outline=False)
    if page_turn(page, mrz, side) in (90, 270):
        return page_of_spread(photo, page, centre, turn)
    return page


def portrait(
    page: PageResult, photo: np.ndarray, turn: int | None = None, zone: MrzRead | None = None
) -> PortraitCrop | None:
    """The portrait on the page, else on the photo.

    With the photo's clockwise turn to upright known (`turn`, the MRZ's), only that way up is
    searched (on the page: what is left of that turn after the page's own rotation). Without
    it, an outlined page is only in doubt between upright and upside down (its long edge is
    level), and so is the photo at the page's rotation; a whole photo without an outline is
    searched at every quarter turn. Each way up that finds no face costs ~0.45 s on the
    photo, ~0.15 s on an outlined page (no padded retry); the ways up are searched two at a
    time (`SEARCHES`), and the first in this order that shows a face is the portrait, as if
    they had been searched one after the other. When the page is the document of the MRZ
    `zone` read on it (`zones_document`), the portrait is on that page or nowhere: the photo
    is not searched."""
    tries: list[tuple[np.ndarray, tuple[int, ...]]] = []
    if turn is not None:
        tries = [(page.rgb, ((turn - page.rotation) % 360,))] if page.found else []
        if not (zone is not None and zones_document(page, zone)):
            tries.append((photo, (turn,)))
    elif page.found:
        level = (page.rotation, (page.rotation + 180) % 360)
        tries = [(page.rgb, (0, 180)), (photo, level)]
    else:
        tries = [(photo, tuple((page.rotation + r) % 360 for r in ROTATIONS))]
    searches = [
        SEARCHES.submit(_search, image, rotation, image is page.rgb)
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


PAGES_OF_ZONES: dict[str, tuple[str, ...]] = {
    "TD3": ("ID3",),
    "TD2": ("ID2", "ID3"),
    "FRA_ID": ("ID2", "ID3"),
}
"""The page sizes an outline may be cut to (`page.guess_format`, by aspect: ID-2 and ID-3 are
alike) for a document that prints each of these zones on the side with its portrait. TD1
is printed on a card's back, away from the portrait; visas are stuck in a passport."""
ZONE_SHARE = (0.8, 0.97)
"""How much of the page's width a zone spans when the outline is the whole document: 44
characters of 2.54 mm on a 125 mm passport page (0.89), 36 on a 105 mm card (0.87); on the
benchmark's outlined pages 0.84-0.94."""


def zones_document(page: PageResult, zone: MrzRead) -> bool:
    """Whether the outlined `page` is the whole document of the MRZ `zone`: it holds the zone,
    is cut to that document's size, and the zone spans as much of its width as the format
    does. Its portrait (every format but TD1 prints it beside the zone) is then on the page:
    a search of the whole photo, for an outline that cut the portrait off or went round
    something else, would only cost ~0.3-0.5 s more when the page shows no face."""
    result, box = zone.result, zone.box
    if not page.found or result is None or box is None:
        return False
    if page.page_format not in PAGES_OF_ZONES.get(result.format, ()):
        return False
    x, y, w, h = box
    if not holds(page, (x + w / 2, y + h / 2)):
        return False
    quad = np.asarray(page.quad, np.float64)
    width = max(float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4))
    length = w if zone.rotation in (0, 180) else h
    return ZONE_SHARE[0] <= length / max(width, 1.0) <= ZONE_SHARE[1]


def _search(image: np.ndarray, rotation: int, framed: bool) -> PortraitCrop | None:
    """One way up of the page (`framed`: cut along its outline, the portrait has the page
    around it) or of the photo."""
    try:
        return crop_document_portrait(image, rotations=(rotation,), embed=False, framed=framed)
    except FaceError:
        return None


def turned_by_mrz(page: PageResult, mrz: MrzRead, side: Side) -> PageResult | None:
    """The page turned upright (0 or 180 degrees) by the MRZ's direction; None when the MRZ
    does not tell. An outline does not tell 0 from 180 degrees: the MRZ does."""
    turn = page_turn(page, mrz, side)
    if turn not in (0, 180):
        return None
    return flip_page(page) if turn == 180 else page


def portrait_by_zone(
    final: Callable[[], PageResult], photo: np.ndarray, located: Future[MrzRead]
) -> tuple[bool, PortraitCrop | None]:
    """(searched, portrait): the portrait on the page that will be read (`final`), searched as
    soon as the front's zone is located (`read_mrz`'s `located`), while it is still being
    read again; not searched when the zone does not say which way up that page is (the
    printed zone's reading decides later)."""
    zone = located.result()
    turn = upright_turn(zone, "front")
    if turn is None:
        return False, None
    upright = turned_by_mrz(final(), zone, "front")
    if upright is None:
        return False, None
    return True, portrait(upright, photo, turn, zone)


def first_page(
    photo: np.ndarray, located: Future[MrzRead]
) -> tuple[PageResult, Callable[[], bool]]:
    """The page, found while the front's MRZ is being located, and `confirmed()`: whether it
    is turned as the zone says (waits until it is located).

    Without an outline the whole photo is the page, turned the way the zone reads (else as
    Tesseract's orientation detection says). While the zone is still being located (a
    large photo's detection outlasts the outline's search), the photo is taken as upright,
    as most are, so the printed zone's read starts at once on the core the MRZ read leaves
    idle; a photo the zone shows turned is read again (`turned_photo`)."""
    guessed = False

    def upright() -> int | None:
        nonlocal guessed
        if located.done():
            return upright_turn(located.result(), "front")
        guessed = True
        return 0

    page = find_document(photo, upright=upright)

    def confirmed() -> bool:
        return not guessed or upright_turn(located.result(), "front") == 0

    return page, confirmed


def quarter_turned(page: PageResult) -> bool:
    """Whether `page` is an outline that had to turn a quarter to lie landscape, as the ID
    formats do: a card photographed on its side, which way round unknown, or both pages of
    an open passport, held upright, whose data page is the lower or upper half. Read before
    the MRZ is located, it was read sideways and thrown away (0.3-0.8 s on the benchmark's
    two such photos, the only two whose outline lies so)."""
    return page.found and page.rotation in (90, 270)


def same_place(zone: MrzRead, mrz: MrzRead, side: Side) -> bool:
    """Whether the MRZ as finally read (`mrz`, on `side`) tells what the front's located zone
    told of the page: which way up the photo is, where the zone is, and whether it is a
    format printed on a card's back. Only a zone read on the back instead of the front
    (the front's not accepted) tells otherwise."""
    turn = upright_turn(zone, "front")
    if turn != upright_turn(mrz, side):
        return False
    if turn is None or zone.result is None or mrz.result is None:
        return True
    on_back = (zone.result.format in MRZ_ON_BACK, mrz.result.format in MRZ_ON_BACK)
    return zone.box == mrz.box and on_back[0] == on_back[1]


def turned_photo(guessed: PageResult, photo: np.ndarray, mrz: MrzRead, side: Side) -> PageResult:
    """The whole photo turned as the MRZ says, or as orientation detection says when the MRZ
    does not tell; the page taken as upright when that is what they say too."""
    page = find_document(photo, upright=lambda: upright_turn(mrz, side))
    return guessed if page.rotation == guessed.rotation else page


def final_page(
    first: PageResult, confirmed: bool, mrz: MrzRead, side: Side, photo: np.ndarray
) -> PageResult:
    """The page to read, once the MRZ is read: the page that holds it when the first page
    was turned as it says, else the photo turned again."""
    if confirmed:
        return page_holding_mrz(first, mrz, side, photo)
    return turned_photo(first, photo, mrz, side)


def aspect(page: PageResult) -> float:
    return int(page.rgb.shape[1]) / max(1, int(page.rgb.shape[0]))
