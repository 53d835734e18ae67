"""FollowTheMoney entities as JSON lines, the format OpenSanctions publishes.

One JSON object per line (``id``, ``schema``, ``properties``: property → values, and
``caption``, ``datasets``, ``referents``, ``first_seen``, ``last_change``, ``target``);
one JSON array of them is read too, and entities nested in properties (the API form)
become records of their own (reading: :mod:`trgraph.ingest.ftm_lines`). The tables below declare the mapping:
:data:`THING_SCHEMATA` become entities ``<dataset>:<ftm id>`` (FtM ids are global);
:data:`RELATIONSHIPS` become links; :data:`FOLDED` records (Sanction, Passport,
Identification) are folded into the entity they name (``lists``, ``attrs.sanctions``,
``attrs.identifications``) and Address records into the entities whose
``addressEntity`` names them; any other schema (Payment, Document…) is rejected.

Flags come from the entity's ``topics`` (:data:`TOPIC_FLAGS`): OpenSanctions classifies
every listing there, and a Sanction record alone is not a sanction (the DoD 1260H list
and debarments are Sanction records too); only an entity without topics gets
``sanction`` from a Sanction record naming it.

Memory stays flat for millions of records in any order: a pre-scan parses only the
lines that can be folded records (a byte search finds them); the main pass yields
entities and links in file order, remembering only the ids of loaded entities and of
link ends not (yet) defined; stubs (``attrs.unresolved``) for ends never defined come
at the end. A relationship record repeated with the same id is one link (the last).
``last_seen`` is not kept: it moves with every export and would mark every entity
altered on each re-ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trgraph.errors import InputError
from trgraph.ingest.base import Item, raw_text, require_path
from trgraph.ingest.ftm_lines import Bad, check_record, props_of, read_records
from trgraph.ingest.values import to_iso2
from trgraph.model import Entity, EntityKind, Flag, JsonDict, Link, LinkKind, Provenance, Rejected, link_id, make_id

_PERSON, _ORG = EntityKind.PERSON, EntityKind.ORGANISATION

#: Thing schemata loaded as entities: kind and organisation category.
THING_SCHEMATA: dict[str, tuple[EntityKind, str | None]] = {
    "Person": (_PERSON, None), "Organization": (_ORG, "other"), "Company": (_ORG, "company"),
    "LegalEntity": (_ORG, "other"), "PublicBody": (_ORG, "government"), "Vessel": (_ORG, "vessel"),
    "Airplane": (_ORG, "aircraft"), "Vehicle": (_ORG, "vehicle"), "Asset": (_ORG, "asset"),
}

#: FtM topic → flags (the vocabulary of followthemoney/types/topic.py). Topics not
#: listed (``sanction.linked``, ``sanction.counter``, ``debarment``, ``crime.*``, ``poi``,
#: ``role.pep``, ``corp.*``…) give no flag; every topic stays in ``attrs.topics``.
TOPIC_FLAGS: dict[str, frozenset[Flag]] = {
    "sanction": frozenset({Flag.SANCTION}), "export.control": frozenset({Flag.EXPORT_CONTROL}),
    "export.risk": frozenset({Flag.EXPORT_CONTROL}), "mil": frozenset({Flag.MILITARY}),
    "gov.soe": frozenset({Flag.STATE}), "gov.security": frozenset({Flag.SECURITY, Flag.STATE}),
    "role.spy": frozenset({Flag.SECURITY}),
}
#: Government topics flag ``state`` on organisations only (on a person they mark a
#: public official, not a state body); PublicBody entities are ``state`` too.
GOV_TOPICS = frozenset({"gov", "gov.national", "gov.state", "gov.muni", "gov.executive", "gov.legislative",
                        "gov.judicial", "gov.administrative", "gov.financial"})


@dataclass(frozen=True, slots=True)
class RelSpec:
    """An FtM relationship schema read as ``source --kind--> target``: the FtM properties
    of the two ends, the ``attrs.role`` given, and whether each end's FtM range is Person
    (the kind of the stub made when that end is missing from the file)."""

    kind: LinkKind
    source: str
    target: str
    role: str | None
    source_person: bool = False
    target_person: bool = False


#: A director is not an owner: directorship and membership read as affiliation.
RELATIONSHIPS: dict[str, RelSpec] = {
    "Ownership": RelSpec(LinkKind.OWNED_BY, "asset", "owner", None),
    "Directorship": RelSpec(LinkKind.AFFILIATED_WITH, "director", "organization", "director"),
    "Membership": RelSpec(LinkKind.AFFILIATED_WITH, "member", "organization", "member"),
    "Employment": RelSpec(LinkKind.EMPLOYED_BY, "employee", "employer", "employee", source_person=True),
    "Family": RelSpec(LinkKind.RELATED_TO, "person", "relative", "family", True, True),
    "Associate": RelSpec(LinkKind.RELATED_TO, "person", "associate", "associate", True, True),
    "UnknownLink": RelSpec(LinkKind.RELATED_TO, "subject", "object", "unknown"),
    "Representation": RelSpec(LinkKind.RELATED_TO, "agent", "client", "representative"),
    "Succession": RelSpec(LinkKind.SUCCEEDED_BY, "predecessor", "successor", None),
}
_SPEC_SCHEMA = {id(spec): schema for schema, spec in RELATIONSHIPS.items()}

#: Records folded into the entity they name: schema → the property naming it.
FOLDED: dict[str, str] = {"Sanction": "entity", "Passport": "holder", "Identification": "holder"}

#: FtM property → identifier scheme.
IDENTIFIER_PROPS: dict[str, str] = {
    "wikidataId": "wikidata", "leiCode": "lei", "registrationNumber": "registration_number", "innCode": "inn",
    "ogrnCode": "ogrn", "kppCode": "kpp", "okpoCode": "okpo", "imoNumber": "imo", "mmsi": "mmsi",
    "taxNumber": "tax_number", "vatCode": "vat", "dunsCode": "duns", "swiftBic": "swift_bic", "permId": "permid",
    "uniqueEntityId": "sam_uei", "bikCode": "bik", "icijId": "icij", "idNumber": "id_number",
    "passportNumber": "passport", "isin": "isin", "callSign": "call_sign",
}
#: OpenSanctions referents that carry a list's own key: (pattern, scheme).
_REFERENT_IDS = ((re.compile(r"^ofac-(\d+)$"), "ofac_ent_num"),
                 (re.compile(r"^gb-fcdo-([a-z]{3}\d{4})$"), "uk_unique_id"))
#: FtM property → attrs key (always a list: FtM properties are multi-valued).
_ATTR_PROPS = {
    "notes": "notes", "address": "addresses", "legalForm": "legal_form", "status": "status",
    "incorporationDate": "incorporation_date", "dissolutionDate": "dissolution_date", "website": "website",
    "birthDate": "birth_date", "position": "positions", "sector": "sector", "programId": "program_ids",
    "sourceUrl": "source_urls", "classification": "classification", "type": "type",
}
_NAME_PROPS = ("name", "alias", "previousName", "abbreviation", "weakAlias")
_COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry", "flag")
_ENTITY_PROPS = frozenset({*IDENTIFIER_PROPS, *_ATTR_PROPS, *_NAME_PROPS, *_COUNTRY_PROPS, "topics", "addressEntity"})
_LINK_PROPS = {"startDate": "start_date", "endDate": "end_date", "role": "role", "relationship": "relationship",
               "summary": "summary", "sharesCount": "shares_count", "percentage": "percentage"}
_SANCTION_FIELDS = {
    "authority": "authority", "program": "program", "programId": "program_id", "listingDate": "listing_date",
    "startDate": "start_date", "endDate": "end_date", "status": "status", "country": "country",
    "provisions": "provisions", "reason": "reason", "sourceUrl": "source_url",
}
_ID_FIELDS = {"number": "number", "type": "type", "country": "country", "authority": "authority",
              "startDate": "start_date", "endDate": "end_date"}
_DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_NUM = r"(\d+(?:[.,]\d+)?)"
_EXACT_PCT = re.compile(rf"^{_NUM}\s*%?$")
_RANGE_PCT = re.compile(
    rf"^(?:more than\s+|over\s+|>\s*)?{_NUM}\s*%?\s*(?:-|–|—|to|but not more than|and)\s*{_NUM}\s*%?$", re.I
)
_MIN_PCT = re.compile(rf"^(?:more than|over|at least|>=?|≥)\s*{_NUM}\s*%?$", re.I)
_MAX_PCT = re.compile(rf"^(?:less than|under|up to|at most|<=?|≤)\s*{_NUM}\s*%?$", re.I)
_LIST_NAME_MAX = 120
_FOLDED_RE = re.compile(rb'"(?:Sanction|Address|Passport|Identification)"')


@dataclass(slots=True)
class _Index:
    """What the pre-scan learns: folded facts per entity id, address texts by id and
    referent, and the line of each folded or Address record (to tell duplicates)."""

    folded: dict[str, list[JsonDict]] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def load_ftm(path: Path, dataset: str = "ftm") -> Iterator[Item]:
    """Yield entities, links and rejected records from a FollowTheMoney JSON-lines file."""
    require_path(path)
    index = _prescan(path)
    yield from _Loader(path, dataset, index).run()


def _prescan(path: Path) -> _Index:
    index = _Index()
    # A false positive of the byte search (a name that says "Sanction") is parsed and ignored.
    for line, rec, _raw in read_records(path, _FOLDED_RE.search):
        if check_record(rec):
            continue
        rid, schema, props = rec["id"], rec["schema"], props_of(rec)
        if (schema not in FOLDED and schema != "Address") or index.lines.setdefault(rid, line) != line:
            continue  # not folded, or a duplicate (rejected in the main pass)
        if schema in FOLDED:
            fact = _fold(schema, rid, props)
            for target in _clean(props.get(FOLDED[schema])):
                index.folded.setdefault(target, []).append(fact)
        elif text := _address_text(props):
            for key in (rid, *_str_list(rec.get("referents"))):
                index.addresses.setdefault(key, text)
    return index


class _Loader:
    """The main pass: entities and links in file order, then stubs for the ids that
    links named but the file never defined, then the folded records that named none."""

    def __init__(self, path: Path, dataset: str, index: _Index) -> None:
        dates = _FILE_DATE_RE.findall(path.name)
        self.path, self.dataset, self.index = path, dataset, index
        self.source, self.retrieved = path.name, dates[-1] if dates else None
        self.things: dict[str, int] = {}  # loaded entity id → line
        # link end not (yet) defined → (first relationship naming it, its spec, is it the source end)
        self.pending: dict[str, tuple[str, RelSpec, bool]] = {}
        self.deferred: list[tuple[int, str, str, list[str], Any, bytes]] = []
        self.records = 0

    def run(self) -> Iterator[Item]:
        """Yield every item of the file."""
        where = str(self.path)
        for line, rec, raw in read_records(self.path):
            problem = rec.reason if isinstance(rec, Bad) else check_record(rec)
            if problem is None:
                self.records += 1
                facts = self.record(rec, line, raw)
                if not isinstance(facts, str):
                    yield from facts
                    continue
                problem = facts
            yield Rejected(where, line, problem, _raw(raw, rec))
        yield from self.finish()

    def finish(self) -> Iterator[Item]:
        """What comes after the last record: stubs for link ends never defined, then the
        folded records that named no loaded entity."""
        where = str(self.path)
        if self.records == 0:
            raise InputError("no FollowTheMoney records (JSON objects with an id and a schema) found", path=where)
        for ftm_id, (rid, spec, is_source) in self.pending.items():
            yield self.stub(ftm_id, rid, spec, is_source)
        for line, rid, schema, named, rec, raw in self.deferred:
            if not any(t in self.things for t in named):
                text = f"{schema} {rid} names {', '.join(named)}, not an entity loaded from this file; nothing to fold"
                yield Rejected(where, line, text, _raw(raw, rec))

    def record(self, rec: JsonDict, line: int, raw: bytes) -> list[Item] | str:
        """What one record becomes, or the reason it is rejected."""
        rid, schema, props = rec["id"], rec["schema"], props_of(rec)
        if schema in THING_SCHEMATA:
            if rid in self.things:
                return duplicate_thing(rid, self.things[rid])
            name = _primary_name(rec, props)
            if name is None:
                return f"{schema} {rid} has no name"
            self.things[rid] = line
            self.pending.pop(rid, None)
            return [self.entity(rec, rid, schema, props, name)]
        if schema in RELATIONSHIPS:
            return self._links(rec, rid, schema, props, RELATIONSHIPS[schema])
        named = self.folded_names(rid, schema, props, line)
        if isinstance(named, str):
            return named
        if schema in FOLDED and not any(t in self.things for t in named):
            self.deferred.append((line, rid, schema, named, rec, raw))  # its entity may come later
        return []

    def folded_names(self, rid: str, schema: str, props: JsonDict, line: int) -> list[str] | str:
        """The FtM ids a folded record names ([] for an Address), or why a record that is neither
        a thing nor a relationship is rejected; depends on nothing read before it but the pre-scan."""
        if schema not in FOLDED and schema != "Address":
            return f"FtM schema {schema} is not loaded (not a person, organisation, relationship or sanction)"
        if (first := self.index.lines.get(rid, line)) != line:
            return f"duplicate id {rid} (first at line {first})"
        named = _clean(props.get(FOLDED.get(schema, "")))
        if schema in FOLDED and not named:
            return f"{schema} {rid} names no entity"
        return named

    def entity(self, rec: JsonDict, rid: str, schema: str, props: JsonDict, name: str) -> Entity:
        """The entity of a thing record (depends on nothing read before it but the pre-scan)."""
        kind, category = THING_SCHEMATA[schema]
        found: dict[str, list[str]] = {}
        for prop, raw in props.items():
            if prop in _ENTITY_PROPS and (values := _clean(raw)):
                found[prop] = values
        names: list[str] = []
        for key in _NAME_PROPS:
            for value in found.get(key) or ():
                if value != name and value not in names:
                    names.append(value)
        topics = found.get("topics") or []
        flags = {Flag.STATE} if schema == "PublicBody" else set()
        for topic in topics:
            flags.update(TOPIC_FLAGS.get(topic, ()))
            if kind is _ORG and topic in GOV_TOPICS:
                flags.add(Flag.STATE)
        attrs: JsonDict = {"schema": schema, "category": category, "topics": topics}
        lists = self._fold_into(rid, attrs, flags, bool(topics)) if rid in self.index.folded else []
        attrs["datasets"], attrs["referents"] = _str_list(rec.get("datasets")), _str_list(rec.get("referents"))
        for key in ("first_seen", "last_change", "target"):
            attrs[key] = rec.get(key) if isinstance(rec.get(key), (str, bool)) else None
        for prop, values in found.items():
            if prop in _ATTR_PROPS:
                attrs[_ATTR_PROPS[prop]] = values
        countries: list[str] = []
        for prop in _COUNTRY_PROPS:  # in this order of preference
            for iso in map(_iso2, found.get(prop) or ()):
                if iso and iso not in countries:
                    countries.append(iso)
        for ref in found.get("addressEntity") or ():
            text = self.index.addresses.get(ref)
            if text and text not in attrs.setdefault("addresses", []):
                attrs["addresses"].append(text)
        attrs["countries"] = countries if len(countries) > 1 else None
        identifiers, attrs["identifiers_all"] = _identifiers(rid, rec, found)
        return Entity(
            id=make_id(self.dataset, rid), kind=kind, name=name, names=tuple(names),
            country=countries[0] if countries else None, flags=frozenset(flags), lists=tuple(lists),
            identifiers=identifiers, attrs={k: v for k, v in attrs.items() if v or v is False},
            provenance=Provenance(self.dataset, rid, self.source, self.retrieved),
        )

    def _fold_into(self, rid: str, attrs: JsonDict, flags: set[Flag], has_topics: bool) -> list[str]:
        """Put the folded records naming ``rid`` into ``attrs``/``flags``; return the list names."""
        folded = self.index.folded[rid]
        sanctions = [{k: v for k, v in f.items() if k != "schema"} for f in folded if f["schema"] == "Sanction"]
        attrs["sanctions"] = sanctions
        attrs["identifications"] = [dict(f) for f in folded if f["schema"] != "Sanction"]
        if sanctions and not has_topics:
            flags.add(Flag.SANCTION)
        return list(dict.fromkeys(label for label in map(_list_name, sanctions) if label))

    def _links(self, rec: JsonDict, rid: str, schema: str, props: JsonDict, spec: RelSpec) -> list[Item] | str:
        made = self.link_items(rec, rid, schema, props, spec)
        if isinstance(made, str):
            return made
        pairs, links = made
        self.note_ends(pairs, rid, spec)
        return list(links)

    def link_items(
        self, rec: JsonDict, rid: str, schema: str, props: JsonDict, spec: RelSpec
    ) -> tuple[list[tuple[str, str]], list[Link]] | str:
        """The (FtM ids of the ends, links) of a relationship record, or why it is rejected;
        depends on nothing read before it."""
        sources, targets = _clean(props.get(spec.source)), _clean(props.get(spec.target))
        if not sources or not targets:
            missing = [p for p, v in ((spec.source, sources), (spec.target, targets)) if not v]
            return f"{schema} {rid} has no {' and no '.join(missing)}"
        pairs = [(s, t) for s in sources for t in targets if s != t]
        if not pairs:
            return f"{schema} {rid} links {sources[0]} to itself"
        attrs = _link_attrs(rec, schema, props, spec)
        prov = Provenance(self.dataset, rid, self.source, self.retrieved)
        out: list[Link] = []
        for s, t in pairs:
            src, dst = make_id(self.dataset, s), make_id(self.dataset, t)
            link_attrs = attrs if len(pairs) == 1 else dict(attrs)
            out.append(Link(link_id(spec.kind, src, dst, rid), spec.kind, src, dst, prov, link_attrs))
        return pairs, out

    def note_ends(self, pairs: list[tuple[str, str]], rid: str, spec: RelSpec) -> None:
        """Remember the ends not (yet) defined, for stubs, with the first relationship naming each."""
        for s, t in pairs:
            if s not in self.things and s not in self.pending:
                self.pending[s] = (rid, spec, True)
            if t not in self.things and t not in self.pending:
                self.pending[t] = (rid, spec, False)

    def stub(self, ftm_id: str, rid: str, spec: RelSpec, is_source: bool) -> Entity:
        """An entity for a link end the file never defines (``attrs.unresolved``)."""
        person = spec.source_person if is_source else spec.target_person
        role = f"{_SPEC_SCHEMA[id(spec)]}.{spec.source if is_source else spec.target}"
        return Entity(
            id=make_id(self.dataset, ftm_id), kind=_PERSON if person else _ORG, name=ftm_id,
            identifiers={"ftm": ftm_id}, attrs={"unresolved": True, "mentioned_as": role},
            provenance=Provenance(self.dataset, rid, self.source, self.retrieved),
        )


def duplicate_thing(rid: str, first: int) -> str:
    """Why a person or organisation record whose id came before is rejected."""
    return f"duplicate id {rid} (first at line {first}); aggregate FtM fragments first"


def _clean(raw: Any) -> list[str]:
    """The non-empty string values of a property, stripped, de-duplicated, in order."""
    if type(raw) is list and len(raw) == 1 and type(raw[0]) is str:  # the common case, fast
        text = raw[0].strip()
        return [text] if text else []
    out: list[str] = []
    for v in [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else ():
        if isinstance(v, str) and (text := v.strip()) and text not in out:
            out.append(text)
    return out


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _primary_name(rec: JsonDict, props: JsonDict) -> str | None:
    # The caption is the publisher's chosen display name (OpenSanctions picks the
    # best-known form); the first ``name`` value is often a local-language legal form.
    caption = rec.get("caption")
    if isinstance(caption, str) and caption.strip():
        return caption.strip()
    for key in _NAME_PROPS:
        if values := _clean(props.get(key)):
            return values[0]
    parts = [v[0] for v in (_clean(props.get(k)) for k in ("firstName", "middleName", "lastName")) if v]
    return " ".join(parts) if parts else None


def _iso2(code: str) -> str | None:
    # FtM codes are lower-case ISO alpha-2, plus territories such as ``ua-cri``.
    head = code.split("-", 1)[0]
    return to_iso2(head) if len(head) == 2 else None


def _identifiers(rid: str, rec: JsonDict, found: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Scheme → first value (``ftm`` is the record id); and every value where there are several."""
    identifiers = {"ftm": rid}
    several: dict[str, list[str]] = {}
    for prop, values in found.items():
        if scheme := IDENTIFIER_PROPS.get(prop):
            identifiers[scheme] = values[0]
            if len(values) > 1:
                several[scheme] = values
    referents = _str_list(rec.get("referents"))
    for pattern, scheme in _REFERENT_IDS if referents else ():
        keys = list(dict.fromkeys(m.group(1).upper() for m in map(pattern.match, referents) if m))
        if len(keys) == 1:
            identifiers.setdefault(scheme, keys[0])
        elif keys:
            several[scheme] = keys
    return identifiers, several


