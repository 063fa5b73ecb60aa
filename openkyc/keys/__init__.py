"""API keys: public key id, secret shown once and stored encrypted, rotation and revocation."""
