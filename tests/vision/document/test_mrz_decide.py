"""Which engine's read of a zone is reported and vouched for (`decide`), on lines written here
(no images): repairs by field type, document codes, reads confirmed field by field."""

from __future__ import annotations

from openkyc.vision.document.layouts import LAYOUTS
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.mrz.decide import align, decide, rank, safe_repairs, sure_alone
from openkyc.vision.document.mrz.icao import parse
from openkyc.vision.document.mrz.read import MrzRead, with_printed_read
from openkyc.vision.document.specimen.compose import SpecimenFields, td1_lines

SURE = 0.999


def _passport() -> list[str]:
    return mrz_lines(LAYOUTS["passport"], LAYOUTS["passport"].sample)


def _card(issuer: str = "ESP") -> list[str]:
    return list(
        td1_lines(
            SpecimenFields(
                surname="ESPANOLA ESPANOLA",
                given_names="CARMEN",
                document_number="BAA000589",
                issuing_country=issuer,
                nationality="ESP",
                birth_date="800101",
                sex="F",
                expiry_date="250101",
                optional_data="99999999R",
                document_code="ID",
            )
        )
    )


def test_a_country_code_that_cannot_be_letters_is_kept_as_printed() -> None:
    lines = _passport()
    printed_digits = lines[1][:10] + "132" + lines[1][13:]  # a fictional specimen's nationality
    result = parse([lines[0], printed_digits])
    assert result.nationality == "132"
    assert "nationality" not in result.repaired
    assert not result.countries_valid  # validation reports it; it is not a misread
    misread = parse([lines[0], lines[1][:12] + "0" + lines[1][13:]])  # UTO read as UT0
    assert misread.nationality == "UTO"
    assert "nationality" in misread.repaired


def test_the_document_code_is_repaired_to_letters_and_must_be_an_icao_one() -> None:
    card = _card()
    repaired = parse(["1" + card[0][1:], *card[1:]])  # I read as 1
    assert repaired.document_code == "ID"
    assert "document_code" in repaired.repaired
    assert safe_repairs(repaired)
    misread = parse(["L" + card[0][1:], *card[1:]])  # I read as L: every check digit passes
    assert misread.check_digits_valid
    assert not safe_repairs(misread)
    sure = tuple(tuple([SURE] * len(line)) for line in misread.lines)
    assert not sure_alone(misread, sure)
    refused = decide({"ocrb": misread, "rapidocr": misread})
    assert not refused.accepted
    assert "document code 'LD'" in refused.reason
    # a read with a real code ranks above it even with a failing check digit
    wrong_digit = parse([card[0], card[1][:6] + "0" + card[1][7:], card[2]])
    assert not wrong_digit.check_digits_valid
    assert rank(wrong_digit) > rank(misread)


def test_the_confirmed_read_is_reported_when_the_most_trusted_one_is_not() -> None:
    card = _card()
    ocrb = parse(["IDC" + card[0][3:], *card[1:]])  # E read as C: CSP, an unknown code
    rapidocr = parse(card)
    tesseract = (card[0], card[2])  # Tesseract skipped the middle line
    decision = decide({"ocrb": ocrb, "rapidocr": rapidocr}, {"tesseract": tesseract})
    assert decision.accepted, decision.reason
    assert decision.engine == "rapidocr"
    assert decision.result.issuing_country == "ESP"
    alone = decide({"ocrb": ocrb, "rapidocr": rapidocr})
    assert not alone.accepted  # nobody else read ESP: the trusted read's refusal is reported
    assert alone.engine == "ocrb"
    assert alone.unconfirmed == ("issuing_country",)


def test_an_engine_that_read_fewer_lines_confirms_only_the_lines_it_read() -> None:
    card = _card()
    good = parse(card)
    two_of_three = decide({"ocrb": good, "rapidocr": None}, {"tesseract": (card[0], card[2])})
    assert not two_of_three.accepted
    assert two_of_three.unconfirmed == ("sex", "nationality")  # both on the line it skipped
    assert decide({"ocrb": good}, {"tesseract": tuple(card)}).accepted


