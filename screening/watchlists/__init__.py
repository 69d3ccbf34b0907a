"""Watchlist and lost/stolen document registry loaders. Each returns entries plus the malformed
records it skipped (never fatal for a record; InputError only for an unreadable file)."""
