"""Which body an affiliation string names, of the hits its queries found."""

from __future__ import annotations

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, EntityKind, Provenance
from trgraph.resolve.affiliation import match_affiliation
from trgraph.resolve.choice import choose, is_city, standing
from trgraph.resolve.index import CandidateIndex, Hit, Query


def hit(key: str, score: float, *types: str, embedded: bool = False) -> Hit:
    entity = Entity(f"ror:{key}", EntityKind.ORGANISATION, key, Provenance("ror", key, "test"),
                    attrs={"types": list(types)})
    features = {"embedded_name": score} if embedded else {}
    return Hit(entity, score, "tokens", None, features)


def test_an_institution_in_its_own_right_wins_then_the_one_named_furthest_right() -> None:
    unit, university = hit("unit", 1.0, "facility"), hit("uni", 0.97, "education", "funder")
    chosen = choose([(0, unit), (1, university)])
    assert chosen is not None and chosen.entity.id == "ror:uni"
    chosen = choose([(1, unit), (0, university)])
    assert chosen is not None and chosen.entity.id == "ror:uni" and chosen.features["institution_standing"] == 2.0
    a, b = hit("a", 1.0, "education"), hit("b", 1.0, "education")
    chosen = choose([(0, a), (1.5, b)])
    assert chosen is not None and chosen.entity.id == "ror:b"
    # Outside NEAR of the best, standing does not count.
    chosen = choose([(0, hit("best", 1.0, "facility")), (1, hit("far", 0.8, "education"))])
    assert chosen is not None and chosen.entity.id == "ror:best"
    assert choose([]) is None


def test_a_name_found_inside_a_part_counts_only_when_no_part_names_anything() -> None:
    inside, whole = hit("inside", 0.85, "education", embedded=True), hit("whole", 0.84, "facility")
    chosen = choose([(1, inside), (0, whole)])
    assert chosen is not None and chosen.entity.id == "ror:whole"
    chosen = choose([(1, inside)])
    assert chosen is not None and chosen.entity.id == "ror:inside"


def test_a_name_that_is_the_parts_words_exactly_wins_over_one_with_a_word_more() -> None:
    # Real ROR records: "Novo Nordisk (Denmark)" and "(Portugal)", and the Novo Nordisk Foundation.
    # "Novo Nordisk" is the company's name without its country (for review, 0.85); the
    # Foundation's name has a word more, which weighs little, and scores a little higher.
    records = load_ror(FIXTURES / "resolve" / "ror_places.json")
    index = CandidateIndex(e for e in records if isinstance(e, Entity) and not e.attrs.get("unresolved"))
    first = index.search(Query("q", ["Novo Nordisk"]), limit=1)[0]
    assert first.entity.id == "ror:04txyc737" and first.score > 0.85  # what the part alone ranks first
    chosen = match_affiliation(index, "Clinical Drug Development, Novo Nordisk")
    assert chosen is not None and chosen.entity.id == "ror:0435rc536" and chosen.score == 0.85
    chosen = match_affiliation(index, "Novo Nordisk Foundation")
    assert chosen is not None and chosen.entity.id == "ror:04txyc737" and chosen.score == 1.0


def test_standing_and_city_words() -> None:
    assert standing(hit("u", 1.0, "education", "funder").entity) == 2
    assert standing(hit("h", 1.0, "healthcare").entity) == 0
    assert is_city("San Francisco") and not is_city("Gladstone Institutes") and not is_city("Palo Alto Santa Clara")
