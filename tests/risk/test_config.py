"""The risk configuration: documented defaults, user overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from trgraph.errors import ConfigError
from trgraph.model import Flag, LinkKind, Tier
from trgraph.queries.ownership import Regime
from trgraph.risk.config import default_text, load_config


def test_defaults_cover_every_flag_link_kind_tier_and_regime() -> None:
    c = load_config()
    assert set(c.weights.flag) == set(Flag) and set(c.weights.link) == set(LinkKind)
    assert set(c.tiers) == {Tier.VERY_HIGH, Tier.HIGH, Tier.MEDIUM, Tier.LOW} and set(c.ownership) == set(Regime)
    assert c.source == "defaults" and c.max_hops == 4 and c.combine == "noisy_or"
    for line in default_text().splitlines():  # every setting is documented by a comment or its section's
        assert len(line) <= 120


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[flag_weights]\nstate = 0.2\n[country.multipliers]\nIN = 1.1\n[sensitivity.multipliers]\n'
                    '"Quantum Sensing" = 1.3\n[aspi.category_weights]\n"Seven Sons of National Defence" = 1.0\n')
    c = load_config(user)
    d = load_config()
    assert c.weights.flag[Flag.STATE] == 0.2 and c.weights.flag[Flag.SANCTION] == d.weights.flag[Flag.SANCTION]
    assert c.countries["IN"] == 1.1 and c.countries["CN"] == d.countries["CN"]
    assert c.sensitivity["quantum_sensing"] == 1.3
    assert c.weights.aspi["seven_sons_of_national_defence"] == 1.0
    assert c.source == str(user) and c.digest != d.digest


def test_the_environment_variable_names_a_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "env.toml"
    user.write_text("[search]\nmax_hops = 2\n")
    monkeypatch.setenv("TRGRAPH_RISK_CONFIG", str(user))
    assert load_config().max_hops == 2


@pytest.mark.parametrize(("text", "message"), [
    ("[flag_weights]\nsanctoin = 1.0\n", "unknown setting 'flag_weights.sanctoin'"),
    ("[nonsense]\nx = 1\n", "unknown setting 'nonsense'"),
    ("[flag_weights]\nsanction = 1.5\n", "flag_weights.sanction must be between 0.0 and 1.0"),
    ("[link_weights]\npart_of = 'high'\n", "link_weights.part_of must be a number"),
    ("[tiers]\nhigh = 0.9\n", "very_high >= high"),
    ("[combine]\nmethod = 'mean'\n", "combine.method must be one of"),
    ("[search]\nmax_hops = 20\n", "at most 8"),
    ("[propagation]\nhub_min_in_degree = 0\n", "at least 1"),
    ("flag_weights = 3\n", "must be a table"),
    ("[search\n", "not valid TOML"),
])
def test_bad_files_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    user = tmp_path / "bad.toml"
    user.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(user)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_tiers_from_thresholds() -> None:
    c = load_config()
    assert [c.tier(s).value for s in (0.0, 1e-9, 0.35, 0.6, 0.79, 0.8, 1.0)] == [
        "none", "low", "medium", "high", "high", "very_high", "very_high"]
