"""Watchlist matching: normalise names, generate candidates, score with explanations."""

from screening.matching.config import MatchConfig, load_match_config
from screening.matching.engine import Comparison, Match, WatchlistIndex, compare
from screening.matching.evidence import MatchPart
from screening.matching.pairs import compare_pairs

__all__ = [
    "Comparison",
    "Match",
    "MatchConfig",
    "MatchPart",
    "WatchlistIndex",
    "compare",
    "compare_pairs",
    "load_match_config",
]
