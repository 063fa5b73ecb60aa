"""Tenants: the integrators of the platform, their plans, countries and data keys."""
