"""Make the demo's small real-data extracts from ../shared/data (run once; output is committed).

Every record is copied verbatim from the public source files; see
trgraph/demo/data/ATTRIBUTION.md for provenance and licences.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "trgraph" / "demo" / "data"

ROR_IDS = [
    "00wk2mp56", "03smwa682", "01yqg2h08", "01y0j0j86", "01rxvg760", "01scyh794", "00xp9wg62", "013q1eq08",
    "052gg0110", "041kmwe10", "013meh722", "05a28rw58", "01hhn8329", "04fq9j139", "00a2xv884", "0220qvk04",
    "03cve4549", "01vceef04", "02v51f717", "04ttadj76", "017r4dj03", "0009eea46", "015m77g16", "03zxdkx17",
    "024dcqa50", "059nn3902", "03se25782", "029chgv08", "0187kwz08",
]
CSL_NAMES = (
    "Beijing University of Aeronautics and Astronautics", "Harbin Institute of Technology",
    "Northwestern Polytechnical University", "Nanjing University of Aeronautics and Astronautics",
    "Nanjing University of Science and Technology", "National University of Defense Technology",
    "Shanghai Fudan Microelectronics Co., Ltd.", "Sichuan University", "Beijing Institute of Technology",
    "Harbin Engineering University", "Key Laboratory of Information Systems Engineering",
)
ASPI_NAMES = (
    "Beihang University", "Harbin Institute of Technology", "Northwestern Polytechnical University",
    "National University of Defense Technology", "Nanjing University of Aeronautics and Astronautics",
    "Nanjing University of Science and Technology", "Beijing Institute of Technology", "Harbin Engineering University",
    "Sichuan University", "Aviation Industry Corporation of China", "Academy of Military Science",
    "Fudan University", "Zhejiang University", "Nanjing University", "Anhui University",
)
FTM_1260H_NAMES = (
    "Aviation Industry Corporation of China, Ltd.", "China Electronics Technology Group Corporation",
    "Huawei Technologies Co., Ltd.", "BGI Group", "China Aerospace Science and Industry Corporation Limited",
)


def ror() -> None:
    with zipfile.ZipFile(SHARED / "registries" / "ror-data-subset-2026-06-23.zip") as zf:
        records = json.loads(zf.read(zf.namelist()[0]))
    by_id = {r["id"].rsplit("/", 1)[-1]: r for r in records}
    chosen = [by_id[i] for i in ROR_IDS if i in by_id]
    (OUT / "ror-demo-extract.json").write_text(json.dumps(chosen, ensure_ascii=False, indent=1), encoding="utf-8")
    print("ror", len(chosen), "missing", [i for i in ROR_IDS if i not in by_id])


def csl() -> None:
    src = SHARED / "lists" / "us_csl_el_meu_2026-07.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        name_at = header.index("name")
        rows = [r for r in reader if any(r[name_at].startswith(n) for n in CSL_NAMES)]
    with (OUT / "csl-demo-extract.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print("csl", len(rows))


def aspi() -> None:
    data = json.loads((SHARED / "lists" / "aspi_china_defence_universities_misp_2020.json").read_text("utf-8"))
    keep = [v for v in data["values"] if v["value"].split(" (")[0].strip() in ASPI_NAMES]
    data["values"] = keep
    (OUT / "aspi-demo-extract.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print("aspi", len(keep))


def ftm() -> None:
    lines = (SHARED / "lists" / "us_dod_1260h_2026.ftm.json").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    ids = {r["id"] for r in records if r["schema"] != "Sanction" and r["properties"]["name"][0] in FTM_1260H_NAMES}
    keep = [r for r in records if r["id"] in ids or set(r["properties"].get("entity", [])) & ids]
    (OUT / "dod-1260h-demo-extract.ftm.json").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in keep), encoding="utf-8"
    )
    print("ftm", len(keep))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    ror()
    csl()
    aspi()
    ftm()
