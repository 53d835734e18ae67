"""The collaboration register (``ingest partners``) and known relationships (``ingest links``).

Register rows become: the home institution (one entity), each partner and funder
(one entity per distinct name), one ``collaborates_with`` link home → partner per
agreement, and ``funded_by`` partner → funder. The agreement's facts live on the
``collaborates_with`` link, so exposure can be summed per agreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, csv_rows, require_path
from trgraph.ingest.values import parse_amount, parse_date, parse_pct, to_iso2
from trgraph.model import Entity, EntityKind, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id, slug

HOME_ID = "register:home"
DEFAULT_HOME = "Home institution"
PARTNER_TYPES = ("university", "company", "government", "research_institute", "funder", "person", "other")
_TYPE_ALIASES = {
    "uni": "university",
    "academic": "university",
    "business": "company",
    "industry": "company",
    "gov": "government",
    "government_body": "government",
    "research institute": "research_institute",
    "institute": "research_institute",
    "individual": "person",
    "researcher": "person",
    "visiting_researcher": "person",
}
REGISTER_COLUMNS = (
    "agreement_id",
    "partner_name",
    "partner_country",
    "partner_type",
    "partner_ror",
    "partner_lei",
    "department",
    "project",
    "research_area",
    "sensitivity",
    "funder_name",
    "funder_country",
    "amount_gbp",
    "start_date",
    "end_date",
)
_ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$")
_LEI_RE = re.compile(r"^[A-Z0-9]{18}\d{2}$")


def register_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a register in CSV or Excel, keys lower-cased; Excel rows numbered as in the sheet."""
    require_path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        yield from _excel_rows(path)
        return
    yield from csv_rows(path, required=("partner_name",))


def _excel_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    import pandas as pd

    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"cannot read Excel workbook: {exc}", path=str(path)) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "partner_name" not in frame.columns:
        raise InputError("missing required column: partner_name", path=str(path))
    for index, record in enumerate(frame.to_dict(orient="records")):
        row = {str(k): str(v).strip() for k, v in record.items()}
        if any(row.values()):
            yield index + 2, row


def load_partners(path: Path, dataset: str, *, home: str = DEFAULT_HOME) -> Iterator[Item]:
    """Load a collaboration register (see PRODUCT.md for the columns)."""
    source = path.name
    prov = Provenance(dataset, "home", source)
    yield Entity(HOME_ID, EntityKind.HOME, home, prov, country="GB", attrs={"category": "home"})
    parties: dict[str, Entity] = {}
    seen_agreements: dict[str, int] = {}
    links: list[Link] = []
    for line, row in register_rows(path):
        try:
            agreement = _agreement(row, line, dataset, source, parties, seen_agreements)
        except ValueError as exc:
            yield Rejected(source, line, str(exc), _raw(row))
            continue
        links.extend(agreement)
    yield from parties.values()
    yield from links


def _agreement(
    row: dict[str, str],
    line: int,
    dataset: str,
    source: str,
    parties: dict[str, Entity],
    seen: dict[str, int],
) -> list[Link]:
    if "__error__" in row:
        raise ValueError(row["__error__"])
    name = clean(row.get("partner_name"))
    if not name:
        raise ValueError("partner_name is empty")
    agreement_id = clean(row.get("agreement_id")) or f"line-{line}"
    if agreement_id in seen:
        raise ValueError(f"duplicate agreement_id {agreement_id!r} (first on line {seen[agreement_id]})")
    ptype = _partner_type(row.get("partner_type"))
    country = _country(row.get("partner_country"), "partner_country")
    amount = parse_amount(clean(row.get("amount_gbp")))
    start, end = parse_date(clean(row.get("start_date"))), parse_date(clean(row.get("end_date")))
    if start and end and end < start:
        raise ValueError(f"end_date {end} is before start_date {start}")
    identifiers: dict[str, str] = {}
    ror = clean(row.get("partner_ror"))
    if ror:
        m = _ROR_RE.match(ror.lower())
        if not m:
            raise ValueError(f"partner_ror {ror!r} is not a ROR id")
        identifiers["ror"] = m.group(1)
    lei = clean(row.get("partner_lei"))
    if lei:
        if not _LEI_RE.match(lei.upper()):
            raise ValueError(f"partner_lei {lei!r} is not a 20-character LEI")
        identifiers["lei"] = lei.upper()
    funder_name = clean(row.get("funder_name"))
    funder_country = _country(row.get("funder_country"), "funder_country")
    seen[agreement_id] = line

    partner = _party(parties, dataset, source, line, name, ptype, country, identifiers)
    home_link_attrs: JsonDict = {
        "agreement_id": agreement_id,
        "department": clean(row.get("department")),
        "project": clean(row.get("project")),
        "research_area": clean(row.get("research_area")),
        "sensitivity": _tags(row.get("sensitivity")),
        "amount_gbp": amount,
        "start_date": start,
        "end_date": end,
    }
    prov = Provenance(dataset, agreement_id, source)
    out: list[Link] = []
    if funder_name:
        funder = _party(parties, dataset, source, line, funder_name, "funder", funder_country, {})
        home_link_attrs["funder"] = funder.id
        home_link_attrs["funder_name"] = funder.name
        out.append(
            Link(
                link_id(LinkKind.FUNDED_BY, partner.id, funder.id, agreement_id),
                LinkKind.FUNDED_BY,
                partner.id,
                funder.id,
                prov,
                {"agreement_id": agreement_id, "amount_gbp": amount, "start_date": start, "end_date": end},
            )
        )
    attrs = {k: v for k, v in home_link_attrs.items() if v not in (None, [])}
    out.insert(
        0,
        Link(
            link_id(LinkKind.COLLABORATES_WITH, HOME_ID, partner.id, agreement_id),
            LinkKind.COLLABORATES_WITH,
            HOME_ID,
            partner.id,
            prov,
            attrs,
        ),
    )
    return out


