"""A realistic synthetic FollowTheMoney JSON-lines file for the ingest benchmark.

Companies, organisations, public bodies and people with multi-word names built from
word lists (about one in six in Chinese, Cyrillic or Arabic script), countries,
topics (a few per cent ``sanction``, ``mil``, ``gov.soe``, ``export.control``…), and
relationships between them: Ownership (percentages in the shapes real registers use,
dates, some ended), Directorship, Employment, Family and Membership. About 1 % of
relationship ends name an entity that is not in the file (as in an OpenSanctions
extract), and a Sanction record follows (or precedes, or comes at the very end after)
one sanctioned entity in three. The output is deterministic for a given seed.

    python benchmarks/synth_ftm.py --entities 1000000 --relationships 2000000 --out build/synth.ftm.json
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

_PLACES = (
    "Northern", "Baltic", "Eastern", "Pacific", "Atlantic", "Central", "Western", "Southern", "Alpine", "Nordic",
    "Caspian", "Danube", "Ural", "Siberian", "Orient", "Meridian", "Coastal", "Highland", "Golden", "Silver",
    "Imperial", "Royal", "United", "Global", "Continental", "Metropolitan", "Harbour", "Riverside", "Summit", "Delta",
)
_CORES = (
    "Falcon", "Aurora", "Granite", "Vector", "Horizon", "Phoenix", "Titan", "Orion", "Polar", "Zenith", "Crescent",
    "Sterling", "Beacon", "Cobalt", "Quantum", "Nova", "Atlas", "Helix", "Keystone", "Lynx", "Magnet", "Nimbus",
    "Onyx", "Pinnacle", "Radiant", "Sapphire", "Tundra", "Vanguard", "Willow", "Cedar", "Ember", "Frontier",
)
_TRADES = (
    "Aerospace", "Electronics", "Shipbuilding", "Optics", "Materials", "Logistics", "Trading", "Engineering",
    "Instruments", "Energy", "Microsystems", "Robotics", "Semiconductor", "Chemical", "Machinery", "Telecom",
    "Navigation", "Software", "Biotech", "Precision", "Defence Systems", "Metallurgy", "Nuclear", "Photonics",
)
_FORMS = {
    "GB": ("Ltd", "PLC", "Holdings Ltd"), "US": ("Inc.", "LLC", "Corp."), "RU": ("LLC", "JSC", "OOO"),
    "CN": ("Co., Ltd.", "Group Co., Ltd.", "Technology Co., Ltd."), "DE": ("GmbH", "AG"), "FR": ("SA", "SAS"),
    "IR": ("Co.", "Company"), "AE": ("FZE", "LLC"), "HK": ("Limited", "Holdings Limited"), "BY": ("OJSC", "LLC"),
    "KP": ("Corporation", "Trading Company"), "TR": ("A.Ş.", "Ltd. Şti."), "IN": ("Pvt Ltd", "Ltd"),
    "SG": ("Pte Ltd",), "NL": ("B.V.", "N.V."),
}
_COUNTRIES = tuple(_FORMS)
_COUNTRY_WEIGHTS = (8, 8, 14, 16, 5, 4, 5, 5, 5, 3, 2, 4, 5, 4, 3)
_ORG_WORDS = ("Institute", "Academy", "Research Centre", "Association", "Foundation", "Laboratory", "Bureau")
_GOV_WORDS = ("Ministry of", "State Committee for", "Federal Agency for", "Administration of", "Department of")
_GOV_AREAS = ("Defence Industry", "Science and Technology", "Energy", "Communications", "Aviation", "Security")

_ZH_CITIES = ("北京", "上海", "深圳", "西安", "成都", "哈尔滨", "南京", "武汉", "天津", "长沙")
_ZH_CORES = ("华信", "中科", "航天", "星光", "远航", "精工", "东方", "长城", "天宇", "海纳", "卓越", "博创")
_ZH_TRADES = ("科技", "电子", "航空", "材料", "光电", "机械", "信息", "能源", "贸易", "仪器")
_ZH_FORMS = ("有限公司", "股份有限公司", "集团有限公司", "研究所")
_RU_CORES = ("Северный Ветер", "Альфа", "Восток", "Гранит", "Звезда", "Орион", "Сокол", "Урал", "Вектор", "Титан")
_RU_FORMS = ("ООО «{}»", "АО «{}»", "ПАО «{}»", "НПО «{}»")
_AR_CORES = ("النور", "الأفق", "الصقر", "الخليج", "الرافدين", "الفجر", "السلام", "الهلال")
_AR_FORMS = ("شركة {} للتجارة", "مؤسسة {} الهندسية", "شركة {} للإلكترونيات")

_FIRST = (
    "James", "Maria", "Alexander", "Elena", "Wei", "Li", "Mohammad", "Fatima", "Ivan", "Olga", "John", "Anna",
    "Sergei", "Natalia", "Ahmed", "Layla", "Peter", "Sofia", "Dmitry", "Irina", "Chen", "Yan", "Omar", "Sara",
    "Viktor", "Tatiana", "Hassan", "Mina", "Andrei", "Ekaterina", "Thomas", "Claire", "Hyun", "Jin", "Ali", "Zahra",
)
_LAST = (
    "Smith", "Ivanov", "Zhang", "Wang", "Hosseini", "Petrov", "Kuznetsov", "Müller", "Dubois", "Kim", "Park",
    "Sokolov", "Liu", "Chen", "Rahimi", "Novak", "O'Brien", "García", "Rossi", "Kowalski", "Popescu", "Haddad",
    "Volkov", "Morozov", "Li", "Huang", "Karimi", "Schmidt", "Nguyen", "Yilmaz", "Lebedev", "Zhao", "Sato",
)
_ZH_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")
_ZH_GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超")
_RU_FIRST = ("Александр", "Мария", "Сергей", "Елена", "Дмитрий", "Ольга", "Андрей", "Наталья", "Виктор")
_RU_LAST = ("Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
_AR_FIRST = ("محمد", "أحمد", "علي", "حسن", "فاطمة", "زينب", "عمر", "خالد")
_AR_LAST = ("الحسيني", "العلي", "الرشيد", "الخطيب", "النجار", "الحداد")

_ORG_TOPICS = (("sanction", 0.03), ("mil", 0.012), ("gov.soe", 0.015), ("export.control", 0.006),
               ("sanction.linked", 0.01), ("debarment", 0.005), ("poi", 0.01))
_PERSON_TOPICS = (("sanction", 0.02), ("role.pep", 0.02), ("poi", 0.01), ("crime", 0.003))
_AUTHORITIES = (
    ("Office of Foreign Assets Control", "RUSSIA-EO14024", "us"), ("Council of the European Union", "EU-UKR", "eu"),
    ("Foreign, Commonwealth & Development Office", "The Russia (Sanctions) (EU Exit) Regulations 2019", "gb"),
    ("US Department of Defense", "Section 1260H (Chinese military companies)", "us"),
    ("Entity List (EL) - Bureau of Industry and Security", "Entity List (EL) - Bureau of Industry and Security", "us"),
)
_REL_SCHEMATA = ("Ownership", "Directorship", "Employment", "Family", "Membership")
_REL_CUMULATIVE = (45, 70, 85, 95, 100)
_REL_TOTAL = 100
_FAMILY = ("Spouse", "Child", "Sibling", "Parent", "Family member of")
_ROLES = ("Director", "General Director", "Board member", "Chairman", "Secretary", "CEO")
_POSITIONS = ("Engineer", "Researcher", "Chief Scientist", "Manager", "Analyst", "Professor")
_OUTSIDE = 0.01  # share of relationship ends naming an entity missing from the file


def _ftm_id(n: int, prefix: str = "NK-") -> str:
    # Mixed so that ids look like OpenSanctions' hashed ids and do not sort by creation order.
    return f"{prefix}{(n * _MIX + 0x632BE59BD9B4E019) % _ID_SPACE:024x}"


_MIX = 0x9E3779B97F4A7C15F39CC0605CEDC835
_ID_SPACE = 2**96
#: Every date from 1940 to 2026 (days 1-28), so that picking a date is one random draw.
_DATES = tuple(f"{y}-{m:02d}-{d:02d}" for y in range(1940, 2027) for m in range(1, 13) for d in range(1, 29))
_PER_YEAR = 12 * 28


def _date(rng: random.Random, start: int = 1992, end: int = 2025) -> str:
    lo, hi = (start - 1940) * _PER_YEAR, (end - 1940 + 1) * _PER_YEAR
    return _DATES[lo + int(rng.random() * (hi - lo))]


def _choice(rng: random.Random, seq: Sequence[T]) -> T:
    # random.choice goes through _randbelow; one float draw is three times faster.
    return seq[int(rng.random() * len(seq))]


class _Names:
    """Name makers, one per script, picked at fixed rates."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def company(self, country: str) -> tuple[str, list[str]]:
        rng = self.rng
        core, trade = _choice(rng, _CORES), _choice(rng, _TRADES)
        latin = f"{_choice(rng, _PLACES)} {core} {trade} {_choice(rng, _FORMS[country])}"
        roll = rng.random()
        if country == "CN" and roll < 0.6:
            parts = (_ZH_CITIES, _ZH_CORES, _ZH_TRADES, _ZH_FORMS)
            return "".join(_choice(rng, p) for p in parts), [latin]
        if country in ("RU", "BY") and roll < 0.5:
            return _choice(rng, _RU_FORMS).format(_choice(rng, _RU_CORES)), [latin]
        if country in ("IR", "AE") and roll < 0.4:
            return _choice(rng, _AR_FORMS).format(_choice(rng, _AR_CORES)), [latin]
        aliases = [f"{core} {trade}"] if roll < 0.3 else []
        return latin, aliases

    def organisation(self) -> str:
        rng = self.rng
        return f"{_choice(rng, _PLACES)} {_choice(rng, _TRADES)} {_choice(rng, _ORG_WORDS)}"

    def public_body(self) -> str:
        return f"{_choice(self.rng, _GOV_WORDS)} {_choice(self.rng, _GOV_AREAS)}"

    def person(self, country: str) -> tuple[str, list[str]]:
        rng = self.rng
        latin = f"{_choice(rng, _FIRST)} {_choice(rng, _LAST)}"
        roll = rng.random()
        if country == "CN" and roll < 0.5:
            return _choice(rng, _ZH_SURNAMES) + _choice(rng, _ZH_GIVEN) + _choice(rng, _ZH_GIVEN), [latin]
        if country in ("RU", "BY") and roll < 0.5:
            return f"{_choice(rng, _RU_FIRST)} {_choice(rng, _RU_LAST)}", [latin]
        if country in ("IR", "AE") and roll < 0.5:
            return f"{_choice(rng, _AR_FIRST)} {_choice(rng, _AR_LAST)}", [latin]
        return latin, []


