"""Persistence: SQLAlchemy models, Alembic migrations, and the repository functions the pipeline uses."""
