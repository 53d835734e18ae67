"""Legal forms (Ltd, GmbH, OÜ, 有限公司 …) from ISO 20275, stripped from the ends of names.

The package ships ``data/legal_forms.tsv`` (form, ELF codes), built from GLEIF's
ISO 20275 Entity Legal Forms code list v1.4.1 (CC0) by :func:`build_legal_forms`,
plus a few common forms the list lacks (older Russian forms, Chinese company forms).
Regenerate with ``python -m trgraph.resolve.legal ELF.csv > trgraph/resolve/data/legal_forms.tsv``.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "legal_forms.tsv"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

_MAX_LEN = 8

#: Forms the ELF list lacks but names carry often (code "x" = not in ISO 20275).
EXTRA_FORMS = (
    "Co", "Company", "Corp", "Corporation", "Incorporated", "Inc", "Ltd", "Limited", "LLC", "L.L.C.",
    "PLC", "p.l.c.", "Public Limited Company", "Co Ltd", "Company Limited", "Limited Liability Company",
    "JSC", "OJSC", "CJSC", "PJSC", "OAO", "ZAO", "PAO", "OOO", "AO", "Joint Stock Company",
    "Open Joint Stock Company", "Closed Joint Stock Company", "Public Joint Stock Company",
    "Pte", "Pte Ltd", "Pvt Ltd", "Private Limited", "LP", "LLP", "SA", "SARL", "S.A.R.L.", "SAS", "NV", "BV",
    "AG", "GmbH", "KG", "SpA", "S.p.A.", "Srl", "S.L.", "AB", "AS", "A/S", "Oy", "Sp. z o.o.", "SE",
    "Societatea cu Raspundere Limitata", "Societate pe Actiuni", "Bhd", "Sdn Bhd", "Tbk", "PT", "N.A.",
    "de C.V.", "S.A. de C.V.",
    "Акционерное общество", "Публичное акционерное общество", "Непубличное акционерное общество",
    "有限公司", "有限责任公司", "有限責任公司", "股份有限公司", "股份公司", "公司", "株式会社",
)

#: Words that make a "legal form" descriptive (ISO 20275 lists e.g. "national bank", "trust
#: company", "ceska narodni banka"): forms containing one are not stripped (normalised tokens).
_DESCRIPTIVE = _words(
    """bank banka banking business foundation fund financial insurance
    fond fonds fondo fundo fondation fundacion fundacja fundacao fundacija fondazione stiftung stichting yayasan
    association asociacion associacao associazione embassy ambassade botschaft ambasciate district canton cantone
    kanton commune comune kommun kunta gemeinde bezirk bund estado kraj ente filial firma chartered cooperative
    cooperativa cooperatie cooperation coop trust trustee trustco church society union mission community institute
    institution partnership syndicate sindicato council agency authority office university college school uczelnia
    charity club verein condominio condominium comunidad congregacion congregation department departement hospital
    hospitalier government ministry ministere organization international internationale national nationale
    narodni narodna statni central centralna centralnyj tsentral center saint science region railroad municipal
    municipalidad municipio metropole confederation confederazione undivided unlimited religious cemetery fraternal
    friendly investment saving loan commercial industrial agriculture agricole state labuan alberta sparkasse
    sparbank sparebank medlemsbank andelsbank ong"""
)
#: Short words that are not stripped when they stand alone (they are ordinary words or numerals).
_SHORT = _words("a i ii et eu ee ed da f cc as e o s so is na up vi per son other zoo ok ca gen pa ms pr ps tr sr")
#: Single-word forms that may also be stripped from the start of a name ("OOO Gazprom", "PT Astra");
#: others only from the end, so that "LG Electronics" keeps its LG.
_PREFIX_FORMS = _words("ooo oao zao pao ao jsc ojsc cjsc pjsc pt tov pat prat srl uab sia")
#: "Company" in Chinese and Japanese (simplified and traditional), which the Han company forms end in.
_HAN_COMPANY = frozenset({"公司", "会社", "會社"})


def build_legal_forms(elf_csv: Path) -> list[tuple[str, str]]:
    """(form, comma-separated ELF codes) from the ISO 20275 CSV, descriptive single words left out."""
    codes: dict[str, set[str]] = {}
    with elf_csv.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("ELF Status ACTV/INAC") != "ACTV":
                continue
            code = row["ELF Code"].strip()
            forms = [
                row.get("Entity Legal Form name Local name", ""),
                row.get("Entity Legal Form name Transliterated name (per ISO 01-140-10)", ""),
            ]
            for column in ("Abbreviations Local language", "Abbreviations transliterated"):
                forms.extend(re.split(r"[;,]", row.get(column) or ""))
            for form in forms:
                form = " ".join(form.split())
                if form and _keep(form):
                    codes.setdefault(form, set()).add(code)
    for form in EXTRA_FORMS:
        codes.setdefault(form, set()).add("x")
    return sorted((form, ",".join(sorted(c))) for form, c in codes.items())


def _keep(form: str) -> bool:
    from trgraph.resolve.normalise import fold

    folded = fold(form)
    return bool(folded) and "(" not in form and len(folded.split()) <= _MAX_LEN


@lru_cache(maxsize=1)
def legal_forms() -> dict[tuple[str, ...], frozenset[str]]:
    """Normalised legal-form token sequences → ELF codes (loaded once from the shipped file)."""
    from trgraph.resolve.normalise import split_tokens, tokenize

    table: dict[tuple[str, ...], set[str]] = {}
    for form, codes in _shipped():
        tokens = tuple(split_tokens(" ".join(tokenize(form, expand=False))))
        extra = "x" in codes.split(",")
        if not tokens or len(tokens) > _MAX_LEN or (not extra and not _usable(tokens)):
            continue
        table.setdefault(tokens, set()).update(codes.split(","))
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def short_forms() -> frozenset[str]:
    """The table's one-word forms of three letters or fewer, folded ("pac", "llc", "sas"): what a
    plural such as "PACS" must not be made singular into."""
    from trgraph.resolve.normalise import fold

    # From the file, not from legal_forms(): its keys are tokenised, which makes words singular.
    folded = (fold(form) for form, _ in _shipped())
    return frozenset(f for f in folded if len(f) <= 3 and " " not in f)


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[str, str], ...]:
    """(form, comma-separated ELF codes) rows of the shipped file."""
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            form, _, codes = line.partition("\t")
            rows.append((form, codes))
    return tuple(rows)


@lru_cache(maxsize=1)
def han_legal_forms() -> re.Pattern[str]:
    """The table's company forms written in Chinese characters (有限公司, 株式会社: forms that end in
    "company", 公司 or 会社), as a pattern that finds one at the start or the end of a run of
    characters, longest first."""
    forms = {
        form[0] + "".join(t[1:] for t in form[1:])
        for form in legal_forms()
        if all(len(t) == 2 and not t.isascii() for t in form) and form[-1] in _HAN_COMPANY
    }
    alternatives = "|".join(sorted(forms, key=lambda f: (-len(f), f)))
    return re.compile(f"^(?:{alternatives})(?=.)|(?<=.)(?:{alternatives})$")


def _usable(tokens: tuple[str, ...]) -> bool:
    if len(tokens) == 1 and (len(tokens[0]) == 1 or tokens[0] in _SHORT):
        return False
    return not any(t in _DESCRIPTIVE for t in tokens)


def strip_legal_forms(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split ``tokens`` into the core name and the legal forms found at either end.

    Forms are peeled repeatedly (``Co., Ltd.``), longest first, and never take the last
    remaining core word.
    """
    core, legal = _strip(tokens)
    if not legal and len(core) > 1:
        fixed = _near_form(core[-1])
        if fixed is not None:
            # A misspelt or cut-off legal form ("Aktiengeselschaft", "Compan") counts only
            # when the corrected word really is stripped as (the end of) a legal form.
            retry_core, retry_legal = _strip([*core[:-1], fixed])
            if retry_legal and retry_legal[-1] == fixed:
                return retry_core, retry_legal
    return core, legal


