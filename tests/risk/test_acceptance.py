"""Issue 4 acceptance on real data: ROR subset, Entity List / MEU, ASPI tracker, then the real `screen`.

Only the register (``real_register.csv``: fictional agreements with real institutions) and
one link (``real_links.csv``: a fictional visiting researcher's affiliation with NUDT) are
hand-made. Everything else is ingested from ``../shared/data`` (skipped visibly without it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import shared_file
from tests.risk.stores import FIX
from trgraph.cli.data import ingest_source
from trgraph.model import Tier
from trgraph.queries.paths import find_paths
from trgraph.resolve.screen import ScreenConfig, screen
from trgraph.risk.config import load_config
from trgraph.risk.score import PartnerRisk, score_partner, score_portfolio
from trgraph.store import EmbeddedStore

CONFIG = load_config()
BUAA_EL = "csl:8bb21e4c75231b5aafc44205"  # Entity List: Beijing University of Aeronautics and Astronautics (BUAA)
NUDT_ASPI = "aspi:77afede7-a852-4e25-882f-8caf83f066e1"
CICAM = "ror:04ttadj76"  # a centre ROR gives six parents, Nanjing and Fudan among them
SOURCES = (
    ("ror", "registries/ror-data-subset-2026-06-23.zip"),
    ("csl", "lists/us_csl_el_meu_2026-07.csv"),
    ("aspi", "lists/aspi_china_defence_universities_misp_2020.json"),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    paths = [(kind, shared_file(rel)) for kind, rel in SOURCES]
    s = EmbeddedStore(tmp_path_factory.mktemp("accept") / "real.db")
    for kind, path in paths:
        assert ingest_source(s, kind, path).rejected <= 3  # the subset has a few broken ROR records
    ingest_source(s, "partners", FIX / "real_register.csv")
    assert ingest_source(s, "links", FIX / "real_links.csv").rejected == 0
    assert screen(s, ScreenConfig(lists=True)).counts()["auto"] > 0
    yield s
    s.close()


@pytest.fixture(scope="module")
def portfolio(store: EmbeddedStore) -> dict[str, PartnerRisk]:
    return {p.entity.name: p for p in score_portfolio(store, CONFIG, show=0).partners}


def test_a_lab_is_flagged_through_its_ror_parent_on_the_entity_list(
    store: EmbeddedStore, portfolio: dict[str, PartnerRisk],
) -> None:
    lab = portfolio["Tianmushan Laboratory"]
    assert "export_control" in lab.flags and lab.tier.rank >= Tier.HIGH.rank and lab.min_hops == 1
    channels = {c["channel"]: c for c in lab.to_dict(CONFIG)["explanation"]["channels"]}
    assert channels["export_control"]["best_path"]["target"] == BUAA_EL
    assert channels["export_control"]["best_path"]["hops"] == 1
    # the path reaches Beihang's cluster (ROR, ASPI, the Entity List's BUAA); the shown target is the
    # strongest member, and the Entity List entry is shown with the path, with its identity steps
    [path] = [p for p in lab.to_dict(CONFIG)["paths"]
              if BUAA_EL in {p["target"]["id"], *(t["id"] for t in p["same_as_targets"])}]
    assert [n["id"] for n in path["nodes"]][1:3] == ["ror:03smwa682", "ror:00wk2mp56"] and path["hops"] == 1
    kinds = [(lk["kind"], lk["provenance"]["dataset"]) for lk in path["links"]][:2]
    assert kinds == [("same_as", "screen"), ("part_of", "ror")]
    [el] = [t for t in path["same_as_targets"] if t["id"] == BUAA_EL]
    assert el["flags"] == ["export_control"] and el["lists"] == ["Entity List (EL) - Bureau of Industry and Security"]
    assert el["links"] and all(lk["kind"] == "same_as" and lk["provenance"]["dataset"] == "screen"
                               for lk in el["links"])
    assert el["nodes"][-1]["id"] == BUAA_EL


def test_a_visiting_researcher_affiliated_with_nudt_is_flagged_military(portfolio: dict[str, PartnerRisk]) -> None:
    person = portfolio["Dr Chen Jian"]
    assert person.entity.kind.value == "person"
    assert "military" in person.flags and person.tier.rank >= Tier.HIGH.rank and person.min_hops == 1
    data = person.to_dict(CONFIG)
    best = {c["channel"]: c.get("best_path", {}) for c in data["explanation"]["channels"]}
    assert best["military"]["target"] == NUDT_ASPI
    assert data["paths"][0]["links"][0]["kind"] == "affiliated_with"


@pytest.mark.parametrize("name", ["Nanjing University", "Fudan University"])
def test_civilian_universities_are_not_high_risk(name: str, portfolio: dict[str, PartnerRisk]) -> None:
    p = portfolio[name]
    assert p.tier.rank <= Tier.MEDIUM.rank, (p.tier, p.score, p.flags)
    assert "defence_industry" not in p.flags and "export_control" not in p.flags
    assert p.channels["aspi"] == pytest.approx(CONFIG.weights.aspi["civilian"])  # ASPI: Civilian


@pytest.mark.parametrize("name", ["Nanjing University", "Fudan University"])
def test_a_parent_never_reaches_through_a_shared_child(name: str, store: EmbeddedStore,
                                                       portfolio: dict[str, PartnerRisk]) -> None:
    search = find_paths(store, portfolio[name].entity, CONFIG.weights, limit=50)
    assert search.paths and all(CICAM not in p.nodes for p in search.paths)


def test_a_partner_with_no_path_has_tier_none_and_no_flags(portfolio: dict[str, PartnerRisk]) -> None:
    oxford = portfolio["University of Oxford"]
    assert (oxford.score, oxford.tier, oxford.flags, oxford.min_hops) == (0.0, Tier.NONE, [], None)
    assert oxford.to_dict(CONFIG)["paths"] == []


def test_a_path_beyond_the_hop_limit_gives_none(store: EmbeddedStore, portfolio: dict[str, PartnerRisk]) -> None:
    lab = score_partner(store, portfolio["Tianmushan Laboratory"].entity, CONFIG, max_hops=0)
    assert (lab.score, lab.tier, lab.flags, lab.min_hops) == (0.0, Tier.NONE, [], None)
    assert lab.search is not None and lab.search.paths == []


@pytest.mark.parametrize(("entity_id", "flag"), [
    ("ror:00wk2mp56", "export_control"),  # Beihang (Seven Sons; Entity List as BUAA)
    ("ror:01yqg2h08", "export_control"),  # Harbin Institute of Technology (Seven Sons; Entity List)
    (NUDT_ASPI, "military"),  # ASPI: Military
])
def test_seven_sons_and_military_bodies_stay_high(store: EmbeddedStore, entity_id: str, flag: str) -> None:
    entity = store.get_entity(entity_id)
    assert entity is not None
    risk = score_partner(store, entity, CONFIG, with_paths=False)
    assert flag in risk.flags and risk.tier.rank >= Tier.HIGH.rank, (risk.tier, risk.score)


def test_the_risk_json_of_the_portfolio_is_explained(portfolio: dict[str, PartnerRisk]) -> None:
    data: dict[str, Any] = portfolio["Nanjing University"].to_dict(CONFIG)
    assert {"id", "name", "score", "tier", "flags", "min_hops", "paths"} <= set(data)
    agencies = {p["target"]["name"] for p in data["paths"]}
    assert "State Administration for Science, Technology and Industry for National Defense" in agencies
    for path in data["paths"]:
        assert all(lk["provenance"]["dataset"] for lk in path["links"])
