from openkyc.kit.errors import NotFound, Unauthorized


class OperatorTokenMissing(Unauthorized):
    default_code = "OPERATOR_TOKEN_MISSING"


class OperatorTokenInvalid(Unauthorized):
    default_code = "OPERATOR_TOKEN_INVALID"


class OperatorTokenNotFound(NotFound):
    default_code = "OPERATOR_TOKEN_NOT_FOUND"
