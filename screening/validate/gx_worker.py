"""The Great Expectations audit in a side process, so that its start-up (importing GX is two seconds of
CPU) overlaps the rest of a run instead of adding to it.

`screening screen` starts the worker first thing; the worker imports GX and builds its context and suites
while the main process loads lists and rules, reads, validates and screens. Validation sends the audit
frames (counts only come back, never values) and goes on; the run collects the result before it stores
anything. Without a worker (the DAG's tasks, the library) the audit runs in-process as before. The audit
never decides a flag: if the worker dies or fails, the reports say why and the run goes on.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pandas as pd

log = logging.getLogger(__name__)

_active: GxWorker | None = None


def _serve(connection: Any) -> None:
    """The worker's loop: warm up, then audit each batch of frames sent until the pipe closes."""
    from screening.validate import gx_suite

    try:
        gx_suite.warm_up()
    except Exception as exc:  # reported with the first audit asked for
        log.warning("great expectations warm-up failed: %s", type(exc).__name__)
    while True:
        try:
            frames = connection.recv()
        except (EOFError, OSError):
            return
        if frames is None:
            return
        connection.send(gx_suite.run_prepared(frames))


class GxWorker:
    """One side process; `audit` sends prepared frames and returns a handle whose `result()` waits."""

    def __init__(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        # fork shares the already imported pandas and numpy; spawn elsewhere (Windows, macOS default)
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child,), name="screening-gx-audit", daemon=True
        )
        self._process.start()
        child.close()
        self._busy = False
        self._used = False

    def audit(self, frames: dict[str, pd.DataFrame]) -> PendingAudit:
        if self._busy:  # one audit at a time: the pipe carries one answer per question
            raise RuntimeError("the audit worker is still busy with the previous batch")
        try:
            self._connection.send(frames)
        except (OSError, ValueError) as exc:
            return PendingAudit(error=f"worker unavailable ({type(exc).__name__})")
        self._busy = self._used = True
        return PendingAudit(receive=self.receive)

    def receive(self) -> dict[str, Any]:
        try:
            return dict(self._connection.recv())
        except (EOFError, OSError) as exc:
            return {"enabled": True, "error": f"audit worker stopped ({type(exc).__name__})"}
        finally:
            self._busy = False

    def close(self) -> None:
        """Stop the worker. One never asked for an audit (a quiet run, a run whose every manifest failed)
        is stopped at once rather than waited for while it is still importing GX."""
        if self._used:
            with suppress(OSError, ValueError):  # already gone: nothing to tell it
                self._connection.send(None)
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._connection.close()


class PendingAudit:
    """An audit under way (or finished, or impossible); `result()` gives the GX section once."""

    def __init__(
        self,
        *,
        receive: Callable[[], dict[str, Any]] | None = None,
        done: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        self._receive = receive
        self._result = done if done is not None else {"enabled": True, "error": error or "no audit was started"}
        if receive is not None:
            self._result = {}

    def result(self) -> dict[str, Any]:
        if self._receive is not None:
            self._result, self._receive = self._receive(), None
        return self._result


def start_audit(frames: dict[str, pd.DataFrame]) -> PendingAudit:
    """Hand the frames to the side process when one runs, else audit them here and now."""
    if _active is not None:
        return _active.audit(frames)
    from screening.validate.gx_suite import run_prepared

    return PendingAudit(done=run_prepared(frames))


@contextmanager
def audit_worker() -> Iterator[GxWorker]:
    """Start the side process for the length of a run. Start it before any thread exists (rich's
    progress display starts one): a forked child gets only the thread that forked it."""
    global _active
    worker = GxWorker()
    previous, _active = _active, worker
    try:
        yield worker
    finally:
        _active = previous
        worker.close()