def _topics(rng: random.Random, table: tuple[tuple[str, float], ...]) -> list[str]:
    return [t for t, p in table if rng.random() < p]


class _Writer:
    """Buffered JSON-lines output."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.buf: list[bytes] = []
        self.lines = 0

    def put(self, record: dict[str, Any]) -> None:
        self.buf.append(orjson.dumps(record))
        self.lines += 1
        if len(self.buf) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.fh.write(b"\n".join(self.buf) + b"\n")
            self.buf = []


def generate(path: Path, entities: int = 1_000_000, relationships: int = 2_000_000, seed: int = 7) -> None:
    """Write ``entities`` Thing records and ``relationships`` relationship records (plus Sanctions) to ``path``."""
    if entities < 2 and relationships > 0:
        raise ValueError("relationships need at least two entities")
    rng = random.Random(seed)
    names = _Names(rng)
    ids = [_ftm_id(i) for i in range(entities)]
    # Kinds are drawn first so that relationship ends can be picked by kind.
    kinds = rng.choices(("Company", "Organization", "PublicBody", "Person"), weights=(48, 9, 1, 42), k=entities)
    people = [i for i, k in enumerate(kinds) if k == "Person"] or [0]
    orgs = [i for i, k in enumerate(kinds) if k != "Person"] or [0]
    countries = rng.choices(_COUNTRIES, weights=_COUNTRY_WEIGHTS, k=entities)
    per_entity = relationships / max(entities, 1)
    late: list[dict[str, Any]] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with path.open("wb") as fh:
        out = _Writer(fh)
        for i in range(entities):
            record, sanctioned = _entity(rng, names, ids[i], kinds[i], countries[i])
            sanction = _sanction(rng, ids[i]) if sanctioned and rng.random() < 1 / 3 else None
            where = rng.random()
            if sanction and where < 0.3:
                out.put(sanction)  # before its entity
            out.put(record)
            if sanction and where >= 0.3:
                (late.append if where > 0.9 else out.put)(sanction)
            due = int((i + 1) * per_entity) - written
            for _ in range(due if i < entities - 1 else relationships - written):
                out.put(_relationship(rng, written, ids, people, orgs))
                written += 1
        for sanction in late:
            out.put(sanction)
        out.flush()


def _entity(rng: random.Random, names: _Names, fid: str, schema: str, country: str) -> tuple[dict[str, Any], bool]:
    props: dict[str, list[str]] = {"country": [country.lower()]}
    if schema == "Person":
        name, aliases = names.person(country)
        props["birthDate"] = [_date(rng, 1940, 2000)]
        props["nationality"] = [country.lower()]
        topics = _topics(rng, _PERSON_TOPICS)
    else:
        if schema == "Company":
            name, aliases = names.company(country)
            props["registrationNumber"] = [str(10**9 + int(rng.random() * 9 * 10**9))]
            props["incorporationDate"] = [_date(rng, 1950, 2024)]
        else:
            name, aliases = (names.public_body() if schema == "PublicBody" else names.organisation()), []
        topics = _topics(rng, _ORG_TOPICS)
    props["name"] = [name]
    if aliases:
        props["alias"] = aliases
    if topics:
        props["topics"] = topics
    seen = _date(rng, 2019, 2025)
    record = {"id": fid, "schema": schema, "caption": name, "properties": props, "datasets": ["synthetic"],
              "referents": [], "target": "sanction" in topics, "first_seen": f"{seen}T08:00:00",
              "last_seen": "2026-05-01T08:00:00", "last_change": f"{seen}T08:00:00"}
    return record, "sanction" in topics


def _sanction(rng: random.Random, fid: str) -> dict[str, Any]:
    authority, program, country = _choice(rng, _AUTHORITIES)
    return {"id": f"{fid}-sanction", "schema": "Sanction", "datasets": ["synthetic"],
            "properties": {"entity": [fid], "authority": [authority], "program": [program], "country": [country],
                           "listingDate": [_date(rng, 2014, 2025)], "sourceUrl": ["https://example.org/list"]}}


def _pick(rng: random.Random, pool: list[int], ids: list[str]) -> str:
    if rng.random() < _OUTSIDE:
        return _ftm_id(10**9 + int(rng.random() * 10**9), prefix="NK-x")
    return ids[pool[int(rng.random() * len(pool))]]


def _percentage(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.55:
        return str(_choice(rng, (100, 51, 50, 49, 25, 75, 10, 5, 1, 33, 20)))
    if roll < 0.75:
        return f"{rng.uniform(0.1, 99.9):.2f}"
    if roll < 0.85:
        return f"{_choice(rng, (5, 10, 25, 50))}%"
    if roll < 0.92:
        return _choice(rng, ("25-50%", "50-75%", "more than 25% but not more than 50%", "75-100%"))
    return None


_REL_KEYS = {"Ownership": ("asset", "owner"), "Directorship": ("director", "organization"),
             "Employment": ("employee", "employer"), "Family": ("person", "relative"),
             "Membership": ("member", "organization")}


def _relationship(rng: random.Random, n: int, ids: list[str], people: list[int], orgs: list[int]) -> dict[str, Any]:
    roll, schema = rng.random() * _REL_TOTAL, _REL_SCHEMATA[-1]
    for name, upto in zip(_REL_SCHEMATA, _REL_CUMULATIVE, strict=True):
        if roll < upto:
            schema = name
            break
    props: dict[str, list[str]] = {}
    if schema == "Ownership":
        pools = (orgs, people if rng.random() < 0.4 else orgs)
        _put(props, "percentage", _percentage(rng))
    elif schema == "Directorship":
        pools = (people, orgs)
        props["role"] = [_choice(rng, _ROLES)]
    elif schema == "Employment":
        pools = (people, orgs)
        props["role"] = [_choice(rng, _POSITIONS)]
    elif schema == "Family":
        pools = (people, people)
        props["relationship"] = [_choice(rng, _FAMILY)]
    else:
        pools = (people if rng.random() < 0.5 else orgs, orgs)
    first = _pick(rng, pools[0], ids)
    for _ in range(8):
        second = _pick(rng, pools[1], ids)
        if second != first:
            break
    keys = _REL_KEYS[schema]
    props[keys[0]], props[keys[1]] = [first], [second]
    if schema != "Family":
        props["startDate"] = [_date(rng)]
        if rng.random() < 0.3:
            props["endDate"] = [_date(rng, 2015, 2026)]
    return {"id": f"rel-{schema.lower()}-{n:08d}", "schema": schema, "properties": props, "datasets": ["synthetic"]}


def _put(props: dict[str, list[str]], key: str, value: str | None) -> None:
    if value is not None:
        props[key] = [value]


def main() -> None:
    """Command line: write a synthetic file and say what and how fast."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--relationships", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("build/bench/synth.ftm.json"))
    args = parser.parse_args()
    start = time.perf_counter()
    generate(args.out, entities=args.entities, relationships=args.relationships, seed=args.seed)
    secs = time.perf_counter() - start
    with args.out.open("rb") as fh:  # counted after the clock stopped
        lines = sum(1 for _ in fh)
    print(
        f"wrote {args.out}: {args.entities:,} entities, {args.relationships:,} relationships, "
        f"{lines - args.entities - args.relationships:,} sanctions ({lines:,} lines, "
        f"{args.out.stat().st_size / 2**20:,.0f} MiB) in {secs:.1f} s"
    )


if __name__ == "__main__":
    main()
