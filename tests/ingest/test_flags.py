"""The list → flags table and its helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from trgraph.ingest.flags import (
    LIST_FLAGS,
    OFAC_SDN_LIST,
    UK_SANCTIONS_LIST,
    UN_SC_LIST,
    date_in_name,
    flags_for_list,
    flags_for_programs,
    list_code,
    truncate,
)
from trgraph.model import Flag

S, EC, MIL = Flag.SANCTION, Flag.EXPORT_CONTROL, Flag.MILITARY

# Every list name that occurs in the real CSL files, with the flags the brief asks for.
REAL_CSL_SOURCES = {
    "Entity List (EL) - Bureau of Industry and Security": {EC},
    "Military End User (MEU) List - Bureau of Industry and Security": {MIL, EC},
    "Denied Persons List (DPL) - Bureau of Industry and Security": {EC},
    "Unverified List (UVL) - Bureau of Industry and Security": {EC},
    "Nonproliferation Sanctions (ISN) - State Department": {EC},
    "ITAR Debarred (DTC) - State Department": {EC},
    "Specially Designated Nationals (SDN) - Treasury Department": {S},
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": {S},
    "Foreign Sanctions Evaders (FSE) - Treasury Department": {S},
    "Palestinian Legislative Council List (PLC) - Treasury Department": {S},
    "Capta List (CAP) - Treasury Department": {S},
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": {S},
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": {S, MIL},
}


@pytest.mark.parametrize(("name", "flags"), sorted(REAL_CSL_SOURCES.items()))
def test_csl_sources(name: str, flags: set[Flag]) -> None:
    assert flags_for_list(name) == flags


def test_codes_and_own_lists() -> None:
    assert list_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department") == "NS-MBS"
    assert list_code("meu") == "MEU"
    assert flags_for_list(OFAC_SDN_LIST) == {S}
    assert flags_for_list(UK_SANCTIONS_LIST) == {S}
    assert flags_for_list(UN_SC_LIST) == {S}
    # nothing is guessed for an unknown list, and no list carries state/security
    assert flags_for_list("Some Future List (SFL) - Department of Examples") == frozenset()
    assert list_code("Unknown (XYZ)") is None
    assert not any(f in (Flag.STATE, Flag.SECURITY) for flags in LIST_FLAGS.values() for f in flags)


def test_programs() -> None:
    assert flags_for_programs(["CMIC-EO13959"]) == {MIL}
    assert flags_for_programs(["NS-CMIC", "SDGT"]) == {MIL}
    assert flags_for_programs(["NPWMD", "IFSR", "ICMICX"]) == frozenset()


def test_date_in_name_and_truncate() -> None:
    assert date_in_name(Path("uk_sanctions_list_fcdo_summary_2025-08-11.csv")) == "2025-08-11"
    assert date_in_name(Path("ofac_sdn_2023-01")) == "2023-01"
    assert date_in_name(Path("sdn.csv")) is None
    assert date_in_name(Path("list_20250811.csv")) is None
    assert truncate("abc", 5) == "abc"
    assert truncate("abcdefgh", 5) == "abcd…"
    assert truncate(None) is None
