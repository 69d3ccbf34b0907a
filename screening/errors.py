"""The project's exception hierarchy; only the CLI turns these into exit codes."""


class ScreeningError(Exception):
    """Root of every error this project raises on purpose."""

    exit_code = 1


class InputError(ScreeningError):
    """A bad input file or record: the message names the file and the place."""


class RulesError(ScreeningError):
    """An invalid rule file: the message names file:line and what is wrong."""


class ConfigError(ScreeningError):
    """The environment or settings are unusable (missing folder, bad database URL)."""


class StoreError(ScreeningError):
    """The database refused an operation."""
