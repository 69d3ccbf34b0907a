"""The counts issue 17 tracks, for any checkout: untyped traveller records, repeated vocabularies, rule-id
literals outside their module, long functions, import cycles among the packages. Run it on two commits
(git worktree) to compare.

    .venv/bin/python benchmarks/code_counts.py [ROOT]
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

RULE_IDS = (
    "DOC_MISSING",
    "DOC_EXPIRED",
    "DOC_VALIDITY_SHORT",
    "VISA_REQUIRED_MISSING",
    "API_LATE",
    "API_INCOMPLETE",
    "API_COUNT_MISMATCH",
    "API_DUPLICATE_TRAVELLER",
    "DOC_CHECK_DIGIT_INVALID",
    "WATCHLIST_MATCH",
    "DOC_REPORTED_LOST_STOLEN",
    "DOC_REPORTED_LOST_STOLEN_SIMILAR",
)
STATUSES = {"PROPOSED", "CONFIRMED", "APPEALED", "WAIVED"}
SEVERITIES = {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
ID_MODULES = ("screening/rule_ids.py", "screening/rules/registry.py", "screening/vocabulary.py")


def modules(root: Path) -> dict[str, ast.Module]:
    return {
        p.relative_to(root).as_posix(): ast.parse(p.read_text(encoding="utf-8"))
        for p in (root / "screening").rglob("*.py")
    }


def string_lists(tree: ast.Module, words: set[str]) -> int:
    """Tuples, lists and sets holding two or more of the words: a vocabulary spelled out again."""
    found = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            found += len(values & words) >= 2
    return found


def package_cycles(trees: dict[str, ast.Module]) -> list[tuple[str, str]]:
    """Pairs of screening sub-packages that import each other (module level or inside functions)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path, tree in trees.items():
        parts = path.split("/")
        if len(parts) < 3:
            continue
        here = parts[1]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("screening."):
                there = node.module.split(".")[1]
                if there != here and (Path("screening") / there).suffix == "":
                    edges[here].add(there)
    return sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, set())})  # type: ignore[misc]


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
    trees = modules(root)
    sources = {p: (root / p).read_text(encoding="utf-8") for p in trees}
    functions = [
        n for t in trees.values() for n in ast.walk(t) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    long_ones = [f for f in functions if (f.end_lineno or f.lineno) - f.lineno + 1 > 50]
    literals = defaultdict(int)
    for path, tree in trees.items():
        if path in ID_MODULES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in RULE_IDS:
                literals[path] += 1
    others = [(p, t) for p, t in trees.items() if p not in ID_MODULES]
    rows = [
        ("dict[str, Any] annotations", sum(s.count("dict[str, Any]") for s in sources.values())),
        (
            "Traveller / Document annotations",
            sum(len(re.findall(r"\b(Traveller|Document)\b", s)) for s in sources.values()),
        ),
        ("sanction id hash functions", sum(s.count('"S-" + hashlib') for s in sources.values())),
        ("sanction status lists outside the vocabulary", sum(string_lists(t, STATUSES) for p, t in others)),
        ("severity lists outside the vocabulary", sum(string_lists(t, SEVERITIES) for p, t in others)),
        ("rule-id literals outside the id modules", sum(literals.values())),
        ("  ... in modules", len(literals)),
        ("functions over 50 lines", len(long_ones)),
        ("functions", len(functions)),
        ("sub-package import cycles", len(package_cycles(trees))),
    ]
    for label, value in rows:
        print(f"{label:42} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
