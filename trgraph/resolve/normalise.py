"""Name normalisation for matching: one name becomes one or more :class:`NameForm`.

The steps, in order: Unicode folding (NFKC, accents, Cyrillic and other scripts to
ASCII via anyascii, Hanzi kept as one token per character plus a pinyin spelling),
case, punctuation (``&`` → and, possessives, dotted initials ``A.B.C.`` → ``abc``),
number words (``forty-four`` → 44, Roman numerals after the first word), common
abbreviations (Univ., Inst., Tech., Acad., Sci. …), British/American spellings and
plurals, stop words, and finally legal forms (ISO 20275, see :mod:`.legal`)
stripped from either end of the name and kept aside.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from trgraph.resolve.legal import han_legal_forms, short_forms, strip_legal_forms

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN_RE = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_POSSESSIVE_RE = re.compile(r"(?<=\w)['’`´]s\b")
_APOSTROPHE_RE = re.compile(r"['’`´‘]")
_NON_WORD_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_FINAL_PAREN_RE = re.compile(r"\(([^()]*)\)\s*$")
#: German and Scandinavian letters as those languages write them without the mark ("Würzburg" /
#: "Wuerzburg", "Århus" / "Aarhus"), where plain folding drops the mark ("Wurzburg", "Arhus").
_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe",
                            "å": "aa", "Å": "Aa"})
_ROMAN_RE = re.compile(r"^(?:x{0,3})(?:ix|iv|v?i{0,3})$")
_ORDINAL_RE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_DOTTED_RE = re.compile(r"(?<![^\W\d_])((?:[^\W\d_]\.){1,}[^\W\d_]\b\.?)")

def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text, as a set (for word lists written as prose)."""
    return frozenset(text.split())


#: Titles of a person ("Dr Li Wei", "Prof. J. Smith"): not part of the name.
TITLES = words("dr prof professor mr mrs ms miss mx sir dame herr frau monsieur madame mme rev")
STOPWORDS = words(
    "the of and for in at on a an to by de del della dei des du la le les l d der die das den dem und y e et di da "
    "do dos zu im degli delle dello"
)

#: Abbreviation → the word it stands for (applied to folded tokens, dots removed).
ABBREVIATIONS: dict[str, str] = {
    "univ": "university", "uni": "university", "universitat": "university", "universitaet": "university",
    "universite": "university", "universidad": "university", "universidade": "university",
    "universita": "university", "universiteit": "university", "technische": "technical",
    "hochschule": "college", "inst": "institute", "instit": "institute", "institut": "institute",
    "instituto": "institute", "istituto": "institute", "tech": "technology", "techn": "technology",
    "technol": "technology", "acad": "academy", "academia": "academy", "akademie": "academy",
    "sci": "science", "scis": "science", "natl": "national", "intl": "international", "corp": "corporation",
    "dept": "department", "lab": "laboratory", "labs": "laboratory", "res": "research", "eng": "engineering",
    "engr": "engineering", "engg": "engineering", "assoc": "association", "assn": "association",
    "govt": "government", "ctr": "center", "cntr": "center", "centre": "center", "centro": "center",
    "zentrum": "center", "medizin": "medicine", "hosp": "hospital", "med": "medical", "coll": "college",
    "sch": "school", "fac": "faculty", "polytech": "polytechnic", "st": "saint", "ste": "saint", "mt": "mount",
    "ft": "fort",
    "aeronaut": "aeronautics", "aeronautical": "aeronautics", "astronaut": "astronautics",
    "astronautical": "astronautics", "mech": "mechanical", "chem": "chemical", "phys": "physics",
    "math": "mathematics", "hlth": "health", "mgmt": "management", "sys": "system", "svcs": "service",
    "bros": "brother", "mfg": "manufacturing", "elec": "electric", "electr": "electronic",
    "organisation": "organization", "organisations": "organization", "labour": "labor",
    "defence": "defense", "programme": "program", "behaviour": "behavior", "theatre": "theater",
    "fdn": "foundation", "soc": "society", "agric": "agriculture", "agricultural": "agriculture",
    "biol": "biology", "biological": "biology", "fakultet": "faculty", "fakulteta": "faculty",
    "fakultat": "faculty", "faculte": "faculty", "facultad": "faculty", "faculdade": "faculty",
}

