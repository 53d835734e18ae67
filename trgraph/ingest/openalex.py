"""OpenAlex API JSON: works, authors, institutions and funders.

PATH is one API response or a folder of them (searched recursively, sorted). A
response is one record, a list response (``{"meta": …, "results": […]}``) or a
JSON array of records. Records are told apart by their id (``W…`` work, ``A…``
author, ``I…`` institution, ``F…`` funder); topics, concepts, sources, publishers
and keywords are not graph facts for trgraph and are passed over.

- A work's authorships give people (``openalex:A…``) ``affiliated_with`` each listed
  institution (``openalex:I…``).
- An author record gives the person's aliases and ``affiliated_with`` links with
  the years; ``last_known_institutions`` are marked ``current``.
- An institution record gives its aliases and ``associated_institutions``
  (``parent``/``child`` → ``part_of``, ``related`` → ``related_to``).
- A funder record gives an organisation with category ``funder``.

There is one ``affiliated_with`` link per person and institution; each work that
states it adds its id, year and raw affiliation strings to ``attrs.works``.

``lineage`` lists an institution and all its ancestors in no fixed order, so the
direct parent is the only ancestor (lineage of two), or the ancestor whose own
lineage is the rest; otherwise each ancestor gets a ``part_of`` marked
``direct: false``. An institution seen in several records is one entity, built from
the fullest record (institution/author record over the copy embedded in a work).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trgraph.errors import InputError
from trgraph.ingest.base import Item, clean, json_files, raw_text, read_json
from trgraph.model import Entity, EntityKind, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id

_ID_RE = re.compile(r"^(?:https?://openalex\.org/)?([A-Za-z])(\d+)$")
_ROR_RE = re.compile(r"(0[a-z0-9]{6}\d{2})$")
# OpenAlex gives an institution one type, and "funder" often hides a university
# (University of Michigan), so "funder" does not become the category; the raw type
# stays in attrs.
_CATEGORY = {"education": "university", "company": "company", "government": "government",
             "facility": "research_institute"}
_FULL, _EMBEDDED, _STUB = 2, 1, 0


def short_id(value: object) -> str | None:
    """``W2741809807`` from an OpenAlex id or URL; None for anything else (e.g. keywords)."""
    text = clean(value)
    m = _ID_RE.match(text) if text else None
    return f"{m.group(1).upper()}{m.group(2)}" if m else None


@dataclass(slots=True)
class _Draft:
    """An entity being assembled from every record that mentions it."""

    kind: EntityKind
    rank: int
    name: str
    source: str
    names: list[str] = field(default_factory=list)
    country: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    attrs: JsonDict = field(default_factory=dict)


@dataclass(slots=True)
class _Graph:
    """Entities and links gathered across all files, emitted once at the end."""

    dataset: str
    drafts: dict[str, _Draft] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    lineage: dict[str, list[str]] = field(default_factory=dict)
    explicit_parents: dict[str, set[str]] = field(default_factory=dict)

    def entity(self, key: str, draft: _Draft, names: list[str]) -> None:
        """Add what one record says about entity ``key`` (fuller records win, aliases merge)."""
        old = self.drafts.get(key)
        if old is draft:
            names = [draft.name, *names]
        elif old is None or draft.rank > old.rank:
            if old is not None:
                names = [*names, old.name, *old.names]
                draft.identifiers = {**old.identifiers, **draft.identifiers}
                draft.attrs = {**old.attrs, **draft.attrs}
                draft.country = draft.country or old.country
            self.drafts[key] = draft
            old = draft
        else:
            names = [draft.name, *names]
            for scheme, value in draft.identifiers.items():
                old.identifiers.setdefault(scheme, value)
            old.country = old.country or draft.country
        for name in names:
            if name and name != old.name and name not in old.names:
                old.names.append(name)

    def link(self, kind: LinkKind, source: str, target: str, record: str, src_file: str) -> Link:
        """The link ``source → target`` (created once; later statements share it)."""
        a, b = make_id(self.dataset, source), make_id(self.dataset, target)
        lid = link_id(kind, a, b)
        if lid not in self.links:
            self.links[lid] = Link(lid, kind, a, b, Provenance(self.dataset, record, src_file), {})
        return self.links[lid]

    def institution(self, inst: JsonDict, src_file: str, rank: int = _EMBEDDED) -> str | None:
        """Add an institution (full or embedded copy); its short id, or None without one."""
        key = short_id(inst.get("id"))
        name = _text(inst.get("display_name"))
        if key is None or name is None:
            return None
        identifiers = {"openalex": key}
        ror = _ror(inst.get("ror"))
        if ror:
            identifiers["ror"] = ror
        itype = clean(inst.get("type"))
        attrs: JsonDict = {"type": itype, "category": _CATEGORY.get(itype or "", "other")} if itype else {}
        country = clean(inst.get("country_code"))
        draft = _Draft(EntityKind.ORGANISATION, rank, name, src_file, country=_iso2(country),
                       identifiers=identifiers, attrs=attrs)
        self.entity(key, draft, [])
        lineage = [s for s in (short_id(x) for x in inst.get("lineage") or ()) if s]
        if lineage and key not in self.lineage:
            self.lineage[key] = lineage
        return key


def load_openalex(path: Path, dataset: str = "openalex") -> Iterator[Item]:
    """Yield people, organisations, affiliation and hierarchy links from OpenAlex API JSON."""
    graph = _Graph(dataset)
    for file in json_files(path):
        for line, rec in _records(file):
            yield from _add(graph, rec, file, line)
    _lineage_links(graph)
    for key, d in graph.drafts.items():
        yield Entity(
            id=make_id(dataset, key),
            kind=d.kind,
            name=d.name,
            names=tuple(d.names),
            country=d.country,
            identifiers=d.identifiers,
            attrs={k: v for k, v in d.attrs.items() if v not in (None, "", [], {})},
            provenance=Provenance(dataset, key, d.source),
        )
    yield from graph.links.values()


def _records(file: Path) -> Iterator[tuple[int, Any]]:
    doc = read_json(file)
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        records: list[Any] = doc["results"]
    elif isinstance(doc, dict) and "id" in doc:
        records = [doc]
    elif isinstance(doc, list):
        records = doc
    else:
        raise InputError("not an OpenAlex API response (no 'id' or 'results')", path=str(file))
    yield from enumerate(records, start=1)


def _add(graph: _Graph, rec: Any, file: Path, line: int) -> Iterator[Rejected]:
    """Add one record; yield what cannot be used."""
    if not isinstance(rec, dict):
        yield Rejected(str(file), line, f"record is a JSON {type(rec).__name__}, not an object", raw_text(rec))
        return
    key = short_id(rec.get("id"))
    if key is None:
        if clean(rec.get("id")) is None:
            yield Rejected(str(file), line, "record without an OpenAlex id", raw_text(rec))
        return  # keywords and other non-entity ids: not graph facts
    letter = key[0]
    if letter not in "WAIF":
        return
    if _text(rec.get("display_name")) is None and _text(rec.get("title")) is None:
        yield Rejected(str(file), line, f"record {key} has no display_name", raw_text(rec))
        return
    if letter == "W":
        yield from _work(graph, rec, key, file, line)
    elif letter == "A":
        yield from _author(graph, rec, key, file, line)
    elif letter == "I":
        _institution_record(graph, rec, file.name)
    else:
        _funder(graph, rec, key, file.name)


def _person(graph: _Graph, author: JsonDict, rank: int, src_file: str, aliases: list[str]) -> str | None:
    key = short_id(author.get("id"))
    name = _text(author.get("display_name"))
    if key is None or name is None or key[0] != "A":
        return None
    identifiers = {"openalex": key}
    orcid = clean(author.get("orcid")) or clean((author.get("ids") or {}).get("orcid"))
    if orcid:
        identifiers["orcid"] = orcid.rsplit("/", 1)[-1]
    graph.entity(key, _Draft(EntityKind.PERSON, rank, name, src_file, identifiers=identifiers), aliases)
    return key


def _work(graph: _Graph, rec: JsonDict, work: str, file: Path, line: int) -> Iterator[Rejected]:
    year = rec.get("publication_year")
    title = _text(rec.get("display_name")) or _text(rec.get("title"))
    for n, authorship in enumerate(rec.get("authorships") or (), start=1):
        author = authorship.get("author") if isinstance(authorship, dict) else None
        raw_name = _text(authorship.get("raw_author_name")) if isinstance(authorship, dict) else None
        person = _person(graph, author, _EMBEDDED, file.name, [raw_name] if raw_name else []) \
            if isinstance(author, dict) else None
        if person is None:
            reason = f"work {work} authorship {n} has no author id or name"
            yield Rejected(str(file), line, reason, raw_text(authorship))
            continue
        raw_strings = [s for s in (_text(x) for x in authorship.get("raw_affiliation_strings") or ()) if s]
        per_inst = _strings_by_institution(authorship)
        linked = False
        for inst in authorship.get("institutions") or ():
            key = graph.institution(inst, file.name) if isinstance(inst, dict) else None
            if key is None:
                yield Rejected(str(file), line, f"work {work} authorship {n} lists an institution without id or name",
                               raw_text(inst))
                continue
            linked = True
            link = graph.link(LinkKind.AFFILIATED_WITH, person, key, work, file.name)
            evidence = {"work": work, "year": year, "title": title,
                        "raw_affiliation_strings": per_inst.get(key, raw_strings)}
            works = link.attrs.setdefault("works", [])
            if all(w["work"] != work for w in works):
                works.append({k: v for k, v in evidence.items() if v is not None})
            _add_years(link.attrs, [year] if isinstance(year, int) else [])
        # Affiliations OpenAlex could not match to an institution stay with the person.
        loose = _unmatched(authorship) if "affiliations" in authorship else ([] if linked else raw_strings)
        if loose:
            unmatched = graph.drafts[person].attrs.setdefault("unmatched_affiliations", [])
            unmatched.extend(s for s in loose if s not in unmatched)


def _unmatched(authorship: JsonDict) -> list[str]:
    """Raw affiliation strings the record maps to no institution (newer layout)."""
    out: list[str] = []
    for aff in authorship.get("affiliations") or ():
        raw = _text(aff.get("raw_affiliation_string")) if isinstance(aff, dict) else None
        if raw and not aff.get("institution_ids") and raw not in out:
            out.append(raw)
    return out


def _strings_by_institution(authorship: JsonDict) -> dict[str, list[str]]:
    """Raw affiliation strings per institution, when the record maps them (newer layout)."""
    out: dict[str, list[str]] = {}
    for aff in authorship.get("affiliations") or ():
        raw = _text(aff.get("raw_affiliation_string")) if isinstance(aff, dict) else None
        for inst in (aff.get("institution_ids") or ()) if raw else ():
            key = short_id(inst)
            if key and raw and raw not in out.setdefault(key, []):
                out[key].append(raw)
    return out


def _author(graph: _Graph, rec: JsonDict, key: str, file: Path, line: int) -> Iterator[Rejected]:
    if rec.get("display_name") == "Deleted Author" and not rec.get("works_count"):
        yield Rejected(str(file), line, f"author {key} is OpenAlex's placeholder for a deleted author", raw_text(rec))
        return
    aliases = [s for s in (_text(x) for x in rec.get("display_name_alternatives") or ()) if s]
    person = _person(graph, rec, _FULL, file.name, aliases)
    if person is None:
        yield Rejected(str(file), line, f"author {key} has no usable display_name", raw_text(rec))
        return
    graph.drafts[person].attrs["works_count"] = rec.get("works_count")
    for aff in rec.get("affiliations") or ():
        inst = graph.institution(aff.get("institution") or {}, file.name) if isinstance(aff, dict) else None
        if inst is None:
            yield Rejected(str(file), line, f"author {key} lists an affiliation without institution", raw_text(aff))
            continue
        link = graph.link(LinkKind.AFFILIATED_WITH, person, inst, key, file.name)
        _add_years(link.attrs, [y for y in aff.get("years") or () if isinstance(y, int)])
    last = rec.get("last_known_institutions") or ([rec["last_known_institution"]]
                                                  if rec.get("last_known_institution") else [])
    for known in last:
        inst = graph.institution(known, file.name) if isinstance(known, dict) else None
        if inst is not None:
            graph.link(LinkKind.AFFILIATED_WITH, person, inst, key, file.name).attrs["current"] = True


def _add_years(attrs: JsonDict, years: list[int]) -> None:
    merged = sorted({*attrs.get("years", []), *years})
    if merged:
        attrs["years"] = merged


def _institution_record(graph: _Graph, rec: JsonDict, src_file: str) -> None:
    key = graph.institution(rec, src_file, _FULL)
    if key is None:
        return
    draft = graph.drafts[key]
    acronyms = [s for s in (_text(x) for x in rec.get("display_name_acronyms") or ()) if s]
    alternatives = [s for s in (_text(x) for x in rec.get("display_name_alternatives") or ()) if s]
    international = (rec.get("international") or {}).get("display_name") or {}
    # Chinese names matter for screening against Chinese-language lists; the other
    # hundred-odd Wikidata translations would only add noise to name matching.
    chinese = [s for lang, v in sorted(international.items()) if str(lang).startswith("zh") and (s := _text(v))]
    graph.entity(key, draft, [*alternatives, *acronyms, *chinese])
    ids = rec.get("ids") or {}
    for scheme in ("grid", "wikidata", "mag"):
        value = clean(ids.get(scheme))
        if value:
            draft.identifiers[scheme] = value.rstrip("/").rsplit("/", 1)[-1]
    geo = rec.get("geo") or {}
    draft.attrs.update({
        "acronyms": acronyms,
        "city": clean(geo.get("city")),
        "website": clean(rec.get("homepage_url")),
        "roles": _roles(rec),
    })
    for assoc in rec.get("associated_institutions") or ():
        other = graph.institution(assoc, src_file) if isinstance(assoc, dict) else None
        relation = assoc.get("relationship") if isinstance(assoc, dict) else None
        if other is None or other == key:
            continue
        if relation == "parent":
            graph.link(LinkKind.PART_OF, key, other, key, src_file)
            graph.explicit_parents.setdefault(key, set()).add(other)
        elif relation == "child":
            graph.link(LinkKind.PART_OF, other, key, key, src_file)
            graph.explicit_parents.setdefault(other, set()).add(key)
        else:
            a, b = sorted((key, other))
            graph.link(LinkKind.RELATED_TO, a, b, key, src_file).attrs["relationship"] = relation


def _funder(graph: _Graph, rec: JsonDict, key: str, src_file: str) -> None:
    name = _text(rec.get("display_name")) or key
    ids = rec.get("ids") or {}
    identifiers = {"openalex": key}
    ror = _ror(ids.get("ror"))
    if ror:
        identifiers["ror"] = ror
    if clean(ids.get("crossref")):
        identifiers["fundref"] = str(clean(ids.get("crossref")))
    if clean(ids.get("wikidata")):
        identifiers["wikidata"] = str(clean(ids.get("wikidata"))).rstrip("/").rsplit("/", 1)[-1]
    attrs: JsonDict = {"category": "funder", "description": clean(rec.get("description")),
                       "website": clean(rec.get("homepage_url")), "roles": _roles(rec)}
    aliases = [s for s in (_text(x) for x in rec.get("alternate_titles") or ()) if s]
    draft = _Draft(EntityKind.ORGANISATION, _FULL, name, src_file, country=_iso2(clean(rec.get("country_code"))),
                   identifiers=identifiers, attrs=attrs)
    graph.entity(key, draft, aliases)


def _roles(rec: JsonDict) -> dict[str, str]:
    """The same body's ids in its other OpenAlex roles (funder, publisher, institution)."""
    out: dict[str, str] = {}
    for role in rec.get("roles") or ():
        rid = short_id(role.get("id")) if isinstance(role, dict) else None
        if rid and isinstance(role.get("role"), str):
            out[role["role"]] = rid
    return out


