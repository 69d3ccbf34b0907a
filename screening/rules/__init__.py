"""Carrier-obligation rule files: loading and checking (rules/*.yaml), vectorised evaluation, backtests."""

from screening.rules.loader import collect_problems, load_ruleset, rules_version
from screening.rules.models import Framework, RuleDef, RuleSet
from screening.rules.problems import Problem

__all__ = ["Framework", "Problem", "RuleDef", "RuleSet", "collect_problems", "load_ruleset", "rules_version"]
