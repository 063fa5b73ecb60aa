"""Every table of openkyc, gathered for Alembic. Import nothing else from here."""

from openkyc.audit.models import AuditEntry, AuditHead
from openkyc.jobs.models import Job
from openkyc.keys.models import ApiKey
from openkyc.kit.db import Base
from openkyc.media.models import MediaObject
from openkyc.tenants.models import Tenant

metadata = Base.metadata

__all__ = ["ApiKey", "AuditEntry", "AuditHead", "Job", "MediaObject", "Tenant", "metadata"]
