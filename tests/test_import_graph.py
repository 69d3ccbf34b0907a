"""The package's import graph has no cycle between its sub-packages (matching <-> watchlists once had one):
read from the source with ast, so a new cycle fails here rather than at an odd import order in a worker."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "screening"


def unit_of(module: str) -> str:
    """screening.matching.engine -> matching; screening.pipeline -> pipeline (a top-level module)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(("screening", *path.relative_to(PACKAGE).with_suffix("").parts))
        source = unit_of(module)
        edges = graph.setdefault(source, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
            for name in names:
                if name.startswith("screening.") and unit_of(name) != source:
                    edges.add(unit_of(name))
    return graph


def cycles_between(graph: dict[str, set[str]], a: str, b: str) -> bool:
    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    return reaches(a, b) and reaches(b, a)


def test_matching_and_watchlists_do_not_import_each_other_in_a_cycle():
    graph = import_graph()
    assert "watchlists" in graph["matching"]  # matching reads list entries
    assert not cycles_between(graph, "matching", "watchlists"), graph["watchlists"]


def test_the_graph_sees_a_cycle_when_there_is_one():
    assert cycles_between({"a": {"b"}, "b": {"a"}}, "a", "b")
    assert not cycles_between({"a": {"b"}, "b": set()}, "a", "b")
