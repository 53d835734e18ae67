"""Risk: configuration, per-partner scores and tiers, cumulative exposure, monitoring.

Judges what :mod:`trgraph.queries` finds, with the weights of one configuration
(``default.toml``, overridable by the user).
"""

from trgraph.risk.changes import ChangeReport, monitor, record_snapshot, snapshot_history
from trgraph.risk.config import RiskConfig, load_config
from trgraph.risk.exposure import Exposure, compute_exposure
from trgraph.risk.score import PartnerRisk, Portfolio, score_partner, score_portfolio
from trgraph.risk.tiers import tier_for

__all__ = [
    "ChangeReport",
    "Exposure",
    "PartnerRisk",
    "Portfolio",
    "RiskConfig",
    "compute_exposure",
    "load_config",
    "monitor",
    "record_snapshot",
    "score_partner",
    "score_portfolio",
    "snapshot_history",
    "tier_for",
]
