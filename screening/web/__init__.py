"""The officer workspace (`screening serve`): alert review with remembered decisions, sanctions, audit,
and role-scoped access to flights, over the same store as the pipeline."""

from screening.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]