@lru_cache(maxsize=1)
def _edges() -> tuple[frozenset[str], frozenset[str]]:
    """Words that end a legal form, and words that may start one at the front of a name."""
    table = legal_forms()
    ends = frozenset(form[-1] for form in table)
    starts = frozenset(form[0] for form in table if len(form) > 1 or form[0] in _PREFIX_FORMS)
    return ends, starts


def _strip(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    table = legal_forms()
    ends, starts = _edges()
    core = list(tokens)
    legal: list[str] = []
    changed = True
    while changed and len(core) > 1:
        changed = False
        if core[-1] not in ends and core[0] not in starts:
            break
        for k in range(min(_MAX_LEN, len(core) - 1), 0, -1):
            if tuple(core[-k:]) in table:
                legal[:0] = core[-k:]
                del core[-k:]
                changed = True
                break
            if tuple(core[:k]) in table and (k > 1 or core[0] in _PREFIX_FORMS):
                legal.extend(core[:k])
                del core[:k]
                changed = True
                break
    return core, legal


@lru_cache(maxsize=1)
def _near_words() -> dict[str, str]:
    """Legal-form words of 6+ letters keyed by themselves, their one-letter deletions and their
    truncations by 1–2 letters (the shortest word wins)."""
    words = sorted({t for form in legal_forms() for t in form if len(t) >= 6 and t.isalpha()}, key=len)
    keys: dict[str, str] = {}
    for word in words:
        for cut in (1, 2):
            if len(word) - cut >= 6:
                keys.setdefault(word[:-cut], word)
        if len(word) >= 8:
            for i in range(len(word)):
                keys.setdefault(word[:i] + word[i + 1 :], word)
    return keys


@lru_cache(maxsize=65536)
def _near_form(token: str) -> str | None:
    """A legal-form word the last token misspells by one letter or truncates ("Aktiengeselschaft",
    "Compan"), else None."""
    if len(token) < 6 or not token.isalpha():
        return None
    keys = _near_words()
    if token in keys:
        return keys[token]
    if len(token) < 8:
        return None
    from rapidfuzz.distance import OSA

    for i in range(len(token)):
        found = keys.get(token[:i] + token[i + 1 :])
        if found is not None and OSA.distance(token, found) <= 1:
            return found
    return None


def legal_codes(legal: Iterable[str]) -> frozenset[str]:
    """ELF codes of a stripped legal-form token run (empty when unknown)."""
    table = legal_forms()
    tokens = tuple(legal)
    codes: set[str] = set()
    i = 0
    while i < len(tokens):
        for k in range(min(_MAX_LEN, len(tokens) - i), 0, -1):
            found = table.get(tokens[i : i + k])
            if found is not None:
                codes.update(found)
                i += k
                break
        else:
            i += 1
    return frozenset(codes)


def main(argv: Sequence[str]) -> int:
    """Print the legal-form table built from an ISO 20275 CSV."""
    if len(argv) != 1:
        print("usage: python -m trgraph.resolve.legal ISO20275.csv > legal_forms.tsv", file=sys.stderr)
        return 2
    print("# ISO 20275 Entity Legal Forms v1.4.1 (GLEIF, CC0) + common forms (code x); built by trgraph.resolve.legal")
    for form, codes in build_legal_forms(Path(argv[0])):
        print(f"{form}\t{codes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
