"""The append-only audit log: a hash chain over every security-relevant action."""
