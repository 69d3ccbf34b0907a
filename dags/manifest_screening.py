# mypy: disable-error-code="arg-type"
"""manifest_screening: carrier files in the intake folder -> flags, sanctions and reports.

Wiring only: every task imports the `screening` library at run time. Tasks pass folder paths (never
traveller data) and write to folders keyed by run and manifest, so a retry overwrites its own output.
Intake is polled by a short schedule (SCREENING_INTAKE_SCHEDULE, default every 2 minutes): the `land`
task is cheap, needs no triggerer or sensor slot, and each run is a natural batch (see README)."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from screening.config import load_settings  # light: the SCREENING_* settings object
from screening.dag_defaults import default_args

DATA_DIR = str(load_settings().data_dir)
SCHEDULE = load_settings().intake_cron


@dag(
    dag_id="manifest_screening",
    schedule=SCHEDULE,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=default_args(),
    doc_md=__doc__,
    tags=["screening"],
    params={
        "intake_dir": Param(f"{DATA_DIR}/intake", type="string", description="Folder carriers deliver files to"),
        "watchlists": Param(
            [], type="array", description="Watchlist files (CSV, UN XML, OFAC folder); empty: SCREENING_WATCHLISTS"
        ),
        "registries": Param([], type="array", description="Lost/stolen document CSVs; empty: SCREENING_REGISTRIES"),
        "rules_dir": Param("", type="string", description="Rules folder (a rules version); empty: SCREENING_RULES_DIR"),
        "rescreen": Param(False, type="boolean", description="Screen intake files again even if already screened"),
        "rescreen_from": Param(
            "", type="string", description="Re-screen stored manifests departing on or after this date (YYYY-MM-DD)"
        ),
        "rescreen_to": Param("", type="string", description="... and on or before this date (YYYY-MM-DD)"),
        "rescreen_carrier": Param("", type="string", description="... of this carrier only (optional)"),
    },
)
def manifest_screening() -> None:
    @task
    def resolve_config() -> dict:
        from screening.dag_support import resolve_run_config

        context = get_current_context()
        return resolve_run_config(dict(context["params"]), str(context["run_id"]))

    @task
    def land(cfg: dict) -> list[list[str]]:
        from screening.dag_support import batches, land_and_select

        return batches(land_and_select(cfg), cfg["batch_size"])

    @task(map_index_template="{{ flight }}")
    def parse(files: list[str], cfg: dict) -> list[str]:
        from pathlib import Path

        from screening.dag_support import name_task, run_stage
        from screening.stages import parse_to_work

        name_task([Path(f).name for f in files])
        return [
            folder
            for raw_path in files
            for folder in run_stage(
                parse_to_work,
                raw_path,
                Path(cfg["run_dir"]),
                Path(cfg["quarantine_dir"]),
                Path(cfg["multipart_dir"]),
                cfg["run_id"],
                cfg["multipart_wait_minutes"],
            )
        ]

    @task(trigger_rule="none_failed")  # also when nothing was landed: releases sets whose wait is over
    def gather(reads: list[list[str]], cfg: dict) -> list[list[str]]:
        from pathlib import Path

        from screening.dag_support import batches, run_stage
        from screening.stages import gather_stage, waiting_screener_for

        count = len(reads)  # index, not iterate: iterating a lazy XCom sequence probes one past the end
        folders = run_stage(
            gather_stage,
            [f for index in range(count) for f in reads[index]],
            Path(cfg["run_dir"]),
            Path(cfg["multipart_dir"]),
            cfg["run_id"],
            cfg["multipart_wait_minutes"],
            waiting_screener_for(cfg["watchlists"], cfg["registries"], cfg["rules_dir"], cfg.get("index_dir")),
        )
        return batches(folders, cfg["batch_size"])

    @task(map_index_template="{{ flight }}")
    def validate(batch: list[str]) -> list[str]:
        from screening.dag_support import run_whole_batch
        from screening.stages import validate_batch_stage

        return run_whole_batch(validate_batch_stage, batch)

    @task(map_index_template="{{ flight }}", pool="screening", pool_slots=1)
    def screen(batch: list[str], cfg: dict) -> list[str]:
        from screening.dag_support import run_batch
        from screening.stages import screen_stage

        return run_batch(screen_stage, batch, cfg["watchlists"], cfg["registries"], cfg["rules_dir"], cfg["index_dir"])

    @task(map_index_template="{{ flight }}")
    def obligations(batch: list[str], cfg: dict) -> list[str]:
        from screening.dag_support import run_batch
        from screening.stages import obligations_stage

        return run_batch(obligations_stage, batch, cfg["rules_dir"])

    @task(map_index_template="{{ flight }}")
    def persist(batch: list[str], cfg: dict) -> list[str]:
        from screening.dag_support import run_batch
        from screening.stages import persist_stage

        return run_batch(persist_stage, batch, cfg["database_url"], cfg["run_id"])

    @task(map_index_template="{{ flight }}")
    def report(batch: list[str], cfg: dict) -> list[str]:
        from pathlib import Path

        from screening.dag_support import run_batch
        from screening.stages import report_stage

        return run_batch(report_stage, batch, cfg["database_url"], Path(cfg["reports_dir"]))

    @task(trigger_rule="none_failed")
    def summarise(cfg: dict, raw_batches: list[list[str]], reports: list[list[str]] | None = None) -> dict:
        from pathlib import Path

        from screening.stages import summarise_run

        raw_files = [path for batch in raw_batches for path in batch]
        return summarise_run(
            Path(cfg["run_dir"]),
            Path(cfg["out_dir"]),
            raw_files,
            cfg["run_id"],
            cfg["database_url"],
            cfg.get("started_at"),
            Path(cfg["reports_dir"]),
        )

    cfg = resolve_config()
    raw_files = land(cfg)
    batches = gather(parse.partial(cfg=cfg).expand(files=raw_files), cfg)
    screened = screen.partial(cfg=cfg).expand(batch=validate.expand(batch=batches))
    persisted = persist.partial(cfg=cfg).expand(batch=obligations.partial(cfg=cfg).expand(batch=screened))
    summarise(cfg, raw_files, report.partial(cfg=cfg).expand(batch=persisted))


manifest_screening()
