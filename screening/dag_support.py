"""Small helpers the DAG tasks call, kept here so the DAG file stays wiring only."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from screening.config import load_settings


def _paths_from_env(name: str) -> list[str]:
    return [p for p in os.environ.get(name, "").split(os.pathsep) if p]


def resolve_run_config(params: dict[str, Any], run_id: str) -> dict[str, Any]:
    """Params from the trigger form win over the environment; only paths and versions, no personal data."""
    settings = load_settings()
    run_key = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)
    rules_dir = params.get("rules_dir") or str(settings.rules_dir)
    return {
        "run_id": run_id,
        "started_at": time.time(),
        "intake_dir": str(Path(params.get("intake_dir") or settings.intake_dir).resolve()),
        "raw_dir": str(settings.raw_dir),
        "run_dir": str(settings.work_dir / run_key),
        "out_dir": str(settings.data_dir / "runs" / run_key),
        "quarantine_dir": str(settings.quarantine_dir),
        "multipart_dir": str(settings.data_dir / "multipart"),
        "multipart_wait_minutes": float(os.environ.get("SCREENING_MULTIPART_WAIT_MINUTES", "120")),
        "reports_dir": str(settings.reports_dir),
        "database_url": settings.database_url,
        "watchlists": [str(Path(p).resolve()) for p in (params.get("watchlists") or
                                                       _paths_from_env("SCREENING_WATCHLISTS"))],
        "registries": [str(Path(p).resolve()) for p in (params.get("registries") or
                                                       _paths_from_env("SCREENING_REGISTRIES"))],
        "rules_dir": str(Path(rules_dir).resolve()),
        "rescreen": bool(params.get("rescreen", False)),
        "rescreen_from": params.get("rescreen_from") or "",
        "rescreen_to": params.get("rescreen_to") or "",
        "rescreen_carrier": params.get("rescreen_carrier") or "",
    }


def name_map_index(manifest_dir: str) -> str:
    """Name the mapped task instance after its flight (manifest id: carrier, number, airport, date)."""
    manifest_id = Path(manifest_dir).name
    try:
        from airflow.sdk import get_current_context

        get_current_context()["flight"] = manifest_id  # type: ignore[typeddict-unknown-key]
    except Exception:  # outside a task (unit tests) there is no context to name
        pass
    return manifest_id


def run_stage(function: Any, *args: Any) -> Any:
    """A data or rules fault will not heal on retry: fail the task at once (AirflowFailException, no
    retries); anything else (database busy, disk full) is raised as is and retried with backoff."""
    from screening.errors import InputError, RulesError

    try:
        return function(*args)
    except (InputError, RulesError) as exc:
        from airflow.exceptions import AirflowFailException

        raise AirflowFailException(str(exc)) from exc


def run_manifest_stage(function: Any, manifest_dir: str, *args: Any) -> Any:
    name_map_index(manifest_dir)
    return run_stage(function, manifest_dir, *args)


def land_and_select(cfg: dict[str, Any]) -> list[str]:
    """New intake files plus, when the operator asked for it, stored files to re-screen."""
    from screening.stages import land_files, select_rescreen_files

    landed = land_files(Path(cfg["intake_dir"]), Path(cfg["raw_dir"]), cfg["database_url"],
                        rescreen=cfg["rescreen"])
    if cfg.get("rescreen_from") or cfg.get("rescreen_to") or cfg.get("rescreen_carrier"):
        stored = select_rescreen_files(cfg["database_url"], cfg.get("rescreen_from") or None,
                                       cfg.get("rescreen_to") or None, cfg.get("rescreen_carrier") or None)
        landed += [path for path in stored if path not in landed]
    return landed
