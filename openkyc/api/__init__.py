"""HTTP entry point: ``create_app()`` builds the FastAPI application."""

from openkyc.api.app import create_app

__all__ = ["create_app"]
