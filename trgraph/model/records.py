"""Entity, Link and Provenance: the facts every source is turned into."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from trgraph.model.vocab import EntityKind, Flag, LinkKind

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from.

    ``dataset`` is the logical list or registry (replacement scope), ``record_id`` the
    source's own key, ``source`` the file name or URL, ``retrieved`` the date the
    source itself states (list version), when known. The ingest date is recorded by
    the store per run, so that the same file gives the same facts every time.
    """

    dataset: str
    record_id: str
    source: str
    retrieved: str | None = None

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        out: JsonDict = {"dataset": self.dataset, "record_id": self.record_id, "source": self.source}
        if self.retrieved:
            out["retrieved"] = self.retrieved
        return out

    @classmethod
    def from_dict(cls, data: JsonDict) -> Provenance:
        """Inverse of :meth:`to_dict`."""
        return cls(
            dataset=str(data["dataset"]),
            record_id=str(data["record_id"]),
            source=str(data["source"]),
            retrieved=data.get("retrieved"),
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """A node: an organisation, a person or the home institution.

    ``names`` holds every other name (aliases, acronyms, other scripts), never the
    primary ``name``; ``lists`` names the lists the entity is on; ``identifiers``
    maps schemes (``ror``, ``lei``, ``grid``, ``fundref``, ``wikidata``…) to values;
    ``attrs`` carries source-specific facts (category, types, status, address…).
    """

    id: str
    kind: EntityKind
    name: str
    provenance: Provenance
    names: tuple[str, ...] = ()
    country: str | None = None
    flags: frozenset[Flag] = frozenset()
    lists: tuple[str, ...] = ()
    identifiers: dict[str, str] = field(default_factory=dict)
    attrs: JsonDict = field(default_factory=dict)

    def all_names(self) -> tuple[str, ...]:
        """The primary name followed by every alias."""
        return (self.name, *self.names)

    def to_dict(self) -> JsonDict:
        """Plain-JSON form (stable key order, sorted flags)."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "name": self.name,
            "names": list(self.names),
            "country": self.country,
            "flags": sorted(f.value for f in self.flags),
            "lists": list(self.lists),
            "identifiers": dict(sorted(self.identifiers.items())),
            "attrs": self.attrs,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: JsonDict) -> Entity:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=data["id"],
            kind=EntityKind(data["kind"]),
            name=data["name"],
            names=tuple(data.get("names") or ()),
            country=data.get("country"),
            flags=frozenset(Flag(f) for f in data.get("flags") or ()),
            lists=tuple(data.get("lists") or ()),
            identifiers=dict(data.get("identifiers") or {}),
            attrs=dict(data.get("attrs") or {}),
            provenance=Provenance.from_dict(data["provenance"]),
        )

    def content_hash(self) -> str:
        """Hash of the facts (not of when they were ingested): equal facts, equal hash."""
        return _hash(self.to_dict())


@dataclass(frozen=True, slots=True)
class Link:
    """A directed edge ``source --kind--> target``.

    ``attrs`` holds ``share_pct``, ``start_date``, ``end_date`` and, for
    ``collaborates_with``, the agreement's department, project, amount and so on.
    """

    id: str
    kind: LinkKind
    source: str
    target: str
    provenance: Provenance
    attrs: JsonDict = field(default_factory=dict)

    @property
    def share_pct(self) -> float | None:
        """Ownership share in percent, when known."""
        value = self.attrs.get("share_pct")
        return float(value) if value is not None else None

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "source": self.source,
            "target": self.target,
            "attrs": self.attrs,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: JsonDict) -> Link:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=data["id"],
            kind=LinkKind(data["kind"]),
            source=data["source"],
            target=data["target"],
            attrs=dict(data.get("attrs") or {}),
            provenance=Provenance.from_dict(data["provenance"]),
        )

    def content_hash(self) -> str:
        """Hash of the facts."""
        return _hash(self.to_dict())


@dataclass(frozen=True, slots=True)
class Rejected:
    """A row a loader could not turn into facts: reported, quarantined, counted."""

    source: str
    line: int
    reason: str
    raw: str = ""

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"source": self.source, "line": self.line, "reason": self.reason, "raw": self.raw}


def _hash(data: JsonDict) -> str:
    return canonical(data)[1]


def canonical(data: JsonDict) -> tuple[bytes, str]:
    """Canonical JSON bytes of a record (sorted keys) and their content hash, in one pass."""
    raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    return raw, hashlib.blake2b(raw, digest_size=16).hexdigest()


_SLUG_RE = re.compile(r"[^0-9a-z]+")


def slug(text: str) -> str:
    """A readable, deterministic key from free text (non-Latin text falls back to a hash)."""
    s = _SLUG_RE.sub("-", text.casefold()).strip("-")
    if not s or len(s) < max(1, len(text.strip()) // 3):
        return hashlib.blake2b(text.strip().casefold().encode(), digest_size=8).hexdigest()
    return s[:80]


def make_id(dataset: str, key: str) -> str:
    """Deterministic entity id ``<dataset>:<native key>``."""
    return f"{dataset}:{key}"


def link_id(kind: LinkKind, source: str, target: str, *qualifiers: str) -> str:
    """Deterministic link id from its ends, kind and any qualifier (e.g. agreement id)."""
    raw = "\x1f".join((kind.value, source, target, *qualifiers))
    return "l:" + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
