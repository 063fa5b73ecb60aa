from openkyc.kit.errors import NotFound


class ApiKeyNotFound(NotFound):
    default_code = "API_KEY_NOT_FOUND"
