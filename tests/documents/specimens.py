"""A test SPECIMEN passport data page: the astronaut portrait (public domain) and an MRZ in
OCR-B (Debian's fonts-ocr-b) with correct check digits unless told otherwise."""

from __future__ import annotations

import io

import numpy as np
import skimage.data
from PIL import Image, ImageDraw, ImageFont

from openkyc.vision.document.mrz.checkdigit import check_digit

OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def td3_lines(
    surname: str = "COLLINS",
    given: str = "EILEEN MARIE",
    number: str = "X1234567<",
    birth: str = "561119",
    expiry: str = "310101",
    sex: str = "F",
    country: str = "USA",
    break_digit: str | None = None,
) -> list[str]:
    names = f"{surname}<<{given.replace(' ', '<')}"
    line1 = f"P<{country}{names}".ljust(44, "<")[:44]
    optional = "<" * 14
    body = (
        number
        + check_digit(number)
        + country
        + birth
        + check_digit(birth)
        + sex
        + expiry
        + check_digit(expiry)
        + optional
        + check_digit(optional)
    )
    line2 = body + check_digit(body[0:10] + body[13:20] + body[21:43])
    if break_digit == "birth":
        wrong = str((int(line2[19]) + 3) % 10)
        line2 = line2[:19] + wrong + line2[20:]
    return [line1, line2]


def passport(lines: list[str] | None = None) -> bytes:
    lines = lines or td3_lines()
    page = Image.new("RGB", (1250, 880), (236, 240, 232))
    draw = ImageDraw.Draw(page)
    face = Image.fromarray(np.asarray(skimage.data.astronaut())[10:330, 110:370])
    page.paste(face.resize((300, 370)), (60, 170))
    label = ImageFont.truetype(DEJAVU, 26)
    draw.text((420, 60), "SPECIMEN - NOT A REAL DOCUMENT - PASSPORT", font=label, fill=(180, 0, 0))
    draw.text((420, 200), "Surname / Nom: COLLINS", font=label, fill=(20, 20, 20))
    draw.text((420, 260), "Given names / Prénoms: EILEEN MARIE", font=label, fill=(20, 20, 20))
    mrz_font = ImageFont.truetype(OCRB, 40)
    for index, line in enumerate(lines):
        draw.text((45, 700 + index * 62), line, font=mrz_font, fill=(15, 15, 15))
    buffer = io.BytesIO()
    page.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()
