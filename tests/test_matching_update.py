"""Incremental index update (entries added and removed without a rebuild) screens as a full build of the
same entries does; a corrupt saved index is a project error naming the folder."""

from __future__ import annotations

import ast
import importlib.util
import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from screening.errors import InputError, ScreeningError
from screening.matching import MatchConfig, WatchlistIndex
from screening.matching.index_data import IndexData
from screening.matching.part_features import FEATURES, part_features
from screening.matching.scoring import sound_code
from screening.watchlists.loader import load_watchlist
from screening.watchlists.model import WatchlistEntry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "watchlists"
CONFIG = MatchConfig()


def entries() -> list[WatchlistEntry]:
    loads = [
        load_watchlist(FIXTURES / "un_small.xml"),
        load_watchlist(FIXTURES / "ofac"),
        load_watchlist(FIXTURES / "watchlist_small.csv"),
    ]
    return [e for load in loads for e in load.entries]


NEW = [
    WatchlistEntry("N1", "NATIONAL", ["Pakhiarvoud Sikeman"], "SIKEMAN", "PAKHIARVOUD", ["1971-02-03"], ["IRN"]),
    WatchlistEntry("N2", "NATIONAL", ["Zorbalinka Qwertyuk", "Zorba Qwertiuk"], "QWERTYUK", "ZORBALINKA"),
]


def travellers(listed: list[WatchlistEntry]) -> list[dict[str, Any]]:
    rng = random.Random(4)
    out = []
    for k, entry in enumerate(listed):
        for name in entry.names[:2]:
            i = rng.randrange(len(name))
            typo = name if name[i] == " " else name[:i] + "E" + name[i + 1 :]
            dob = entry.dates_of_birth[0] if entry.dates_of_birth and k % 2 else None
            out.append({"traveller_ref": f"{k}", "given_names": typo, "surname": "", "date_of_birth": dob})
    return out


def flags(index: WatchlistIndex, people: list[dict[str, Any]]) -> list[tuple[str, str, str, float, str]]:
    return [
        (m.traveller_ref, m.entry.entry_id, m.matched_name, m.score, m.explanation)
        for m in index.screen(people, CONFIG)
    ]


def test_update_screens_as_a_full_build(tmp_path: Path) -> None:
    base = entries()
    removed = [0, 3, len(base) - 1]
    kept = [e for i, e in enumerate(base) if i not in removed]
    # build, save and load the base: the update starts from a memory-mapped index as workers hold it
    IndexData.build(base, "v1").save(tmp_path / "v1")
    updated = IndexData.load(tmp_path / "v1").update(removed, NEW, "v2")
    rebuilt = IndexData.build(kept + NEW, "v2")
    assert updated.name_count == rebuilt.name_count and len(updated.entries) == len(rebuilt.entries)
    assert updated.dob_keys.tolist() == rebuilt.dob_keys.tolist()  # the date-of-birth table follows
    assert updated.dob_names.tolist() == rebuilt.dob_names.tolist()
    assert 19710203 in updated.dob_keys.tolist()  # N1's date, added
    people = travellers(base + NEW)
    expected = flags(WatchlistIndex(data=rebuilt), people)
    assert {f[1] for f in expected} >= {"N1", "N2"}  # the added entries are found
    assert not {f[1] for f in expected} & {base[i].entry_id for i in removed}  # the removed ones are not
    assert flags(WatchlistIndex(data=updated), people) == expected
    # ... and still after saving and loading the updated index
    updated.save(tmp_path / "v2")
    assert flags(WatchlistIndex.load(tmp_path / "v2"), people) == expected


def test_update_keeps_the_saved_part_features_right(tmp_path: Path) -> None:
    """The features an update computes for its new parts only are those of its whole vocabulary."""
    IndexData.build(entries(), "v1").save(tmp_path / "v1")
    old = IndexData.load(tmp_path / "v1")
    updated = old.update([1], NEW, "v2")
    updated.save(tmp_path / "v2")
    for data in (updated, IndexData.load(tmp_path / "v2")):
        assert len(data.vocabulary) > len(old.vocabulary)
        whole = part_features(data.vocabulary, {})
        for key in FEATURES:
            if key != "sound_ids":
                assert np.array_equal(data.arrays[key], whole[key]), key
        assert [data.sound_codes[k] for k in data.sound_ids.tolist()] == [sound_code(w) for w in data.vocabulary]
        assert data.sound_ids[: len(old.vocabulary)].tolist() == old.sound_ids.tolist()  # old numbers kept


def test_a_part_only_removed_entries_had_counts_as_unknown() -> None:
    base = entries() + NEW
    updated = WatchlistIndex(data=IndexData.build(base, "v1").update([len(base) - 2], [], "v2"))
    rebuilt = WatchlistIndex(data=IndexData.build(base[:-2] + base[-1:], "v2"))
    assert "PAKHIARVOUD" in updated.data.vocab_ids and "PAKHIARVOUD" not in rebuilt.data.vocab_ids
    assert updated.query_slots("PAKHIARVOUD", CONFIG) == rebuilt.query_slots("PAKHIARVOUD", CONFIG)


