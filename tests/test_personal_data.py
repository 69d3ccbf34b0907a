"""The personal-data inventory covers every store column and every data folder: adding a table, a text
column or an output folder without an inventory entry (and its retention rule) fails here."""

from __future__ import annotations

import inspect
from pathlib import Path

from sqlalchemy import JSON, String, Text

from screening import personal_data as inv
from screening.config import Settings, load_settings
from screening.dag_support import resolve_run_config
from screening.retention import RetentionPolicy
from screening.store.models import Base


def test_every_text_column_of_every_table_has_an_inventory_entry():
    columns = {
        f"{t.name}.{c.name}"
        for t in Base.metadata.sorted_tables
        for c in t.columns
        if isinstance(c.type, String | Text | JSON)
    }
    listed = {p.where for p in inv.STORE}
    assert columns - listed == set(), "add these columns to screening/personal_data.py STORE"
    assert listed - columns == set(), "the inventory names columns that no longer exist"


def test_every_rule_is_a_retention_policy_period():
    periods = set(RetentionPolicy.model_fields) - {"action"}
    for place in (*inv.STORE, *inv.FILES):
        assert place.rule in periods | {inv.TRAVELLER, None}, place
        assert place.personal == (place.action != "keep"), place


def test_every_settings_folder_has_an_inventory_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path))
    settings = load_settings()
    paths = {
        name
        for name, member in inspect.getmembers(Settings, lambda m: isinstance(m, property))
        if isinstance(getattr(settings, name), Path) and getattr(settings, name) != tmp_path
    }
    assert paths == set(inv.SETTINGS_PLACES), "map new Settings folders in personal_data.SETTINGS_PLACES"
    for name, where in inv.SETTINGS_PLACES.items():
        relative = getattr(settings, name).relative_to(tmp_path).as_posix()
        assert inv.file_place(where) is not None and relative in where, name


def test_every_folder_the_dag_writes_has_an_inventory_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENING_DATA_DIR", str(tmp_path))
    cfg = resolve_run_config({}, "manual__x")
    for key, value in cfg.items():
        if isinstance(value, str) and value.startswith(str(tmp_path)):
            folder = Path(value).relative_to(tmp_path).as_posix() + "/"
            inside = inv.file_place(folder + "x") is not None  # raw/, work/<run>/, runs/<run>/ ...
            parent = any(p.where.startswith(folder) for p in inv.FILES)  # multipart/, reports/
            assert inside or parent, f"{key} ({folder}) has no inventory entry"


def test_every_report_kind_has_an_inventory_entry():
    from screening.report.index import KINDS

    for kind in [*KINDS, "exports"]:
        assert inv.file_place(f"reports/{kind}/x.html") is not None, kind
