"""Analysis commands: paths, risk, exposure, ownership, funding, changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from trgraph.errors import NotFoundError
from trgraph.model import JsonDict
from trgraph.queries.funding import funding_concentration
from trgraph.queries.ownership import Regime, assess_ownership
from trgraph.queries.paths import MAX_HOPS_LIMIT, find_paths
from trgraph.risk.changes import monitor
from trgraph.risk.config import RiskConfig, load_config
from trgraph.risk.exposure import BY, compute_exposure
from trgraph.risk.score import score_partner, score_portfolio

from .common import AppContext, emit, json_option, note, pass_app

F = TypeVar("F", bound=Callable[..., Any])


def config_option(f: F) -> F:
    """``--config FILE``: a risk configuration overriding the documented defaults."""
    return click.option(
        "--config", "config_path", type=click.Path(path_type=Path), envvar="TRGRAPH_RISK_CONFIG",
        help="Risk configuration TOML overriding the defaults (see trgraph/risk/default.toml).",
    )(f)


def hops_option(f: F) -> F:
    """``--max-hops N``."""
    return click.option("--max-hops", type=click.IntRange(0, MAX_HOPS_LIMIT), default=None,
                        help="Longest path, in links that count as hops [default: from the configuration, 4].")(f)


# -- text rendering ----------------------------------------------------------------
def _path_lines(path: JsonDict, number: int) -> list[str]:
    target = path["target"]
    marks = [m for m in ("possible", "ended") if path.get(m)]
    extra = f" [{', '.join(marks)}]" if marks else ""
    lists = f"; {'; '.join(target['lists'])}" if target["lists"] else ""
    lines = [f"  {number}. score {path['score']:.3f}, {path['hops']} hop(s) → {target['name']} "
             f"[{', '.join(target['flags']) or target.get('category') or 'no flag'}{lists}]{extra}"]
    names = {n["id"]: n["name"] for n in path["nodes"]}
    for link in path["links"]:
        prov = link.get("provenance") or {}
        flags = [m for m in ("possible", "ended") if link.get(m)]
        note_ = f" ({', '.join(flags)})" if flags else ""
        lines.append(f"       {names.get(link['source'], link['source'])} —{link['reading']}→ "
                     f"{names.get(link['target'], link['target'])}{note_}  "
                     f"[{prov.get('dataset', '?')} {prov.get('record_id', '')}, {prov.get('source', '')}]")
    for other in path.get("same_as_targets") or []:
        other_lists = f"; {'; '.join(other['lists'])}" if other["lists"] else ""
        lines.append(f"       … which is also {other['name']} ({other['id']}) "
                     f"[{', '.join(other['flags']) or other.get('category') or 'no flag'}{other_lists}]")
    return lines


def _partner_lines(p: JsonDict, *, detail: bool) -> list[str]:
    hops = "-" if p["min_hops"] is None else str(p["min_hops"])
    lines = [f"{p['tier']:<10}{p['score']:>7.3f}  {', '.join(p['flags']) or '-':<28}{hops:>5}  "
             f"{p['name']} ({p['id']})"]
    if not detail:
        return lines
    ex = p["explanation"]
    lines.append("rules:")
    lines.extend(f"  - {r}" for r in ex["rules"])
    lines.append("facts:")
    for ch in ex["channels"]:
        via = ch.get("best_path")
        how = f" via {via['target_name']} ({via['hops']} hop(s))" if via else ""
        lines.append(f"  - channel {ch['channel']}: {ch['value']:.3f}{how}")
    lines.append(f"  - base ({ex['combine']}) = {ex['base_score']:.3f}")
    for m in ex["modifiers"]:
        lines.append(f"  - {m['rule']} × {m['multiplier']:g}: {m['facts']}")
    lines.append(f"  - exponent m = {ex['exponent']:g}; {ex['tier_rule']}")
    if p["paths"]:
        lines.append("paths:")
        for i, path in enumerate(p["paths"], 1):
            lines.extend(_path_lines(path, i))
    return lines


def _header() -> str:
    return f"{'tier':<10}{'score':>7}  {'flags':<28}{'hops':>5}  partner"


# -- commands ------------------------------------------------------------------------
@click.command()
@click.argument("entity")
@hops_option
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Paths shown [default: from the configuration, 20].")
@config_option
@json_option
@pass_app
def paths(app: AppContext, entity: str, max_hops: int | None, limit: int | None, config_path: Path | None,
          as_json: bool) -> None:
    """Explained paths from ENTITY (id or exact name) to flagged entities.

    Paths follow the direction in which risk travels (child from parent, owned from
    owner, person from employer, partner from funder); same_as links are not hops;
    possible matches and ended links are marked. Every link shows its provenance.
    """
    config = load_config(config_path)
    store = app.store()
    source = store.resolve_entity(entity)
    search = find_paths(store, source, config.weights, max_hops=config.max_hops if max_hops is None else max_hops,
                        limit=limit or config.max_paths, cap=config.path_cap)
    data = search.to_dict()

    def text() -> None:
        click.echo(f"{source.name} ({source.id}): {len(search.paths)} path(s) shown of {search.found} "
                   f"within {search.max_hops} hop(s)")
        for i, path in enumerate(data["paths"], 1):
            for line in _path_lines(path, i):
                click.echo(line)
        for n in search.notes:
            note(f"note: {n}")

    emit(data, as_json, text)


@click.command()
@click.argument("entity", required=False)
@hops_option
@click.option("--show", type=click.IntRange(0), default=None,
              help="Whole portfolio: enumerate paths for the N highest-scoring flagged partners (0 = all) "
                   "[default: from the configuration, 25].")
@config_option
@json_option
@pass_app
def risk(app: AppContext, entity: str | None, max_hops: int | None, show: int | None, config_path: Path | None,
         as_json: bool) -> None:
    """Score, tier, flags and top paths of ENTITY, or of every partner of the register.

    Every score prints the rules, weights and facts that produced it (--json: the
    `explanation` object). Weights come from the risk configuration (--config).
    """
    config = load_config(config_path)
    store = app.store()
    if entity:
        one = score_partner(store, store.resolve_entity(entity), config, max_hops=max_hops).to_dict(config)
        emit(one, as_json, lambda: _echo([_header(), *_partner_lines(one, detail=True)]))
        return
    portfolio = score_portfolio(store, config, show=show, max_hops=max_hops)
    data = portfolio.to_dict(config)
    if not portfolio.partners:
        note("no partners: ingest a collaboration register first (trgraph ingest partners FILE)")

    def text() -> None:
        lines = [_header()]
        for p in data["partners"]:
            lines.extend(_partner_lines(p, detail=False))
        s = data["summary"]
        lines.append(f"{s['partners']} partners: " + ", ".join(f"{k} {v}" for k, v in s["by_tier"].items()))
        lines.append("rules:")
        lines.extend(f"  - {r}" for r in data["rules"])
        _echo(lines)
        for n in portfolio.notes:
            note(f"note: {n}")

    emit(data, as_json, text)


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(line)


@click.command()
@click.option("--by", "by", type=click.Choice(BY), required=True, help="Group by flagged target, partner country, "
              "department or funder.")
@hops_option
@config_option
@json_option
@pass_app
def exposure(app: AppContext, by: str, max_hops: int | None, config_path: Path | None, as_json: bool) -> None:
    """Cumulative exposure of the institution over all agreements.

    By target: each flagged entity reached, by how many partners and agreements,
    through which departments, for how many pounds. By country, department or
    funder: exposed partners, agreements and pounds, and risk-weighted pounds.
    """
    config = load_config(config_path)
    store = app.store()
    portfolio = score_portfolio(store, config, with_paths=False, max_hops=max_hops)
    result = compute_exposure(store, config, by, portfolio=portfolio)
    data = result.to_dict()

    def text() -> None:
        t = data["totals"]
        click.echo(f"exposure by {by}: {t['exposed_partners']} of {t['partners']} partners exposed, "
                   f"£{t['exposed_amount_gbp']:,.0f} of £{t['amount_gbp']:,.0f}")
        if by == "target":
            click.echo(f"{'score':>7} {'hops':>4} {'partners':>8} {'agreements':>10} {'amount £':>12}  target")
            for r in data["rows"]:
                click.echo(f"{r['score']:>7.3f} {r['min_hops']:>4} {r['partners']:>8} {r['agreements']:>10} "
                           f"{r['amount_gbp']:>12,.0f}  {r['name']} [{', '.join(r['flags'])}] "
                           f"depts: {', '.join(r['departments']) or '-'}")
            return
        click.echo(f"{'max score':>9} {'partners':>8} {'agreements':>10} {'amount £':>12} {'weighted £':>12}  {by}")
        for r in data["rows"]:
            click.echo(f"{r['score']:>9.3f} {r['partners']:>8} {r['agreements']:>10} {r['amount_gbp']:>12,.0f} "
                       f"{r['exposure_gbp']:>12,.0f}  {r['key']} (of {r['total_partners']} partners, "
                       f"£{r['total_amount_gbp']:,.0f})")

    emit(data, as_json, text)


@click.command()
@click.argument("entity")
@click.option("--regime", type=click.Choice([r.value for r in Regime]), required=True,
              help="ofac / bis: 50%+ owned in aggregate by listed parties; uk: >50% by one designated person.")
@config_option
@json_option
@pass_app
def ownership(app: AppContext, entity: str, regime: str, config_path: Path | None, as_json: bool) -> None:
    """Whether ENTITY is owned by listed parties under a regime's ownership rule."""
    config: RiskConfig = load_config(config_path)
    store = app.store()
    finding = assess_ownership(store, store.resolve_entity(entity), regime, rule=config.ownership.get(Regime(regime)))
    data = finding.to_dict()

    def text() -> None:
        pct = "unknown" if data["aggregate_pct"] is None else f"{data['aggregate_pct']:g}%"
        b = data["bounds"]
        click.echo(f"{finding.entity.name} ({finding.entity.id}) under {regime.upper()}: {data['status']} "
                   f"(aggregate {pct}; bounds {b['lower_pct']:g}%–{b['upper_pct']:g}%)")
        click.echo(f"  finding: {data['finding']}")
        for c in data["contributors"]:
            chain = " ← ".join(f"{n['name']}" + (f" {n['pct']:g}%" if n.get("pct") is not None else "")
                               for n in c["path"])
            pct_c = "unknown %" if c["pct"] is None else f"{c['pct']:g}%"
            click.echo(f"  - {c['owner']['name']}: {pct_c} ({c['basis']}); chain: {chain}")
        for n in data["notes"]:
            note(f"note: {n}")

    emit(data, as_json, text)


