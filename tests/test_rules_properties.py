"""Property tests: whatever an analyst types into a rule file, checking never crashes; it either loads or
reports problems located at file:line (RulesError), never a bare traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.errors import RulesError
from screening.rules import collect_problems, load_ruleset

BASIC = Path(__file__).parent / "fixtures" / "rules" / "basic"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["D", "XYZ", "DOC_MISSING", "per_person", "2028-07-01"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


def _set(data: object, path: tuple, value: object) -> object:
    if not path:
        return value
    parent = data
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    parent[path[-1]] = value  # type: ignore[index]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.sampled_from(["frameworks.yaml", "obligations.yaml", "visa_overrides.yaml"]),
    pick=st.integers(0, 10**6),
    value=values,
)
def test_any_single_edit_is_loaded_or_reported_with_a_location(file: str, pick: int, value: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(BASIC, rules)
        data = yaml.safe_load((rules / file).read_text())
        paths = _paths(data)
        data = _set(data, paths[pick % len(paths)], value)
        (rules / file).write_text(yaml.safe_dump(data, sort_keys=False))
        problems = collect_problems(rules)
        for problem in problems:
            assert problem.line >= 1 and problem.path.name in {file, "frameworks.yaml", "obligations.yaml"}
        try:
            load_ruleset(rules)
        except RulesError as exc:
            assert problems and ".yaml:" in str(exc)
        else:
            assert not problems


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_checker(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules"
        shutil.copytree(BASIC, rules)
        (rules / "obligations.yaml").write_text(text)
        for problem in collect_problems(rules):
            assert problem.line >= 1
