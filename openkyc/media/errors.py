from openkyc.kit.errors import NotFound, ServiceUnavailable


class MediaNotFound(NotFound):
    default_code = "MEDIA_NOT_FOUND"


class MediaUnavailable(ServiceUnavailable):
    default_code = "MEDIA_STORE_UNAVAILABLE"