#: Multi-word expansions of country abbreviations common in organisation names.
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    "us": ("united", "state"),
    "usa": ("united", "state"),
    "uk": ("united", "kingdom"),
    "prc": ("people", "republic", "china"),
}

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_ROMAN = {"i": 1, "v": 5, "x": 10}
_ROMAN_CHARS = frozenset("ivx")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One normalised spelling of a name, ready for scoring and indexing.

    ``tokens`` are the core words (legal forms, stop words removed); ``legal`` the
    legal-form tokens stripped from the ends; ``compact`` all non-stop tokens joined
    (legal forms included) for merged/split spellings; ``acronym`` is set when the
    name is a single acronym-like word; ``initials`` are the first letters of the
    core tokens; ``script`` is ``latin`` or ``han``.
    """

    original: str
    tokens: tuple[str, ...]
    legal: tuple[str, ...] = ()
    compact: str = ""
    acronym: str | None = None
    initials: str = ""
    script: str = "latin"
    organisation: bool = True

    @property
    def core(self) -> str:
        """The core tokens as one string."""
        return " ".join(self.tokens)


def spelling(name: str) -> str:
    """A name as written, folded, without a leading article ("The Open University")."""
    folded = fold(name)
    return folded[4:] if folded.startswith("the ") else folded


def fold(text: str) -> str:
    """Lower-case ASCII (Hanzi kept) with punctuation turned into single spaces."""
    text = unicodedata.normalize("NFKC", text)
    # Dotted initialisms are one word: "A.B.C." → "ABC", "L.L.C." → "LLC", "U.S." → "US".
    text = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", "") + " ", text)
    text = text.replace("&", " and ").replace("+", " and ")
    text = _POSSESSIVE_RE.sub("", text)
    text = _APOSTROPHE_RE.sub("", text)
    if text.isascii():
        return " ".join(_NON_WORD_RE.sub(" ", text.lower()).split())
    parts = []
    for i, part in enumerate(_HAN_RUN_RE.split(text)):
        parts.append(f" {part} " if i % 2 else _APOSTROPHE_RE.sub("", anyascii(part)))
    folded = "".join(parts).lower()
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())


def has_han(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return _HAN_RE.search(text) is not None


def is_acronym(name: str) -> bool:
    """A single word of 2–10 characters with at least two capitals, mostly capitals or starting
    with two (``BUAA``, ``NJTech``, ``UMich``, ``ULiège``)."""
    text = name.strip().strip(".")
    if not text or " " in text or len(text) > 10 or has_han(text):
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if len(letters) < 2 or upper < 2:
        return False
    return upper >= len(letters) - upper or (text[0].isupper() and text[1].isupper())


def tokenize(text: str, *, organisation: bool = True, expand: bool = True) -> list[str]:
    """Folded tokens of ``text`` with initials merged, numbers, abbreviations and plurals normalised;
    ``expand`` spells out country abbreviations (US, UK) in organisation names."""
    raw = fold(text).split()
    out: list[str] = []
    letters: list[str] = []
    for tok in raw:
        # Consecutive single letters are one initialism: "a b c" (from A.B.C.) → "abc".
        if len(tok) == 1 and tok.isalpha() and not _HAN_RE.match(tok):
            letters.append(tok)
            continue
        if letters:
            out.append("".join(letters))
            letters = []
        out.append(tok)
    if letters:
        out.append("".join(letters))
    if not organisation:
        return out
    out = _numbers(out)
    expanded: list[str] = []
    for tok in (part for whole in out for part in _compound(whole)):
        if expand and tok in _EXPANSIONS and len(out) > 1:
            expanded.extend(_EXPANSIONS[tok])
            continue
        expanded.append(_word(tok))
    return expanded


#: A German compound on "Universität", written as one word or two ("Ruhruniversität",
#: "Universitätsmedizin" / "Universitäts medizin").
_COMPOUND_RE = re.compile(r"^(?:([a-z]{3,})(universitat)|(universitats)([a-z]{4,}))$")


def _compound(tok: str) -> tuple[str, ...]:
    """``tok`` cut where it is a name run into "universität", or "universitäts" into a word."""
    found = _COMPOUND_RE.match(tok)
    if found is None:
        return (tok,)
    return tuple(part for part in found.groups() if part)


@lru_cache(maxsize=262144)
def _word(tok: str) -> str:
    tok = ABBREVIATIONS.get(tok, tok)
    return ABBREVIATIONS.get(_singular(tok), _singular(tok))


@lru_cache(maxsize=65536)
def _singular(tok: str) -> str:
    if len(tok) <= 3 or not tok.isalpha():
        return tok
    if tok.endswith("ies") and len(tok) > 4:
        return tok[:-3] + "y"
    if tok.endswith("s") and not tok.endswith(("ss", "us", "is", "os")):
        # Not into a legal form: "Stanford PACS" is a programme's acronym, not a Welsh PAC.
        return tok if len(tok) == 4 and tok[:-1] in short_forms() else tok[:-1]
    return tok


def _numbers(tokens: list[str]) -> list[str]:
    """Number words and Roman numerals (not the first word; "I" only as the last) to digits; ``1st`` → ``1``."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        m = _ORDINAL_RE.match(tok) if tok[0].isdigit() else None
        if m:
            out.append(str(int(m.group(1))))
        elif tok in _TENS:
            value = _TENS[tok]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if nxt in _UNITS and _UNITS[nxt] < 10:
                value += _UNITS[nxt]
                i += 1
            elif nxt.isdigit() and len(nxt) == 1:
                value += int(nxt)
                i += 1
            out.append(str(value))
        elif tok in _UNITS and len(tokens) > 1:
            out.append(str(_UNITS[tok]))
        elif i > 0 and len(tok) <= 4 and _ROMAN_CHARS.issuperset(tok) and _ROMAN_RE.match(tok) and (
            tok != "i" or i == len(tokens) - 1
        ):
            out.append(str(_roman(tok)))
        elif tok.isdigit():
            out.append(str(int(tok)))
        else:
            out.append(tok)
        i += 1
    return out


