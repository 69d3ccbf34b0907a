"""Start the real Airflow 3 components (api-server, scheduler, dag-processor, optionally a Celery worker)
against a given metadata database and executor, trigger a DAG and wait for it: the production path on one
machine, used by the integration tests and benchmarks/bench_day.py."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.resources import REPO_DIR, dags_dir


def json_rows(output: str) -> list[dict[str, Any]]:
    """The JSON list an `airflow ... -o json` command printed, ignoring log lines around it."""
    for line in output.splitlines():
        if line.startswith("[") and (line.startswith("[{") or line.strip() == "[]"):
            try:
                return list(json.loads(line))
            except json.JSONDecodeError:
                continue
    return []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalAirflow:
    """A throwaway Airflow installation under `home`. Use as a context manager."""

    home: Path
    sql_alchemy_conn: str
    executor: str = "LocalExecutor"
    parallelism: int = 2
    celery_broker: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        secret = secrets.token_hex(16)
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir()),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": str(max(self.parallelism * 2, 4)),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.sql_alchemy_conn,
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": secret,
            "AIRFLOW__API__SECRET_KEY": secret,
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "300",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "SCREENING_INTAKE_SCHEDULE": "",
            "GX_ANALYTICS_ENABLED": "False",
        }
        if self.celery_broker:
            self.env["AIRFLOW__CELERY__BROKER_URL"] = self.celery_broker
            result = self.sql_alchemy_conn.replace("postgresql+psycopg2://", "db+postgresql://")
            self.env["AIRFLOW__CELERY__RESULT_BACKEND"] = result
            self.env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] = str(self.parallelism)
            # a queue of its own: two installations on one broker (parallel test runs) must not take each
            # other's tasks (they would fail on the other's JWT secret)
            self.queue = f"screening-{secret[:12]}"
            self.env["AIRFLOW__OPERATORS__DEFAULT_QUEUE"] = self.queue
        self.env.update(self.extra_env)

    def airflow(self, *args: str, check: bool = True, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(REPO_DIR),
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} failed: {done.stderr[-3000:]}")
        return done.stdout

    def _start(self, name: str, *args: str) -> None:
        log = (self.home / f"{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "airflow", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=str(REPO_DIR),
                start_new_session=True,
            )
        )

    def __enter__(self) -> LocalAirflow:
        self.airflow("db", "migrate")
        self.airflow("pools", "set", "screening", str(self.parallelism), "caps concurrent screening tasks")
        self._start("api-server", "api-server", "--port", str(self.port))
        self._start("scheduler", "scheduler")
        self._start("dag-processor", "dag-processor")
        if self.executor.endswith("CeleryExecutor"):
            queue = self.env.get("AIRFLOW__OPERATORS__DEFAULT_QUEUE", "default")
            self._start("celery-worker", "celery", "worker", "--concurrency", str(self.parallelism), "--queues", queue)
        return self

    def __exit__(self, *exc: Any) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.time() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> None:
        """Until the dag-processor has serialised the DAG into the database."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            listing = self.airflow("dags", "list", "-o", "json", check=False)
            if f'"{dag_id}"' in listing:
                return
            time.sleep(2)
        raise TimeoutError(f"{dag_id} was not parsed within {timeout:.0f} s; see {self.home}/dag-processor.log")

    def trigger(self, dag_id: str, conf: dict[str, Any] | None = None, run_id: str | None = None) -> str:
        run_id = run_id or f"it__{int(time.time() * 1000)}"
        self.airflow("dags", "unpause", dag_id, check=False)
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id, "-c", json.dumps(conf or {}))
        return run_id

    def run_state(self, dag_id: str, run_id: str) -> str:
        listing = self.airflow("dags", "list-runs", dag_id, "-o", "json", check=False)
        return next((r["state"] for r in json_rows(listing) if r.get("run_id") == run_id), "none")

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 600) -> str:
        deadline = time.time() + timeout
        state = "none"
        while time.time() < deadline:
            state = self.run_state(dag_id, run_id)
            if state in ("success", "failed"):
                return state
            time.sleep(2)
        return state

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.home.glob("*.log"))