def _lineage_links(graph: _Graph) -> None:
    """``part_of`` links from lineages (see module doc), with stubs for unseen ancestors."""
    ancestors = {k: [a for a in v if a != k] for k, v in graph.lineage.items()}
    for key, anc in ancestors.items():
        if not anc or graph.explicit_parents.get(key, set()) & set(anc):
            continue
        direct = [p for p in anc if p in ancestors and set(ancestors[p]) == set(anc) - {p}]
        parents = anc if len(anc) == 1 else direct[:1] or anc
        source = graph.drafts[key].source
        for parent in parents:
            link = graph.link(LinkKind.PART_OF, key, parent, key, source)
            link.attrs["via"] = "lineage"
            if len(parents) > 1:
                link.attrs["direct"] = False
            if parent not in graph.drafts:
                graph.drafts[parent] = _Draft(EntityKind.ORGANISATION, _STUB, parent, source,
                                              identifiers={"openalex": parent}, attrs={"unresolved": True})


def _ror(value: object) -> str | None:
    text = clean(value)
    m = _ROR_RE.search(text.lower()) if text else None
    return m.group(1) if m else None


def _iso2(value: str | None) -> str | None:
    return value.upper() if value and len(value) == 2 and value.isalpha() else None


def _text(value: object) -> str | None:
    # Names stay byte-for-byte apart from surrounding whitespace.
    return (value.strip() or None) if isinstance(value, str) else None