def test_fillers_miscounted_after_the_names_do_not_hide_them() -> None:
    lines = _passport()
    good = parse(lines)
    names_end = len(lines[0].rstrip("<"))
    # one filler fewer, then Tesseract's noise where the long filler run is
    short = lines[0][: names_end + 3] + "K<<" + "6" * (44 - names_end - 7)
    assert len(short) == 43
    confirmed = decide({"ocrb": good, "rapidocr": None}, {"tesseract": (short, lines[1])})
    assert confirmed.accepted, confirmed.reason
    placed = align(lines[0], short)
    assert all(j is not None for j in placed[: names_end + 2])


def test_an_extra_name_after_the_reported_ones_still_disagrees() -> None:
    lines = _passport()
    good = parse(lines)
    given = good.given_names.replace(" ", "<")
    longer = lines[0].replace(given + "<<", given + "<ANNE<<", 1)[:44]
    for theirs in (longer, longer[:-3]):  # at the zone's width, and with fillers missing
        refused = decide({"ocrb": good, "rapidocr": None}, {"tesseract": (theirs, lines[1])})
        assert refused.unconfirmed == ("names",)


def test_a_zone_with_an_unknown_document_code_needs_three_passing_check_digits() -> None:
    from openkyc.vision.document.mrz.read import _plausible

    card = _card()
    misread = ["L" + card[0][1:], *card[1:]]
    assert _plausible(parse(misread))  # all four pass: a zone with one misread letter
    birth_wrong = misread[1][:6] + str((int(misread[1][6]) + 1) % 10) + misread[1][7:]
    three = parse([misread[0], birth_wrong, misread[2]])
    assert sum(c.valid for c in three.checks) == 2  # birth and, through it, the composite fail
    assert not _plausible(three)  # two could pass by chance on ordinary text
    known = parse([card[0], birth_wrong, card[2]])
    assert _plausible(known)  # with an ICAO code, one passing check digit is enough


def test_the_kind_of_document_must_be_read_the_same_by_a_second_engine() -> None:
    card = _card()
    good = parse(card)
    confirmed = decide(
        {"ocrb": good, "rapidocr": None}, {"rapidocr": ("1" + card[0][1:], *card[1:])}
    )
    assert confirmed.accepted, confirmed.reason  # 1 can only be the letter I there
    other = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": ("A" + card[0][1:], *card[1:])})
    assert not other.accepted
    assert other.unconfirmed == ("document_code",)


def test_a_code_letter_is_read_again_among_the_icao_ones_from_the_model_evidence() -> None:
    import numpy as np

    from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET
    from openkyc.vision.document.mrz.ocrb import ctc_greedy, first_among

    def frame(weights: dict[str, float]) -> list[float]:
        row = np.full(len(MRZ_ALPHABET) + 1, 1e-4)
        for char, weight in weights.items():
            row[0 if char == "-" else MRZ_ALPHABET.index(char) + 1] = weight
        return list(np.log(row / row.sum()))

    # two frames spell L (I a close second, P far behind), then a blank, then D
    log_probs = np.array(
        [frame({"L": 0.6, "I": 0.3, "P": 0.01}), frame({"L": 0.5, "I": 0.4}), frame({"-": 0.9}),
         frame({"D": 0.9})],
        np.float32,
    )  # fmt: skip
    assert ctc_greedy(log_probs).text == "LD"
    letter, probability = first_among(log_probs, "PIACV") or ("", 0.0)
    assert letter == "I"
    assert 0.3 < probability < 0.5  # far from sure: a second engine must read it too
    assert first_among(np.array([frame({"-": 0.9})], np.float32), "PIACV") is None


def _names_misread(line: str, wrong: dict[int, str]) -> str:
    return "".join(wrong.get(i, c) for i, c in enumerate(line))


