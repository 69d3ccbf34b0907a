"""manifest_screening: carrier files in the intake folder -> flags, sanctions and reports.

Wiring only: every task imports the `screening` library at run time. Tasks pass folder paths (never
traveller data) and write to folders keyed by run and manifest, so a retry overwrites its own output."""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

DATA_DIR = os.environ.get("SCREENING_DATA_DIR", "var")
RETRIES = {"retries": 2, "retry_delay": timedelta(seconds=10), "retry_exponential_backoff": True}


@dag(
    dag_id="manifest_screening",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=4,
    default_args=RETRIES,
    tags=["screening"],
    params={
        "intake_dir": Param(f"{DATA_DIR}/intake", type="string", description="Folder carriers deliver files to"),
        "watchlists": Param([], type="array", description="Watchlist files (CSV, UN XML, OFAC); empty: "
                                                          "SCREENING_WATCHLISTS"),
        "registries": Param([], type="array", description="Lost/stolen document CSVs; empty: SCREENING_REGISTRIES"),
        "rules_dir": Param("", type="string", description="Rules folder; empty: SCREENING_RULES_DIR"),
        "rescreen": Param(False, type="boolean", description="Screen files again even if already screened"),
    },
)
def manifest_screening() -> None:
    @task
    def resolve_config() -> dict:
        from screening.dag_support import resolve_run_config

        context = get_current_context()
        return resolve_run_config(dict(context["params"]), str(context["run_id"]))

    @task
    def land(cfg: dict) -> list[str]:
        from pathlib import Path

        from screening.stages import land_files

        return land_files(Path(cfg["intake_dir"]), Path(cfg["raw_dir"]), cfg["database_url"],
                          rescreen=cfg["rescreen"])

    @task(map_index_template="{{ file_name }}")
    def parse(raw_path: str, cfg: dict) -> list[str]:
        from pathlib import Path

        from screening.stages import parse_to_work

        get_current_context()["file_name"] = Path(raw_path).name  # type: ignore[typeddict-unknown-key]
        return parse_to_work(raw_path, Path(cfg["run_dir"]), Path(cfg["quarantine_dir"]))

    @task
    def gather(folders: list[list[str]]) -> list[str]:
        count = len(folders)  # index, not iterate: iterating a lazy XCom sequence probes one past the end
        return [folder for index in range(count) for folder in folders[index]]

    @task(map_index_template="{{ flight }}")
    def validate(manifest_dir: str) -> str:
        from screening.dag_support import name_map_index
        from screening.stages import validate_stage

        name_map_index(manifest_dir)
        return validate_stage(manifest_dir)

    @task(map_index_template="{{ flight }}", pool="screening", pool_slots=1)
    def screen(manifest_dir: str, cfg: dict) -> str:
        from screening.dag_support import name_map_index
        from screening.stages import screen_stage

        name_map_index(manifest_dir)
        return screen_stage(manifest_dir, cfg["watchlists"], cfg["registries"], cfg["rules_dir"])

    @task(map_index_template="{{ flight }}")
    def obligations(manifest_dir: str, cfg: dict) -> str:
        from screening.dag_support import name_map_index
        from screening.stages import obligations_stage

        name_map_index(manifest_dir)
        return obligations_stage(manifest_dir, cfg["rules_dir"])

    @task(map_index_template="{{ flight }}")
    def persist(manifest_dir: str, cfg: dict) -> str:
        from screening.dag_support import name_map_index
        from screening.stages import persist_stage

        name_map_index(manifest_dir)
        return persist_stage(manifest_dir, cfg["database_url"], cfg["run_id"])

    @task(map_index_template="{{ flight }}")
    def report(manifest_dir: str, cfg: dict) -> str:
        from pathlib import Path

        from screening.dag_support import name_map_index
        from screening.report import write_flight_report

        manifest_id = name_map_index(manifest_dir)
        return str(write_flight_report(manifest_id, cfg["database_url"], Path(cfg["reports_dir"])))

    @task(trigger_rule="none_failed")
    def summarise(cfg: dict, raw_files: list[str], reports: list[str] | None = None) -> dict:
        from pathlib import Path

        from screening.stages import summarise_run

        return summarise_run(Path(cfg["run_dir"]), Path(cfg["out_dir"]), len(raw_files), cfg["run_id"],
                             cfg["database_url"], cfg.get("started_at"))

    cfg = resolve_config()
    raw_files = land(cfg)
    manifest_dirs = gather(parse.partial(cfg=cfg).expand(raw_path=raw_files))
    screened = screen.partial(cfg=cfg).expand(manifest_dir=validate.expand(manifest_dir=manifest_dirs))
    persisted = persist.partial(cfg=cfg).expand(manifest_dir=obligations.partial(cfg=cfg).expand(manifest_dir=screened))
    summarise(cfg, raw_files, report.partial(cfg=cfg).expand(manifest_dir=persisted))


manifest_screening()
