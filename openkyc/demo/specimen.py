"""A SPECIMEN passport data page (TD3) rendered by the project: the astronaut portrait shipped
with scikit-image (NASA, public domain), printed fields in DejaVu and an MRZ in OCR-B (Debian's
fonts-ocr-b) with correct check digits."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
import skimage.data
from PIL import Image, ImageDraw, ImageFont

from openkyc.vision.document.mrz.checkdigit import check_digit

_astronaut = cast(Callable[[], npt.NDArray[np.uint8]], skimage.data.astronaut)
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@dataclass(frozen=True)
class Holder:
    surname: str = "COLLINS"
    given_names: str = "EILEEN MARIE"
    number: str = "X1234567<"
    birth: str = "561119"  # YYMMDD
    expiry: str = "310101"
    sex: str = "F"
    country: str = "USA"


def td3_lines(holder: Holder = Holder(), break_digit: str | None = None) -> list[str]:
    names = f"{holder.surname}<<{holder.given_names.replace(' ', '<')}"
    line1 = f"P<{holder.country}{names}".ljust(44, "<")[:44]
    optional = "<" * 14
    body = (
        holder.number
        + check_digit(holder.number)
        + holder.country
        + holder.birth
        + check_digit(holder.birth)
        + holder.sex
        + holder.expiry
        + check_digit(holder.expiry)
        + optional
        + check_digit(optional)
    )
    line2 = body + check_digit(body[0:10] + body[13:20] + body[21:43])
    if break_digit == "birth":  # a forged date: the check digit no longer matches
        line2 = line2[:19] + str((int(line2[19]) + 3) % 10) + line2[20:]
    return [line1, line2]


def portrait() -> Image.Image:
    return Image.fromarray(np.asarray(_astronaut())[10:330, 110:370])


def passport(holder: Holder = Holder(), lines: list[str] | None = None) -> bytes:
    lines = lines or td3_lines(holder)
    page = Image.new("RGB", (1250, 880), (236, 240, 232))
    draw = ImageDraw.Draw(page)
    page.paste(portrait().resize((300, 370)), (60, 170))
    label = ImageFont.truetype(DEJAVU, 26)
    draw.text((420, 60), "SPECIMEN - NOT A REAL DOCUMENT - PASSPORT", font=label, fill=(180, 0, 0))
    draw.text((420, 200), f"Surname / Nom: {holder.surname}", font=label, fill=(20, 20, 20))
    draw.text(
        (420, 260), f"Given names / Prénoms: {holder.given_names}", font=label, fill=(20, 20, 20)
    )
    mrz_font = ImageFont.truetype(OCRB, 36)  # 44 characters span ~1100 px: inside the page
    for index, line in enumerate(lines):
        draw.text((70, 700 + index * 62), line, font=mrz_font, fill=(15, 15, 15))
    return _jpeg(page, 92)


def selfie() -> bytes:
    return _jpeg(Image.fromarray(np.asarray(_astronaut())), 90)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
