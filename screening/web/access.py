"""Who may reach what: the ONE place access is decided, for every page and API route.

Two checks, both here: ROUTES says which roles may call each route (a route missing from it is refused, and
the app refuses to start with one); Scope says which manifests, carriers and flags a user's role lets them
see. Anything outside either answers 404, so a user cannot learn that a manifest or page exists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from screening.report import queries as q
from screening.store.models import ManifestRecord
from screening.vocabulary import HIT_FLAG_TYPES as HIT_TYPES  # watchlist and document-registry hits
from screening.web.accounts import Account

PUBLIC = frozenset({"public"})
ALL_ROLES = frozenset({"officer", "liaison", "analyst", "carrier", "admin"})
OFFICER = frozenset({"officer"})
REVIEWERS = frozenset({"officer", "liaison"})
FLIGHT_READERS = frozenset({"officer", "liaison", "carrier"})

# route name -> roles allowed ("public": no login needed). Every route of the app must be listed.
ROUTES: dict[str, frozenset[str]] = {
    "login_form": PUBLIC,
    "login": PUBLIC,
    "api_session": PUBLIC,
    "logout": ALL_ROLES,
    "home": ALL_ROLES,
    "alert_queue": REVIEWERS,
    "alert_export": REVIEWERS,
    "alert_page": REVIEWERS,
    "alert_decide": OFFICER,
    "flight_list": FLIGHT_READERS,
    "flight_page": FLIGHT_READERS,
    "flight_notify": REVIEWERS,
    "sanction_list": FLIGHT_READERS,
    "sanction_decide": OFFICER,
    "audit_log": frozenset({"officer", "admin"}),
    "trends_page": frozenset({"officer", "analyst"}),
    "carrier_page": frozenset({"officer", "liaison", "analyst", "carrier"}),
    "user_list": frozenset({"admin"}),
    "user_add": frozenset({"admin"}),
    "api_alerts": REVIEWERS,
    "api_manifest": FLIGHT_READERS,
    "api_alert_decision": OFFICER,
}

# Where each role lands after login.
HOME = {"officer": "/alerts", "liaison": "/alerts", "carrier": "/flights", "analyst": "/trends", "admin": "/users"}


class NotFound(Exception):
    """Out of scope or missing: answered 404 either way."""


def route_allows(route_name: str, role: str | None) -> bool:
    allowed = ROUTES.get(route_name)
    if allowed is None:
        return False
    return allowed is PUBLIC or (role is not None and role in allowed)


T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """The data one user may see. carriers None means all carriers."""

    account: Account

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def carriers(self) -> frozenset[str] | None:
        if self.role in ("liaison", "carrier"):
            return frozenset(self.account.carriers)
        return None

    @property
    def sees_hits(self) -> bool:
        """Watchlist and document-registry hits: never for a carrier's own staff (tipping-off)."""
        return self.role in ("officer", "liaison")

    @property
    def sees_manifests(self) -> bool:
        return self.role in FLIGHT_READERS

    def carrier_ok(self, carrier: str) -> bool:
        return self.carriers is None or carrier in self.carriers

    def require_carrier(self, carrier: str) -> None:
        if not self.carrier_ok(carrier):
            raise NotFound(carrier)

    def manifest(self, session: Any, manifest_id: str) -> Any:
        """The manifest when this user may see it; NotFound when it is missing or out of scope alike."""
        manifest = session.get(ManifestRecord, manifest_id) if self.sees_manifests else None
        if manifest is None or not self.carrier_ok(manifest.carrier):
            raise NotFound(manifest_id)
        return manifest

    def hit(self, flag: Any) -> Any:
        """A hit flag for the alert pages, or NotFound."""
        if flag is None or not q.is_hit(flag) or not self.sees_hits or not self.carrier_ok(flag.carrier):
            raise NotFound("alert")
        return flag

    def visible(self, items: Iterable[T], carrier_of: Any = lambda item: item.carrier) -> list[T]:
        return [i for i in items if self.carrier_ok(carrier_of(i))]


def redact_flight(view: dict[str, Any], scope: Scope) -> dict[str, Any]:
    """The flight view without what this user may not see: for a carrier, every watchlist and registry
    hit is removed (and a traveller with only hits becomes an unflagged traveller); counts are recomputed
    from what is left, so no number gives a hit away."""
    if scope.sees_hits:
        return view
    kept_travellers: list[dict[str, Any]] = []
    unflagged = list(view["unflagged"])
    for traveller in view["flagged"]:
        flags = [f for f in traveller["flags"] if not _is_hit_view(f)]
        if flags:
            kept_travellers.append({**traveller, "flags": flags, "severity": _max_severity(flags)})
        else:
            unflagged.append(traveller["traveller_ref"])
    manifest_flags = [f for f in view["manifest_flags"] if not _is_hit_view(f)]
    every = [f for t in kept_travellers for f in t["flags"]] + manifest_flags
    counts = dict(view["counts"])
    by_rule: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    for flag in every:
        by_rule[flag["rule_id"]] = by_rule.get(flag["rule_id"], 0) + 1
        by_severity[flag["severity"]] = by_severity.get(flag["severity"], 0) + 1
    counts.update(
        travellers_flagged=len(kept_travellers),
        travellers_unflagged=len(unflagged),
        flags=len(every),
        flags_by_rule=dict(sorted(by_rule.items())),
        flags_by_severity={s: by_severity[s] for s in q.SEVERITY_RANK if s in by_severity},
    )
    return {
        **view,
        "flagged": kept_travellers,
        "manifest_flags": manifest_flags,
        "unflagged": sorted(unflagged),
        "counts": counts,
        "list_version": "",
    }


def _is_hit_view(flag: dict[str, Any]) -> bool:
    return flag["flag_type"] in HIT_TYPES or flag["rule_id"] in q.HIT_RULES


def _max_severity(flags: Sequence[dict[str, Any]]) -> str:
    return max((f["severity"] for f in flags), key=lambda s: q.SEVERITY_RANK.get(s, 0), default="LOW")
