"""Operator tooling: running the real Airflow components locally (integration tests, benchmarks)."""
