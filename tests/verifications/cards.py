"""A plain identity-card-like image around the astronaut portrait (public domain), for tests
that need a document with a face; the document issue brings full SPECIMEN renderings."""

from __future__ import annotations

import io

import numpy as np
import skimage.data
from PIL import Image, ImageDraw


def card_with_portrait() -> bytes:
    card = Image.new("RGB", (860, 540), (233, 236, 228))
    face = Image.fromarray(np.asarray(skimage.data.astronaut())[10:330, 110:370])
    card.paste(face.resize((200, 246)), (40, 150))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, 860, 90), fill=(30, 80, 140))
    draw.text((280, 170), "SPECIMEN  -  NOT A REAL DOCUMENT", fill=(200, 0, 0))
    draw.text((280, 230), "SURNAME / NOM   COLLINS", fill=(20, 20, 20))
    buffer = io.BytesIO()
    card.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def selfie() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(skimage.data.astronaut())).save(buffer, format="JPEG")
    return buffer.getvalue()


def no_face() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(skimage.data.coffee())).save(buffer, format="JPEG")
    return buffer.getvalue()
