"""Maps and reports in a real browser: headless Chromium, every network request blocked.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``make browser-deps``).
Without them the tests skip with a reason, except under CI (``CI`` set), where a
missing browser is a failure. The map screenshot is written to ``build/map.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trgraph.render.map import entity_map, portfolio_map
from trgraph.render.report import PortfolioFacts, make_stamp, render_report, summary_report

from .conftest import HOSTILE_IMG, HOSTILE_SCRIPT, Portfolio

pytestmark = pytest.mark.browser

BUILD = Path(__file__).resolve().parents[2] / "build"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,900")
BLOCKED = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]
STABLE_WAIT_S = 30.0


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser test (.ci/run installs chromium and chromium-driver)")
    pytest.skip(f"{reason}: install the Debian packages chromium and chromium-driver (make browser-deps)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        _missing("headless Chromium or chromedriver is not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED})
    try:
        yield driver
    finally:
        driver.quit()


def open_offline(driver: Any, path: Path) -> None:
    """Open a local file, with the log of requests cleared first."""
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(path.resolve().as_uri())


def requests_made(driver: Any) -> list[str]:
    """Every URL the page asked for that is not the file itself, inline data or about:srcdoc."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    urls += driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [u for u in urls if not u.startswith(("file:", "data:", "about:"))]


def csp_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def wait_stable(driver: Any) -> float:
    deadline = time.monotonic() + STABLE_WAIT_S
    while time.monotonic() < deadline:
        if driver.execute_script("return !!(window.trgraph && window.trgraph.stable)"):
            return float(driver.execute_script("return window.trgraph.stableMs"))
        time.sleep(0.1)
    raise AssertionError("the map's layout did not stabilise")


def painted_pixels(driver: Any) -> int:
    """Non-white pixels on the vis-network canvas (a blank canvas has none)."""
    return int(driver.execute_script("""
        const c = document.querySelector('#trg-map canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 16) { if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235)) n++; }
        return n;"""))


