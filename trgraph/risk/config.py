"""The risk configuration: ``default.toml`` (documented defaults) merged with the user's file.

``load_config(path)`` reads the packaged defaults, lays the user's TOML over them key by
key, and validates the result (unknown keys, weights outside [0, 1], thresholds out of
order are :class:`ConfigError`). ``RiskConfig.digest`` identifies the effective
configuration, so stored risk snapshots say which weights produced them.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from trgraph.errors import ConfigError
from trgraph.model import Flag, LinkKind, Tier
from trgraph.queries.ownership import ListedRule, Regime
from trgraph.queries.paths import MAX_HOPS_LIMIT
from trgraph.queries.weights import Weights, norm_category
from trgraph.risk.tiers import tier_for

ENV_VAR = "TRGRAPH_RISK_CONFIG"
COMBINE_METHODS = ("noisy_or", "max")


@dataclass(frozen=True, slots=True)
class RiskConfig:
    """Every number the risk commands use (see ``default.toml`` for what each means)."""

    weights: Weights
    max_hops: int
    top_paths: int
    max_paths: int
    path_cap: int
    show_partners: int
    combine: str
    sensitivity: Mapping[str, float]
    max_multiplier: float
    countries: Mapping[str, float]
    tiers: Mapping[Tier, float]
    ownership: Mapping[Regime, ListedRule]
    source: str
    digest: str

    def tier(self, score: float) -> Tier:
        """The highest tier whose threshold ``score`` reaches (0 is always none)."""
        return tier_for(score, self.tiers)


def default_text() -> str:
    """The packaged ``default.toml``."""
    return (resources.files("trgraph.risk") / "default.toml").read_text(encoding="utf-8")


def load_config(path: str | Path | None = None) -> RiskConfig:
    """Defaults, overlaid with ``path`` (or ``$TRGRAPH_RISK_CONFIG``) when given."""
    data = tomllib.loads(default_text())
    source = "defaults"
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    if chosen is not None:
        user_path = Path(chosen)
        try:
            user = tomllib.loads(user_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"risk configuration {user_path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read risk configuration {user_path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{user_path}: not valid TOML: {exc}") from None
        _merge(data, user, where=str(user_path))
        source = str(user_path)
    return _build(data, source)


# Tables whose keys are open (a user may add tags, countries, categories).
_OPEN = {"sensitivity.multipliers", "country.multipliers", "aspi.category_weights"}


def _merge(base: dict[str, Any], user: Mapping[str, Any], *, where: str, prefix: str = "") -> None:
    for key, value in user.items():
        name = f"{prefix}{key}"
        if key not in base and prefix.rstrip(".") not in _OPEN:
            raise ConfigError(f"{where}: unknown setting {name!r}")
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value, where=where, prefix=f"{name}.")
        elif isinstance(base.get(key), dict):
            raise ConfigError(f"{where}: {name!r} must be a table")
        else:
            base[key] = value


def _number(table: Mapping[str, Any], key: str, where: str, lo: float = 0.0, hi: float | None = 1.0) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}.{key} must be a number, not {value!r}")
    if value < lo or (hi is not None and value > hi):
        bound = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise ConfigError(f"{where}.{key} must be {bound}, not {value}")
    return float(value)


def _int(table: Mapping[str, Any], key: str, where: str, lo: int) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise ConfigError(f"{where}.{key} must be a whole number of at least {lo}, not {value!r}")
    return value


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}.{key} must be a list of strings")
    return tuple(value)


def _build(data: dict[str, Any], source: str) -> RiskConfig:
    search, prop = data["search"], data["propagation"]
    links = {LinkKind(k): _number(data["link_weights"], k, "link_weights") for k in data["link_weights"]}
    flags = {Flag(k): _number(data["flag_weights"], k, "flag_weights") for k in data["flag_weights"]}
    aspi = data["aspi"]
    categories = {
        norm_category(k): _number(aspi["category_weights"], k, "aspi.category_weights")
        for k in aspi["category_weights"]
    }
    weights = Weights(
        link=links,
        flag=flags,
        aspi=categories,
        aspi_datasets=_strings(aspi, "datasets", "aspi"),
        hop_decay=_number(prop, "hop_decay", "propagation"),
        ended_factor=_number(prop, "ended_factor", "propagation"),
        hub_min_in_degree=_int(prop, "hub_min_in_degree", "propagation", 1),
        hub_factor=_number(prop, "hub_factor", "propagation"),
    )
    combine = data["combine"].get("method")
    if combine not in COMBINE_METHODS:
        raise ConfigError(f"combine.method must be one of {', '.join(COMBINE_METHODS)}, not {combine!r}")
    sens = data["sensitivity"]
    multipliers = {
        _tag(k): _number(sens["multipliers"], k, "sensitivity.multipliers", 0.0, None) for k in sens["multipliers"]
    }
    countries = {
        k.upper(): _number(data["country"]["multipliers"], k, "country.multipliers", 0.0, None)
        for k in data["country"]["multipliers"]
    }
    tiers = {Tier(k): _number(data["tiers"], k, "tiers") for k in ("very_high", "high", "medium", "low")}
    order = [tiers[t] for t in (Tier.VERY_HIGH, Tier.HIGH, Tier.MEDIUM, Tier.LOW)]
    if order != sorted(order, reverse=True):
        raise ConfigError("tiers must satisfy very_high >= high >= medium >= low")
    ownership = {
        Regime(name): ListedRule(
            _strings(table, "datasets", f"ownership.{name}"),
            _strings(table, "list_patterns", f"ownership.{name}"),
            _strings(table, "flags", f"ownership.{name}"),
        )
        for name, table in data["ownership"].items()
        if name in {r.value for r in Regime}
    }
    digest = hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()
    max_hops = _int(search, "max_hops", "search", 0)
    if max_hops > MAX_HOPS_LIMIT:
        raise ConfigError(f"search.max_hops must be at most {MAX_HOPS_LIMIT}, not {max_hops}")
    return RiskConfig(
        weights=weights,
        max_hops=max_hops,
        top_paths=_int(search, "top_paths", "search", 0),
        max_paths=_int(search, "max_paths", "search", 1),
        path_cap=_int(search, "path_cap", "search", 1),
        show_partners=_int(search, "show_partners", "search", 0),
        combine=str(combine),
        sensitivity=multipliers,
        max_multiplier=_number(sens, "max_multiplier", "sensitivity", 1.0, None),
        countries=countries,
        tiers=tiers,
        ownership=ownership,
        source=source,
        digest=digest,
    )


def _tag(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")
