"""Reports: the JSON document (golden), and its HTML and Markdown forms (escaped, offline)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from trgraph.render.map import portfolio_map
from trgraph.render.report import (
    CaseFacts,
    PortfolioFacts,
    case_report,
    concentration,
    config_hash,
    make_stamp,
    render_report,
    summary_report,
)

from .conftest import CSL_CAEP, HOSTILE_IMG, HOSTILE_SCRIPT, Portfolio, check_golden

ALPHA = "register:partner:alpha-university"


def golden(name: str, doc: dict[str, Any]) -> None:
    """Compare the document's JSON form with tests/fixtures/render/<name>."""
    check_golden(name, render_report(doc, "json"))


@pytest.fixture(scope="module")
def stamp(portfolio: Portfolio) -> dict[str, Any]:
    return make_stamp("/data/test.db", portfolio.runs, config_digest=config_hash({"max_hops": 4}),
                      generated_at="2025-05-01T12:00:00Z")


@pytest.fixture(scope="module")
def summary(portfolio: Portfolio, stamp: dict[str, Any]) -> dict[str, Any]:
    facts = PortfolioFacts(portfolio.risk, portfolio.agreements, portfolio.exposure, portfolio.funding,
                           portfolio.changes, home_name="University of Testshire")
    return summary_report(facts, stamp)


@pytest.fixture(scope="module")
def case(portfolio: Portfolio, stamp: dict[str, Any]) -> dict[str, Any]:
    facts = CaseFacts(portfolio.by_id[ALPHA], portfolio.partner(ALPHA), portfolio.matches, portfolio.ownership,
                      portfolio.decisions, portfolio.agreements, portfolio.by_id)
    return case_report(facts, stamp)


def test_stamp_names_each_dataset_latest_successful_run(stamp: dict[str, Any]) -> None:
    assert stamp["trgraph"] and stamp["store"] == "/data/test.db" and stamp["last_run"] == 5
    by = {d["dataset"]: d for d in stamp["datasets"]}
    assert set(by) == {"ror", "csl", "register"}  # the failed ofac run is not a list version
    assert by["csl"]["run"] == 4 and by["csl"]["version"] == "2025-04-01"
    assert by["csl"]["ingested"] == "2025-04-02T09:01:00Z"
    assert stamp["config_hash"] == config_hash({"max_hops": 4}) != config_hash({"max_hops": 3})


def test_summary_headline_is_computed_from_the_inputs(summary: dict[str, Any]) -> None:
    h = summary["headline"]
    assert (h["partners"], h["agreements"], h["amount_gbp"]) == (6, 7, 570000.0)
    assert h["partners_with_findings"] == 4 and h["amount_with_findings_gbp"] == 340000.0
    assert h["partners_by_tier"] == {"very_high": 1, "high": 2, "medium": 1, "low": 0, "none": 2}
    assert h["partners_reaching_flag"]["military"] == 1 and h["partners_reaching_flag"]["export_control"] == 2
    assert h["partners_reaching_flag"]["state"] == 1 and h["partners_reaching_flag"]["security"] == 0
    assert [p["id"] for p in summary["top_partners"]][:2] == ["register:partner:hostile", ALPHA]
    assert summary["top_partners"][1]["top_path"].endswith("Chinese Academy of Engineering Physics")
    assert summary["funding"]["concentration_funder"] == "high"
    assert summary["changes"]["lists"] == [
        {"dataset": "csl", "added": 0, "removed": 0, "altered": 1,
         "examples": {"altered": ["Chinese Academy of Engineering Physics"]}},
        {"dataset": "probe", "added": 1, "removed": 1, "altered": 0,
         "examples": {"added": [HOSTILE_SCRIPT], "removed": [HOSTILE_IMG]}}]
    assert summary["changes"]["partners"][0]["tier_before"] == "medium"


def test_case_report_gathers_the_evidence(case: dict[str, Any]) -> None:
    assert case["entity"]["id"] == ALPHA and case["risk"]["tier"] == "high"
    assert [m["id"] for m in case["identity"]["matches"]] == ["m1"]
    assert [m["id"] for m in case["identity"]["rejected"]] == ["m4", "m5"]
    hit = case["list_hits"][0]
    assert hit["entity"]["id"] == CSL_CAEP and hit["listed_since"] == "1997-06-30"
    assert hit["list_version"] == "2026-07" and hit["ingested"] == "2025-04-02T09:01:00Z"
    steps = case["paths"][0]["steps"]
    assert [s["link"] for s in steps] == ["same_as", "supervised_by", "same_as"]
    assert steps[1]["provenance"]["source"] == "ror-test.json"
    assert case["ownership"] == []  # the fixture's results are about another entity
    assert [d["match_id"] for d in case["decisions"]] == ["m4"]
    assert {a["agreement_id"] for a in case["agreements"]} == {"T-001", "T-002"}
    assert {q["topic"] for q in case["checklist"]} == {"export_control", "atas", "military_end_use"}


def test_summary_json_golden(summary: dict[str, Any]) -> None:
    golden("golden_summary.json", summary)


def test_case_json_golden(case: dict[str, Any]) -> None:
    golden("golden_case.json", case)


def test_html_reports_are_escaped_offline_and_charted(summary: dict[str, Any], case: dict[str, Any],
                                                      portfolio: Portfolio) -> None:
    page = portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements).render()
    html = render_report(summary, "html", embed_map=page)
    for text in (html, render_report(case, "html")):
        assert HOSTILE_SCRIPT not in text and HOSTILE_IMG not in text and "<img" not in text
        assert "default-src 'none'" in text.replace("&#39;", "'")
        assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(?:https?:)?//""", text, re.I)
    assert html.count("<svg ") >= 4 and "Partners by tier" in html
    assert '<iframe class="map" title="Portfolio map" sandbox="allow-scripts" srcdoc="' in html
    assert all(h in html.replace("&#39;", "'") for h in page.script_hashes)  # the frame inherits our policy
    assert "<script>" not in html.split("srcdoc=")[0]  # the report itself runs no script
    assert "Reproducibility" in html and "ror-test.json" in html


def test_markdown_report_escapes_names(summary: dict[str, Any], case: dict[str, Any]) -> None:
    for doc in (summary, case):
        md = render_report(doc, "md")
        assert "<script" not in md and "<img" not in md
        assert "## Reproducibility" in md
    md = render_report(case, "md")
    assert "## Questions to settle" in md and "**Export control.**" in md
    assert "&lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt;" in md


def test_unknown_format_is_rejected(summary: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render_report(summary, "pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize(("hhi", "reading"), [(0.05, "low"), (0.15, "moderate"), (0.5, "high"), (2500, "high"),
                                              (None, None)])
def test_concentration_bands(hhi: float | None, reading: str | None) -> None:
    assert concentration(hhi) == reading