def test_updated_from_new_list_versions_applies_only_the_changes(tmp_path: Path) -> None:
    csv = FIXTURES / "watchlist_small.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    changed = tmp_path / "watchlist.csv"
    # drop the first data row, add one new row
    changed.write_text(
        "\n".join([lines[0], *lines[2:], "W900,NATIONAL,QWERTYUK,ZORBALINKA,,,1975-01-01,IRN,M,,TEST,new"]) + "\n",
        encoding="utf-8",
    )
    old = WatchlistIndex([load_watchlist(FIXTURES / "un_small.xml"), load_watchlist(csv)])
    new_loads = [load_watchlist(FIXTURES / "un_small.xml"), load_watchlist(changed)]
    updated = old.updated(new_loads)
    assert updated.version == WatchlistIndex(new_loads).version
    ids = [e.entry_id for e in updated.entries]
    assert "W900" in ids and lines[1].split(",")[0] not in ids
    person = [{"traveller_ref": "T", "given_names": "Zorbalinka", "surname": "Qwertyuk"}]
    assert [m.entry.entry_id for m in updated.screen(person, CONFIG)] == ["W900"]


def test_entry_changed_in_place_is_removed_and_added() -> None:
    base = entries()
    changed = [replace(base[0], dates_of_birth=["1901-01-01"]), *base[1:]]
    old = WatchlistIndex(data=IndexData.build(base, "v1"))
    from screening.matching.engine import entry_changes

    removed, added = entry_changes(old.data.records(), changed)
    assert removed == [0] and [e.dates_of_birth for e in added] == [["1901-01-01"]]


@pytest.mark.parametrize("damage", ["truncate", "drop", "meta", "mismatch", "features"])
def test_corrupt_index_is_a_project_error(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "idx"
    IndexData.build(entries(), "v1").save(folder)
    if damage == "truncate":
        path = folder / "slot_forms.npy"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "drop":
        (folder / "post_ptr.npy").unlink()
    elif damage == "meta":
        (folder / "meta.json").write_text("{not json")
    elif damage == "features":
        np.save(folder / "sound_ids.npy", np.zeros(2, dtype=np.int32))
    else:
        np.save(folder / "form_ptr.npy", np.arange(3, dtype=np.int64))
    with pytest.raises(InputError, match=str(folder)) as raised:
        WatchlistIndex.load(folder)
    assert isinstance(raised.value, ScreeningError)
    shutil.rmtree(folder)


def test_load_or_build_updates_the_previous_version_of_the_same_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.matching.index_store import load_or_build

    csv = tmp_path / "watchlist.csv"
    original = (FIXTURES / "watchlist_small.csv").read_text(encoding="utf-8")
    csv.write_text(original, encoding="utf-8")
    cache = tmp_path / "cache"
    first = load_or_build([csv], cache)
    csv.write_text(
        original.rstrip("\n") + "\nW900,NATIONAL,QWERTYUK,ZORBALINKA,,,1975-01-01,IRN,M,,TEST,new\n", encoding="utf-8"
    )

    def no_rebuild(*args: object) -> None:
        raise AssertionError("rebuilt the whole index")

    with monkeypatch.context() as patch:
        patch.setattr(IndexData, "build", no_rebuild)
        second = load_or_build([csv], cache)
    assert second.version != first.version and len(second.entries) == len(first.entries) + 1
    assert second.data.meta["vocabulary"] == WatchlistIndex([load_watchlist(csv)]).data.meta["vocabulary"]
    folders = sorted(p.name for p in cache.iterdir() if p.is_dir())
    assert len(folders) == 2
    person = [{"traveller_ref": "T", "given_names": "Zorbalinka", "surname": "Qwertyuk"}]
    assert [m.entry.entry_id for m in load_or_build([csv], cache).screen(person, CONFIG)] == ["W900"]


def _screening_imports(module: str) -> set[str]:
    """The screening modules `module` imports at module level, read from its source."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return {
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("screening.")
    }


def test_every_module_an_index_is_built_by_is_in_its_code_digest() -> None:
    from screening.matching.build_digest import BUILD_MODULES

    seen: set[str] = set()
    todo = ["screening.matching.index_data"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_screening_imports(module))
    assert seen - {"screening.errors", "screening.matching.build_digest"} <= set(BUILD_MODULES)


def test_an_index_built_by_other_name_rules_is_refused_on_load_and_rebuilt_not_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.matching import index_data, index_store

    csv = tmp_path / "watchlist.csv"
    csv.write_text((FIXTURES / "watchlist_small.csv").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    old = index_store.load_or_build([csv], cache)
    old_folder = next(p for p in cache.iterdir() if p.is_dir())
    for module in (index_data, index_store):
        monkeypatch.setattr(module, "build_code_digest", lambda: "changed-rules")
    with pytest.raises(InputError, match="other name-matching code"):
        WatchlistIndex.load(old_folder)
    new = index_store.load_or_build([csv], cache)
    assert new.data.meta["code"] == "changed-rules" and len(new.entries) == len(old.entries)
    assert len([p for p in cache.iterdir() if p.is_dir()]) == 2
