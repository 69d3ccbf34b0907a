"""Load a rules directory into a RuleSet: schema check, meaning check, typed models, content hash."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from screening.countries import to_iso3
from screening.errors import RulesError
from screening.rules import checked, checks
from screening.rules.models import Framework, Parameters, RuleDef, RuleSet
from screening.rules.problems import Problem
from screening.rules.schema_check import schema_problems
from screening.rules.yamlloc import LocatedYaml, load_located

log = logging.getLogger(__name__)

# file name -> (schema name, required)
RULE_FILES: dict[str, tuple[str, bool]] = {
    "obligations.yaml": ("rules_obligations", True),
    "frameworks.yaml": ("rules_frameworks", True),
    "visa_policy.yaml": ("rules_visa_policy", False),
    "visa_overrides.yaml": ("rules_visa_policy", False),
}
OTHER_OWNERS = {"screening.yaml"}  # validated by its owner's loader (matching thresholds)

_CACHE: dict[tuple[str, str], RuleSet] = {}


def rules_version(rules_dir: Path) -> str:
    """Content hash of every YAML file in the directory: flags and sanctions record which rules made them."""
    digest = hashlib.sha256()
    for path in sorted(Path(rules_dir).glob("*.y*ml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:16]


def _read(rules_dir: Path) -> tuple[dict[str, LocatedYaml], list[Problem]]:
    docs: dict[str, LocatedYaml] = {}
    problems: list[Problem] = []
    if not rules_dir.is_dir():
        raise RulesError(f"{rules_dir}:1: rules directory does not exist")
    for name, (schema, required) in RULE_FILES.items():
        path = rules_dir / name
        if not path.exists():
            if required:
                problems.append(Problem(path, 1, "required rule file is missing"))
            continue
        try:
            docs[name] = load_located(path)
        except RulesError as exc:
            problems.append(Problem(path, _line_of(str(exc)), str(exc).split(": ", 1)[-1]))
            continue
        problems += schema_problems(docs[name], schema)
    return docs, problems


def _line_of(message: str) -> int:
    try:
        return int(message.split(":")[1])
    except (IndexError, ValueError):
        return 1


def collect_problems(rules_dir: Path, *, include_others: bool = True) -> list[Problem]:
    """Every problem in a rules directory (what `screening rules check` prints). `include_others` also
    checks files other stages own (screening.yaml) with their own loaders."""
    return _collect(Path(rules_dir), include_others)[1]


def _collect(rules_dir: Path, include_others: bool) -> tuple[dict[str, LocatedYaml], list[Problem]]:
    docs, problems = _read(rules_dir)
    if problems:
        return docs, problems
    obligations = docs["obligations.yaml"].data
    known = set(obligations.get("rules") or {}) | set(obligations.get("external_rules") or {})
    problems += checks.obligation_problems(docs["obligations.yaml"])
    problems += checks.framework_problems(docs["frameworks.yaml"], known)
    problems += checks.visa_area_problems(docs["obligations.yaml"], docs["frameworks.yaml"])
    for name in ("visa_policy.yaml", "visa_overrides.yaml"):
        if name in docs:
            problems += checks.visa_problems(docs[name])
    if include_others and (rules_dir / "screening.yaml").exists():
        from screening.matching.config import load_match_config

        try:
            load_match_config(rules_dir)
        except RulesError as exc:
            problems.append(_other_owner_problem(rules_dir / "screening.yaml", str(exc)))
    for path in sorted(rules_dir.glob("*.y*ml")):
        if path.name not in RULE_FILES and path.name not in OTHER_OWNERS:
            log.info("rules check: %s is not a rule file this package reads; skipped", path.name)
    return docs, problems


def _other_owner_problem(path: Path, error: str) -> Problem:
    """Place another loader's error (e.g. 'screening.yaml: matching.threshold: ...') at its key's line."""
    message = error.removeprefix(f"{path}").lstrip(":0123456789 ")
    line = _line_of(error) if error.startswith(f"{path}:") and error[len(str(path)) + 1 :][:1].isdigit() else 1
    dotted = message.split(":", 1)[0].strip()
    if line == 1 and dotted and " " not in dotted:
        try:
            doc = load_located(path)
            line = doc.line([int(p) if p.isdigit() else p for p in dotted.split(".")])
        except RulesError:
            pass
    return Problem(path, line, message)


def load_ruleset(rules_dir: Path | str) -> RuleSet:
    """The RuleSet of a directory; RulesError naming file:line for the first problem found."""
    rules_dir = Path(rules_dir).resolve()
    version = rules_version(rules_dir) if rules_dir.is_dir() else ""
    cached = _CACHE.get((str(rules_dir), version))
    if cached is not None:
        return cached
    known_good = checked.fingerprint(version) if version else ""
    if known_good and checked.was_checked(known_good):
        docs = {name: checked.load_plain(rules_dir / name) for name in RULE_FILES if (rules_dir / name).exists()}
    else:
        docs, problems = _collect(rules_dir, include_others=False)
        if problems:
            more = (
                f" (and {len(problems) - 1} more; run `screening rules check {rules_dir}`)" if len(problems) > 1 else ""
            )
            raise RulesError(f"{problems[0]}{more}")
        if known_good:
            checked.remember(known_good)
    ruleset = _build(rules_dir, version, docs)
    _CACHE[(str(rules_dir), version)] = ruleset
    return ruleset


def _build(rules_dir: Path, version: str, docs: dict[str, LocatedYaml]) -> RuleSet:
    obligations: dict[str, Any] = docs["obligations.yaml"].data
    frameworks: dict[str, Any] = docs["frameworks.yaml"].data
    try:
        rules = {rid: RuleDef(id=rid, **(spec or {})) for rid, spec in (obligations.get("rules") or {}).items()}
        params = Parameters(**(obligations.get("parameters") or {}))
        fws = {fid: Framework(id=fid, **spec) for fid, spec in (frameworks.get("frameworks") or {}).items()}
    except ValidationError as exc:  # the schema should have caught it; keep the message located anyway
        raise RulesError(f"{rules_dir}:1: {exc.errors()[0]['msg']}") from exc
    external = {
        rid: (spec or {}).get("description", "") for rid, spec in (obligations.get("external_rules") or {}).items()
    }
    groups = {name: list(g["members"]) for name, g in (frameworks.get("country_groups") or {}).items()}
    visa: dict[tuple[str, str], str] = {}
    provenance: dict[str, Any] = {}
    if "visa_policy.yaml" in docs:
        policy = docs["visa_policy.yaml"].data or {}
        provenance = dict(policy.get("provenance") or {})
        for dest, cats in (policy.get("destinations") or {}).items():
            for cat, nats in (cats or {}).items():
                for nat in nats or []:
                    visa[(to_iso3(dest), to_iso3(nat))] = cat
    if "visa_overrides.yaml" in docs:
        for item in (docs["visa_overrides.yaml"].data or {}).get("overrides") or []:
            visa[(to_iso3(item["destination"]), to_iso3(item["nationality"]))] = item["category"]
    return RuleSet(
        version=version,
        rules_dir=rules_dir,
        rules=rules,
        external_rules=external,
        parameters=params,
        country_groups=groups,
        frameworks=fws,
        visa=visa,
        visa_provenance=provenance,
    )
