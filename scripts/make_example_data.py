"""Regenerate the bundled synthetic example: a prefecture of 12 counties over 5 years.

The counts are random draws (fixed seed) around plausible Chinese county levels:
tens of thousands of births per county-year, a handful of maternal deaths,
coverage indicators around and sometimes above 100 %. They describe no real
place. The table is written as an office keeps it: one row per county and year,
one column per count, Chinese headers; once as a GBK CSV (as Chinese Excel saves
"CSV") and once as an ``.xlsx`` workbook (zip entries dated 2024-01-01, so the
bytes are the same on every run). Run from the project root (needs openpyxl):

    python scripts/make_example_data.py
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np

FOLDER = Path(__file__).resolve().parents[1] / "src/mch_indicators/definitions"
CSV = FOLDER / "example_prefecture.csv"
XLSX = FOLDER / "example_prefecture.xlsx"
COUNTIES = [
    "河阳县", "清水县", "南湖区", "北山县", "东平县", "西岭县",
    "安宁县", "长乐县", "永丰县", "临川县", "石门县", "白沙县",
]  # fmt: skip
YEARS = range(2020, 2025)
STAMP = rb"(<dcterms:modified[^>]*>)[^<]*"
# Headers as county forms write them (names, aliases, a unit suffix): the library
# matches each to its term; 县区 and 年份 are the area and period.
HEADERS = {
    "county": "县区",
    "year": "年份",
    "live_births": "活产数",
    "maternal_deaths": "孕产妇死亡数",
    "neonatal_deaths": "新生儿死亡数",
    "infant_deaths": "婴儿死亡数",
    "under5_deaths": "5岁以下儿童死亡数",
    "perinatal_births_28w": "围产儿数",
    "perinatal_deaths_28w": "围产儿死亡数",
    "perinatal_infants_with_birth_defects": "出生缺陷数",
    "facility_live_births": "住院分娩活产数",
    "women_delivered": "产妇数",
    "early_registered_women": "早孕建册人数",
    "women_with_prenatal_care": "产前检查人数",
    "women_with_postpartum_visit": "产后访视人数",
    "systematically_managed_women": "孕产妇系统管理人数",
    "high_risk_women": "高危孕产妇人数",
    "managed_high_risk_women": "高危孕产妇管理人数",
    "marriage_registrants": "结婚登记人数",
    "premarital_examined_persons": "婚前医学检查人数",
    "preconception_target_population": "孕前优生健康检查目标人群数",
    "preconception_examined_persons": "孕前优生健康检查人数",
    "prenatally_screened_women": "产前筛查人数",
    "newborns_screened": "新生儿遗传代谢病筛查人数",
    "children_0_6": "0～6岁儿童数",
    "children_0_6_managed": "0～6岁儿童健康管理人数",
    "two_cancer_task": "任务数",
    "two_cancer_screened_women": "两癌筛查人数",
    "resident_population": "常住人口数（人）",
    "childcare_places": "3岁以下婴幼儿托位数",
}


def main() -> None:
    rng = np.random.default_rng(20261122)
    base_births = rng.integers(9_000, 32_000, size=len(COUNTIES))
    base_births[-1] = 4_200  # one small county, where small numbers show
    rows: list[dict[str, object]] = []
    for c, county in enumerate(COUNTIES):
        quality = rng.uniform(0.0, 1.0)  # how well the county's services do
        for y, year in enumerate(YEARS):
            births = int(base_births[c] * (1.0 - 0.06 * y) * rng.uniform(0.95, 1.05))
            women = int(births / 1.015)
            still = int(rng.poisson(births * 0.0035))
            row: dict[str, object] = {"county": county, "year": year, "live_births": births}

            def binomial(n: int, p: float) -> int:
                return int(rng.binomial(n, min(p, 1.0)))

            mmr = 9e-5 + 8e-5 * (1 - quality) - 1e-5 * y
            row["maternal_deaths"] = int(rng.poisson(births * mmr))
            nmr = 0.0018 + 0.0012 * (1 - quality) - 0.0001 * y
            neonatal = int(rng.poisson(births * nmr))
            infant = neonatal + int(rng.poisson(births * 0.0011))
            row["neonatal_deaths"] = neonatal
            row["infant_deaths"] = infant
            row["under5_deaths"] = infant + int(rng.poisson(births * 0.0013))
            early_neonatal = int(neonatal * rng.uniform(0.6, 0.8))
            row["perinatal_births_28w"] = births + still
            row["perinatal_deaths_28w"] = still + early_neonatal
            row["perinatal_infants_with_birth_defects"] = int(
                rng.poisson((births + still) * 0.011)
            )
            row["facility_live_births"] = binomial(births, 0.9985 + 0.0015 * quality)
            row["women_delivered"] = women
            row["early_registered_women"] = binomial(women, 0.90 + 0.07 * quality + 0.004 * y)
            row["women_with_prenatal_care"] = binomial(women, 0.975 + 0.02 * quality)
            row["women_with_postpartum_visit"] = binomial(women, 0.95 + 0.035 * quality)
            row["systematically_managed_women"] = binomial(
                women, 0.88 + 0.07 * quality + 0.005 * y
            )
            high_risk = binomial(women, 0.25 + 0.03 * y)
            row["high_risk_women"] = high_risk
            row["managed_high_risk_women"] = binomial(high_risk, 0.997)
            registrants = 2 * int(births * rng.uniform(0.75, 0.95))
            row["marriage_registrants"] = registrants
            row["premarital_examined_persons"] = binomial(
                registrants, 0.55 + 0.3 * quality + 0.02 * y
            )
            target = int(births * 1.7)
            row["preconception_target_population"] = target
            row["preconception_examined_persons"] = int(target * rng.uniform(0.86, 1.07))
            row["prenatally_screened_women"] = binomial(women, 0.82 + 0.12 * quality)
            row["newborns_screened"] = binomial(births, 0.975 + 0.02 * quality)
            children = int(births * 7.4)
            row["children_0_6"] = children
            row["children_0_6_managed"] = binomial(children, 0.9 + 0.07 * quality)
            task = int(births * rng.uniform(0.35, 0.5)) // 10 * 10
            row["two_cancer_task"] = task
            row["two_cancer_screened_women"] = int(task * rng.uniform(0.95, 1.12))
            population = int(births / rng.uniform(0.0085, 0.0105))
            places = int(population * (1.6 + 0.6 * y + 1.5 * quality) / 1000)
            row["resident_population"] = population
            # 西岭县 did not report its childcare places in 2020: shows the MISSING flag
            row["childcare_places"] = None if (county, year) == ("西岭县", 2020) else places
            rows.append(row)
    write_csv(rows)
    write_xlsx(rows)
    print(f"wrote {len(rows)} county-years to {CSV.name} (GBK) and {XLSX.name}")


def write_csv(rows: list[dict[str, object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    for row in rows:
        writer.writerow(["" if row[key] is None else row[key] for key in HEADERS])
    CSV.write_bytes(buffer.getvalue().encode("gbk"))


def write_xlsx(rows: list[dict[str, object]]) -> None:
    import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "县区数据"
    sheet.append(["示例地市妇幼健康统计(虚构数据) 2020–2024年"])
    sheet.append(list(HEADERS.values()))
    for row in rows:
        sheet.append([row[key] for key in HEADERS])
    moment = datetime.datetime(2024, 1, 1)
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl dates each zip entry with the current time: rewrite them with a fixed one
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(STAMP, rb"\g<1>2024-01-01T00:00:00Z", data)
            target.writestr(fixed, data)
    XLSX.write_bytes(out.getvalue())


if __name__ == "__main__":
    main()
