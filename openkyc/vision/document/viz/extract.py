"""Assign OCR lines to a layout's fields: by printed label first, by zone second.

Labels find values on real cards whose geometry differs from the pack; zones find values on
canonical pages whose label was misread. A label's value is the rest of its line (inline
labels, "Nom : X") or the words below it in the same column, up to the next label or a gap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from openkyc.vision.document.layouts.model import FieldZone
from openkyc.vision.document.layouts.normalize import strip_accents
from openkyc.vision.document.viz.types import TextLine, Word

COLUMN_GAP = 2.0
"""A horizontal gap wider than this many text heights ends a value (next column)."""
BELOW_REACH = 2.6
"""A value line must start within this many label heights under the label."""
ADDRESS_LINE_REACH = 1.3
"""An address's next line is centred within this many line heights under the line before:
further down starts another block (the next label, a SPECIMEN mark), not the address."""
INDENT_TOLERANCE = 1.0
"""A value may start this many text heights left of its label."""
BELOW_MAX_INDENT = 3.0
"""A value under its label starts within this many label heights of the label's left edge;
further right it belongs to a value column of labels printed on the left."""
RIGHT_REACH = 20.0
"""A value printed right of its label (label column, value column) starts within this many
label heights of the label's end."""
IGNORED_LABELS = ("NOM D'USAGE", "Alternate name", "Signature", "TAILLE", "Height", "Sign")
"""Printed labels of fields no pack reads: they must not be taken as values, and "NOM" inside
"NOM D'USAGE" must not be taken as the surname label."""
SPLIT_AT = re.compile(r"([/:])")
"""RapidOCR and photos glue labels to values ("Nom:BERTHIER", "NOM/Surname")."""


def fold(text: str) -> str:
    """Upper case, no accents, letters and digits only (of any script: Urdu labels too): for
    comparing labels."""
    return re.sub(r"[\W_]", "", strip_accents(text).upper())


def right_to_left(text: str) -> bool:
    """Whether most letters of `text` are of a right-to-left script (Arabic, Urdu, Hebrew)."""
    letters = [c for c in text if c.isalpha()]
    rtl = sum(1 for c in letters if 0x0590 <= ord(c) <= 0x08FF or 0xFB1D <= ord(c) <= 0xFEFF)
    return bool(letters) and rtl * 2 > len(letters)


def mirror_box(box: tuple[int, int, int, int], width: int) -> tuple[int, int, int, int]:
    """A box seen in a mirror of a page `width` wide (its own inverse)."""
    return (width - box[2], box[1], width - box[0], box[3])


def mirror_rtl(lines: list[TextLine], width: int) -> list[TextLine]:
    """Right-to-left lines seen in a mirror (x -> width - x, words in reading order): a label
    whose value starts under its right edge then reads like a left-to-right one, and a value's
    words join in reading order (Tesseract gives an Urdu line's words left to right). Other
    lines are left as they are, so labels and values of the same script keep their places."""
    out = []
    for line in lines:
        if not right_to_left(line.text):
            out.append(line)
            continue
        words = tuple(
            replace(w, box=mirror_box(w.box, width))
            for w in sorted(line.words, key=lambda w: -w.box[0])
        )
        text = " ".join(w.text for w in words)
        out.append(replace(line, text=text, box=mirror_box(line.box, width), words=words))
    return out


@dataclass(frozen=True)
class LabelHit:
    field: str
    line: int
    first: int
    last: int
    """Index of the first and last word of the label in its line."""

    def box(self, lines: list[TextLine]) -> tuple[int, int, int, int]:
        words = lines[self.line].words[self.first : self.last + 1]
        return (words[0].box[0], min(w.box[1] for w in words),
                words[-1].box[2], max(w.box[3] for w in words))  # fmt: skip


def _match(words: tuple[Word, ...], start: int, label: str) -> int | None:
    """Index of the last word when words[start:] spell `label` (spaces ignored), else None."""
    joined = ""
    for end in range(start, len(words)):
        joined += fold(words[end].text)
        if joined == label:
            return end
        if not label.startswith(joined):
            return None
    return None


