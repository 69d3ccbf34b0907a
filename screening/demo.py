"""`screening demo`: the main job end to end through the real Airflow DAG on the embedded samples, with
SQLite and local folders only (AIRFLOW_HOME in the repository's git-ignored .airflow/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.errors import ConfigError
from screening.resources import REPO_DIR, dags_dir, default_rules_dir, samples_dir

DAG_ID = "manifest_screening"
SAMPLE_LISTS = ("lists/watchlist.csv",)
SAMPLE_REGISTRIES = ("lists/lost_stolen_documents.csv",)


@dataclass
class DemoResult:
    summary: dict[str, Any]
    outputs: dict[str, str]
    reports_dir: Path
    log_file: Path


def demo_environment(home: Path) -> dict[str, str]:
    """Everything Airflow and the pipeline need, pointed at folders under `home`."""
    airflow_home = home / "airflow"
    env = dict(os.environ)
    env.update(
        {
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir()),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "SCREENING_DATA_DIR": str(home / "data"),
            "SCREENING_RULES_DIR": str(default_rules_dir()),
            "SCREENING_WATCHLISTS": os.pathsep.join(str(samples_dir() / p) for p in SAMPLE_LISTS),
            "SCREENING_REGISTRIES": os.pathsep.join(str(samples_dir() / p) for p in SAMPLE_REGISTRIES),
            "GX_ANALYTICS_ENABLED": "False",
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.pop("SCREENING_DATABASE_URL", None)
    return env


def stage_samples(intake: Path) -> list[Path]:
    """Copy the sample manifests (not the lists) into the intake folder, as a carrier would deliver them."""
    intake.mkdir(parents=True, exist_ok=True)
    staged = []
    for path in sorted(samples_dir().iterdir()):
        if path.is_file() and not path.name.startswith("."):
            staged.append(Path(shutil.copy2(path, intake / path.name)))
    return staged


def _airflow(args: list[str], env: dict[str, str], log: Any) -> str:
    command = [str(Path(sys.executable).with_name("airflow")), *args]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "airflow", *args]
    completed = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=log, cwd=str(REPO_DIR), text=True)
    log.write(completed.stdout)
    if completed.returncode != 0:
        raise ConfigError(f"'airflow {' '.join(args[:2])}' failed (exit {completed.returncode}); see {log.name}")
    return completed.stdout


def _run_state(run_id: str, env: dict[str, str], log: Any) -> str:
    """The DAG run's final state as Airflow recorded it (dags test may exit 0 on a failed run)."""
    from screening.ops.local_airflow import json_rows

    listing = _airflow(["dags", "list-runs", DAG_ID, "-o", "json"], env, log)
    return next((r["state"] for r in json_rows(listing) if r.get("run_id") == run_id), "unknown")


def progress_lines(data_dir: Path, since: float) -> list[str]:
    """What the running DAG has done so far, read from the files its tasks write (work/, reports/)."""
    runs = [p for p in (data_dir / "work").glob("*") if p.is_dir() and p.stat().st_mtime >= since - 1]
    if not runs:
        return []
    run_dir = max(runs, key=lambda p: p.stat().st_mtime)
    lines = []
    reads = list((run_dir / "_reads").glob("*/read.json"))
    if reads:
        lines.append(f"parse: {len(reads)} file(s) read")
    assembly = run_dir / "_assembly.json"
    if assembly.exists():
        manifests = json.loads(assembly.read_text(encoding="utf-8")).get("manifests", [])
        lines.append(f"gather: {len(manifests)} manifest(s) assembled")
        folders = [run_dir / m for m in manifests]
        for label, name in (
            ("validate", "validation.json"),
            ("screen", "flags_screen.json"),
            ("obligations", "flags.json"),
        ):
            done = sum(1 for f in folders if (f / name).exists())
            if done:
                lines.append(f"{label}: {done}/{len(folders)} manifest(s)")
    reports = [p for p in (data_dir / "reports" / "flights").glob("*.html") if p.stat().st_mtime >= since]
    if reports:
        lines.append(f"report: {len(reports)} flight report(s) written")
    return lines


def _watch(data_dir: Path, since: float, step: Callable[[str], None], stop: threading.Event) -> None:
    """Say each new thing the DAG run has done, as it happens (the run itself logs only warnings)."""
    said: set[str] = set()
    while not stop.wait(0.5):
        for line in progress_lines(data_dir, since):
            if line not in said:
                said.add(line)
                step(line)


def run_demo(home: Path | None = None, step: Callable[[str], None] = lambda _s: None) -> DemoResult:
    home = (home or REPO_DIR / ".airflow" / "demo").resolve()
    env = demo_environment(home)
    data_dir = Path(env["SCREENING_DATA_DIR"])
    home.mkdir(parents=True, exist_ok=True)
    log_file = home / "demo.log"
    with log_file.open("w", encoding="utf-8") as log:
        step("preparing the Airflow metadata database (SQLite)")
        _airflow(["db", "migrate"], env, log)
        _airflow(["pools", "set", "screening", "4", "caps concurrent screening tasks"], env, log)
        step("delivering the sample manifests to the intake folder")
        stage_samples(data_dir / "intake")
        step(f"running the DAG {DAG_ID} (airflow dags test)")
        runs_dir = data_dir / "runs"
        before = set(runs_dir.iterdir()) if runs_dir.exists() else set()
        conf = json.dumps({"rescreen": True})
        stop = threading.Event()
        watcher = threading.Thread(target=_watch, args=(data_dir, time.time(), step, stop), daemon=True)
        watcher.start()
        try:
            _airflow(["dags", "test", DAG_ID, "-c", conf], env, log)
        finally:
            stop.set()
            watcher.join(timeout=2)
    new_runs = sorted(set(runs_dir.iterdir()) - before, key=lambda p: p.stat().st_mtime) if runs_dir.exists() else []
    if not new_runs:
        raise ConfigError(f"the DAG run wrote no outputs; see {log_file}")
    out_dir = new_runs[-1]
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    with log_file.open("a", encoding="utf-8") as log:
        state = _run_state(summary.get("run_id", ""), env, log)
    if state != "success":
        raise ConfigError(f"the DAG run {summary.get('run_id')} ended in state {state}; see {log_file}")
    outputs = {p.name: str(p) for p in sorted(out_dir.iterdir()) if p.is_file()}
    return DemoResult(summary, outputs, data_dir / "reports", log_file)
