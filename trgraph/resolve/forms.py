"""The names a candidate index holds: each entity's own names, and names derived from its record.

Every name of an entity (its primary name and aliases) becomes one or more
:class:`~trgraph.resolve.normalise.NameForm`. Two kinds of name are derived besides, each with
its own rule for when a match on it counts: a name without the entity's own place, or one of two
names it joins with a dash (:mod:`.places`), and the title of the Wikipedia article the record
links to (:mod:`.titles`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from trgraph.model import Entity, EntityKind
from trgraph.resolve.align import TokenWeights
from trgraph.resolve.normalise import NameForm, name_forms
from trgraph.resolve.places import placeless_forms
from trgraph.resolve.titles import title_forms


def entity_forms(entity: Entity) -> list[NameForm]:
    """Every name form of an entity (primary name and aliases)."""
    organisation = entity.kind is not EntityKind.PERSON
    out: list[NameForm] = []
    seen: set[tuple[tuple[str, ...], str | None, str]] = set()
    for name in entity.all_names():
        for form in name_forms(name, organisation=organisation):
            key = (form.tokens, form.acronym, form.script)
            if key not in seen:
                seen.add(key)
                out.append(form)
    return out


@dataclass
class FormTable:
    """The indexed entities and their name forms, numbered."""

    entities: list[Entity]
    forms: list[NameForm]
    #: The entity number of each form.
    form_entity: list[int]
    #: The form numbers of each entity.
    entity_forms: list[list[int]]
    weights: TokenWeights
    #: Forms of a name without the entity's own city or country, or of one of two joined names, with
    #: the feature a match on each carries (:mod:`.places`).
    placeless: dict[int, str]
    #: Forms of the title of the record's Wikipedia article (:mod:`.titles`).
    titled: set[int]
    #: (dataset, tokens) -> how many entities of that dataset bear the name, where more than one does.
    bearers: dict[tuple[str, tuple[str, ...]], int]

    @classmethod
    def build(cls, entities: Iterable[Entity], weights: TokenWeights | None = None) -> FormTable:
        """The table of ``entities`` (the institution itself, :attr:`EntityKind.HOME`, left out);
        ``weights`` default to the token weights of their own names."""
        table = cls([], [], [], [], TokenWeights(), {}, set(), {})
        for entity in entities:
            if entity.kind is not EntityKind.HOME:
                table._add(entity)
        table.weights = weights or TokenWeights.from_forms(f.tokens for f in table.forms)
        for number, form, feature in placeless_forms(table.entities, table.entity_forms, table.forms,
                                                     table.form_entity, table.weights):
            table.placeless[table._add_form(number, form)] = feature
        for number, form in title_forms(table.entities, table.entity_forms, table.forms, table.form_entity):
            table.titled.add(table._add_form(number, form))
        bearers: dict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
        for i, form in enumerate(table.forms):
            if i not in table.placeless:
                number = table.form_entity[i]
                bearers[(table.entities[number].provenance.dataset, form.tokens)].add(number)
        table.bearers = {key: len(owners) for key, owners in bearers.items() if len(owners) > 1}
        return table

    def _add(self, entity: Entity) -> None:
        number = len(self.entities)
        self.entities.append(entity)
        self.entity_forms.append([])
        for form in entity_forms(entity):
            self._add_form(number, form)

    def _add_form(self, number: int, form: NameForm) -> int:
        self.entity_forms[number].append(len(self.forms))
        self.forms.append(form)
        self.form_entity.append(number)
        return len(self.forms) - 1
