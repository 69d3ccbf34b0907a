"""Small helpers the DAG tasks call, kept here so the DAG file stays wiring only."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from screening.config import load_settings


def _paths_from_env(name: str) -> list[str | Path]:
    """SCREENING_WATCHLISTS or SCREENING_REGISTRIES, as read by the settings object."""
    settings = load_settings()
    return list(settings.watchlist_paths if name == "SCREENING_WATCHLISTS" else settings.registry_paths)


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
        "index_dir": str(settings.data_dir / "index"),
        "batch_size": settings.batch_size,
        "multipart_wait_minutes": settings.multipart_wait_minutes,
        "reports_dir": str(settings.reports_dir),
        "database_url": settings.database_url,
        "watchlists": [
            str(Path(p).resolve()) for p in (params.get("watchlists") or _paths_from_env("SCREENING_WATCHLISTS"))
        ],
        "registries": [
            str(Path(p).resolve()) for p in (params.get("registries") or _paths_from_env("SCREENING_REGISTRIES"))
        ],
        "rules_dir": str(Path(rules_dir).resolve()),
        "rescreen": bool(params.get("rescreen", False)),
        "rescreen_from": params.get("rescreen_from") or "",
        "rescreen_to": params.get("rescreen_to") or "",
        "rescreen_carrier": params.get("rescreen_carrier") or "",
    }


def name_task(ids: list[str]) -> None:
    """Name the mapped task instance after its flight(s) or file(s): what an operator looks for."""
    name = ids[0] if len(ids) == 1 else f"{ids[0]} (+{len(ids) - 1} more)" if ids else "empty batch"
    try:
        from airflow.sdk import get_current_context

        get_current_context()["flight"] = name  # type: ignore[typeddict-unknown-key]
    except Exception:  # outside a task (unit tests) there is no context to name
        pass


def run_stage(function: Any, *args: Any) -> Any:
    """A data, rules or configuration fault will not heal on retry: fail the task at once (AirflowFailException, no
    retries); anything else (database busy, disk full) is raised as is and retried with backoff."""
    from screening.errors import ScreeningError

    try:
        return function(*args)
    except ScreeningError as exc:  # input, rules, configuration: none heals on retry
        from airflow.exceptions import AirflowFailException

        raise AirflowFailException(str(exc)) from exc


TIMINGS_FILE = "_timings.jsonl"


def batches(manifest_dirs: list[str], size: int) -> list[list[str]]:
    """Manifests per mapped task: 1 gives one task per flight; a large hub batches to cut task overhead."""
    size = max(1, int(size))
    return [manifest_dirs[i : i + size] for i in range(0, len(manifest_dirs), size)]


def run_whole_batch(function: Any, batch: list[str]) -> list[str]:
    """A stage that handles the whole batch in one call (validation shares one GX run per batch)."""
    import json

    name_task([Path(d).name for d in batch])
    started = time.perf_counter()
    run_stage(function, batch)
    share = round((time.perf_counter() - started) / max(1, len(batch)), 4)
    if batch:
        with (Path(batch[0]).parent / TIMINGS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(
                "".join(
                    json.dumps({"stage": function.__name__, "manifest_id": Path(d).name, "seconds": share}) + "\n"
                    for d in batch
                )
            )
    return batch


def run_batch(function: Any, batch: list[str], *args: Any) -> list[str]:
    """Run one stage over a batch of manifest folders; the mapped task is named after its flights."""
    import json

    name_task([Path(d).name for d in batch])
    for manifest_dir in batch:
        started = time.perf_counter()
        run_stage(function, manifest_dir, *args)
        timing = {
            "stage": function.__name__,
            "manifest_id": Path(manifest_dir).name,
            "seconds": round(time.perf_counter() - started, 4),
        }
        with (Path(manifest_dir).parent / TIMINGS_FILE).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(timing) + "\n")  # one short line per write: appends do not interleave
    return batch


def land_and_select(cfg: dict[str, Any]) -> list[str]:
    """New intake files plus, when the operator asked for it, stored files to re-screen."""
    from screening.stages import land_files, select_rescreen_files

    landed = land_files(Path(cfg["intake_dir"]), Path(cfg["raw_dir"]), cfg["database_url"], rescreen=cfg["rescreen"])
    if cfg.get("rescreen_from") or cfg.get("rescreen_to") or cfg.get("rescreen_carrier"):
        stored = select_rescreen_files(
            cfg["database_url"],
            cfg.get("rescreen_from") or None,
            cfg.get("rescreen_to") or None,
            cfg.get("rescreen_carrier") or None,
        )
        landed += [path for path in stored if path not in landed]
    return landed


def refresh_watchlist_index() -> dict[str, Any]:
    """Build (or find) the index for the configured lists; report counts per list, no personal data."""
    from screening.matching.index_store import cache_key, load_or_build
    from screening.watchlists.registry import load_registry

    settings = load_settings()
    watchlists = _paths_from_env("SCREENING_WATCHLISTS")
    registries = _paths_from_env("SCREENING_REGISTRIES")
    if not watchlists:
        from screening.errors import ConfigError

        raise ConfigError("SCREENING_WATCHLISTS names no watchlist file")
    index_dir = settings.data_dir / "index"
    index = load_or_build(list(watchlists), index_dir)
    registry = load_registry(list(registries))
    return {
        "version": index.version,
        "index_dir": str(index_dir / f"index-{cache_key(list(watchlists))}"),
        "entries": len(index.entries),
        "registry_documents": len(registry.documents),
        "registry_version": registry.version,
        "registry_skipped": len(registry.skipped),
    }


def run_in_process(cfg: dict[str, Any], raw_files: list[str]) -> dict[str, Any]:
    """The manifest_screening DAG's tasks in their order, in this process, on the same folders and with
    the same stage functions (for tests and for an operator retracing a run without Airflow)."""
    from screening import stages

    run_dir, multipart_dir = Path(cfg["run_dir"]), Path(cfg["multipart_dir"])
    reads = [
        read
        for raw in raw_files
        for read in stages.parse_to_work(
            raw, run_dir, Path(cfg["quarantine_dir"]), multipart_dir, cfg["run_id"], cfg["multipart_wait_minutes"]
        )
    ]
    screen_waiting = stages.waiting_screener_for(
        cfg["watchlists"], cfg["registries"], cfg["rules_dir"], cfg.get("index_dir")
    )
    folders = stages.gather_stage(
        reads, run_dir, multipart_dir, cfg["run_id"], cfg["multipart_wait_minutes"], screen_waiting
    )
    stages.validate_batch_stage(folders)
    for folder in folders:
        stages.screen_stage(folder, cfg["watchlists"], cfg["registries"], cfg["rules_dir"], cfg.get("index_dir"))
        stages.obligations_stage(folder, cfg["rules_dir"])
        stages.persist_stage(folder, cfg["database_url"], cfg["run_id"])
        stages.report_stage(folder, cfg["database_url"], Path(cfg["reports_dir"]))
    return stages.summarise_run(
        run_dir,
        Path(cfg["out_dir"]),
        raw_files,
        cfg["run_id"],
        cfg["database_url"],
        time.time(),
        Path(cfg["reports_dir"]),
    )
