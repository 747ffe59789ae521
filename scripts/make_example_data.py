"""Regenerate the bundled synthetic examples: a prefecture of 12 counties over 5 years.

The counts are random draws (fixed seed) around plausible Chinese county levels:
tens of thousands of births per county-year, a handful of maternal deaths,
coverage indicators around and sometimes above 100 %. They describe no real
place. The same counts are written three ways:

- ``example_prefecture.csv``: a long UTF-8 table (county, year, indicator,
  numerator, denominator), used by the analysis examples;
- ``example_office.csv`` and ``example_office.xlsx``: the table as an office keeps
  it, one row per county and year, one column per count, Chinese headers; the CSV
  in GBK (as Chinese Excel saves "CSV"), the workbook with its zip entries and
  properties dated 2024-01-01, so that its bytes are the same on every run.
  ``mch-indicators demo`` reads the GBK file.

Plus ``example_gestation.csv`` (births and perinatal deaths by gestational age).
Run from the project root (needs openpyxl):

    python scripts/make_example_data.py
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np

DATASETS = Path(__file__).resolve().parents[1] / "src/mch_indicators/datasets"
OUT = DATASETS / "example_prefecture.csv"
OFFICE_CSV = DATASETS / "example_office.csv"
OFFICE_XLSX = DATASETS / "example_office.xlsx"
GESTATION = DATASETS / "example_gestation.csv"
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
# each indicator of the long table: (numerator term, denominator term)
TERMS = {
    "maternal_mortality_ratio": ("maternal_deaths", "live_births"),
    "neonatal_mortality_rate": ("neonatal_deaths", "live_births"),
    "infant_mortality_rate": ("infant_deaths", "live_births"),
    "under5_mortality_rate": ("under5_deaths", "live_births"),
    "perinatal_mortality_rate_cn": ("perinatal_deaths_28w", "perinatal_births_28w"),
    "birth_defect_incidence_perinatal": (
        "perinatal_infants_with_birth_defects", "perinatal_births_28w",
    ),
    "hospital_delivery_rate_cn": ("facility_live_births", "live_births"),
    "early_pregnancy_registration_rate_cn": ("early_registered_women", "live_births"),
    "prenatal_care_rate_cn": ("women_with_prenatal_care", "live_births"),
    "postpartum_visit_rate_cn": ("women_with_postpartum_visit", "live_births"),
    "maternal_systematic_management_rate_cn": ("systematically_managed_women", "live_births"),
    "high_risk_pregnancy_management_rate_cn": ("managed_high_risk_women", "high_risk_women"),
    "premarital_medical_exam_rate": ("premarital_examined_persons", "marriage_registrants"),
    "preconception_check_target_coverage": (
        "preconception_examined_persons", "preconception_target_population",
    ),
    "prenatal_screening_rate": ("prenatally_screened_women", "women_delivered"),
    "newborn_disease_screening_rate": ("newborns_screened", "live_births"),
    "child_health_management_rate_0_6": ("children_0_6_managed", "children_0_6"),
    "two_cancer_screening_task_completion": ("two_cancer_screened_women", "two_cancer_task"),
    "childcare_places_per_1000": ("childcare_places", "resident_population"),
}  # fmt: skip
COUNTIES = [
    "河阳县", "清水县", "南湖区", "北山县", "东平县", "西岭县",
    "安宁县", "长乐县", "永丰县", "临川县", "石门县", "白沙县",
]  # fmt: skip
YEARS = range(2020, 2025)


def main() -> None:
    rng = np.random.default_rng(20261122)
    base_births = rng.integers(9_000, 32_000, size=len(COUNTIES))
    base_births[-1] = 4_200  # one small county, where small numbers show
    rows: list[tuple[str, int, str, float | None, float | None]] = []
    for c, county in enumerate(COUNTIES):
        quality = rng.uniform(0.0, 1.0)  # how well the county's services do
        for y, year in enumerate(YEARS):
            births = int(base_births[c] * (1.0 - 0.06 * y) * rng.uniform(0.95, 1.05))
            women = int(births / 1.015)
            still = int(rng.poisson(births * 0.0035))
            perinatal = births + still

            def add(
                indicator: str,
                numerator: float | None,
                denominator: float | None,
                county: str = county,
                year: int = year,
            ) -> None:
                rows.append((county, year, indicator, numerator, denominator))

            def binomial(n: int, p: float) -> int:
                return int(rng.binomial(n, min(p, 1.0)))

            mmr = 9e-5 + 8e-5 * (1 - quality) - 1e-5 * y
            add("maternal_mortality_ratio", int(rng.poisson(births * mmr)), births)
            nmr = 0.0018 + 0.0012 * (1 - quality) - 0.0001 * y
            neonatal = int(rng.poisson(births * nmr))
            infant = neonatal + int(rng.poisson(births * 0.0011))
            add("neonatal_mortality_rate", neonatal, births)
            add("infant_mortality_rate", infant, births)
            add("under5_mortality_rate", infant + int(rng.poisson(births * 0.0013)), births)
            early_neonatal = int(neonatal * rng.uniform(0.6, 0.8))
            add("perinatal_mortality_rate_cn", still + early_neonatal, perinatal)
            add("birth_defect_incidence_perinatal", int(rng.poisson(perinatal * 0.011)), perinatal)
            add("hospital_delivery_rate_cn", binomial(births, 0.9985 + 0.0015 * quality), births)
            add(
                "early_pregnancy_registration_rate_cn",
                binomial(women, 0.90 + 0.07 * quality + 0.004 * y),
                births,
            )
            add("prenatal_care_rate_cn", binomial(women, 0.975 + 0.02 * quality), births)
            add("postpartum_visit_rate_cn", binomial(women, 0.95 + 0.035 * quality), births)
            add(
                "maternal_systematic_management_rate_cn",
                binomial(women, 0.88 + 0.07 * quality + 0.005 * y),
                births,
            )
            high_risk = binomial(women, 0.25 + 0.03 * y)
            add("high_risk_pregnancy_management_rate_cn", binomial(high_risk, 0.997), high_risk)
            registrants = 2 * int(births * rng.uniform(0.75, 0.95))
            add(
                "premarital_medical_exam_rate",
                binomial(registrants, 0.55 + 0.3 * quality + 0.02 * y),
                registrants,
            )
            target = int(births * 1.7)
            add(
                "preconception_check_target_coverage",
                int(target * rng.uniform(0.86, 1.07)),
                target,
            )
            add("prenatal_screening_rate", binomial(women, 0.82 + 0.12 * quality), women)
            add("newborn_disease_screening_rate", binomial(births, 0.975 + 0.02 * quality), births)
            children = int(births * 7.4)
            add(
                "child_health_management_rate_0_6",
                binomial(children, 0.9 + 0.07 * quality),
                children,
            )
            task = int(births * rng.uniform(0.35, 0.5)) // 10 * 10
            add(
                "two_cancer_screening_task_completion",
                int(task * rng.uniform(0.95, 1.12)),
                task,
            )
            population = int(births / rng.uniform(0.0085, 0.0105))
            places = int(population * (1.6 + 0.6 * y + 1.5 * quality) / 1000)
            if county == "西岭县" and year == 2020:
                places_or_missing: float | None = None  # not reported: shows the MISSING flag
            else:
                places_or_missing = places
            add("childcare_places_per_1000", places_or_missing, population)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["county", "year", "indicator", "numerator", "denominator"])
        for county, year, indicator, numerator, denominator in rows:
            writer.writerow(
                [county, year, indicator, "" if numerator is None else numerator, denominator]
            )
    print(f"wrote {len(rows)} rows to {OUT}")
    office(rows)
    gestation()


def office(long_rows: list[tuple[str, int, str, float | None, float | None]]) -> None:
    """The same counts as an office keeps them: a row per county-year, a column per count."""
    table: dict[tuple[str, int], dict[str, object]] = {}
    for county, year, indicator, numerator, denominator in long_rows:
        row = table.setdefault((county, year), {"county": county, "year": year})
        num, den = TERMS[indicator]
        row[num], row[den] = numerator, denominator
    rows = list(table.values())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS.values())
    for row in rows:
        writer.writerow(["" if row[key] is None else row[key] for key in HEADERS])
    OFFICE_CSV.write_bytes(buffer.getvalue().encode("gbk"))
    write_xlsx(rows)
    print(f"wrote {len(rows)} county-years to {OFFICE_CSV.name} (GBK) and {OFFICE_XLSX.name}")


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
    # openpyxl dates each zip entry (and the properties) with the current time: fix them
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(STAMP, rb"\g<1>2024-01-01T00:00:00Z", data)
            target.writestr(fixed, data)
    OFFICE_XLSX.write_bytes(out.getvalue())


def gestation() -> None:
    """Births and perinatal deaths of 2024 by gestational age band, per county.

    The same counts read through China's definition (from 28 weeks) and WHO's (from
    22 weeks) give two perinatal mortality rates: the docs' example of definitions
    that differ. A separate random stream, so the prefecture table stays as it was.
    """
    rng = np.random.default_rng(20261129)
    births = rng.integers(3_500, 24_000, size=len(COUNTIES))
    rows = []
    for county, born in zip(COUNTIES, births, strict=True):
        late_still = int(rng.poisson(born * 0.0035))
        late_deaths = int(rng.poisson(born * 0.0016))
        early_born = int(rng.poisson(born * rng.uniform(0.002, 0.006)))
        early_still = int(rng.poisson(born * rng.uniform(0.0015, 0.004)))
        early_deaths = int(rng.binomial(early_born, rng.uniform(0.2, 0.45)))
        rows.append((county, 2024, 22, 27, early_born, early_still, early_deaths))
        rows.append((county, 2024, 28, "", int(born), late_still, late_deaths))
    with GESTATION.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["county", "year", "weeks_from", "weeks_to", "live_births",
                         "stillbirths", "early_neonatal_deaths"])  # fmt: skip
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {GESTATION}")


if __name__ == "__main__":
    main()
