"""Every table of openkyc, gathered for Alembic. Import nothing else from here."""

from openkyc.audit.models import AuditEntry, AuditHead
from openkyc.invoices.models import Invoice
from openkyc.jobs.models import Job
from openkyc.keys.models import ApiKey
from openkyc.kit.db import Base
from openkyc.liveness.models import LivenessChallenge, LivenessFingerprint
from openkyc.media.models import MediaObject
from openkyc.operators.models import OperatorToken
from openkyc.tenants.models import PlanRecord, Tenant
from openkyc.usage.models import UsageCounter, UsageEvent, UsageThreshold
from openkyc.verifications.models import IdempotencyKey, Verification
from openkyc.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from openkyc.workflow.models import WorkflowVersion

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuditEntry",
    "AuditHead",
    "IdempotencyKey",
    "Invoice",
    "Job",
    "LivenessChallenge",
    "LivenessFingerprint",
    "MediaObject",
    "OperatorToken",
    "PlanRecord",
    "Tenant",
    "UsageCounter",
    "UsageEvent",
    "UsageThreshold",
    "Verification",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WorkflowVersion",
    "metadata",
]
