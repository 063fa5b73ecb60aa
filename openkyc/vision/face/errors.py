"""Errors raised by the face engine.

The tree, written down once so the service can translate it into HTTP 422 codes::

    FaceError (code "FACE_ERROR")              base of every expected face failure
    ├── ImageUnreadable ("IMAGE_UNREADABLE")   bytes or array that cannot be decoded as a picture
    ├── NoFaceFound ("NO_FACE_FOUND")          the detector found no face
    ├── MultipleFaces ("MULTIPLE_FACES")       several faces and the policy is "reject" or "ask"
    ├── FaceTooSmall ("FACE_TOO_SMALL")        face narrower than the quality gate allows
    └── FaceTooBlurred ("FACE_TOO_BLURRED")    aligned chip sharper than nothing: too soft to trust

Every error carries ``image``: ``"a"`` or ``"b"`` when raised from a match, ``None`` when
raised while analysing a single image. These are plain exceptions: no HTTP status, no settings;
``openkyc.vision`` must not import the platform's error base, so the service maps ``code``.
"""

from __future__ import annotations

from typing import ClassVar

from openkyc.vision.face.types import FaceBox

__all__ = [
    "FaceError",
    "FaceTooBlurred",
    "FaceTooSmall",
    "ImageUnreadable",
    "MultipleFaces",
    "NoFaceFound",
]


class FaceError(Exception):
    """Base of every expected failure of the face engine."""

    code: ClassVar[str] = "FACE_ERROR"

    def __init__(self, message: str, *, image: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.image = image

    def for_image(self, image: str) -> FaceError:
        """Return this error tagged with the image it came from ("a" or "b")."""
        self.image = image
        return self

    def __str__(self) -> str:
        return self.message if self.image is None else f"image {self.image}: {self.message}"


class ImageUnreadable(FaceError):
    code: ClassVar[str] = "IMAGE_UNREADABLE"


class NoFaceFound(FaceError):
    code: ClassVar[str] = "NO_FACE_FOUND"


class MultipleFaces(FaceError):
    """Several faces under a strict policy; ``boxes`` lets a caller ask which one is meant."""

    code: ClassVar[str] = "MULTIPLE_FACES"

    def __init__(
        self, message: str, *, boxes: tuple[FaceBox, ...] = (), image: str | None = None
    ) -> None:
        super().__init__(message, image=image)
        self.boxes = boxes


class FaceTooSmall(FaceError):
    code: ClassVar[str] = "FACE_TOO_SMALL"


class FaceTooBlurred(FaceError):
    code: ClassVar[str] = "FACE_TOO_BLURRED"
