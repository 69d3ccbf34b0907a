"""Files that pass between DAG tasks: one folder per run and manifest, each stage writing its own file
(write to a temp name, then rename), so a retry overwrites its own output and a killed task leaves no
half-written file. Only paths travel through XCom, never personal data."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import pyarrow as pa
import pyarrow.parquet as pq

from screening import schemas
from screening.model import Document, Flag, Manifest, QuarantineRecord, Sanction, Traveller
from screening.outputs import atomic_write_text

MANIFEST_JSON = "manifest.json"
TRAVELLERS_PARQUET = "travellers.parquet"
DOCUMENTS_PARQUET = "documents.parquet"


def _write_table(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def save_manifest(manifest: Manifest, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    columns = schemas.traveller_columns()
    rows = []
    for traveller in manifest.travellers:
        row = {c: _text(traveller.get(c)) for c in columns}
        row["manifest_id"] = manifest.manifest_id
        row["source_line"] = _text(traveller.get("source_line"))
        extras = {k: v for k, v in traveller.items() if k not in columns and k != "source_line"}
        row["extras"] = json.dumps(extras, default=str) if extras else None
        rows.append(row)
    schema = schemas.traveller_arrow_schema().append(pa.field("extras", pa.string()))
    _write_table(folder / TRAVELLERS_PARQUET, pa.Table.from_pylist(rows, schema=schema))
    docs = [
        {
            **d,
            "manifest_id": manifest.manifest_id,
            **{
                k: _text(d.get(k))
                for k in ("traveller_ref", "document_type", "document_number", "issuing_state", "expiry")
            },
            "is_visa": bool(d.get("is_visa")),
        }
        for d in manifest.documents
    ]
    _write_table(folder / DOCUMENTS_PARQUET, pa.Table.from_pylist(docs, schema=schemas.document_arrow_schema()))
    meta = manifest.flight_dict()
    meta["control_findings"] = list(manifest.control_findings or [])
    atomic_write_text(folder / MANIFEST_JSON, json.dumps(meta, indent=2, default=str))
    return folder


def load_manifest(folder: Path) -> Manifest:
    meta = json.loads((folder / MANIFEST_JSON).read_text(encoding="utf-8"))
    travellers: list[Traveller] = []
    for row in pq.read_table(folder / TRAVELLERS_PARQUET).to_pylist():
        extras = json.loads(row.pop("extras") or "{}")
        row.pop("manifest_id", None)
        travellers.append(cast(Traveller, {**row, **extras}))  # as save_manifest wrote the typed records
    documents = pq.read_table(folder / DOCUMENTS_PARQUET).to_pylist()
    for doc in documents:
        doc.pop("manifest_id", None)
    fields = {c: meta.get(c) for c in schemas.flight_columns()}
    return Manifest(
        **fields,
        message_ref=meta.get("message_ref"),
        message_type=meta.get("message_type") or "PAX",
        declared_total=meta.get("declared_total"),
        parts=meta.get("parts") or 1,
        source_file=meta.get("source_file") or "",
        travellers=travellers,
        documents=cast(list[Document], documents),
        source_format=meta.get("source_format") or "",
        part_info=meta.get("part_info"),
        incomplete_reason=meta.get("incomplete_reason"),
        control_findings=list(meta.get("control_findings") or []),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def save_records(path: Path, records: list[Any]) -> None:
    """Flags, sanctions or quarantine records of one stage, as JSON."""
    atomic_write_text(path, json.dumps([asdict(r) for r in records], indent=1, default=str))


def load_flags(path: Path) -> list[Flag]:
    return [Flag(**r) for r in _load(path)]


def load_sanctions(path: Path) -> list[Sanction]:
    return [Sanction(**r) for r in _load(path)]


def load_quarantine(path: Path) -> list[QuarantineRecord]:
    return [QuarantineRecord(**r) for r in _load(path)]


def save_json(path: Path, value: Any) -> None:
    atomic_write_text(path, json.dumps(value, indent=1, default=str))


def load_json(path: Path, default: Any = None) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default


def _load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
