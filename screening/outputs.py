"""The four run outputs of docs/architecture.md §3, written as one set.

Why a set manifest: each file is written to a temporary name and renamed into place, but four renames are
not one. So the old set manifest (`outputs.json`) is removed first, the four files are staged in full and
renamed, and a new `outputs.json` naming the run and each file's checksum is written last. A crash at any
point leaves either a complete, verified set or no set manifest at all: never flags.csv from one run
beside summary.json from another passing as a set (`verify_outputs` tells which).

Every CSV the project writes goes through `safe_cell`: carrier-supplied text that a spreadsheet would run
as a formula (leading =, +, -, @, tab or carriage return) is prefixed with a quote.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screening.model import Flag, QuarantineRecord, Sanction

FLAGS_CSV = "flags.csv"
SANCTIONS_CSV = "sanctions.csv"
QUARANTINE_CSV = "quarantine.csv"
SUMMARY_JSON = "summary.json"
SET_MANIFEST = "outputs.json"
RUN_OUTPUTS = (FLAGS_CSV, SANCTIONS_CSV, QUARANTINE_CSV, SUMMARY_JSON)
QUARANTINE_COLUMNS = QuarantineRecord.CSV_COLUMNS
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell that cannot run as a spreadsheet formula when a liaison officer opens the file."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_STARTS:
        return "'" + value
    return value


def neutralise_frame(frame: Any) -> Any:
    """The same for a pandas DataFrame about to be written with `to_csv` (text columns only)."""
    from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

    frame = frame.copy()
    for column in frame.columns:
        dtype = frame[column].dtype
        if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            frame[column] = frame[column].map(lambda v: safe_cell(v) if isinstance(v, str) else v)
    return frame


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _stage(path: Path, text: str) -> Path:
    """Write text to a temporary file beside `path` (same folder, so the rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_text(path: Path, text: str) -> None:
    tmp = _stage(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(
    out_dir: Path,
    flags: list[Flag],
    sanctions: list[Sanction],
    quarantine: list[QuarantineRecord],
    summary: dict[str, Any],
) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        FLAGS_CSV: csv_text(Flag.CSV_COLUMNS, (f.as_row() for f in flags)),
        SANCTIONS_CSV: csv_text(Sanction.CSV_COLUMNS, (s.as_row() for s in sanctions)),
        QUARANTINE_CSV: csv_text(QUARANTINE_COLUMNS, (q.as_row() for q in quarantine)),
        SUMMARY_JSON: json.dumps(summary, indent=2, sort_keys=False, default=str) + "\n",
    }
    staged: dict[str, Path] = {}
    try:
        for name, text in texts.items():
            staged[name] = _stage(out_dir / name, text)
        (out_dir / SET_MANIFEST).unlink(missing_ok=True)  # from here until the end: no valid set
        for name, tmp in staged.items():
            os.replace(tmp, out_dir / name)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    manifest = {
        "run_id": summary.get("run_id"),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {
            name: {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "bytes": len(text.encode("utf-8"))}
            for name, text in texts.items()
        },
    }
    atomic_write_text(out_dir / SET_MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return {name: out_dir / name for name in RUN_OUTPUTS}


def verify_outputs(out_dir: Path) -> str | None:
    """None when out_dir holds one complete set of run outputs, else why not (for operators and tests)."""
    try:
        manifest = json.loads((out_dir / SET_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{out_dir}: no readable {SET_MANIFEST}: the outputs are not a complete set"
    for name, expected in (manifest.get("files") or {}).items():
        try:
            digest = hashlib.sha256((out_dir / name).read_bytes()).hexdigest()
        except OSError:
            return f"{out_dir / name}: missing from the set of run {manifest.get('run_id')}"
        if digest != expected.get("sha256"):
            return f"{out_dir / name}: not the file written by run {manifest.get('run_id')}"
    return None