def test_names_nobody_confirmed_are_reported_as_most_engines_read_them() -> None:
    lines = _passport()  # P<UTOBERANGER<<ZOE<ANAIS<<...
    start = 5
    ocrb = [_names_misread(lines[0], {start + 1: "F", start + 5: "0"}), lines[1]]  # BFRAN0ER
    rapid = [_names_misread(lines[0], {start + 3: "B"}), lines[1]]  # BEBANGER
    tesseract = [lines[0][:30] + "KKC", lines[1]]  # the names right, then stops short
    reads = {"ocrb": parse(ocrb), "rapidocr": parse(rapid), "tesseract": None}
    decision = decide(reads, {"ocrb": tuple(ocrb), "rapidocr": tuple(rapid),
                              "tesseract": tuple(tesseract)})  # fmt: skip
    assert not decision.accepted  # still not vouched for
    assert decision.result.surname == "BERANGER"  # each letter as two of three engines read it
    assert decision.result.lines[0] == lines[0]
    assert decision.result.lines[1] == lines[1]
    assert "names as most engines read them: 'BERANGER'" in decision.reason
    assert "'BFRANOER'" in decision.reason


def test_names_stay_as_read_where_the_engines_all_differ_and_fillers_stay_fillers() -> None:
    lines = _passport()
    start = 5
    ocrb = [_names_misread(lines[0], {start + 1: "F"}), lines[1]]
    rapid = [_names_misread(lines[0], {start + 1: "P", 25: "C"}), lines[1]]  # ANAIS<< as ANAISC<
    tesseract = [_names_misread(lines[0], {start + 1: "K", 25: "C"}), lines[1]]
    reads = {"ocrb": parse(ocrb), "rapidocr": parse(rapid), "tesseract": parse(tesseract)}
    as_read = {"ocrb": ocrb, "rapidocr": rapid, "tesseract": tesseract}
    decision = decide(reads, {k: tuple(v) for k, v in as_read.items()})
    assert not decision.accepted
    assert decision.result.lines[0] == ocrb[0]  # F, P, K: no majority; the filler stays
    assert "most engines" not in decision.reason


def _unaccepted(as_read: dict[str, list[str]]) -> MrzRead:
    reads = {name: parse(lines) for name, lines in as_read.items()}
    decision = decide(reads, {k: tuple(v) for k, v in as_read.items()})
    return MrzRead(
        decision.result,
        decision.accepted,
        decision.reason,
        decision.engine,
        0,
        None,
        {k: tuple(v) for k, v in as_read.items()},
        unconfirmed=decision.unconfirmed,
        unvoted=decision.unvoted,
    )


def test_the_printed_zones_read_of_the_mrz_breaks_a_three_way_tie_on_a_name_letter() -> None:
    lines = _passport()  # P<UTOBERANGER<<ZOE<ANAIS<<...
    start = 5
    ocrb = [_names_misread(lines[0], {start + 1: "9"}), lines[1]]  # B9RANGER: not a letter
    rapid = [_names_misread(lines[0], {start + 1: "O"}), lines[1]]
    tesseract = [_names_misread(lines[0], {start + 4: "M"}), lines[1]]  # BERAMGER
    read = _unaccepted({"ocrb": ocrb, "rapidocr": rapid, "tesseract": tesseract})
    assert read.result is not None
    assert read.result.surname == "B9RANGER"  # 9, O, E: no majority
    printed = [lines[0][:30] + "C<C<", lines[1].replace("<", " <")]  # as Tesseract reads a page
    voted = with_printed_read(read, printed)
    assert voted.result is not None
    assert voted.result.surname == "BERANGER"
    assert voted.result.lines[1] == lines[1]
    assert not voted.accepted  # acceptance is not the vote's to give
    assert "printed zone's read of the MRZ" in voted.reason
    # one voter more cannot outvote two engines that agree
    tesseract = [_names_misread(lines[0], {start + 1: "O", start + 4: "M"}), lines[1]]
    two_agree = _unaccepted({"ocrb": ocrb, "rapidocr": rapid, "tesseract": tesseract})
    assert not two_agree.accepted
    assert two_agree.result is not None
    assert two_agree.result.surname == "BORANGER"
    assert with_printed_read(two_agree, printed).result == two_agree.result


def test_an_accepted_zone_is_not_voted_again() -> None:
    lines = _passport()
    read = _unaccepted({"ocrb": lines, "rapidocr": lines})
    assert read.accepted
    wrong = [_names_misread(lines[0], {6: "Q"}), lines[1]]
    assert with_printed_read(read, wrong) is read
