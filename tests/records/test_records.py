"""Counting terms on records: the rules against plain-Python references, on every engine.

Counts are checked three ways: against a plain-Python interpreter of the rules
(record by record, three-valued), against hand-written counts of the key
definitions that do not go through the rule language at all, and across the
engines (pandas, polars, pyarrow, DuckDB, dask; PySpark where Java and pyspark
are present).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

import mch_indicators as mch
from mch_indicators.records import builtin_rules, record_set
from mch_indicators.records._conditions import AllOf, AnyOf, FieldTest, Not
from strategies import BIRTH_VALUES, as_engine, birth_registers

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

BIRTH_TERMS = [rule.term for rule in builtin_rules().rules if rule.records == "births"]
BIRTH_TERMS = list(dict.fromkeys(BIRTH_TERMS))


# -- a plain-Python reference: one record at a time ----------------------------------


def _state(record: dict[str, Any], field: str, records: str = "births") -> tuple[str, Any]:
    """("ok", value), ("missing", None) or ("invalid", None), by the schema's own words."""
    spec = record_set(records).fields[field]
    value = record.get(field)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "missing", None
    if value in spec.missing or str(value) in {str(m) for m in spec.missing}:
        return "missing", None
    if spec.type == "category":
        for name in spec.values:
            if str(value) in {str(c) for c in spec.codes_of(name)}:
                return "ok", name
        return "invalid", None
    low = spec.min is not None and value < spec.min
    high = spec.max is not None and value > spec.max
    if spec.type in {"number", "integer"} and (low or high):
        return "invalid", None
    return "ok", value


_OPS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


def evaluate(condition: Any, record: dict[str, Any], records: str = "births") -> bool | None:
    """True, False or None (unknown), Kleene logic, straight from the condition's fields."""
    if isinstance(condition, AllOf):
        values = [evaluate(c, record, records) for c in condition.all]
        return False if False in values else (None if None in values else True)
    if isinstance(condition, AnyOf):
        values = [evaluate(c, record, records) for c in condition.any]
        return True if True in values else (None if None in values else False)
    if isinstance(condition, Not):
        value = evaluate(condition.not_, record, records)
        return None if value is None else not value
    assert isinstance(condition, FieldTest)
    state, value = _state(record, condition.field, records)
    if state == "invalid":
        return None
    if condition.missing is not None:
        return (state == "missing") == condition.missing
    if state == "missing":
        policy = condition.unknown
        if policy == "unclassified":
            return None
        if isinstance(policy, bool):
            return policy
        return evaluate(policy, record, records)
    checks = [_OPS[op](value, bound) for op, bound in condition.comparisons()]
    for op, values in condition.memberships():
        checks.append((value in values) == (op == "in"))
    return all(checks)


def reference(records: list[dict[str, Any]], term: str, definition: str | None = None):
    book = builtin_rules()
    rule = next(r for r in book.for_term(term) if r.records == "births")
    condition = book.expand(rule, definition)
    results = [evaluate(condition, record) for record in records]
    return results.count(True), results.count(None)


def _counts(out: Any) -> dict[tuple[str, str], tuple[float, float]]:
    frame = out.counts
    return {
        (row.term, row.area): (row.count, row.unclassified)
        for row in frame.itertuples(index=False)
    }


def _frame(records: list[dict[str, Any]]) -> Any:
    columns = {field: [r[field] for r in records] for field in BIRTH_VALUES}
    frame = pd.DataFrame(columns)
    for field in ("gestation_weeks", "birth_weight_g", "death_age_days", "mother_age"):
        frame[field] = frame[field].astype("float64")
    for field in ("outcome", "sex", "delivery_place", "delivery_mode", "area"):
        frame[field] = frame[field].astype(object)
    return frame


def _live_birth_cn(r: dict[str, Any]) -> bool | None:
    """China's live birth, written without the rule language (None: cannot be told)."""
    outcome_state, outcome = _state(r, "outcome")
    ga_state, ga = _state(r, "gestation_weeks")
    w_state, w = _state(r, "birth_weight_g")
    alive = (outcome == "live") if outcome_state == "ok" else None
    if ga_state == "ok":
        by_age: bool | None = ga >= 28
    elif ga_state == "missing" and w_state == "ok":
        by_age = w >= 1000
    else:
        by_age = None
    if alive is False or by_age is False:
        return False
    return None if alive is None or by_age is None else True


