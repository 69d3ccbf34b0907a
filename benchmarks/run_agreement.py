"""One run, one truth, shown file by file: for each sample and each shared GTAS message, what `screening
screen` reports (summary.json) beside what the store holds after the DAG's tasks ran on the same file
(screening.dag_support.run_in_process, SQLite). Prints a table; exit 1 if any row disagrees.

    .venv/bin/python benchmarks/run_agreement.py [--shared ../shared] [--wait-minutes 0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"


def inputs(shared: Path) -> list[Path]:
    messages = sorted(
        p
        for folder in ("gtas", "paxlst_misc")
        for p in (shared / "data" / "messages" / folder).glob("*")
        if p.suffix in (".txt", ".edi") and "LICENSE" not in p.name
    )
    repro = sorted(p for p in (shared / "repro").glob("*") if p.suffix in (".csv", ".edi", ".json"))
    return sorted(SAMPLES.glob("*.csv")) + sorted(SAMPLES.glob("*.edi")) + messages + repro


def cli_counts(summary: dict) -> tuple[int, int, int, int]:
    flags = sum(summary["flags_by_rule"].values())
    return summary["manifests"], summary["travellers_screened"], flags, summary["sanctions_total"]


def accounting(summary: dict) -> str:
    """in = screened + quarantined + waiting, as summary.json says it."""
    parts = (summary["travellers_in"], summary["travellers_screened"], summary["travellers_quarantined"])
    held = summary["travellers_waiting"]
    return f"{parts[0]}={parts[1]}+{parts[2]}+{held} {'ok' if summary['invariant_holds'] else 'BROKEN'}"


def store_counts(url: str, run_id: str) -> tuple[int, int, int, int]:
    from screening.store.db import session_scope
    from screening.store.models import FlagRecord, ManifestRecord, SanctionRecord, TravellerRecord

    with session_scope(url) as session:
        ids = list(session.scalars(select(ManifestRecord.manifest_id).where(ManifestRecord.last_run_id == run_id)))

        def count(model) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(model.manifest_id.in_(ids))) or 0)

        screened = session.scalar(
            select(func.sum(ManifestRecord.travellers_screened)).where(ManifestRecord.manifest_id.in_(ids))
        )
        stored_travellers = count(TravellerRecord)  # every traveller of a stored manifest, screened or not
        in_manifests = session.scalar(
            select(func.sum(ManifestRecord.travellers_in)).where(ManifestRecord.manifest_id.in_(ids))
        )
        if stored_travellers != int(in_manifests or 0):
            raise SystemExit(f"store: {stored_travellers} traveller rows for {in_manifests} travellers in")
        return len(ids), int(screened or 0), count(FlagRecord), count(SanctionRecord)


def dag_run(paths: list[Path], scratch: Path, wait_minutes: float) -> tuple[str, str]:
    """The DAG's tasks on one file, with the DAG's own run configuration (resolve_run_config) over a
    scratch data folder; the wait is set after, as 0 is not a valid setting (it means "release now")."""
    import os

    from screening.dag_support import resolve_run_config, run_in_process

    os.environ["SCREENING_DATA_DIR"] = str(scratch / "var")
    params = {
        "watchlists": [str(SAMPLES / "lists" / "watchlist.csv")],
        "registries": [str(SAMPLES / "lists" / "lost_stolen_documents.csv")],
        "rules_dir": str(REPO / "rules"),
    }
    cfg = resolve_run_config(params, "agreement") | {"multipart_wait_minutes": wait_minutes}
    run_in_process(cfg, [str(p) for p in paths])
    return cfg["database_url"], cfg["run_id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--wait-minutes", type=float, default=0, help="multi-part wait (0: release at once)")
    args = parser.parse_args()
    from screening.pipeline import load_context, screen_files

    ctx = load_context(
        [SAMPLES / "lists" / "watchlist.csv"], [SAMPLES / "lists" / "lost_stolen_documents.csv"], REPO / "rules"
    )
    header = f"{'file':38} {'CLI m/t/f/s':>14} {'store after DAG':>16}  equal  CLI in=scr+quar+wait"
    print(header)
    print("-" * len(header))
    disagree = 0
    files = inputs(args.shared)
    runs = [[p] for p in files]
    split = sorted(p for p in files if p.name.startswith("same_flight_part"))
    if split:
        runs.append(split)  # one flight over two files, in one run
    for paths in runs:
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp)
            cli = screen_files(paths, ctx, scratch / "cli-out", multipart_wait_minutes=args.wait_minutes)
            url, run_id = dag_run(paths, scratch, args.wait_minutes)
            cli_row, store_row = cli_counts(cli.summary), store_counts(url, run_id)
        same = cli_row == store_row and cli.summary["invariant_holds"]
        disagree += not same
        fmt = "/".join
        name = " + ".join(p.name for p in paths)
        print(
            f"{name:38} {fmt(map(str, cli_row)):>14} {fmt(map(str, store_row)):>16}  {'yes' if same else 'NO':5}"
            f"  {accounting(cli.summary)}"
        )
    print("m/t/f/s: manifests / travellers screened / flags / sanctions")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