def _party(
    parties: dict[str, Entity],
    dataset: str,
    source: str,
    line: int,
    name: str,
    ptype: str,
    country: str | None,
    identifiers: dict[str, str],
) -> Entity:
    prefix = "funder" if ptype == "funder" else "partner"
    entity_id = make_id(dataset, f"{prefix}:{slug(name)}")
    known = parties.get(entity_id)
    if known is not None:
        # A partner named on several rows keeps the first stated facts; later rows may
        # only fill gaps, so the result does not depend on which row is read last.
        merged_ids = {**identifiers, **known.identifiers}
        if (known.country is None and country is not None) or merged_ids != known.identifiers:
            known = Entity(
                known.id, known.kind, known.name, known.provenance, known.names, known.country or country,
                known.flags, known.lists, merged_ids, known.attrs,
            )
            parties[entity_id] = known
        return known
    kind = EntityKind.PERSON if ptype == "person" else EntityKind.ORGANISATION
    entity = Entity(
        entity_id,
        kind,
        name,
        Provenance(dataset, f"line-{line}", source),
        country=country,
        identifiers=identifiers,
        attrs={"category": ptype, "register": True, "role": "funder" if ptype == "funder" else "partner"},
    )
    parties[entity_id] = entity
    return entity


def _partner_type(value: str | None) -> str:
    text = (clean(value) or "other").strip().lower().replace("-", "_")
    text = _TYPE_ALIASES.get(text, text).replace(" ", "_")
    if text not in PARTNER_TYPES:
        raise ValueError(f"partner_type {value!r} is not one of {', '.join(PARTNER_TYPES)}")
    return text


def _country(value: str | None, column: str) -> str | None:
    text = clean(value)
    if not text:
        return None
    code = to_iso2(text)
    if code is None:
        raise ValueError(f"{column} {text!r} is not a known country (use ISO-2 or an English name)")
    return code


def _tags(value: str | None) -> list[str]:
    text = clean(value)
    if not text:
        return []
    return [t.strip().lower().replace(" ", "_") for t in re.split(r"[;,|]", text) if t.strip()]


def _raw(row: dict[str, str]) -> str:
    return ",".join(v for k, v in row.items() if k != "__error__")[:500]


Lookup = Callable[[str], list[str]]


def load_links(path: Path, dataset: str, *, lookup: Lookup | None = None) -> Iterator[Item]:
    """Load known relationships: ``source, relation, target`` (+ share, dates, evidence).

    ``lookup`` maps an id or exact name to existing entity ids (the CLI passes the
    store's); names it does not know become new entities of this dataset.
    """
    source_file = path.name
    created: dict[str, Entity] = {}
    links: list[Link] = []
    for line, row in csv_rows(path, required=("source", "relation", "target")):
        try:
            links.append(_relationship(row, line, dataset, source_file, lookup, created))
        except ValueError as exc:
            yield Rejected(source_file, line, str(exc), _raw(row))
    yield from created.values()
    yield from links


def _relationship(
    row: dict[str, str],
    line: int,
    dataset: str,
    source_file: str,
    lookup: Lookup | None,
    created: dict[str, Entity],
) -> Link:
    if "__error__" in row:
        raise ValueError(row["__error__"])
    relation = (clean(row.get("relation")) or "").lower()
    try:
        kind = LinkKind(relation)
    except ValueError:
        raise ValueError(f"relation {relation!r} is not a link kind ({', '.join(k.value for k in LinkKind)})") from None
    share = parse_pct(clean(row.get("share_pct")))
    attrs: JsonDict = {
        "share_pct": share,
        "start_date": parse_date(clean(row.get("start_date"))),
        "end_date": parse_date(clean(row.get("end_date"))),
        "evidence": clean(row.get("evidence")),
    }
    attrs = {k: v for k, v in attrs.items() if v is not None}
    ends: list[str] = []
    new: list[Entity] = []
    for side in ("source", "target"):
        ref = clean(row.get(side))
        if not ref:
            raise ValueError(f"{side} is empty")
        kind_text = (clean(row.get(f"{side}_kind")) or "organisation").lower()
        if kind_text not in ("organisation", "person"):
            raise ValueError(f"{side}_kind {kind_text!r} must be organisation or person")
        end_id, entity = _endpoint(ref, EntityKind(kind_text), dataset, source_file, line, lookup, created)
        ends.append(end_id)
        if entity is not None:
            new.append(entity)
    # Entities named only by a rejected row are not created: the row is all or nothing.
    for entity in new:
        created.setdefault(entity.id, entity)
    return Link(
        link_id(kind, ends[0], ends[1], dataset),
        kind,
        ends[0],
        ends[1],
        Provenance(dataset, f"line-{line}", source_file),
        attrs,
    )


def _endpoint(
    ref: str,
    kind: EntityKind,
    dataset: str,
    source_file: str,
    line: int,
    lookup: Lookup | None,
    created: dict[str, Entity],
) -> tuple[str, Entity | None]:
    found = lookup(ref) if lookup else []
    if len(found) == 1:
        return found[0], None
    if len(found) > 1:
        shown = ", ".join(found[:5])
        raise ValueError(f"{ref!r} names {len(found)} entities ({shown}); use an id")
    entity_id = make_id(dataset, slug(ref))
    if entity_id in created:
        return entity_id, None
    return entity_id, Entity(
        entity_id, kind, ref, Provenance(dataset, f"line-{line}", source_file), attrs={"created_by": "links"}
    )
