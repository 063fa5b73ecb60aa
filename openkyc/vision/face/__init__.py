"""Face engine: detection, quality, 5-point alignment, 128-D embeddings and 1:1 match.

Public API for the ``faces`` service (everything else in this package is internal)::

    engine = face_engine("dlib")                      # lazy, once per process, thread-safe
    result = match(image_a, image_b, threshold=None, policy="largest")   # -> MatchResult
    analysis = engine.analyze(image, policy="largest")                   # -> FaceAnalysis
    portrait = crop_document_portrait(document_image)                    # -> PortraitCrop
    threshold_for_fmr(0.001) / fmr_for_threshold(0.75)                   # calibration

Images are ``bytes`` (JPEG/PNG/WebP...) or numpy RGB/grey arrays. Failures are FaceError
subclasses with a stable ``code`` and the ``image`` ("a"/"b") they concern; see ``errors``.
"""

from openkyc.vision.face.calibration import (
    CALIBRATION,
    CALIBRATION_SOURCE,
    DEFAULT_FMR,
    distance_threshold_for_fmr,
    fmr_for_threshold,
    similarity_from_distance,
    threshold_for_fmr,
)
from openkyc.vision.face.decode import ImageInput
from openkyc.vision.face.detect import DetectionConfig
from openkyc.vision.face.engine import (
    DlibFaceEngine,
    EmbeddingConfig,
    EngineConfig,
    QualityGate,
    face_engine,
)
from openkyc.vision.face.errors import (
    FaceError,
    FaceTooBlurred,
    FaceTooSmall,
    ImageUnreadable,
    MultipleFaces,
    NoFaceFound,
)
from openkyc.vision.face.match import compare_embeddings, match
from openkyc.vision.face.portrait import crop_document_portrait, embed_portrait
from openkyc.vision.face.types import (
    DetectedFace,
    Embedding,
    FaceAnalysis,
    FaceBox,
    FaceQuality,
    MatchResult,
    MultiFacePolicy,
    PortraitCrop,
)

__all__ = [
    "CALIBRATION",
    "CALIBRATION_SOURCE",
    "DEFAULT_FMR",
    "DetectedFace",
    "DetectionConfig",
    "DlibFaceEngine",
    "Embedding",
    "EmbeddingConfig",
    "EngineConfig",
    "FaceAnalysis",
    "FaceBox",
    "FaceError",
    "FaceQuality",
    "FaceTooBlurred",
    "FaceTooSmall",
    "ImageInput",
    "ImageUnreadable",
    "MatchResult",
    "MultiFacePolicy",
    "MultipleFaces",
    "NoFaceFound",
    "PortraitCrop",
    "QualityGate",
    "compare_embeddings",
    "crop_document_portrait",
    "distance_threshold_for_fmr",
    "embed_portrait",
    "face_engine",
    "fmr_for_threshold",
    "match",
    "similarity_from_distance",
    "threshold_for_fmr",
]
