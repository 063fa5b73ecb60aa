"""Domain-free helpers: database, crypto, media intake and storage, ids, clock, errors, logs.

Nothing in ``openkyc.kit`` imports a domain package or an entry point.
"""
