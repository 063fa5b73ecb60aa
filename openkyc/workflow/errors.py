from openkyc.kit.errors import NotFound, Unprocessable


class WorkflowInvalid(Unprocessable):
    default_code = "WORKFLOW_INVALID"


class WorkflowVersionNotFound(NotFound):
    default_code = "WORKFLOW_VERSION_NOT_FOUND"
