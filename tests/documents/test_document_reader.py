"""The document reader's orchestration: which engine decides what, and what is skipped."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from openkyc.demo.specimen import passport
from openkyc.documents import pages, reader
from openkyc.vision.document import page as page_module
from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.face import PortraitCrop
from tests.specimens import passport_lines, with_mrz, wrong_number_check


def _printed_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The shape of each page the reader's printed-zone read is given."""
    reads: list[tuple[int, ...]] = []
    read_printed = reader.read_printed_fields

    def counted(page: np.ndarray, **kwargs: object) -> object:
        reads.append(page.shape)
        return read_printed(page, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "read_printed_fields", counted)
    return reads


def _portrait_searches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The ways up (clockwise turns) of each portrait search, in the order they start."""
    searched: list[tuple[int, ...]] = []
    crop = pages.crop_document_portrait

    def recorded(
        image: np.ndarray, *, rotations: tuple[int, ...], embed: bool = True, framed: bool = False
    ) -> PortraitCrop:
        searched.append(rotations)
        return crop(image, rotations=rotations, embed=embed, framed=framed)

    monkeypatch.setattr(pages, "crop_document_portrait", recorded)
    return searched


def test_the_mrz_turns_a_whole_photo_upright_without_orientation_detection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_osd(_rgb: np.ndarray) -> int:
        raise AssertionError("the MRZ already gave the orientation")

    monkeypatch.setattr(page_module, "osd_rotation", no_osd)
    full_bleed = reader.decode(passport())  # the demo's specimen: no outline to find
    scan = np.ascontiguousarray(np.rot90(full_bleed))
    document, portrait = reader.read(reader.Evidence(scan, None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert not document.quality.document_found
    assert document.quality.rotation_deg == 90
    assert portrait is not None
    # the printed zone was read turned as the MRZ says (again, if it started before the MRZ
    # was read): the names' printed spelling comes from it
    assert document.fields["surname"].value_accented == "COLLINS"


def test_an_upright_whole_photo_is_read_once_while_the_mrz_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = _printed_reads(monkeypatch)
    document, _ = reader.read(reader.Evidence(reader.decode(passport()), None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert document.quality.rotation_deg == 0
    assert len(reads) == 1
    assert document.fields["given_names"].value_accented == "EILEEN MARIE"


@pytest.mark.parametrize("rotation", [90.0, 180.0, 270.0])
def test_the_mrz_settles_which_way_up_an_outlined_card_is(rotation: float) -> None:
    photo = photograph(render_specimen("passport").rgb, seed=3, rotation=rotation)
    document, _ = reader.read(reader.Evidence(photo, None))
    assert document.quality.document_found
    assert document.quality.rotation_deg == rotation


def test_without_an_mrz_orientation_detection_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int] = []

    def osd(_rgb: np.ndarray) -> int:
        asked.append(1)
        return 0

    monkeypatch.setattr(page_module, "osd_rotation", osd)
    card = np.full((600, 900, 3), 250, np.uint8)  # a full-bleed page: no outline, no MRZ
    document, _ = reader.read(reader.Evidence(card, None))
    assert document.mrz is None
    assert asked == [1]


def test_an_accepted_mrz_takes_its_names_spelling_from_the_printed_zone() -> None:
    from openkyc.vision.document.mrz.icao import parse
    from openkyc.vision.document.mrz.read import MrzRead
    from openkyc.vision.document.specimen.compose import SpecimenFields, td3_lines
    from openkyc.vision.document.viz import FieldValue, TextLine, VizResult, Word

    lines = td3_lines(
        SpecimenFields(
            surname="MUELLER", given_names="AGNES", document_number="C01X00T47",
            issuing_country="D", nationality="D", birth_date="900713", sex="F",
            expiry_date="310101", optional_data="", document_code="P",
        )
    )  # fmt: skip
    words = (Word("Name:", (0, 0, 50, 20), 0.9), Word("MÜLLER", (60, 0, 150, 20), 0.88))
    printed = [
        TextLine("Name: MÜLLER", (0, 0, 150, 20), 0.9, words, "tesseract"),
        TextLine(
            "ÁGNES", (0, 40, 60, 60), 0.9, (Word("ÁGNES", (0, 40, 60, 60), 0.9),), "tesseract"
        ),
    ]
    viz = VizResult({"surname": FieldValue("NAME", "NAME", 0.7)}, tuple(printed), "generic")

    def mrz_read(accepted: bool) -> MrzRead:
        return MrzRead(parse(list(lines)), accepted, "", "ocrb", 0, None)

    fields = reader._fields(mrz_read(True), viz, "front")
    assert (fields["surname"].value, fields["surname"].value_accented) == ("MUELLER", "MÜLLER")
    assert fields["surname"].source == "mrz"
    assert fields["given_names"].value_accented == "ÁGNES"
    # a zone that was not accepted does not choose which printed words are names: the printed
    # read stands where it is surer than the zone, and no accents are looked for
    unaccepted = reader._fields(mrz_read(False), viz, "front")
    assert (unaccepted["surname"].source, unaccepted["surname"].value) == ("viz", "NAME")
    assert (unaccepted["given_names"].value, unaccepted["given_names"].value_accented) == (
        "AGNES",
        None,
    )


@pytest.mark.parametrize("rotation", [0.0, 90.0, 180.0])
def test_the_mrz_tells_the_portrait_search_which_way_up_to_look(
    rotation: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched = _portrait_searches(monkeypatch)
    photo = photograph(render_specimen("passport").rgb, seed=3, rotation=rotation)
    document, portrait = reader.read(reader.Evidence(photo, None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert portrait is not None
    # on the page the MRZ turned upright (0), else on the photo turned as the MRZ says
    assert portrait.rotation_deg in (0, round(rotation) % 360)
    # one way up, not four (the page and the photo are searched side by side)
    assert len(searched) <= 2
    assert set(searched) <= {(0,), (round(rotation) % 360,)}
    assert portrait.face.embedding is None  # left to a face match (`embed_portrait`)


def _open_passport(data_page: np.ndarray, seed: int = 0) -> np.ndarray:
    """Both pages of an open passport, held upright: a page of stamps above the data page."""
    rng = np.random.default_rng(seed)
    other = np.full_like(data_page, 236)
    for _ in range(6):  # a few visa stamps
        y, x = int(rng.integers(40, other.shape[0] - 160)), int(rng.integers(40, 900))
        other[y : y + 120, x : x + 260] = (150, 60, 160)
    return np.vstack([other, data_page])


@pytest.mark.parametrize("rotation", [0.0, 90.0, 180.0, 270.0])
def test_an_open_passport_photographed_whole_is_read_on_its_data_page(
    rotation: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    specimen = render_specimen("passport", {"surname": "BÉRANGER", "given_names": "ZOÉ ANAÏS"})
    photo = photograph(_open_passport(specimen.rgb), seed=2, rotation=rotation, margin=0.15)
    first = page_module.find_document(photo)
    assert first.found
    assert (first.rotation - rotation) % 180 == 90
    # held upright, the spread's outline lies a quarter turn off: in doubt, it is read once
    # the zone says where the data page is (on its side, the spread looks like one page)
    upright = rotation in (0.0, 180.0)
    assert pages.quarter_turned(first) == upright
    reads = _printed_reads(monkeypatch)
    document, portrait = reader.read(reader.Evidence(photo, None))
    if upright:
        assert len(reads) == 1  # the data page only, not the spread first
    assert document.mrz is not None
    assert document.mrz.accepted
    assert document.quality.document_found
    assert document.quality.rotation_deg == rotation
    assert document.layout == "passport"
    assert document.fields["surname"].value_accented == "BÉRANGER"
    assert document.fields["given_names"].value_accented == "ZOÉ ANAÏS"
    assert document.fields["issue_date"].value == "2022-04-16"  # printed only
    assert portrait is not None
    # the data page's own quality: its corners at the fold are inside the photo
    assert document.quality.cropping == 0
    assert document.quality.refusals == []


def test_an_outline_that_does_not_hold_the_mrz_gives_way_to_the_whole_photo() -> None:
    from openkyc.vision.document.mrz.read import read_mrz

    photo = reader.decode(passport())  # full bleed: its MRZ lies along the bottom
    mrz = read_mrz(photo)
    assert mrz.accepted
    assert mrz.box is not None
    whole = page_module.find_document(photo, upright=lambda: 0)
    portrait_only = replace(
        whole, found=True, quad=((10.0, 10.0), (200.0, 10.0), (200.0, 150.0), (10.0, 150.0))
    )
    page = pages.page_holding_mrz(portrait_only, mrz, "front", photo)
    assert not page.found
    assert page.rotation == 0
    assert page.rgb.shape == whole.rgb.shape
    # an outline that holds the MRZ, the right way up, stays
    assert pages.page_holding_mrz(whole, mrz, "front", photo) is whole
    # a TD1 card's MRZ is on its back: an outline beside it may be the front, and stays
    assert mrz.result is not None
    back = replace(mrz, result=replace(mrz.result, format="TD1"))
    assert pages.page_holding_mrz(portrait_only, back, "front", photo) is portrait_only


def test_the_page_cut_from_a_spread_is_graded_on_its_own() -> None:
    from openkyc.vision.document.mrz.read import read_mrz

    specimen = render_specimen("passport")
    photo = photograph(_open_passport(specimen.rgb), seed=4, margin=0.15)
    spread = page_module.find_document(photo)
    # as if the page of stamps ran off the photo: the spread is cropped, its data page is not
    cropped = replace(
        spread,
        quality=replace(spread.quality, cropping=0.5),
        refusals=page_module.refusals(replace(spread.quality, cropping=0.5), True),
    )
    mrz = read_mrz(photo)
    assert mrz.box is not None
    x, y, w, h = mrz.box
    page = page_module.page_of_spread(photo, cropped, (x + w / 2, y + h / 2), mrz.rotation)
    assert page.rgb.shape == spread.rgb.shape  # one ID-3 page, upright
    assert page.quality.cropping == 0
    assert page.refusals == ()


def test_the_back_gives_what_only_it_prints_and_nothing_the_front_gave() -> None:
    from openkyc.vision.document.layouts.render import render_back

    front = photograph(render_specimen("fra_cni_2021").rgb, seed=1)
    back = photograph(render_back("fra_cni_2021", {"issue_date": "03 04 2021"}).rgb, seed=2)
    alone, _ = reader.read(reader.Evidence(front, None))
    both, _ = reader.read(reader.Evidence(front, back))
    fields = both.fields
    assert fields["address"].value_accented == "12 RUE DES ÉCOLES 75005 PARIS"
    assert (fields["address"].source, fields["address"].side) == ("viz", "back")
    assert (fields["issue_date"].value, fields["issue_date"].side) == ("2021-04-03", "back")
    assert "address" not in alone.fields
    for name, value in alone.fields.items():  # the front's fields stay as the front gave them
        assert fields[name] == value
        assert value.side == "front"


def test_a_back_with_nothing_readable_adds_nothing() -> None:
    front = photograph(render_specimen("fra_cni_2021").rgb, seed=1)
    blank = np.full((540, 856, 3), 230, np.uint8)
    alone, _ = reader.read(reader.Evidence(front, None))
    both, _ = reader.read(reader.Evidence(front, blank))
    assert both.fields == alone.fields


def test_a_card_scanned_to_its_edges_is_read() -> None:
    # a tight scan (as mobile SDKs crop): its portrait frame was taken for the card's outline
    specimen = render_specimen("civ_cni")
    document, portrait = reader.read(reader.Evidence(specimen.rgb, None))
    assert document.quality.refusals == []
    assert document.layout == "civ_cni"
    assert document.fields["surname"].value == "KOUASSI"
    assert document.fields["document_number"].value == "CI005881234"
    assert portrait is not None


def test_documents_read_side_by_side_read_as_they_do_alone() -> None:
    """Concurrent requests share the pooled engines (dlib's detection models, the portrait
    searches' threads, the two-thread text detector): each read is the same as alone."""
    from concurrent.futures import ThreadPoolExecutor

    photos = [
        np.ascontiguousarray(np.rot90(reader.decode(passport()))),
        photograph(render_specimen("passport").rgb, seed=5, rotation=180.0),
    ]

    def summary(photo: np.ndarray) -> tuple[object, ...]:
        document, portrait = reader.read(reader.Evidence(photo, None))
        fields = {name: field.value for name, field in document.fields.items()}
        box = None if portrait is None else (portrait.rotation_deg, portrait.crop_box)
        return fields, document.quality.rotation_deg, box

    alone = [summary(photo) for photo in photos]
    with ThreadPoolExecutor(max_workers=4) as requests:
        together = list(requests.map(summary, photos + photos))
    assert together == alone + alone


def _fallback_answers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What the reader answers each time the printed-zone read asks whether its RapidOCR
    pass may run."""
    answers: list[bool] = []
    read_printed = reader.read_printed_fields

    def asked(page: np.ndarray, **kwargs: object) -> object:
        fallback = kwargs["fallback"]
        assert callable(fallback)
        answers.append(bool(fallback()))
        return read_printed(page, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reader, "read_printed_fields", asked)
    return answers


def test_a_zone_whose_check_digit_fails_is_not_followed_by_the_slow_printed_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openkyc.vision.document.layouts import render

    drawn = render.mrz_lines

    def wrong_birth_check(layout: object, values: object) -> list[str]:
        lines = list(drawn(layout, values))  # type: ignore[arg-type]
        digit = lines[1][19]
        lines[1] = lines[1][:19] + str((int(digit) + 1) % 10) + lines[1][20:]
        return lines

    monkeypatch.setattr(render, "mrz_lines", wrong_birth_check)
    photo = photograph(render_specimen("passport").rgb, seed=3)
    answers = _fallback_answers(monkeypatch)
    document, _ = reader.read(reader.Evidence(photo, None))
    assert document.mrz is not None
    assert not document.mrz.valid
    assert not document.mrz.accepted
    assert answers
    assert not any(answers)


def test_the_printed_pass_may_run_without_an_mrz_and_not_after_an_accepted_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = _fallback_answers(monkeypatch)
    card = np.full((600, 900, 3), 250, np.uint8)  # no outline, no MRZ
    document, _ = reader.read(reader.Evidence(card, None))
    assert document.mrz is None
    assert answers == [True]
    answers.clear()
    document, _ = reader.read(reader.Evidence(reader.decode(passport()), None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert answers
    assert not any(answers)


def test_names_awaiting_a_second_read_may_be_confirmed_by_the_printed_pass() -> None:
    from openkyc.vision.document.mrz.icao import parse
    from openkyc.vision.document.mrz.read import MrzRead
    from openkyc.vision.document.specimen.compose import SpecimenFields, td3_lines

    lines = list(
        td3_lines(
            SpecimenFields(
                surname="OKAFOR", given_names="ADA", document_number="X1234567",
                issuing_country="NGA", nationality="NGA", birth_date="900713", sex="F",
                expiry_date="310101", optional_data="", document_code="P",
            )
        )
    )  # fmt: skip
    result = parse(lines)
    assert result.check_digits_valid
    pending = MrzRead(result, False, "", "ocrb", 0, None, unconfirmed=("names",))
    assert pending.names_pending
    assert reader.printed_pass(pending)
    country = replace(pending, unconfirmed=("names", "nationality"))
    assert not reader.printed_pass(country)
    assert not reader.printed_pass(replace(pending, accepted=True, unconfirmed=()))
    broken = parse([lines[0], lines[1][:19] + "0" + lines[1][20:]])
    assert not broken.check_digits_valid
    assert not reader.printed_pass(replace(pending, result=broken))
    assert reader.printed_pass(MrzRead(None, False, "", None, 0, None))


def test_a_zone_read_on_the_back_instead_of_the_front_places_the_page_again() -> None:
    """The front's zone, located early, turned the page and started the portrait search; the
    back's zone, accepted where the front's was not, no longer says which way up the front is:
    the page and the portrait are settled again as without an early zone."""
    broken, _ = wrong_number_check(passport_lines())
    front = photograph(with_mrz(render_specimen("passport").rgb, broken), seed=3)
    # a second photo whose zone is accepted, taken upside down (what it shows beside the zone
    # does not matter here)
    back = photograph(render_specimen("passport").rgb, seed=5, rotation=180.0)
    document, portrait = reader.read(reader.Evidence(front, back))
    assert document.mrz is not None
    assert (document.mrz.side, document.mrz.accepted) == ("back", True)
    assert document.fields["surname"].side == "back"
    assert document.quality.rotation_deg == 0  # the front, upright, as orientation reads it
    assert portrait is not None


def test_the_zone_located_early_and_the_zone_read_place_the_page_alike() -> None:
    mrz = reader.read_mrz(photograph(render_specimen("passport").rgb, seed=5, rotation=90.0))
    assert mrz.result is not None
    assert pages.same_place(mrz, mrz, "front")
    # read on the back instead: it no longer tells which way up the front is
    assert not pages.same_place(mrz, mrz, "back")
    assert not pages.same_place(mrz, replace(mrz, box=(0, 0, 1, 1)), "front")
    td1 = replace(mrz, result=replace(mrz.result, format="TD1"))
    assert not pages.same_place(mrz, td1, "front")
    nothing = replace(mrz, result=None)
    assert pages.same_place(nothing, nothing, "front")
    assert pages.same_place(nothing, mrz, "back")


@pytest.mark.parametrize("rotation", [0.0, 90.0])
def test_without_an_mrz_a_surely_read_printed_zone_tells_the_portrait_search_which_way_up(
    rotation: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched = _portrait_searches(monkeypatch)
    photo = photograph(render_specimen("pak_cnic").rgb, seed=1, rotation=rotation)
    document, _ = reader.read(reader.Evidence(photo, None))
    assert document.mrz is None
    assert document.fields  # the printed zone was read
    # the page (if outlined) as read, and the photo turned as the page is: one way up each
    turns = {turn for rotations in searched for turn in rotations}
    assert len(searched) <= 2
    assert turns <= {0, document.quality.rotation_deg}


def test_only_a_sure_tesseract_read_says_which_way_up_the_page_reads() -> None:
    from openkyc.vision.document.viz import TextLine, Word

    word = Word("RÉPUBLIQUE", (0, 0, 90, 20), 0.9)
    sure = [TextLine(word.text, word.box, 0.9, (word,), "tesseract")] * 4
    assert reader.reads_upright(sure)
    assert not reader.reads_upright(sure[:2])  # too few words
    unsure = [replace(line, words=(replace(word, confidence=0.4),)) for line in sure]
    assert not reader.reads_upright(unsure)
    rapid = [replace(line, engine="rapidocr") for line in sure]  # RapidOCR reads turned text
    assert not reader.reads_upright(rapid)


def test_a_page_that_is_the_zones_whole_document_is_searched_for_its_portrait_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    photo = photograph(render_specimen("passport").rgb, seed=3)
    mrz = reader.read_mrz(photo)
    assert mrz.result is not None
    page = page_module.find_document(photo, upright=lambda: 0)
    assert page.found
    assert page.page_format == "ID3"
    assert pages.zones_document(page, mrz)
    searched: list[bool] = []
    search = pages._search

    def recorded(image: np.ndarray, rotation: int, framed: bool) -> PortraitCrop | None:
        searched.append(framed)
        return search(image, rotation, framed)

    monkeypatch.setattr(pages, "_search", recorded)
    assert pages.portrait(page, photo, 0, mrz) is not None
    assert searched == [True]  # the page only, not the photo
    # a TD1 zone is on a card's back: its portrait may be anywhere else in the photo
    assert not pages.zones_document(page, replace(mrz, result=replace(mrz.result, format="TD1")))
    # a passport zone on a card-sized outline: the outline is not the passport's page
    assert not pages.zones_document(replace(page, page_format="ID1"), mrz)
    # a zone spanning far less of the outline than the format does
    x, y, w, h = mrz.box or (0, 0, 0, 0)
    assert not pages.zones_document(page, replace(mrz, box=(x + w // 4, y, w // 2, h)))
    assert not pages.zones_document(replace(page, found=False), mrz)


@pytest.mark.parametrize("rotation", [90.0, 270.0])
def test_a_passport_photographed_on_its_side_is_read_upright(rotation: float) -> None:
    photo = photograph(render_specimen("passport").rgb, seed=3, rotation=rotation)
    document, portrait = reader.read(reader.Evidence(photo, None))
    assert document.mrz is not None
    assert document.mrz.accepted
    assert document.quality.document_found
    assert document.quality.rotation_deg == rotation
    assert document.layout == "passport"
    assert document.fields["issue_date"].value == "2022-04-16"  # printed only
    assert document.fields["birth_place"].value == "ZENITH"
    assert portrait is not None
    assert portrait.rotation_deg == 0  # found on the page, upright
