"""Resolution commands: screen, matches, decide."""

from __future__ import annotations

import sys

import click

from trgraph.model import Action
from trgraph.resolve import STATUSES, Match, ScreenConfig, decide, list_matches, screen

from .common import AppContext, emit, json_option, note, pass_app

_DEFAULTS = ScreenConfig()


def _row(match: Match) -> str:
    new = "*" if match.new else " "
    return (
        f"{new}{match.id}  {match.status:<9} {match.score:5.2f}  {match.subject.name} [{match.subject.id}]"
        f"  ->  {match.candidate.name} [{match.candidate.id}]"
    )


@click.command("screen")
@click.option("--auto", "auto", type=click.FloatRange(0, 1), default=_DEFAULTS.auto, show_default=True,
              help="Score from which a match is linked as same_as automatically.")
@click.option("--review", "review", type=click.FloatRange(0, 1), default=_DEFAULTS.review, show_default=True,
              help="Score from which a match is proposed for review (possibly_same_as).")
@click.option("--lists/--no-lists", default=True, show_default=True,
              help="Also link list entries to the registry organisations they name.")
@click.option("--per-subject", type=click.IntRange(1, 50), default=_DEFAULTS.per_subject, show_default=True,
              help="Best candidates kept per register subject.")
@json_option
@pass_app
def screen_command(app: AppContext, auto: float, review: float, lists: bool, per_subject: int, as_json: bool) -> None:
    """Resolve register partners, funders and people against registry and list entities.

    High scores are linked as same_as, middle scores become possibly_same_as for review
    (see `trgraph matches`). Analyst decisions in the ledger are kept: confirmed pairs
    stay linked, rejected pairs are not proposed again unless their evidence changes.
    Lines marked * are new since the last run.
    """
    config = ScreenConfig(auto=auto, review=review, lists=lists, per_subject=per_subject)
    progress = note if sys.stderr.isatty() and not as_json else None
    result = screen(app.store(), config, progress=progress)

    def text() -> None:
        counts = result.counts()
        click.echo(
            f"screened {result.subjects} register subjects"
            + (f" and {result.list_entries} list entries" if config.lists else "")
            + f" against {result.candidates} entities in {result.seconds:.1f} s (run {result.run_id}): "
            + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
            + f"; {sum(1 for m in result.matches if m.new)} new."
        )
        for match in result.matches:
            click.echo(_row(match))

    emit(result.to_dict(), as_json, text)


@click.command("matches")
@click.option("--status", type=click.Choice(STATUSES), help="Only matches with this status.")
@json_option
@pass_app
def matches_command(app: AppContext, status: str | None, as_json: bool) -> None:
    """The review queue and decided matches (auto, pending, confirmed, rejected)."""
    found = list_matches(app.store(), status)

    def text() -> None:
        if not found:
            click.echo("no matches" + (f" with status {status}" if status else "") + "; run `trgraph screen` first?")
            return
        for match in found:
            click.echo(_row(match))
            summary = match.explanation.get("summary")
            if summary:
                click.echo(f"      {summary}")
            if match.decision is not None:
                d = match.decision
                click.echo(f"      {d.action.value} by {d.by} at {d.at}: {d.reason}")

    emit({"matches": [m.to_dict() for m in found]}, as_json, text)


def _reason(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not value or not value.strip():
        raise click.BadParameter("must not be empty: the ledger records why")
    return value


@click.command("decide")
@click.argument("match_id")
@click.argument("action", type=click.Choice([a.value for a in Action]))
@click.option("--reason", required=True, callback=_reason, help="Why (kept in the ledger).")
@click.option("--by", "by", help="Who decides (default: the OS user).")
@json_option
@pass_app
def decide_command(app: AppContext, match_id: str, action: str, reason: str, by: str | None, as_json: bool) -> None:
    """Confirm, reject or undo a match (MATCH_ID as shown by `trgraph matches`).

    A confirmed match is linked as same_as; a rejected one is unlinked and not proposed
    again unless its evidence changes; undo reverts the latest decision on the match.
    """
    result = decide(app.store(), match_id, Action(action), reason=reason, by=by)

    def text() -> None:
        d, m = result.decision, result.match
        click.echo(
            f"{d.action.value} {m.id} by {d.by} at {d.at}: {m.subject.name} -> {m.candidate.name}; now {m.status}."
        )

    emit(result.to_dict(), as_json, text)


COMMANDS: list[click.Command] = [screen_command, matches_command, decide_command]