@pytest.fixture(scope="module")
def files(portfolio: Portfolio, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("browser")
    page = portfolio_map(portfolio.risk["partners"], portfolio.entities, portfolio.agreements).render()
    alpha = portfolio.partner("register:partner:alpha-university")
    out = {"map": page.write(folder / "map.html")}
    out["entity"] = entity_map(alpha["id"], portfolio.entities, portfolio.links, alpha["paths"],
                               tier=alpha["tier"]).write(folder / "entity.html")
    stamp = make_stamp("test.db", portfolio.runs, generated_at="2025-05-01T12:00:00Z")
    doc = summary_report(PortfolioFacts(portfolio.risk, portfolio.agreements, portfolio.exposure, portfolio.funding,
                                        portfolio.changes), stamp)
    out["report"] = folder / "report.html"
    out["report"].write_text(render_report(doc, "html", embed_map=page), encoding="utf-8")
    return out


def test_portfolio_map_draws_offline_and_names_stay_text(browser: Any, files: dict[str, Path]) -> None:
    open_offline(browser, files["map"])
    stable_ms = wait_stable(browser)
    assert browser.execute_script("return window.trgraph.network.body.data.nodes.length") > 5
    assert painted_pixels(browser) > 500
    assert browser.execute_script("return window.trgraph.network.physics.physicsEnabled") is False
    legend = browser.find_element("id", "trg-legend")
    assert legend.is_displayed() and "very high" in legend.text and "export control" in legend.text
    title = browser.execute_script(
        "const t = window.trgraph.nodes.get('register:partner:hostile').title;"
        "return [t.textContent, t.querySelectorAll('script, img').length];")
    assert HOSTILE_SCRIPT in title[0] and title[1] == 0
    target = browser.execute_script("return window.trgraph.nodes.get('probe:img').title.textContent")
    assert HOSTILE_IMG in target
    assert browser.execute_script("return window.__pwned") is None
    BUILD.mkdir(exist_ok=True)
    browser.save_screenshot(str(BUILD / "map.png"))
    assert (BUILD / "map.png").stat().st_size > 10_000
    assert requests_made(browser) == [] and csp_errors(browser) == []
    assert stable_ms < STABLE_WAIT_S * 1000


def test_tooltip_shows_a_hostile_name_as_text(browser: Any, files: dict[str, Path]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    open_offline(browser, files["map"])
    wait_stable(browser)
    x, y = browser.execute_script(
        "const n = window.trgraph.network; const p = n.getPositions(['register:partner:hostile'])"
        "['register:partner:hostile']; const d = n.canvasToDOM(p); return [d.x, d.y];")
    canvas = browser.find_element("css selector", "#trg-map canvas")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(canvas, int(x - size["width"] / 2),
                                                      int(y - size["height"] / 2)).perform()
    deadline = time.monotonic() + 5
    text = ""
    while time.monotonic() < deadline and HOSTILE_SCRIPT not in text:
        text = browser.execute_script(
            "const t = document.querySelector('div.vis-tooltip'); return t ? t.innerText : ''")
        time.sleep(0.1)
    assert HOSTILE_SCRIPT in text
    assert browser.execute_script("return document.querySelectorAll('div.vis-tooltip img, div.vis-tooltip script')"
                                  ".length") == 0
    assert browser.execute_script("return window.__pwned") is None


def test_filter_and_grouping_controls(browser: Any, files: dict[str, Path]) -> None:
    open_offline(browser, files["map"])
    wait_stable(browser)
    hidden = browser.execute_script("""
        const s = document.getElementById('trg-flag'); s.value = 'sanction';
        s.dispatchEvent(new Event('change'));
        return window.trgraph.nodes.get({filter: n => n.hidden}).map(n => n.id);""")
    assert "register:partner:alpha-university" in hidden and "register:partner:hostile" not in hidden
    assert "register:home" not in hidden
    clusters = browser.execute_script("""
        const g = document.getElementById('trg-group'); g.value = 'country';
        g.dispatchEvent(new Event('change')); return window.trgraph.clusters;""")
    assert clusters == []  # one clean partner per country in the fixture: nothing to group
    assert browser.execute_script("return window.__pwned") is None


def test_entity_map_and_report_offline(browser: Any, files: dict[str, Path]) -> None:
    open_offline(browser, files["entity"])
    wait_stable(browser)
    assert painted_pixels(browser) > 200
    assert requests_made(browser) == [] and csp_errors(browser) == []
    open_offline(browser, files["report"])
    time.sleep(0.5)
    assert browser.execute_script("return document.querySelectorAll('svg').length") >= 4
    frame = browser.find_element("css selector", "iframe.map")
    browser.switch_to.frame(frame)
    try:
        wait_stable(browser)
        assert browser.execute_script("return window.trgraph.network.body.data.nodes.length") > 5
        assert browser.execute_script("return window.__pwned") is None
    finally:
        browser.switch_to.default_content()
    assert browser.execute_script("return window.__pwned") is None
    assert requests_made(browser) == [] and csp_errors(browser) == []
    browser.save_screenshot(str(BUILD / "report.png"))


def test_demo_outputs_open_offline(browser: Any, tmp_path: Path) -> None:
    """`trgraph demo` (ingest, screen, risk) and its map, summary and case report, opened offline."""
    from click.testing import CliRunner

    from trgraph.cli import cli

    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    open_offline(browser, tmp_path / "portfolio-map.html")
    wait_stable(browser)
    assert browser.execute_script("return window.trgraph.network.body.data.nodes.length") > 20
    assert browser.find_element("id", "trg-legend").is_displayed()
    assert painted_pixels(browser) > 500
    assert browser.execute_script("return window.__pwned") is None
    assert requests_made(browser) == [] and csp_errors(browser) == []
    BUILD.mkdir(exist_ok=True)
    browser.save_screenshot(str(BUILD / "demo-map.png"))
    for name in ("summary.html", "case-report.html"):
        open_offline(browser, tmp_path / name)
        browser.switch_to.frame(browser.find_element("css selector", "iframe.map"))
        try:
            wait_stable(browser)
            assert browser.execute_script("return window.trgraph.network.body.data.nodes.length") > 2
            assert browser.execute_script("return window.__pwned") is None
        finally:
            browser.switch_to.default_content()
        assert browser.execute_script("return window.__pwned") is None
        assert requests_made(browser) == [] and csp_errors(browser) == []