def _fold(schema: str, rid: str, props: JsonDict) -> JsonDict:
    fact: JsonDict = {"schema": schema, "id": rid}
    for prop, key in (_SANCTION_FIELDS if schema == "Sanction" else _ID_FIELDS).items():
        if values := _clean(props.get(prop)):
            fact[key] = values[0] if len(values) == 1 else values
    return fact


def _list_name(sanction: JsonDict) -> str | None:
    """``authority: program`` (the program alone when it names the authority; the
    authority alone when the program is a long legal text)."""
    authority, program = _first(sanction.get("authority")), _first(sanction.get("program"))
    if program and len(program) > _LIST_NAME_MAX:
        program = None
    if authority and program:
        return program if authority.casefold() in program.casefold() else f"{authority}: {program}"
    return program or authority or _first(sanction.get("program_id"))


def _first(value: Any) -> str | None:
    return (str(value[0]) if value else None) if isinstance(value, list) else value


def _address_text(props: JsonDict) -> str | None:
    if full := _clean(props.get("full")):
        return full[0]
    parts = [v[0] for v in (_clean(props.get(k)) for k in ("street", "city", "postalCode", "region", "country")) if v]
    return ", ".join(parts) or None


def _link_attrs(rec: JsonDict, schema: str, props: JsonDict, spec: RelSpec) -> JsonDict:
    attrs: JsonDict = {"schema": schema}
    if spec.role:
        attrs["role"] = spec.role
    for prop, raw in props.items():
        key = _LINK_PROPS.get(prop)
        values = _clean(raw) if key else None
        if not key or not values:
            continue
        if key in ("start_date", "end_date"):
            m = _DATE_RE.match(values[0])
            attrs[key if m else f"{key}_raw"] = m.group(0) if m else values[0]
        elif key == "role":
            attrs["position" if spec.role else "role"] = "; ".join(values)
        elif key == "percentage":
            attrs["percentage"] = values[0]
            attrs.update(parse_share(values[0]))
        else:
            attrs[key] = "; ".join(values)
    if datasets := _str_list(rec.get("datasets")):
        attrs["datasets"] = datasets
    return attrs


def parse_share(text: str) -> JsonDict:
    """``share_pct`` for an exact percentage, ``share_min``/``share_max`` for a range or bound.

    ``0.51`` is read as 0.51 %, never rescaled; values above 100 are no share at all.
    """
    t = text.strip()
    for pattern, keys in ((_EXACT_PCT, ("share_pct",)), (_RANGE_PCT, ("share_min", "share_max")),
                          (_MIN_PCT, ("share_min",)), (_MAX_PCT, ("share_max",))):
        if m := pattern.match(t):
            values = [float(g.replace(",", ".")) for g in m.groups()]
            if all(0.0 <= v <= 100.0 for v in values) and values == sorted(values):
                return dict(zip(keys, values, strict=True))
            return {}
    return {}


def _raw(raw: bytes, rec: Any) -> str:
    if raw:
        return raw.decode("utf-8", errors="replace").rstrip("\r\n")[:500]
    return raw_text(rec)