@click.command()
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only agreements running on or after this date (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only agreements running on or before this date (YYYY-MM-DD).")
@json_option
@pass_app
def funding(app: AppContext, start: dt.datetime | None, end: dt.datetime | None, as_json: bool) -> None:
    """Funding shares and concentration (HHI, 0–1) by funder and by funder country."""
    result = funding_concentration(app.store(), start=start.date().isoformat() if start else None,
                                   end=end.date().isoformat() if end else None)
    data = result.to_dict()

    def text() -> None:
        click.echo(f"{data['agreements']} agreements, £{data['total_gbp']:,.0f} attributed to funders")
        for title, rows, h in (("funder", data["by_funder"], data["hhi_funder"]),
                               ("funder country", data["by_country"], data["hhi_country"])):
            click.echo(f"by {title} (HHI {h:.3f}):")
            for r in rows:
                click.echo(f"  {r['share']:>7.1%} £{r['amount_gbp']:>12,.0f}  {r['name']}")
        u = data["unattributed"]
        if u["no_funder"] or u["no_amount"]:
            note(f"note: {u['no_funder']} agreement(s) without a funder (£{u['no_funder_gbp']:,.0f}) and "
                 f"{u['no_amount']} without an amount are not in the shares")

    emit(data, as_json, text)


@click.command()
@click.option("--since", type=click.IntRange(0), default=None,
              help="Compare with the store as it was after this run [default: the latest risk snapshot, or the "
                   "run before the latest list update].")
@click.option("--record/--no-record", default=True, show_default=True,
              help="Store this outcome as a risk snapshot (the next `changes` compares with it).")
@config_option
@json_option
@pass_app
def changes(app: AppContext, since: int | None, record: bool, config_path: Path | None, as_json: bool) -> None:
    """What changed on the lists since a run, and which partners' tier, flags or paths changed."""
    config = load_config(config_path)
    store = app.store()
    runs = store.runs()
    if since is not None and since > (runs[-1].id if runs else 0):
        raise NotFoundError(f"no run {since}: the latest run is {runs[-1].id if runs else 'none'}")
    report = monitor(store, config, since=since, record=record)
    data = report.to_dict()

    def text() -> None:
        c = data["list_changes"]["counts"]
        click.echo(f"since run {report.since} (latest run {report.latest_run}): list entries "
                   f"{c['added']} added, {c['removed']} removed, {c['altered']} altered")
        for row in data["list_changes"]["entries"][:20]:
            flags = ", ".join(row["flags_after"] or row["flags_before"])
            click.echo(f"  {row['change']:<8} {row['name']} ({row['id']}) [{flags}]")
        if len(data["list_changes"]["entries"]) > 20:
            click.echo(f"  … and {len(data['list_changes']['entries']) - 20} more (--json lists all)")
        click.echo(f"partners whose risk changed: {len(report.partners)}")
        for p in data["partners"]:
            b, a = p["before"] or {}, p["after"] or {}
            click.echo(f"  {p['name']} ({p['id']}): tier {b.get('tier', '-')} → {a.get('tier', '-')}, "
                       f"score {b.get('score', 0):.3f} → {a.get('score', 0):.3f}; changed: {', '.join(p['changed'])}")
            if p["flags_added"]:
                click.echo(f"      flags added: {', '.join(p['flags_added'])}")
            if p["targets_added"]:
                click.echo(f"      now reaches: {', '.join(p['targets_added'])}")
        for n in report.notes:
            note(f"note: {n}")

    emit(data, as_json, text)


COMMANDS: list[click.Command] = [paths, risk, exposure, ownership, funding, changes]
