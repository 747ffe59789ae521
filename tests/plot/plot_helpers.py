"""Shared data for the chart tests: the bundled example prefecture, as the docs use it."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd


@cache
def example() -> pd.DataFrame:
    source = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    with resources.as_file(source) as path:
        return pd.read_csv(path)


def imr() -> pd.DataFrame:
    table = example().query("indicator == 'infant_mortality_rate'")
    return table.rename(columns={"numerator": "infant_deaths", "denominator": "live_births"})


def mmr() -> pd.DataFrame:
    table = example().query("indicator == 'maternal_mortality_ratio'")
    return table.rename(columns={"numerator": "maternal_deaths", "denominator": "live_births"})


def hospital_delivery() -> pd.DataFrame:
    table = example().query("indicator == 'hospital_delivery_rate_cn' and year == 2024")
    return table.rename(columns={"numerator": "facility_live_births",
                                 "denominator": "live_births"})  # fmt: skip