def _fast_frame(records: list[dict[str, Any]]) -> Any:
    """The register in polars when it is installed (the rules run faster there)."""
    frame = _frame(records)
    try:
        import polars as pl
    except ImportError:
        return frame
    return pl.from_pandas(frame)


@settings(max_examples=15, deadline=None)
@given(birth_registers(max_size=80))
def test_every_births_rule_matches_a_record_by_record_reference(records):
    out = mch.count_records(_fast_frame(records), BIRTH_TERMS, by="area", backend="pandas")
    got = _counts(out)
    for term in BIRTH_TERMS:
        for area in ("A", "B", "C"):
            subset = [r for r in records if r["area"] == area]
            if subset:
                assert got[(term, area)] == reference(subset, term), (term, area)
    # and, without the rule language: "China's MCH reporting counts births from 28
    # completed weeks of gestation (or 1,000 g when gestation is unknown)" (live_births)
    for area in ("A", "B", "C"):
        expected = [_live_birth_cn(r) for r in records if r["area"] == area]
        if expected:
            assert got[("live_births", area)] == (expected.count(True), expected.count(None))


# -- boundaries, as the definitions say --------------------------------------------------


def _one(term: str, record: dict[str, Any], records: str = "births", **options: Any) -> tuple:
    frame = pd.DataFrame([record])
    out = mch.count_records({records: frame}, term, **options)
    row = out.counts.iloc[0]
    return row["count"], row["unclassified"]


def test_exactly_28_weeks_is_a_live_birth_and_27_plus_6_is_not():
    text = mch.catalog.terms["live_births"].definition.en
    assert "from 28 completed weeks of gestation (or 1,000 g when gestation is unknown)" in text
    base = {"outcome": "live", "birth_weight_g": 900.0}
    assert _one("live_births", {**base, "gestation_weeks": 28.0}) == (1, 0)
    assert _one("live_births", {**base, "gestation_weeks": 27 + 6 / 7}) == (0, 0)


def test_exactly_1000_g_counts_when_gestation_is_unknown():
    base = {"outcome": "live", "gestation_weeks": None}
    assert _one("live_births", {**base, "birth_weight_g": 1000.0}) == (1, 0)
    assert _one("live_births", {**base, "birth_weight_g": 999.0}) == (0, 0)
    assert _one("live_births", {**base, "birth_weight_g": None}) == (0, 1)
    # with gestation known, weight does not matter
    assert _one("live_births", {"outcome": "live", "gestation_weeks": 27.0,
                                "birth_weight_g": 1500.0}) == (0, 0)  # fmt: skip


def test_death_on_day_28_is_not_a_neonatal_death():
    text = mch.catalog.terms["neonatal_deaths"].definition.en
    assert "first 28 completed days of life (days 0–27)" in text
    base = {"gestation_weeks": 39.0, "birth_weight_g": 3000.0, "death_date": "2024-05-01"}
    day_27 = {**base, "age_days": 27.0, "age_years": 0.0}
    day_28 = {**base, "age_days": 28.0, "age_years": 0.0}
    assert _one("neonatal_deaths", day_27, "child_deaths") == (1, 0)
    assert _one("neonatal_deaths", day_28, "child_deaths") == (0, 0)


def test_early_neonatal_deaths_are_days_0_to_6():
    text = mch.catalog.terms["early_neonatal_deaths"].definition.en
    assert "first 7 completed days of life (days 0–6)" in text
    base = {"gestation_weeks": 39.0, "birth_weight_g": 3000.0}
    assert _one("early_neonatal_deaths", {**base, "age_days": 6.0}, "child_deaths") == (1, 0)
    assert _one("early_neonatal_deaths", {**base, "age_days": 7.0}, "child_deaths") == (0, 0)


def test_postpartum_visit_on_day_28_is_within_28_days():
    text = mch.catalog.terms["women_with_postpartum_visit"].definition.en
    assert "within 28 days after discharge" in text
    visit = lambda day: {"postpartum_visit_days": day}  # noqa: E731
    term = "women_with_postpartum_visit"
    assert _one(term, visit(28.0), "deliveries") == (1, 0)
    assert _one(term, visit(29.0), "deliveries") == (0, 0)
    assert _one(term, visit(None), "deliveries") == (0, 0)  # empty: no visit


