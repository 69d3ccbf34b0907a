"""Watchlist matching: normalise names, generate candidates, score with explanations."""

from screening.matching.config import MatchConfig, load_match_config
from screening.matching.engine import Comparison, Match, MatchPart, WatchlistIndex, compare

__all__ = ["Comparison", "Match", "MatchConfig", "MatchPart", "WatchlistIndex", "compare", "load_match_config"]
