from openkyc.kit.errors import NotFound


class JobNotFound(NotFound):
    default_code = "JOB_NOT_FOUND"