def test_maternal_death_on_day_42_is_within_42_days():
    text = mch.catalog.terms["maternal_deaths"].definition.en
    assert "within 42 days of the end of pregnancy" in text
    base = {"timing": "postpartum", "cause_class": "direct"}
    assert _one("maternal_deaths", {**base, "days_after_end": 42.0}, "maternal_deaths") == (1, 0)
    assert _one("maternal_deaths", {**base, "days_after_end": 43.0}, "maternal_deaths") == (0, 0)
    incidental = {**base, "cause_class": "incidental", "days_after_end": 3.0}
    assert _one("maternal_deaths", incidental, "maternal_deaths") == (0, 0)
    unknown_day = {**base, "days_after_end": None}
    assert _one("maternal_deaths", unknown_day, "maternal_deaths") == (0, 1)


def test_registration_before_13_weeks_and_first_contact_before_12():
    register = {"registration_weeks": 12.9, "first_exam_weeks": 12.0}
    assert _one("early_registered_women", register, "deliveries") == (1, 0)
    assert _one("women_anc_first_contact_lt12w", register, "deliveries") == (0, 0)
    at_13 = {"registration_weeks": 13.0, "first_exam_weeks": 13.0}
    assert _one("early_registered_women", at_13, "deliveries") == (0, 0)


# -- data quality --------------------------------------------------------------------------


def _deaths() -> Any:
    return pd.DataFrame({
        "county": ["A", "A", "A", "B", "B"],
        "出生日期": pd.to_datetime(
            ["2024-01-01", "2024-02-01", "2024-03-01", "2024-03-01", "2023-01-01"]
        ),
        "死亡日期": pd.to_datetime(
            ["2024-01-10", "2024-01-20", "2024-03-29", "2024-03-28", "2024-12-01"]
        ),
        "孕周": [39.0, 38.0, 40.0, None, 39.0],
        "出生体重": [3000.0, 3100.0, 3300.0, None, 2900.0],
    })  # fmt: skip


def _births() -> Any:
    return pd.DataFrame({
        "county": ["A"] * 6 + ["B"] * 4,
        "出生日期": pd.to_datetime(["2024-01-01"] * 5 + ["2023-06-01"] + ["2024-02-01"] * 4),
        "妊娠结局": ["活产", "活产", "活产", "活产", "XX", "活产", "活产", "活产", "活产", "死胎"],
        "孕周": [39.0, 38.0, 40.0, None, 39.0, 39.0, 39.0, 41.0, 37.0, 33.0],
        "出生体重": [3000.0, 3100.0, 3300.0, None, 3000.0, 3000.0, 3000.0, 3000.0, 3000.0, 2000.0],
    })  # fmt: skip


def test_data_quality_names_each_reason_and_the_results_are_flagged():
    out = mch.compute_records(
        {"births": _births(), "child_deaths": _deaths()}, "新生儿死亡率", by="county",
        period=("2024-01-01", "2024-12-31"),
    )  # fmt: skip
    results = out.results.set_index("county")
    # A: deaths at 9 days and at 28 days (not neonatal); the third is dated before birth
    assert results.loc["A", "numerator"] == 1
    assert results.loc["A", "numerator_unclassified"] == 1
    assert "UNCLASSIFIED" in results.loc["A", "flags"]
    # live births in A: 3 counted, one missing gestation and weight, one unknown outcome
    assert results.loc["A", "denominator"] == 3
    assert results.loc["A", "denominator_unclassified"] == 2
    reasons = {(row.county, row.term, row.reason): row.count for row in out.quality.itertuples()}
    assert reasons[("A", "neonatal_deaths", "age_days: below 0")] == 1
    assert reasons[("A", "live_births", "gestation_weeks: missing")] == 1
    assert reasons[("A", "live_births", "birth_weight_g: missing")] == 1
    assert reasons[("A", "live_births", "outcome: unrecognised code")] == 1
    assert reasons[("A", "live_births", "birth_date: outside the period")] == 1
    # B: a death with neither gestation nor weight cannot be told a live birth (China)
    assert results.loc["B", "numerator_unclassified"] == 1
    assert reasons[("B", "neonatal_deaths", "gestation_weeks: missing")] == 1
    assert reasons[("B", "neonatal_deaths", "birth_weight_g: missing")] == 1
    assert not any(reason.endswith("outside the period") for _, term, reason in reasons
                   if term == "neonatal_deaths")  # fmt: skip


