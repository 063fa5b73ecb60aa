"""Usage: metered events, monthly quotas with thresholds, and per-key rate limits."""
