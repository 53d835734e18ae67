"""`trgraph demo --out DIR` through click's CliRunner: the whole chain, its files and what it prints."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from trgraph.cli import cli
from trgraph.demo import STORE_NAME, data_dir

TIERS = ("very_high", "high", "medium", "low", "none")
#: Attributes whose value the browser fetches (or navigates to) on its own.
FETCHING = frozenset({"src", "href", "srcset", "action", "formaction", "poster", "data", "background", "ping",
                      "xlink:href", "manifest", "codebase", "cite", "longdesc"})
NETWORK = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, ws://, //host …
CSS_NETWORK = re.compile(r"""url\(\s*['"]?\s*(?:[a-z][a-z0-9+.-]*:)?//|@import\s+['"]?(?:[a-z]+:)?//""", re.I)


@dataclass
class Demo:
    """One demo run: its folder, exit code and output."""

    out: Path
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    out = tmp_path_factory.mktemp("demo") / "run"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    return Demo(out, result.exit_code, result.stdout, result.stderr)


class _Fetches(HTMLParser):
    """Every attribute value of a real tag that would make the browser fetch something, and the
    documents embedded in ``srcdoc`` (parsed in turn)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.styles: list[str] = []
        self.csp: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        self.urls += [v for k, v in values.items() if k in FETCHING]
        self.styles += [values["style"]] if "style" in values else []
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(values.get("content", ""))
        if "srcdoc" in values:
            inner = network_fetches(values["srcdoc"])
            self.urls += inner.urls
            self.styles += inner.styles
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def network_fetches(html: str) -> _Fetches:
    parser = _Fetches()
    parser.feed(html)
    parser.close()
    return parser


def test_demo_exits_zero_and_writes_every_output(demo: Demo) -> None:
    assert demo.code == 0, demo.stderr
    for name in (STORE_NAME, "portfolio-map.html", "summary.html", "summary.json", "case-report.html"):
        path = demo.out / name
        assert path.is_file() and path.stat().st_size > 1000, name
    summary = json.loads((demo.out / "summary.json").read_text(encoding="utf-8"))
    assert summary["report"] == "summary" and summary["headline"]["partners"] > 0
    assert "Traceback" not in demo.stderr


def test_demo_prints_the_tier_table_paths_and_output_paths(demo: Demo) -> None:
    lines = demo.stdout.splitlines()
    start = lines.index("partner risk (tier, score, flags reached, shortest hops):")
    end = lines.index("paths (top path of each flagged partner):")
    table = lines[start + 1:end]
    with (data_dir() / "register.csv").open(encoding="utf-8", newline="") as fh:
        partners = {row["partner_name"] for row in csv.DictReader(fh)}
    assert len(table) == len(partners)
    for row in table:
        tier, score = row.split()[:2]
        assert tier in TIERS and 0.0 <= float(score) <= 1.0, row
    assert {next(p for p in partners if row.endswith(p)) for row in table} == partners
    flagged = [row for row in table if row.split()[0] != "none"]
    paths = [ln for ln in lines[end + 1:] if ln.startswith("  ")]
    assert flagged and len(paths) == len(flagged)
    assert all("→" in p and re.search(r"\[[a-z_, ]+; \d+ hop\(s\), score \d\.\d\d\]$", p) for p in paths)
    printed = {label: Path(path) for label, _, path in (ln.partition(": ") for ln in lines[end + 1:])
               if path and Path(path).parent == demo.out}
    assert printed["portfolio map"] == demo.out / "portfolio-map.html"
    assert printed["leaders' summary"] == demo.out / "summary.html"
    assert any(label.startswith("case report (") and path == demo.out / "case-report.html"
               for label, path in printed.items())


@pytest.mark.parametrize("name", ["portfolio-map.html", "summary.html", "case-report.html"])
def test_demo_pages_fetch_nothing_from_the_network(demo: Demo, name: str) -> None:
    html = (demo.out / name).read_text(encoding="utf-8")
    found = network_fetches(html)
    assert [u for u in found.urls if NETWORK.match(u)] == []
    assert [s for s in found.styles if CSS_NETWORK.search(s)] == []
    assert found.csp and all("default-src 'none'" in c for c in found.csp)


def test_network_check_catches_a_remote_script() -> None:
    page = ('<html><head><script src="https://cdn.example/vis.js"></script></head><body>'
            '<iframe srcdoc="&lt;link rel=stylesheet href=//cdn.example/a.css&gt;"></iframe>'
            '<div style="background:url(http://x.example/i.png)"></div><a href="#ok">ok</a></body></html>')
    found = network_fetches(page)
    assert [u for u in found.urls if NETWORK.match(u)] == ["https://cdn.example/vis.js", "//cdn.example/a.css"]
    assert len([s for s in found.styles if CSS_NETWORK.search(s)]) == 1


def test_demo_into_an_unwritable_place_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--out", str(blocker / "sub")])
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: cannot create {blocker / 'sub'}")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