def _roman(tok: str) -> int:
    total = 0
    for a, b in zip(tok, [*tok[1:], ""], strict=True):
        value = _ROMAN[a]
        total += -value if b and _ROMAN[b] > value else value
    return total


def split_tokens(text: str) -> list[str]:
    """Split folded text into tokens; Chinese runs become character bigrams (哈尔滨工业大学 → 哈尔 尔滨
    滨工 工业 业大 大学): single characters are too common to tell institutions apart."""
    out: list[str] = []
    for tok in text.split():
        if _HAN_RE.search(tok):
            out.extend(tok[i : i + 2] for i in range(max(1, len(tok) - 1)))
        else:
            out.append(tok)
    return out


def name_form(name: str, *, organisation: bool = True) -> NameForm | None:
    """The normalised form of one name, or None when nothing matchable is left."""
    han = has_han(name)
    # A company form written on ("正田醤油株式会社") is a word of its own, so that no character pair
    # straddles the name and the form.
    apart = han_legal_forms().sub(lambda m: f" {m.group(0)} ", name) if han and organisation else name
    tokens = tokenize(apart, organisation=organisation)
    if han:
        tokens = split_tokens(" ".join(tokens))
    if not tokens:
        return None
    script = "han" if han and any(_HAN_RE.match(t) for t in tokens) else "latin"
    acronym = fold(name).replace(" ", "") if organisation and is_acronym(name) else None
    if acronym:
        # An acronym is itself, not an abbreviation to expand ("MT" is not "mount").
        return NameForm(original=name, tokens=(acronym,), compact=acronym, acronym=acronym)
    if organisation:
        core, legal = strip_legal_forms(tokens)
    else:
        core, legal = [t for t in tokens if t not in TITLES] or tokens, []
    kept = [t for t in core if t not in STOPWORDS]
    # "Università degli Studi di Torino" is the Università di Torino: "of studies" names no other body.
    kept = [t for i, t in enumerate(kept) if not (t == "studi" and i > 0 and kept[i - 1] == "university")]
    if sum(len(t) for t in kept) < 4:
        kept = core  # "AT&T" is "at and t", not "t"
    return NameForm(
        original=name,
        tokens=tuple(kept),
        legal=tuple(legal),
        compact="".join(core),
        acronym=acronym,
        initials="".join(t[0] for t in kept if not t.isdigit()) if len(kept) >= 2 and script == "latin" else "",
        script=script,
        organisation=organisation,
    )


