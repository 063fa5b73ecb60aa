from openkyc.kit.errors import Forbidden, NotFound


class TenantNotFound(NotFound):
    default_code = "TENANT_NOT_FOUND"


class TenantSuspended(Forbidden):
    default_code = "TENANT_SUSPENDED"