def test_age_at_death_in_completed_years_from_the_dates():
    deaths = pd.DataFrame({
        "birth_date": pd.to_datetime(["2023-03-01", "2023-03-01", "2020-02-29"]),
        "death_date": pd.to_datetime(["2024-02-29", "2024-03-01", "2025-02-28"]),
        "gestation_weeks": [39.0] * 3, "birth_weight_g": [3000.0] * 3,
    })  # fmt: skip
    out = mch.count_records({"child_deaths": deaths}, ["infant_deaths", "under5_deaths"])
    counts = dict(zip(out.counts["term"], out.counts["count"], strict=True))
    # born 1 March 2023: died the day before the first birthday, then on it;
    # born 29 February 2020: 28 February 2025 is before the fifth birthday
    assert counts == {"infant_deaths": 1, "under5_deaths": 3}


# -- China and WHO on one register -----------------------------------------------------------


def test_one_call_computes_a_family_from_the_same_records():
    births = pd.DataFrame({
        "outcome": ["live"] * 5 + ["stillbirth"] * 3,
        "gestation_weeks": [39.0, 27.0, 23.0, None, 30.0, 31.0, 25.0, None],
        "birth_weight_g": [3300.0, 1100.0, 600.0, 1200.0, 1600.0, 1700.0, 800.0, 500.0],
        "death_age_days": [None, 1.0, 0.0, None, 3.0, None, None, None],
    })  # fmt: skip
    family = mch.catalog.variants("perinatal_mortality_rate_cn")
    out = mch.compute_records(births, family)
    got = out.results.set_index("indicator")[["numerator", "denominator"]].to_dict("index")
    # China (28 weeks, or 1,000 g when unknown): live 39, the 1,200 g unknown, 30; still 31
    assert got["perinatal_mortality_rate_cn"] == {"numerator": 2, "denominator": 4}
    # 22 weeks: also the 27-week and 23-week live births and the 25-week stillbirth;
    # the two with unknown gestation cannot be placed against 22 weeks
    assert got["perinatal_mortality_rate_22w"] == {"numerator": 5, "denominator": 6}
    flags = out.results.set_index("indicator")["flags"]
    assert "UNCLASSIFIED" in flags["perinatal_mortality_rate_22w"]
    assert "UNCLASSIFIED" not in flags["perinatal_mortality_rate_cn"]


def test_live_births_with_and_without_the_1000_g_rule():
    births = pd.DataFrame({
        "outcome": ["live"] * 4,
        "gestation_weeks": [39.0, 26.0, None, None],
        "birth_weight_g": [3300.0, 900.0, 1200.0, 800.0],
        "delivery_place": ["hospital", "home", "township", "hospital"],
    })  # fmt: skip
    out = mch.compute_records(births, "institutional_delivery", variants=True)
    got = out.results.set_index("indicator")[["numerator", "denominator"]].to_dict("index")
    assert got["hospital_delivery_rate_cn"] == {"numerator": 2, "denominator": 2}
    assert got["institutional_delivery"] == {"numerator": 3, "denominator": 4}
    assert "institutional_delivery_hmis" in out.skipped


def test_early_registration_before_13_and_12_weeks_on_the_care_register():
    deliveries = pd.DataFrame({
        "建册孕周": [8.0, 12.0, 12.5, 20.0, None],
        "首次产检孕周": [9.0, 12.0, 12.5, 21.0, None],
        "产前检查次数": [8, 6, 5, 2, 0],
        "分娩孕周": [39.0, 40.0, 38.0, 37.0, 39.0],
        "活产数": [1, 2, 1, 1, 1],
    })  # fmt: skip
    family = mch.catalog.variants("anc_first_trimester_who")
    out = mch.compute_records({"deliveries": deliveries}, family, variants=True)
    got = out.results.set_index("indicator")[["numerator", "denominator"]].to_dict("index")
    assert got["early_pregnancy_registration_rate_cn"] == {"numerator": 3, "denominator": 6}
    assert got["anc_first_trimester_who"] == {"numerator": 1, "denominator": 4}
    assert "anc_first_visit_lt4m_dhs" in out.skipped


