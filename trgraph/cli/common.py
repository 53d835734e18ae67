"""What every command shares: the context, option bundles, output and error mapping."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import click
import orjson

from trgraph.errors import TrgraphError
from trgraph.store import Store, open_store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """Per-invocation state: the store URI and the store once opened."""

    store_uri: str
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """Open the store on first use (commands that need none never touch it)."""
        if self._store is None:
            self._store = open_store(self.store_uri)
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


pass_app = click.make_pass_decorator(AppContext)


def json_option(f: F) -> F:
    """``--json``: print one JSON document on stdout instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document on stdout.")(f)


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print ``data`` as JSON, or call ``text`` to print the human form."""
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")
        sys.stdout.flush()
    else:
        text()


def note(message: str) -> None:
    """Progress and notes go to stderr, never to stdout where JSON goes."""
    click.echo(message, err=True)


class TrgraphGroup(click.Group):
    """A click group that turns :class:`TrgraphError` into one ``Error:`` line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrgraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted: the job was rolled back; the store is as it was.", err=True)
            ctx.exit(130)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()