def pinyin_form(name: str) -> NameForm | None:
    """The pinyin spelling of a Chinese name as a Latin form (syllables joined per run)."""
    if not has_han(name):
        return None
    from pypinyin import lazy_pinyin

    # Without its company form: two companies' "zhushihuishe" (株式会社) is no likeness.
    joined = fold(" ".join(lazy_pinyin(han_legal_forms().sub(" ", name)))).replace(" ", "")
    if not joined:
        return None
    return NameForm(original=name, tokens=(joined,), compact=joined, script="pinyin")


@lru_cache(maxsize=262144)
def name_forms(name: str, *, organisation: bool = True) -> tuple[NameForm, ...]:
    """Every form of one name: itself, its umlauts spelt out ("Wuerzburg"), its bracketed acronym
    and the name without it, and for Chinese names a pinyin spelling (cached: the same names
    recur across lists)."""
    out: list[NameForm] = []
    seen: set[tuple[tuple[str, ...], str | None]] = set()

    def add(form: NameForm | None) -> None:
        if form is not None and (form.tokens, form.acronym) not in seen:
            seen.add((form.tokens, form.acronym))
            out.append(form)

    first = name_form(name, organisation=organisation)
    add(first)
    spelt = name.translate(_SPELT_OUT)
    if spelt != name:
        add(name_form(spelt, organisation=organisation))
    if organisation:
        acronym = _final_acronym(name)
        if acronym is not None:
            rest = name_form(_PAREN_RE.sub(" ", name))
            if rest is not None and _abbreviates(acronym.lower(), rest):
                add(name_form(acronym))
                add(rest)
        add(pinyin_form(name))
    return tuple(out)


def final_bracket(name: str) -> str | None:
    """The text in brackets at the end of a name ("Sciex (Canada)" → "Canada"), else None."""
    m = _FINAL_PAREN_RE.search(name)
    return m.group(1).strip() if m is not None else None


def without_final_bracket(name: str) -> str:
    """A name without the bracket it ends in ("Sciex (Canada)" → "Sciex"); unchanged without one."""
    m = _FINAL_PAREN_RE.search(name)
    return name[: m.start()].rstrip() if m is not None else name


def _final_acronym(name: str) -> str | None:
    """The acronym in brackets at the end of a name ("… Astronautics (BUAA)"), else None."""
    inner = final_bracket(name)
    return inner if inner is not None and len(inner) >= 3 and inner.isalnum() and is_acronym(inner) else None


def _abbreviates(acronym: str, form: NameForm) -> bool:
    """The acronym's letters are, in order, initials of the name's words (stop words allowed):
    BUAA ~ Beijing University of Aeronautics and Astronautics, NUDT ~ National University of
    Defense Technology; "(CSSC) 714th Research Institute" names the parent, not the institute."""
    initials = [t[0] for t in fold(form.original).split() if t]
    if not initials or initials[0] != acronym[0]:
        return False
    pos = 0
    for letter in acronym:
        while pos < len(initials) and initials[pos] != letter:
            pos += 1
        if pos == len(initials):
            return False
        pos += 1
    return True


_COUNTRY_EXTRA = {
    "uk": "GB", "u k": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "usa": "US", "us": "US", "u s a": "US", "united states of america": "US",
    "pr china": "CN", "p r china": "CN", "peoples republic of china": "CN", "prc": "CN", "korea": "KR",
    "south korea": "KR", "republic of korea": "KR", "north korea": "KP", "russia": "RU", "iran": "IR",
    "taiwan": "TW", "vietnam": "VN", "czech republic": "CZ", "turkey": "TR", "syria": "SY", "laos": "LA",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "the netherlands": "NL",
}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                table.setdefault(fold(str(value)), code)
        table.setdefault(str(country.alpha_3).lower(), code)
    table.update(_COUNTRY_EXTRA)
    return table


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country name or alpha-3 code, exact after folding, else None
    (two-letter codes are not accepted: in addresses they are as often states or provinces)."""
    return _countries().get(fold(text))
