"""Self-contained HTML pages: inline assets, a strict Content-Security-Policy, no request.

Every page trgraph writes is one file. Scripts are inline and allowed by their
SHA-256 hash in a ``Content-Security-Policy`` meta tag with ``default-src 'none'``,
so the browser refuses any network request, any script we did not write and any
``on…=`` attribute, even if a name slipped through escaping.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FunctionLoader, StrictUndefined, Undefined, select_autoescape
from markupsafe import Markup

from trgraph.errors import TrgraphError

ASSETS = "assets"


@cache
def asset(name: str) -> str:
    """The text of a vendored or bundled asset in ``trgraph/render/assets``."""
    return (resources.files("trgraph.render") / ASSETS / name).read_text(encoding="utf-8")


def script_hash(code: str) -> str:
    """CSP source expression allowing exactly this inline script."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(script_hashes: tuple[str, ...] = (), *, frames: bool = False) -> str:
    """A policy that forbids every fetch; only the given inline scripts may run."""
    scripts = " ".join(script_hashes) if script_hashes else "'none'"
    parts = [
        "default-src 'none'",
        f"script-src {scripts}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        "connect-src 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ]
    if frames:
        # the embedded map is an about:srcdoc frame; it inherits this policy too
        parts.append("frame-src 'self' about:")
    return "; ".join(parts)


def json_for_script(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` or
    ``'`` survives literally, so no value can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def make_env(*, strict: bool = True, filters: Mapping[str, Callable[..., Any]] | None = None) -> Environment:
    """A Jinja environment over the bundled templates, autoescaping everything."""
    env = Environment(
        loader=FunctionLoader(asset),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined if strict else Undefined,
        keep_trailing_newline=True,
    )
    env.filters.update(filters or {})
    return env


@cache
def _env() -> Environment:
    return make_env()


def render_template(name: str, **context: Any) -> str:
    """Render one of the bundled templates with autoescaping on (undefined names are errors)."""
    return _env().get_template(name).render(**context)


@dataclass(frozen=True)
class Page:
    """A rendered page and the hashes of the inline scripts it needs."""

    html: str
    script_hashes: tuple[str, ...] = field(default=())

    def write(self, path: Path) -> Path:
        """Write the page (UTF-8); the folder must exist."""
        return write_text(path, self.html)


def write_text(path: Path, text: str) -> Path:
    """Write an output file, turning OS errors into one clear user-facing error."""
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise TrgraphError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def markup(html: str) -> Markup:
    """Mark HTML we built ourselves (every data value already escaped) as safe."""
    return Markup(html)
