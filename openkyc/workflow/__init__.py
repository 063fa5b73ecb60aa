"""Workflow: the per-tenant, versioned pipeline configuration, its rules and the scoring."""
