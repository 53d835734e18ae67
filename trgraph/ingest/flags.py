"""Which risk flags each sanctions or export-control list carries, declared once as data.

A list is known by its short code, the one the US Consolidated Screening List puts in
brackets in its ``source`` column ("Entity List (EL) - Bureau of Industry and
Security" → ``EL``), or by the code we give the lists we load ourselves (``UK``,
``UN``). Flags come only from what a list says it is: a list of military end users is
``military``; nothing here infers ``state`` or ``security`` from a name.

Also here, because every list loader needs them: the date a list file states in its
own name, and the truncation of long free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType

from trgraph.model import Flag

_S = frozenset({Flag.SANCTION})
_EC = frozenset({Flag.EXPORT_CONTROL})
_MIL_EC = frozenset({Flag.MILITARY, Flag.EXPORT_CONTROL})
_MIL_S = frozenset({Flag.MILITARY, Flag.SANCTION})

#: list code → flags. Treasury (OFAC) lists are sanctions; BIS and State Department
#: lists are export controls (ISN: nonproliferation sanctions under export-control
#: statutes; DTC: ITAR debarment); the MEU and CMIC lists name military end users
#: and Chinese military companies themselves, hence ``military``.
LIST_FLAGS: MappingProxyType[str, frozenset[Flag]] = MappingProxyType({
    "EL": _EC,
    "MEU": _MIL_EC,
    "DPL": _EC,
    "UVL": _EC,
    "ISN": _EC,
    "DTC": _EC,
    "SDN": _S,
    "SSI": _S,
    "FSE": _S,
    "PLC": _S,
    "CAP": _S,
    "NS-MBS": _S,
    "CMIC": _MIL_S,
    "NS-CMIC": _MIL_S,
    "UK": _S,
    "UN": _S,
})

#: OFAC program tags that add flags to an entry whatever list it is on (a CMIC
#: program names Chinese military-industrial complex companies). Matched as a
#: hyphen-delimited part of the tag: ``CMIC-EO13959``, ``NS-CMIC``.
PROGRAM_FLAGS: MappingProxyType[str, frozenset[Flag]] = MappingProxyType({
    "CMIC": frozenset({Flag.MILITARY}),
})

#: Human names of the lists our loaders produce (CSL rows carry their own).
OFAC_SDN_LIST = "Specially Designated Nationals (SDN) - Treasury Department"
UK_SANCTIONS_LIST = "UK Sanctions List (FCDO)"
UN_SC_LIST = "UN Security Council Consolidated List"

LIST_NAMES: MappingProxyType[str, str] = MappingProxyType({
    "SDN": OFAC_SDN_LIST,
    "UK": UK_SANCTIONS_LIST,
    "UN": UN_SC_LIST,
})

_CODE_RE = re.compile(r"\(([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)(?: List)?\)")
_NAME_DATE_RE = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")


def list_code(name: str) -> str | None:
    """The short code of a list name (``… (NS-MBS List) - Treasury Department`` → ``NS-MBS``).

    Accepts a bare code too. None when the name carries no known code.
    """
    text = name.strip()
    if text.upper() in LIST_FLAGS:
        return text.upper()
    for match in _CODE_RE.finditer(text):
        if match.group(1) in LIST_FLAGS:
            return match.group(1)
    for code, full in LIST_NAMES.items():
        if text == full:
            return code
    return None


def flags_for_list(name: str) -> frozenset[Flag]:
    """Flags of a list given its name or code; empty for an unknown list (never guessed)."""
    code = list_code(name)
    return LIST_FLAGS[code] if code else frozenset()


def flags_for_programs(programs: Iterable[str]) -> frozenset[Flag]:
    """Extra flags that OFAC program tags carry (``CMIC-EO13959`` → military)."""
    found: set[Flag] = set()
    for program in programs:
        parts = set(program.strip().upper().replace("_", "-").split("-"))
        for tag, flags in PROGRAM_FLAGS.items():
            if tag in parts:
                found |= flags
    return frozenset(found)


def date_in_name(path: Path) -> str | None:
    """The list date a file or folder states in its own name (``…_2025-08-11.csv``), else None.

    The last ``YYYY-MM-DD`` or ``YYYY-MM`` wins, as in the ROR loader.
    """
    dates = _NAME_DATE_RE.findall(path.name)
    return dates[-1] if dates else None


def truncate(text: str | None, limit: int = 2000) -> str | None:
    """Long free text cut to ``limit`` characters, marked with an ellipsis; None stays None."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
