"""Names registry records carry in their Wikipedia links, on real ROR records."""

from __future__ import annotations

import pytest

from tests.conftest import FIXTURES
from trgraph.ingest.ror import load_ror
from trgraph.model import Entity, EntityKind, Provenance
from trgraph.resolve.align import REVIEW_CAP
from trgraph.resolve.forms import FormTable
from trgraph.resolve.index import CandidateIndex, Query
from trgraph.resolve.screen import explain
from trgraph.resolve.titles import wikipedia_title


def records(*names: str) -> list[Entity]:
    out: list[Entity] = []
    for name in names:
        out += [e for e in load_ror(FIXTURES / "resolve" / name)
                if isinstance(e, Entity) and not e.attrs.get("unresolved")]
    return out


@pytest.fixture(scope="module")
def titled() -> CandidateIndex:
    return CandidateIndex(records("ror_titles.json", "ror_places.json"))


def titles_of(index: CandidateIndex, eid: str) -> list[str]:
    number = next(n for n, e in enumerate(index.entities) if e.id == eid)
    return [index.forms[i].original for i in index.entity_forms[number] if i in index.titled]


@pytest.mark.parametrize(("url", "title"), [
    ("http://en.wikipedia.org/wiki/University_of_Marburg", "University of Marburg"),
    ("https://fr.wikipedia.org/wiki/Facult%C3%A9_de_m%C3%A9decine_de_Sfax", "Faculté de médecine de Sfax"),
    ("http://en.wikipedia.org/wiki/Kazan_(Volga_region)_Federal_University", "Kazan (Volga region) Federal University"),
    ("http://en.wikipedia.org/wiki/University_of_Newcastle_(Australia)", None),  # a disambiguated title
    ("https://en.wikipedia.org/wiki/Technischer_%C3%9Cberwachungsverein#T.C3.9CV_Rheinland", None),  # a section
    ("https://en.wikipedia.org/wiki/List_of_hospitals_in_Nepal", None),
    ("https://en.wikipedia.org/wiki/Helsinki", None),  # one word
    ("https://www.example.org/about", None),
])
def test_the_title_is_read_from_a_plain_article_link(url: str, title: str | None) -> None:
    entity = Entity("ror:x", EntityKind.ORGANISATION, "X", Provenance("ror", "x", "test"), attrs={"wikipedia": url})
    assert wikipedia_title(entity) == title


def test_a_title_finds_its_record_for_review_and_the_explanation_says_where_the_name_comes_from(
        titled: CandidateIndex) -> None:
    hit = titled.search(Query("q", ["University of Marburg"]), limit=1)[0]
    assert hit.entity.id == "ror:01rdrb571"  # Philipps University of Marburg
    assert 0.7 <= hit.score <= REVIEW_CAP and "wikipedia_title" in hit.features
    summary = explain(hit)["summary"]
    assert "'University of Marburg' is the title of the Wikipedia article" in summary
    kazan = titled.search(Query("q", ["Kazan (Volga Region) Federal University"]), limit=1)[0]
    assert kazan.entity.id == "ror:05256ym39"


def test_a_title_is_not_given_when_it_may_name_another_body(titled: CandidateIndex) -> None:
    # Wikipedia's own disambiguator says the bare name is ambiguous.
    assert titles_of(titled, "ror:00eae9z71") == []
    # Two Merck companies link one article: a group's, not either company's.
    assert titles_of(titled, "ror:00148fb49") == titles_of(titled, "ror:012chae64") == []
    # The UNC System's article is "University of North Carolina": the Chapel Hill campus's name
    # without its town, which the campus keeps.
    assert titles_of(titled, "ror:0566a8c54") == []
    # Nor does the California State University System get "California State University": what its
    # San Bernardino campus's name is without the town (and every other campus's).
    assert titles_of(titled, "ror:020qm1538") == []
    hit = titled.search(Query("q", ["University of North Carolina"]), limit=1)[0]
    assert hit.entity.id == "ror:0130frc33"
    # A title that is the record's own name adds nothing.
    assert titles_of(titled, "ror:041kmwe10") == []
    assert titles_of(titled, "ror:01rdrb571") == ["University of Marburg"]


def test_titles_are_derived_names_not_registered_ones() -> None:
    table = FormTable.build(records("ror_titles.json"))
    lmb = next(n for n, e in enumerate(table.entities) if e.id == "ror:00tw3jy02")
    assert [table.forms[i].original for i in table.entity_forms[lmb] if i in table.titled] == [
        "Laboratory of Molecular Biology"]
    assert "Laboratory of Molecular Biology" not in table.entities[lmb].all_names()
