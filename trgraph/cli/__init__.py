"""The ``trgraph`` command line: a thin layer over the library."""

from __future__ import annotations

import click

from trgraph import __version__
from trgraph.store import DEFAULT_STORE

from . import analysis, data, output, resolving
from .common import AppContext, TrgraphGroup


@click.group(cls=TrgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    "store_uri",
    envvar="TRGRAPH_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="Store: a file path (embedded) or neo4j://HOST:PORT / bolt://… (credentials from NEO4J_USERNAME/"
    "NEO4J_PASSWORD).",
)
@click.version_option(__version__, prog_name="trgraph")
@click.pass_context
def cli(ctx: click.Context, store_uri: str) -> None:
    """trgraph: trace partners' links to sanctioned, military and state entities.

    A local-first knowledge graph for Trusted Research due diligence.
    """
    ctx.obj = AppContext(store_uri)


for _module in (data, resolving, analysis, output):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="trgraph")
