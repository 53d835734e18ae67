"""NPSA-style due-diligence questions, chosen by what a case actually found.

The questions follow the themes of the UK Trusted Research guidance (NPSA/NCSC):
export control, the Academic Technology Approval Scheme (ATAS), the National
Security and Investment Act (NSIA) sectors, data protection, sanctions and
military end use. Each question carries the facts that made it relevant, so the
reader can see why it is asked; a question with no triggering fact is not asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trgraph.model import Entity, EntityKind, Flag, JsonDict

#: The 17 NSIA mandatory-notification sectors, as register tags (sensitivity column).
NSIA_SECTORS: tuple[str, ...] = (
    "advanced_materials",
    "advanced_robotics",
    "artificial_intelligence",
    "civil_nuclear",
    "communications",
    "computing_hardware",
    "critical_suppliers_to_government",
    "cryptographic_authentication",
    "data_infrastructure",
    "defence",
    "energy",
    "military_and_dual_use",
    "quantum_technologies",
    "satellite_and_space_technologies",
    "suppliers_to_the_emergency_services",
    "synthetic_biology",
    "transport",
)
_NSIA_ALIASES = {
    "ai": "artificial_intelligence",
    "quantum": "quantum_technologies",
    "space": "satellite_and_space_technologies",
    "robotics": "advanced_robotics",
    "nuclear": "civil_nuclear",
    "cryptography": "cryptographic_authentication",
}
EXPORT_TAGS = frozenset({"dual_use", "export_controlled", "export_control", "military", "military_and_dual_use"})
PERSONAL_DATA_TAGS = frozenset({"personal_data", "health_data", "patient_data", "special_category_data", "biometric"})
PERSONAL_DATA_AREAS = ("medic", "health", "clinical", "patient", "genom", "biobank", "social")
#: Countries with UK adequacy regulations are not singled out here: the question asks the
#: analyst to confirm the transfer mechanism; we only flag transfers outside the UK.
HOME_COUNTRY = "GB"


@dataclass(frozen=True)
class Question:
    """One checklist question, the theme it belongs to and why it is asked."""

    topic: str
    question: str
    why: tuple[str, ...]

    def to_dict(self) -> JsonDict:
        """Plain-JSON form."""
        return {"topic": self.topic, "question": self.question, "why": list(self.why)}


def checklist(
    entity: Entity,
    reached: Iterable[Flag],
    agreements: Sequence[Mapping[str, Any]],
    ownership: Sequence[Mapping[str, Any]] = (),
) -> list[Question]:
    """The questions relevant to one case.

    ``reached`` are the flags the entity carries or reaches by a path; ``agreements``
    are the agreement facts (``sensitivity`` tags, ``research_area``, ``department``);
    ``ownership`` the ownership-rule results.
    """
    flags = set(reached) | set(entity.flags)
    tags = sorted({str(t) for a in agreements for t in a.get("sensitivity") or ()})
    areas = sorted({str(a.get(k)) for a in agreements for k in ("research_area", "department") if a.get(k)})
    foreign = entity.country not in (None, HOME_COUNTRY)
    out: list[Question] = []

    why = [f"a path reaches an entity flagged {f.value}" for f in (Flag.EXPORT_CONTROL,) if f in flags]
    why += [f"agreement tagged {t}" for t in tags if t in EXPORT_TAGS]
    if why:
        out.append(Question(
            "export_control",
            "Does the work involve goods, software or technology on the UK Strategic Export Control Lists, or "
            "could it be caught by end-use controls? Has the Export Control Joint Unit been consulted and a "
            "licence considered before anything is shared with this partner or the bodies on its paths?",
            tuple(why),
        ))

    sensitive = [t for t in tags if t in EXPORT_TAGS] or [f.value for f in (Flag.MILITARY,) if f in flags]
    if sensitive and (entity.kind is EntityKind.PERSON or foreign):
        who = "the visiting researcher" if entity.kind is EntityKind.PERSON else f"partner in {entity.country}"
        out.append(Question(
            "atas",
            "Will any researcher from outside the UK who needs ATAS work on this project at postgraduate level "
            "or above in a sensitive subject? If so, is a valid ATAS certificate held for this exact project?",
            (f"{who}; sensitive: {', '.join(sensitive)}",),
        ))

    sectors = _nsia(tags)
    blocked = [o for o in ownership if o.get("status") in ("blocked", "indeterminate")]
    why = [f"NSIA sector tagged: {s}" for s in sectors]
    why += [f"ownership under the {o.get('regime')} rule is {o.get('status')}" for o in blocked]
    if why:
        out.append(Question(
            "nsia",
            "Does the collaboration give the partner, or those who own or control it, rights over qualifying "
            "assets (intellectual property, licences, data) or control of an entity active in an NSIA sector? "
            "Should a notification to the Investment Security Unit be considered?",
            tuple(why),
        ))

    why = [f"agreement tagged {t}" for t in tags if t in PERSONAL_DATA_TAGS]
    why += [f"research area or department: {a}" for a in areas if any(k in a.lower() for k in PERSONAL_DATA_AREAS)]
    if why and foreign:
        why.append(f"partner country {entity.country} is outside the UK")
    if [f for f in (Flag.STATE, Flag.SECURITY) if f in flags] and foreign:
        why.append("a path reaches a state or security body")
    if why:
        out.append(Question(
            "data_protection",
            "Will personal data be shared with or accessible to the partner? Is there a lawful basis, a transfer "
            "mechanism (UK adequacy regulations or the IDTA/Addendum) and a transfer risk assessment that "
            "considers access by state bodies in the partner's country?",
            tuple(why),
        ))

    if Flag.SANCTION in flags:
        out.append(Question(
            "sanctions",
            "Would any payment, service or economic resource go, directly or indirectly, to a designated person "
            "or to an entity owned or controlled by one? Check the ownership results above and OFSI guidance; "
            "is a licence needed?",
            ("a path reaches a sanctioned entity",),
        ))

    military = [f.value for f in (Flag.MILITARY, Flag.SECURITY, Flag.DEFENCE_INDUSTRY) if f in flags]
    if military:
        out.append(Question(
            "military_end_use",
            "Could the research contribute to military, security or surveillance end uses by the bodies on the "
            "paths shown? Has the case been escalated under the institution's Trusted Research procedure?",
            tuple(f"a path reaches an entity flagged {m}" for m in military),
        ))
    return out


def _nsia(tags: Iterable[str]) -> list[str]:
    found = []
    for tag in tags:
        sector = _NSIA_ALIASES.get(tag, tag)
        if sector in NSIA_SECTORS and sector not in found:
            found.append(sector)
    return found
