"""Invoices: monthly statements built from metered events, immutable once closed."""
