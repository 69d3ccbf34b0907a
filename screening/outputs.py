"""The four run outputs of DESIGN.md 4.2, written atomically (temp file, then rename) so a killed run
never leaves a half-written file behind."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from screening.model import Flag, QuarantineRecord, Sanction

FLAGS_CSV = "flags.csv"
SANCTIONS_CSV = "sanctions.csv"
QUARANTINE_CSV = "quarantine.csv"
SUMMARY_JSON = "summary.json"
QUARANTINE_COLUMNS = ("source_file", "record_ref", "reason_code", "message", "raw")


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    atomic_write_text(path, buffer.getvalue())


def write_outputs(out_dir: Path, flags: list[Flag], sanctions: list[Sanction],
                  quarantine: list[QuarantineRecord], summary: dict[str, Any]) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in (FLAGS_CSV, SANCTIONS_CSV, QUARANTINE_CSV, SUMMARY_JSON)}
    write_csv(paths[FLAGS_CSV], Flag.CSV_COLUMNS, (f.as_row() for f in flags))
    write_csv(paths[SANCTIONS_CSV], Sanction.CSV_COLUMNS, (s.as_row() for s in sanctions))
    write_csv(paths[QUARANTINE_CSV], QUARANTINE_COLUMNS, (q.as_row() for q in quarantine))
    atomic_write_text(paths[SUMMARY_JSON], json.dumps(summary, indent=2, sort_keys=False) + "\n")
    return paths
