"""Carrier passenger pre-reporting (API) and screening pipeline."""

__version__ = "0.1.0"
