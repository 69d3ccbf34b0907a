"""Meaning checks the schema cannot express: unknown country codes and rule ids, contradictions between
frameworks or visa entries, amounts outside their legal bounds. Each problem names file:line."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from screening import rule_ids
from screening.countries import is_icao_code, to_iso3
from screening.rules.problems import Problem
from screening.rules.registry import IMPLEMENTED_RULES, RULES
from screening.rules.yamlloc import LocatedYaml


def _codes(doc: LocatedYaml, where: tuple[Any, ...], values: list[Any] | None, what: str) -> list[Problem]:
    return [
        Problem(doc.path, doc.line((*where, i)), f"unknown country code {code!r} in {what}")
        for i, code in enumerate(values or [])
        if not is_icao_code(str(code))
    ]


def obligation_problems(doc: LocatedYaml) -> list[Problem]:
    """Every problem of obligations.yaml: its rules against the rule registry, each located at its line."""
    data = doc.data or {}
    out: list[Problem] = []
    rules = data.get("rules") or {}
    external = data.get("external_rules") or {}
    for rule_id in rules:
        out += _rule_problems(doc, rule_id, rules[rule_id] or {}, external)
    for rule_id, spec in external.items():
        out += _external_rule_problems(doc, rule_id, spec or {})
    return out


def _rule_problems(doc: LocatedYaml, rule_id: str, spec: dict[str, Any], external: dict[str, Any]) -> list[Problem]:
    """An obligation rule: implemented here, defined once, evaluated at its registry scope."""
    out: list[Problem] = []
    if rule_id not in IMPLEMENTED_RULES:
        out.append(
            Problem(
                doc.path,
                doc.line(("rules", rule_id)),
                f"unknown rule id {rule_id}: not implemented here (implemented: "
                f"{', '.join(IMPLEMENTED_RULES)}); list ids from other stages under external_rules",
            )
        )
    if rule_id in external:
        out.append(
            Problem(
                doc.path,
                doc.line(("external_rules", rule_id)),
                f"rule {rule_id} is defined both under rules and external_rules",
            )
        )
    entry = RULES.get(rule_id)
    if entry is not None and spec.get("scope") and spec.get("scope") != entry.scope:
        out.append(
            Problem(
                doc.path,
                doc.line(("rules", rule_id, "scope")),
                f"rule {rule_id} is evaluated per {entry.scope} (screening/rules/registry.py), not "
                f"per {spec.get('scope')}",
            )
        )
    if spec.get("requiring_categories") and rule_id != rule_ids.VISA_REQUIRED_MISSING:
        out.append(
            Problem(
                doc.path,
                doc.line(("rules", rule_id, "requiring_categories")),
                "requiring_categories only applies to VISA_REQUIRED_MISSING",
            )
        )
    return out


def _external_rule_problems(doc: LocatedYaml, rule_id: str, spec: dict[str, Any]) -> list[Problem]:
    """A rule another stage produces: known to the registry, not an obligation rule, from its own stage."""
    entry = RULES.get(rule_id)
    where = doc.line(("external_rules", rule_id))
    if entry is None:
        return [
            Problem(
                doc.path,
                where,
                f"unknown rule id {rule_id}: no stage produces it (rules are listed in screening/rules/registry.py)",
            )
        ]
    if entry.stage == "obligations":
        return [Problem(doc.path, where, f"rule {rule_id} is an obligation rule: define it under rules")]
    if spec.get("produced_by") and spec.get("produced_by") != entry.stage:
        return [Problem(doc.path, where, f"rule {rule_id} is produced by {entry.stage}, not {spec.get('produced_by')}")]
    return []


def _fine_problems(doc: LocatedYaml, where: tuple[Any, ...], fine: dict[str, Any]) -> list[Problem]:
    out = []
    low, high, amount = fine.get("min"), fine.get("max"), fine.get("amount")
    if low is not None and high is not None and low > high:
        out.append(Problem(doc.path, doc.line((*where, "min")), f"min {low} is above max {high}"))
    if amount is not None and low is not None and amount < low:
        out.append(Problem(doc.path, doc.line((*where, "amount")), f"amount {amount} is below min {low}"))
    if amount is not None and high is not None and amount > high:
        out.append(Problem(doc.path, doc.line((*where, "amount")), f"amount {amount} is above max {high}"))
    return out


def framework_problems(doc: LocatedYaml, known_rules: set[str]) -> list[Problem]:
    """Every problem of frameworks.yaml, framework by framework, each located at its line."""
    data = doc.data or {}
    out: list[Problem] = []
    groups = data.get("country_groups") or {}
    for name, group in groups.items():
        out += _codes(doc, ("country_groups", name, "members"), (group or {}).get("members"), f"group {name}")
    frameworks = data.get("frameworks") or {}
    for fid, fw in frameworks.items():
        at = ("frameworks", fid)
        out += _scope_problems(doc, at, fid, fw, groups)
        fines = fw.get("fines") or {}
        for kind in ("per_person", "per_journey"):
            if isinstance(fines.get(kind), dict):
                out += _fine_problems(doc, (*at, "fines", kind), fines[kind])
        out += _sanctioned_problems(doc, at, fid, fw, known_rules)
        out += _exemption_problems(doc, at, fid, fw)
    out += _exclusive_overlaps(doc, frameworks, groups)
    return out


def _scope_problems(
    doc: LocatedYaml, at: tuple[Any, ...], fid: str, fw: dict[str, Any], groups: dict[str, Any]
) -> list[Problem]:
    """Where and when a framework applies: known countries and groups, somewhere, a period that is one."""
    applies = fw.get("applies_to") or {}
    out = _codes(doc, (*at, "applies_to", "destinations"), applies.get("destinations"), f"framework {fid}")
    for i, group in enumerate(applies.get("destination_groups") or []):
        if group not in groups:
            out.append(
                Problem(
                    doc.path,
                    doc.line((*at, "applies_to", "destination_groups", i)),
                    f"unknown country group {group!r} (define it under country_groups)",
                )
            )
    if not applies.get("destinations") and not applies.get("destination_groups"):
        out.append(Problem(doc.path, doc.line((*at, "applies_to")), f"framework {fid} applies nowhere"))
    start, end = fw.get("effective_from"), fw.get("effective_until")
    if start and end and str(start) >= str(end):
        out.append(
            Problem(
                doc.path,
                doc.line((*at, "effective_until")),
                f"effective_until {end} is not after effective_from {start}",
            )
        )
    return out


def _sanctioned_problems(
    doc: LocatedYaml, at: tuple[Any, ...], fid: str, fw: dict[str, Any], known_rules: set[str]
) -> list[Problem]:
    """Each sanctioned rule: known, fined on a basis the framework has an amount for, a carrier breach
    (rule registry), and the framework fields the rule needs present."""
    out: list[Problem] = []
    fines = fw.get("fines") or {}
    sanctioned = fw.get("sanctioned_rules") or {}
    for rule_id, spec in sanctioned.items():
        where = (*at, "sanctioned_rules", rule_id)
        if rule_id not in known_rules:
            out.append(Problem(doc.path, doc.line(where), f"unknown rule id {rule_id} in framework {fid}"))
        basis = (spec or {}).get("basis")
        if basis and not isinstance(fines.get(basis), dict):
            out.append(
                Problem(
                    doc.path,
                    doc.line(where),
                    f"{rule_id} is fined {basis} but framework {fid} has no fines.{basis} amount",
                )
            )
    for rule_id in sanctioned:
        entry = RULES.get(rule_id)
        if entry is None:
            continue
        line = doc.line((*at, "sanctioned_rules", rule_id))
        if not entry.sanctionable:
            out.append(
                Problem(
                    doc.path,
                    line,
                    f"framework {fid} sanctions {rule_id}, which is a {entry.kind} "
                    "finding, not a carrier obligation failure",
                )
            )
        for needed in entry.framework_fields:
            if not fw.get(needed):
                out.append(Problem(doc.path, line, f"framework {fid} sanctions {rule_id} but has no {needed}"))
    return out


def _exemption_problems(doc: LocatedYaml, at: tuple[Any, ...], fid: str, fw: dict[str, Any]) -> list[Problem]:
    """Each exemption kind once, naming only rules the framework sanctions."""
    out: list[Problem] = []
    sanctioned = fw.get("sanctioned_rules") or {}
    seen_kinds: dict[str, int] = {}
    for i, ex in enumerate(fw.get("exemptions") or []):
        kind = str((ex or {}).get("kind"))
        if kind in seen_kinds:
            out.append(
                Problem(
                    doc.path,
                    doc.line((*at, "exemptions", i)),
                    f"exemption {kind} listed twice in framework {fid}",
                )
            )
        seen_kinds[str(kind)] = i
        for j, rule_id in enumerate((ex or {}).get("rules") or []):
            if rule_id not in sanctioned:
                out.append(
                    Problem(
                        doc.path,
                        doc.line((*at, "exemptions", i, "rules", j)),
                        f"exemption {kind} names {rule_id}, which framework {fid} does not sanction",
                    )
                )
    return out


def _members(fw: dict[str, Any], groups: dict[str, Any]) -> set[str]:
    applies = fw.get("applies_to") or {}
    codes = list(applies.get("destinations") or [])
    for group in applies.get("destination_groups") or []:
        codes += (groups.get(group) or {}).get("members") or []
    return {to_iso3(str(c)) for c in codes}


def _exclusive_overlaps(doc: LocatedYaml, frameworks: dict[str, Any], groups: dict[str, Any]) -> list[Problem]:
    """Two frameworks of one exclusive group must not both apply to one State on one date."""
    out = []
    for (a_id, a), (b_id, b) in combinations(frameworks.items(), 2):
        group = a.get("exclusive_group")
        if not group or group != b.get("exclusive_group"):
            continue
        a_from, a_to = str(a.get("effective_from") or "0000"), str(a.get("effective_until") or "9999")
        b_from, b_to = str(b.get("effective_from") or "0000"), str(b.get("effective_until") or "9999")
        if a_from < b_to and b_from < a_to:
            shared = _members(a, groups) & _members(b, groups)
            if shared:
                out.append(
                    Problem(
                        doc.path,
                        doc.line(("frameworks", b_id, "exclusive_group")),
                        f"frameworks {a_id} and {b_id} (exclusive group {group}) both apply to "
                        f"{', '.join(sorted(shared)[:5])} in overlapping periods",
                    )
                )
    return out


def visa_problems(doc: LocatedYaml) -> list[Problem]:
    data = doc.data or {}
    out: list[Problem] = []
    for dest, cats in (data.get("destinations") or {}).items():
        if not is_icao_code(str(dest)):
            out.append(Problem(doc.path, doc.line(("destinations", dest)), f"unknown country code {dest!r}"))
        seen: dict[str, str] = {}
        for cat, nats in (cats or {}).items():
            out += _codes(doc, ("destinations", dest, cat), nats, f"destination {dest} {cat}")
            for i, nat in enumerate(nats or []):
                if nat in seen and seen[nat] != cat:
                    out.append(
                        Problem(
                            doc.path,
                            doc.line(("destinations", dest, cat, i)),
                            f"{nat} is both {seen[nat]} and {cat} for destination {dest}",
                        )
                    )
                seen[nat] = cat
    pairs: dict[tuple[str, str], tuple[str, int]] = {}
    for i, item in enumerate(data.get("overrides") or []):
        dest, nat, cat = item.get("destination"), item.get("nationality"), item.get("category")
        for key in ("destination", "nationality"):
            if not is_icao_code(str(item.get(key))):
                out.append(
                    Problem(doc.path, doc.line(("overrides", i, key)), f"unknown country code {item.get(key)!r}")
                )
        key2 = (to_iso3(str(dest)), to_iso3(str(nat)))
        if key2 in pairs and pairs[key2][0] != cat:
            out.append(
                Problem(
                    doc.path,
                    doc.line(("overrides", i)),
                    f"override for {nat} to {dest} contradicts line {pairs[key2][1]} ({pairs[key2][0]} vs {cat})",
                )
            )
        pairs[key2] = (str(cat), doc.line(("overrides", i)))
    return out


def visa_area_problems(obligations: LocatedYaml, frameworks: LocatedYaml) -> list[Problem]:
    """parameters.visa_areas must name country groups defined in frameworks.yaml."""
    groups = (frameworks.data or {}).get("country_groups") or {}
    areas = ((obligations.data or {}).get("parameters") or {}).get("visa_areas") or []
    where = ("parameters", "visa_areas")
    return [
        Problem(
            obligations.path,
            obligations.line((*where, i)),
            f"visa area {area!r} is not a country group of {frameworks.path.name}",
        )
        for i, area in enumerate(areas)
        if area not in groups
    ]
