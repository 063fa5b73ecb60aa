"""openkyc: self-hosted identity verification and anti-fraud platform."""

__version__ = "0.1.0"
