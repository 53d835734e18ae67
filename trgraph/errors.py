"""One root exception with structured subclasses; the CLI maps them to exit codes."""

from __future__ import annotations


class TrgraphError(Exception):
    """Root of every user-facing error. The CLI prints ``Error: <message>`` and exits 1."""

    exit_code = 1


class InputError(TrgraphError):
    """A source file is missing, unreadable, truncated or not in the expected layout."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class RejectedRowsError(TrgraphError):
    """``--strict`` ingest found rejected rows; nothing was written."""


class StoreError(TrgraphError):
    """The store cannot be opened, is locked by another writer, or is unavailable."""


class StoreLockedError(StoreError):
    """Another process holds the write lock for longer than we are willing to wait."""


class NotFoundError(TrgraphError):
    """An entity, run or match the user named does not exist."""


class AmbiguousNameError(TrgraphError):
    """A name matches more than one entity; the message lists the candidates."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        shown = "; ".join(f"{cid} ({cname})" for cid, cname in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__(f"name {name!r} is ambiguous: {shown}{more}. Use an id.")
        self.candidates = candidates


class ConfigError(TrgraphError):
    """A configuration file is invalid."""


class DependencyError(TrgraphError):
    """An optional dependency is missing; the message names the install extra."""
