"""Jinja2 rendering with autoescape on (traveller data is untrusted text) and atomic writes, so a reader
or a retried task never sees a half-written report."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from screening.outputs import atomic_write_text
from screening.resources import PACKAGE_DIR

TEMPLATES_DIR = PACKAGE_DIR / "templates"


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _figure(value: float | int | None, kind: str = "count", signed: bool = False) -> str:
    """A number as a report shows it: counts whole, rates with one decimal, money with two."""
    if value is None:
        return ""
    sign = "+" if signed else ""
    if kind == "money":
        return f"{value:{sign},.2f}"
    if kind == "rate":
        return f"{value:{sign},.1f}"
    return f"{int(round(value)):{sign},d}"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, percent=_percent, figure=_figure)
    return env


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """A file-name part from carrier-supplied text: no separators, no leading dot (no path traversal)."""
    return _UNSAFE.sub("_", text).lstrip(".") or "_"


def generated_at() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def render(template: str, **context: Any) -> str:
    context.setdefault("generated_at", generated_at())
    return environment().get_template(template).render(**context)


def write_report(path: Path, template: str, **context: Any) -> Path:
    """Render and write atomically (temp file + rename in the same folder)."""
    atomic_write_text(path, render(template, **context))
    return path
