"""Resolution: match register partners, funders and people to registry and list entities.

``normalise`` turns names into comparable forms (legal forms, abbreviations, scripts);
``index`` blocks candidates so screening is not all-pairs; ``score`` compares two names
with explicit, explained features; ``screen`` runs it over a store and writes
``same_as`` / ``possibly_same_as`` links; ``ledger`` records analyst decisions.
"""

from trgraph.resolve.affiliation import match_affiliation
from trgraph.resolve.align import TokenWeights
from trgraph.resolve.index import CandidateIndex, Hit, Query
from trgraph.resolve.ledger import DecideResult, current_matches, decide, effective_decisions, list_matches
from trgraph.resolve.normalise import NameForm, fold, name_forms
from trgraph.resolve.score import NameScore, score_forms, score_names
from trgraph.resolve.screen import (
    AUTO,
    CONFIRMED,
    PENDING,
    REJECTED,
    STATUSES,
    Match,
    ScreenConfig,
    ScreenResult,
    evidence_hash,
    match_id,
    screen,
)

__all__ = [
    "AUTO",
    "CONFIRMED",
    "PENDING",
    "REJECTED",
    "STATUSES",
    "CandidateIndex",
    "DecideResult",
    "Hit",
    "Match",
    "NameForm",
    "NameScore",
    "Query",
    "ScreenConfig",
    "ScreenResult",
    "TokenWeights",
    "current_matches",
    "decide",
    "effective_decisions",
    "evidence_hash",
    "fold",
    "list_matches",
    "match_affiliation",
    "match_id",
    "name_forms",
    "score_forms",
    "score_names",
    "screen",
]
