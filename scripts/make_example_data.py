"""Regenerate the bundled synthetic example: a prefecture of 12 counties over 5 years.

The counts are random draws (fixed seed) around plausible Chinese county levels:
tens of thousands of births per county-year, a handful of maternal deaths,
coverage indicators around and sometimes above 100 %. They describe no real
place. Run from the project root:

    python scripts/make_example_data.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

DEFINITIONS = Path(__file__).resolve().parents[1] / "src/mch_indicators/definitions"
OUT = DEFINITIONS / "example_prefecture.csv"
GESTATION = DEFINITIONS / "example_gestation.csv"
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
    gestation()


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
