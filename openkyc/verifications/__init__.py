"""Verifications: the full e-KYC run (document, selfie, liveness, KYA) as a durable job."""
