"""Face failures as 422s with a stable code per cause, naming the image concerned."""

from __future__ import annotations

from openkyc.kit.errors import Unprocessable
from openkyc.vision.face import FaceError, MultipleFaces

_MESSAGES = {
    "NO_FACE_FOUND": "no face was found in image_{image}",
    "MULTIPLE_FACES": "image_{image} shows several faces and the policy does not pick one",
    "FACE_TOO_SMALL": "the face in image_{image} is too small to compare reliably",
    "FACE_TOO_BLURRED": "the face in image_{image} is too blurred to compare reliably",
    "IMAGE_UNREADABLE": "image_{image} could not be read as a picture",
}


def translate(error: FaceError) -> Unprocessable:
    image = error.image or "a"
    message = _MESSAGES.get(error.code, "image_{image}: face analysis failed").format(image=image)
    details: dict[str, object] = {"image": f"image_{image}", "reason": error.message}
    if isinstance(error, MultipleFaces):
        details["faces"] = [
            {"x": b.x, "y": b.y, "width": b.width, "height": b.height} for b in error.boxes
        ]
    return Unprocessable(message, code=error.code, details=details)