def covered(line: TextLine, labels: set[str]) -> set[int]:
    """Indices of the words of `line` that spell any label (or are bare punctuation)."""
    out = {i for i, w in enumerate(line.words) if not fold(w.text)}
    for start in range(len(line.words)):
        for label in labels:
            end = _match(line.words, start, label)
            if end is not None:
                out.update(range(start, end + 1))
    return out


def _split_word(word: Word) -> list[Word]:
    parts = [p for p in SPLIT_AT.split(word.text) if p]
    if len(parts) == 1:
        return [word]
    out, cursor, total = [], 0, len(word.text)
    x0, y0, x1, y1 = word.box
    for part in parts:
        left = x0 + (x1 - x0) * cursor // total
        cursor += len(part)
        out.append(Word(part, (left, y0, x0 + (x1 - x0) * cursor // total, y1), word.confidence))
    return out


def split_lines(lines: list[TextLine]) -> list[TextLine]:
    """Lines whose words are also split at '/' and ':' (boxes shared by character count)."""
    return [
        replace(line, words=tuple(p for w in line.words for p in _split_word(w))) for line in lines
    ]


def find_labels(lines: list[TextLine], zones: tuple[FieldZone, ...]) -> list[LabelHit]:
    """Per line and field, the leftmost label match (the longest one at that position)."""
    hits: list[LabelHit] = []
    ignored = {fold(x) for x in IGNORED_LABELS}
    for index, line in enumerate(lines):
        blocked = {
            start for start in range(len(line.words)) for label in ignored
            if _match(line.words, start, label) is not None
        }  # fmt: skip
        for zone in zones:
            found = [
                (start, -(end - start), end)
                for label in {fold(x) for x in zone.labels} - {""}
                for start in range(len(line.words))
                if start not in blocked and (end := _match(line.words, start, label)) is not None
            ]
            if found:
                start, _, end = min(found)
                hits.append(LabelHit(zone.name, index, start, end))
    return hits


def _is_label_word(word: Word, labels: set[str]) -> bool:
    token = fold(word.text)
    if not token or token in labels:
        return True
    # a label split over words ("DATE" "DE" ...) but never a short value such as sex "F"
    return len(token) >= 3 and any(label.startswith(token) for label in labels)


def _take_run(words: list[Word], x_start: float, x_end: float, height: float) -> list[Word]:
    """Words from x_start on, stopping at x_end or at a column gap."""
    picked: list[Word] = []
    for word in sorted(words, key=lambda w: w.box[0]):
        if word.box[0] < x_start - INDENT_TOLERANCE * height or word.box[0] >= x_end:
            continue
        if picked and word.box[0] - picked[-1].box[2] > COLUMN_GAP * height:
            break
        picked.append(word)
    return picked


def value_candidates(
    lines: list[TextLine],
    hit: LabelHit,
    hits: list[LabelHit],
    all_labels: set[str],
    inline_first: bool,
) -> list[list[Word]]:
    """Word runs that may hold the value of the field labelled by `hit`, best first.

    The caller keeps the first that normalises to a valid value of the field's kind.
    `inline_first` is for "Label : value" cards; otherwise the column below comes first,
    because a misread second-language label would otherwise be taken for the value.
    """
    _, y0, x1, y1 = hit.box(lines)
    height = max(1.0, float(y1 - y0))
    same_line = [h.box(lines)[0] for h in hits if h.line == hit.line and h.box(lines)[0] > x1]
    x_end = min(same_line, default=float("inf"))
    line = lines[hit.line]
    skip = covered(line, all_labels)
    inline = [w for i, w in enumerate(line.words) if i > hit.last and i not in skip]
    inline = [w for w in inline if w.box[0] < x_end and not _is_label_word(w, all_labels)]
    inline_run = _take_run(inline, inline[0].box[0], x_end, height) if inline else []
    colon = ":" in "".join(w.text for w in line.words[hit.last : hit.last + 2])
    left = _label_group_left(lines, hit, hits, height)
    below = _below(lines, line, (left, y1, x_end, height), all_labels)
    right = _right(lines, line, (x1, y0, y1, height), all_labels)
    if inline_first or colon:
        return [inline_run, right, below]
    return [below, right, inline_run]


def _label_group_left(
    lines: list[TextLine], hit: LabelHit, hits: list[LabelHit], height: float
) -> int:
    """Where the label's group starts. A label after a slash is the second language of a
    bilingual label (`उपनाम / Surname`, `Uzvārds / Surname / Nom`), and the value is printed
    under the first, which OCR may have read as anything: the words before the slash, up to
    a column gap or another label of the line, belong to the label."""
    words = lines[hit.line].words
    first = hit.first
    if words[first].text.strip() != "/":
        if first == 0 or words[first - 1].text.strip() != "/":
            return words[first].box[0]
        first -= 1
    others = [h.box(lines)[2] for h in hits if h.line == hit.line and h.last < first]
    bound = max(others, default=-1)
    while (
        first > 0
        and words[first - 1].box[0] > bound
        and words[first].box[0] - words[first - 1].box[2] <= COLUMN_GAP * height
    ):
        first -= 1
    return words[first].box[0]


def address_runs(
    lines: list[TextLine], hit: LabelHit, all_labels: set[str], max_lines: int = 3
) -> list[list[Word]]:
    """Up to `max_lines` consecutive value runs under an address label, in its column."""
    x0, _, _, y1 = hit.box(lines)
    height = max(1.0, float(y1 - hit.box(lines)[1]))
    runs: list[list[Word]] = []
    bottom = float(y1)
    reach = BELOW_REACH
    for _ in range(max_lines):
        run = _below(lines, lines[hit.line], (x0, bottom, float("inf"), height), all_labels, reach)
        if not run or any(w in r for r in runs for w in run):
            break
        runs.append(run)
        bottom = float(max(w.box[3] for w in run))
        line_height = bottom - min(w.box[1] for w in run)
        reach = ADDRESS_LINE_REACH * line_height / height
    return runs


def _right(
    lines: list[TextLine], line: TextLine, geom: tuple[float, float, float, float], labels: set[str]
) -> list[Word]:
    """The first run right of the label on the same row (label column, value column)."""
    x1, y0, y1, height = geom
    right = [
        other for other in lines
        if other is not line and x1 < other.box[0] < x1 + RIGHT_REACH * height
        and abs((other.box[1] + other.box[3]) / 2 - (y0 + y1) / 2) < height * 0.6
    ]  # fmt: skip
    for other in sorted(right, key=lambda ln: ln.box[0]):
        skip = covered(other, labels)
        if any(fold(other.words[i].text) for i in skip):
            return []  # the next thing to the right is another label
        words = [w for i, w in enumerate(other.words) if i not in skip]
        if words:
            return _take_run(words, words[0].box[0], float("inf"), height)
    return []


def _below(
    lines: list[TextLine],
    line: TextLine,
    geom: tuple[float, float, float, float],
    labels: set[str],
    reach: float = BELOW_REACH,
) -> list[Word]:
    """The first run under the label, in its column (Tesseract line boxes may overlap it),
    centred within `reach` label heights of `geom`'s bottom."""
    x0, y1, x_end, height = geom
    below = [
        other for other in lines
        if other is not line and other.box[2] > x0 and other.box[0] < x_end
        and y1 - 0.2 * height < (other.box[1] + other.box[3]) / 2 < y1 + reach * height
    ]  # fmt: skip
    for other in sorted(below, key=lambda ln: ln.box[1]):
        skip = covered(other, labels)
        words = [w for i, w in enumerate(other.words) if i not in skip]
        run = _take_run(words, x0, x_end, height)
        if run and run[0].box[0] - x0 <= BELOW_MAX_INDENT * height:
            return run
    return []


def zone_words(lines: list[TextLine], zone: FieldZone, width: int, height: int) -> list[Word]:
    """Words whose centre lies in the zone (scaled to the page), excluding printed labels."""
    labels = {fold(x) for x in zone.labels}
    x0, y0, x1, y1 = (zone.box[0] * width, zone.box[1] * height,
                      zone.box[2] * width, zone.box[3] * height)  # fmt: skip
    picked = []
    for line in lines:
        for word in line.words:
            cx, cy = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
            if x0 <= cx <= x1 and y0 <= cy <= y1 and not _is_label_word(word, labels):
                picked.append(word)
    return sorted(picked, key=lambda w: (w.box[1] // 10, w.box[0]))
