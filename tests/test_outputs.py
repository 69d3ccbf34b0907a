"""The four run outputs: formula-safe cells in every CSV, and one verified set (never two runs mixed)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd
import pytest

from screening import outputs
from screening.model import Flag, QuarantineRecord


def _flag(explanation: str) -> Flag:
    return Flag("M1", "ZZ", "1", '=HYPERLINK("http://x")', "WATCHLIST", "WATCHLIST_MATCH", "HIGH", explanation)


def _write(out: Path, run_id: str, explanation: str = "ok") -> None:
    quarantine = [QuarantineRecord("f.csv", "2", "ROW_UNPARSEABLE", "-bad", "@SUM(A1)\x00", travellers=1)]
    outputs.write_outputs(out, [_flag(explanation)], [], quarantine, {"run_id": run_id})


def test_every_csv_cell_that_a_spreadsheet_would_run_is_neutralised(tmp_path: Path) -> None:
    _write(tmp_path, "r1", "+cmd")
    [flag] = list(csv.DictReader(io.StringIO((tmp_path / "flags.csv").read_text())))
    assert flag["traveller_ref"].startswith("'=") and flag["explanation"] == "'+cmd"
    [row] = list(csv.DictReader(io.StringIO((tmp_path / "quarantine.csv").read_text())))
    assert row["message"] == "'-bad" and row["raw"].startswith("'@") and row["travellers"] == "1"
    assert "\x00" not in row["raw"]  # PostgreSQL text refuses NUL; the record keeps a replacement mark


def test_frames_written_with_to_csv_are_neutralised_too() -> None:
    frame = outputs.neutralise_frame(pd.DataFrame({"name1": ["=1+2", "ANNA"], "score": [0.5, -1.0]}))
    assert list(frame["name1"]) == ["'=1+2", "ANNA"] and list(frame["score"]) == [0.5, -1.0]


def test_the_four_outputs_are_one_verified_set(tmp_path: Path) -> None:
    _write(tmp_path, "r1")
    assert outputs.verify_outputs(tmp_path) is None
    (tmp_path / "flags.csv").write_text("tampered\n")
    assert "not the file written by run r1" in (outputs.verify_outputs(tmp_path) or "")


def test_a_crash_while_writing_never_leaves_a_mixed_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "r1")
    real = os.replace
    calls = []

    def failing(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", failing)
    with pytest.raises(OSError):
        _write(tmp_path, "r2", "second run")
    monkeypatch.undo()
    assert "no readable outputs.json" in (outputs.verify_outputs(tmp_path) or "")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