# -- engines ---------------------------------------------------------------------------------


def _register(size: int = 3000, seed: int = 7) -> Any:
    rng = np.random.default_rng(seed)
    columns = {
        field: rng.choice(np.array(values, dtype=object), size)
        for field, values in BIRTH_VALUES.items()
    }
    frame = _frame(
        [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    )
    frame["birth_date"] = pd.Timestamp("2023-01-01") + pd.to_timedelta(
        rng.integers(0, 730, size), unit="D"
    )
    return frame


def _tidy(out: Any) -> Any:
    counts = out.counts
    if not isinstance(counts, pd.DataFrame):
        counts = counts.to_pandas()
    return counts.sort_values(["term", "area", "year"]).reset_index(drop=True)


ENGINES = ["pandas", "polars", "polars_lazy", "pyarrow", "duckdb", "dask"]


@pytest.fixture(scope="module")
def register() -> Any:
    return _register()


@pytest.fixture(scope="module")
def pandas_counts(register: Any) -> Any:
    return _tidy(mch.count_records(register, BIRTH_TERMS, by=["area", "year"]))


@pytest.mark.parametrize("engine", ENGINES[1:])
def test_every_engine_gives_the_same_counts(engine, register, pandas_counts):
    out = mch.count_records(as_engine(register, engine), BIRTH_TERMS, by=["area", "year"])
    got = _tidy(out)
    pd.testing.assert_frame_equal(
        got[["term", "area", "year", "count", "unclassified"]],
        pandas_counts[["term", "area", "year", "count", "unclassified"]],
        check_dtype=False,
    )


def _quality(out: Any) -> Any:
    quality = out.quality if isinstance(out.quality, pd.DataFrame) else _pandas_of(out.quality)
    columns = [c for c in quality.columns if c != "count"]
    return quality.sort_values(columns).reset_index(drop=True)


def _pandas_of(table: Any) -> Any:
    return table.df() if hasattr(table, "df") else table.to_pandas()


@pytest.mark.parametrize("by", [["area", "year"], None], ids=["by area and year", "no groups"])
@pytest.mark.parametrize("area", ["text", "categorical", "number"])
@pytest.mark.parametrize("engine", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_every_engine_gives_the_same_quality_table(engine, area, by, register):
    """Each reason of each target, by group (a missing area is a group of its own, as a
    NaN is), as pandas counts it; the births' rules need codes of more than one word."""
    data = register.copy()
    data.loc[data.index % 7 == 0, "area"] = None
    if area == "categorical":
        data["area"] = data["area"].astype("category")
    elif area == "number":
        data["area"] = data["area"].map({"A": 1.5, "B": 2.5, "C": 3.5}).astype(float)
        data.loc[data.index % 11 == 0, "area"] = np.nan
    expected = _quality(mch.count_records(data, BIRTH_TERMS, by=by))
    got = _quality(mch.count_records(as_engine(data, engine), BIRTH_TERMS, by=by))
    assert len(expected) > 200
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_files_are_scanned_lazily(tmp_path, register, pandas_counts):
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    path = tmp_path / "births.parquet"
    register.to_parquet(path)
    got = _tidy(mch.count_records(path, BIRTH_TERMS, by=["area", "year"]))
    pd.testing.assert_frame_equal(
        got[["term", "area", "year", "count"]], pandas_counts[["term", "area", "year", "count"]],
        check_dtype=False,
    )  # fmt: skip


@pytest.mark.spark
@pytest.mark.filterwarnings(  # pyspark's own warnings under pandas 3
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:The copy keyword is deprecated:DeprecationWarning",
)
def test_spark_gives_the_same_counts(spark, register, pandas_counts):
    import pyspark

    rows = register.astype(object).where(register.notna(), None).to_dict("records")
    for row in rows:
        row["birth_date"] = row["birth_date"].to_pydatetime()
    frame = spark.createDataFrame(rows, schema=_spark_schema(pyspark))
    got = _tidy(mch.count_records(frame, BIRTH_TERMS, by=["area", "year"]))
    pd.testing.assert_frame_equal(
        got[["term", "area", "year", "count"]], pandas_counts[["term", "area", "year", "count"]],
        check_dtype=False,
    )  # fmt: skip
    counts = spark.createDataFrame(
        [("X", 1, 9000), ("X", 2, 17954), ("Y", 0, 5000)], "city string, d long, b long"
    )
    # Spark frames of counts pool through mapInPandas (docs/scale.md): a lazy Spark DataFrame
    pooled = mch.pool(counts, "MMR", numerator="d", denominator="b", by="city")
    pooled = pooled.toPandas().sort_values("city")
    assert pooled["numerator"].tolist() == [3.0, 0.0]
    assert pooled["denominator"].tolist() == [26954.0, 5000.0]


def _spark_schema(pyspark: Any) -> Any:
    types = pyspark.sql.types
    number = types.DoubleType()
    numbers = {"gestation_weeks", "birth_weight_g", "death_age_days", "mother_age"}
    fields = [
        types.StructField(name, number if name in numbers else types.StringType())
        for name in BIRTH_VALUES
    ]
    fields.append(types.StructField("birth_date", types.TimestampType()))
    return types.StructType(fields)


# -- objects and laziness ------------------------------------------------------------------------


def test_results_pickle():
    births = pd.DataFrame(
        {"outcome": ["live"], "gestation_weeks": [39.0], "birth_weight_g": [3000.0]}
    )
    result = mch.compute_records(births, "preterm_birth_rate")
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(again.results, result.results)
    # as FunnelTable and JoinpointTable: one result is itself; comparing two raised
    # pandas' "truth value of a DataFrame is ambiguous"
    assert result == result and again != result
    counts = mch.count_records(births, ["live_births"])
    assert counts == counts and counts != pickle.loads(pickle.dumps(counts))


def test_import_stays_light():
    import subprocess
    import sys

    code = "import mch_indicators, sys; print('narwhals' in sys.modules, 'duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_period_dates_are_inclusive():
    births = pd.DataFrame({
        "outcome": ["live"] * 3, "gestation_weeks": [39.0] * 3, "birth_weight_g": [3000.0] * 3,
        "birth_date": [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31 23:00"),
                       pd.Timestamp("2025-01-01")],
    })  # fmt: skip
    out = mch.count_records(births, "live_births", period=(dt.date(2024, 1, 1), "2024-12-31"))
    assert out.counts["count"].tolist() == [2]


# -- aggregated tables through the same layer -------------------------------------------------


def _same_column(got: pd.Series, want: pd.Series) -> None:
    """Numbers equal (NaN included), labels equal as text, whatever the engine's dtypes."""
    if pd.api.types.is_numeric_dtype(want.dtype) and not isinstance(
        want.dtype, pd.CategoricalDtype
    ):
        np.testing.assert_array_equal(got.to_numpy(dtype=float), want.to_numpy(dtype=float))
    else:
        assert got.astype(str).tolist() == want.astype(str).tolist()


@pytest.mark.parametrize("engine", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_pool_and_compute_on_other_engines_match_pandas(engine):
    counts = pd.DataFrame({
        "city": ["X", "X", "Y", None, "Y"], "county": ["a", "b", "c", "d", "e"],
        "deaths": [1.0, 2.0, 0.0, None, 4.0], "births": [9000, 17954, 5000, 100, 7000],
    })  # fmt: skip
    keywords = {"numerator": "deaths", "denominator": "births"}
    expected = mch.pool(counts, "MMR", by="city", **keywords)
    pooled = mch.pool(as_engine(counts, engine), "MMR", by="city", **keywords)
    pooled = pooled if isinstance(pooled, pd.DataFrame) else pooled.to_pandas()
    for column in ("numerator", "denominator", "value", "lower", "upper", "flags", "units"):
        _same_column(pooled[column], expected[column])
    rows = mch.compute(as_engine(counts, engine), "MMR", **keywords)
    rows = rows if isinstance(rows, pd.DataFrame) else rows.to_pandas()
    np.testing.assert_array_equal(
        rows["value"].to_numpy(), mch.compute(counts, "MMR", **keywords)["value"].to_numpy()
    )


@pytest.mark.parametrize("engine", ["polars", "polars_lazy", "pyarrow", "duckdb"])
def test_pool_on_other_engines_checks_rows_like_pandas(engine):
    """A negative or impossible row is refused (by group), or left out as pandas leaves it."""
    counts = pd.DataFrame({
        "city": ["X", "X", "Y"], "hospital_births": [90.0, 120.0, 50.0],
        "live_births": [100.0, 100.0, 60.0],
    })  # fmt: skip
    keywords = {"numerator": "hospital_births", "denominator": "live_births", "by": "city"}
    with pytest.raises(mch.InvalidInputError, match="impossible for a proportion") as caught:
        mch.pool(as_engine(counts, engine), "hospital_delivery_rate_cn", **keywords)
    assert caught.value.row == "X"
    assert caught.value.reason.startswith("numerator of hospital_delivery_rate_cn: exceeds")
    assert caught.value.reason_zh.startswith("住院分娩率的分子：大于分母，构成比不可能如此（分组")
    flagged = mch.pool(
        as_engine(counts, engine), "hospital_delivery_rate_cn", on_invalid="flag", **keywords
    )
    flagged = flagged if isinstance(flagged, pd.DataFrame) else flagged.to_pandas()
    expected = mch.pool(counts, "hospital_delivery_rate_cn", on_invalid="flag", **keywords)
    for column in ("numerator", "denominator", "value", "flags", "units", "units_pooled"):
        _same_column(flagged[column], expected[column])
    negative = counts.assign(hospital_births=[90.0, -1.0, 50.0])
    with pytest.raises(mch.InvalidInputError, match="negative") as caught:
        mch.pool(as_engine(negative, engine), "hospital_delivery_rate_cn", **keywords)
    assert (caught.value.row, caught.value.column) == ("X", "hospital_births")


def test_pool_on_other_engines_refuses_windows():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"year": [2020, 2021], "maternal_deaths": [1, 2], "live_births": [9, 9]})
    with pytest.raises(mch.InvalidInputError, match="rolling windows"):
        mch.pool(frame, "MMR", over="year", window=2)


def test_a_field_headed_by_two_rows_in_either_order_is_found():
    # 日期 over 出生 | 死亡 (joined 日期出生) matched match_columns' targets in either order,
    # but not a record set's fields: "the records have no column for field 'birth_date'".
    text = ("地区,日期,,妊娠结局,出生孕周,出生体重(克)\n,出生,死亡,,,\n"
            "甲县,2024-03-01,,活产,39,3000\n甲县,2024-04-01,2024-04-02,活产,38,2900\n"
            "乙县,2023-05-01,,活产,39,3100\n")  # fmt: skip
    table = mch.read_table(io.StringIO(text))
    assert "日期出生" in table.columns
    year_2024 = ("2024-01-01", "2024-12-31")
    out = mch.count_records({"births": table}, "live_births", by="area", period=year_2024)
    counted = dict(zip(out.counts["area"], out.counts["count"], strict=True))
    assert counted == {"乙县": 0, "甲县": 2}


def test_two_columns_of_one_field_are_refused_naming_both():
    """birth_date and 出生日期 both name the date of birth: no guess which one counts."""
    frame = pd.DataFrame(
        {"birth_date": ["2024-03-01"], "出生日期": ["2025-03-01"], "outcome": ["live"],
         "gestation_weeks": [39.0], "birth_weight_g": [3000.0]}
    )  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="'birth_date' and '出生日期'") as error:
        mch.count_records({"births": frame}, "live_births")
    assert "“birth_date”和“出生日期”两列都对应 birth_date" in (error.value.reason_zh or "")
    # said which with columns=, the other one is left alone
    year_2025 = ("2025-01-01", "2025-12-31")
    chosen = mch.count_records(
        {"births": frame}, "live_births", period=year_2025, columns={"birth_date": "出生日期"}
    )
    assert chosen.counts["count"].tolist() == [1]
    other = mch.count_records(
        {"births": frame}, "live_births", period=year_2025, columns={"birth_date": "birth_date"}
    )
    assert other.counts["count"].tolist() == [0]
