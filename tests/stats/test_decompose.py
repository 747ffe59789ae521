"""Kitagawa / Das Gupta decomposition: Das Gupta's worked examples (DasGuptR), exact additivity.

Reference: tests/reference/decompose_dasgupta_inputs.csv holds the inputs of six worked
examples of Das Gupta (1993) and decompose_dasguptr.csv the standardised rates DasGuptR
2.1.0 gives for them (run here; provenance in the headers). Tolerance 1e-12 relative.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mch_indicators import InvalidInputError, stats
from reference_data import load


def _inputs(example: str) -> dict[str, dict[str, list[float]]]:
    """population -> factor -> values in stratum order."""
    out: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in load("decompose_dasgupta_inputs"):
        if row["example"] == example:
            out[str(row["population"])][str(row["factor"])].append(float(row["value"]))
    return out


def _expected(example: str) -> dict[tuple[str, str], float]:
    return {
        (str(r["factor"]), str(r["population"])): float(r["rate"])
        for r in load("decompose_dasguptr")
        if r["example"] == example
    }


SCALAR = {
    "t2_1": ("black", "white", ["avg_earnings", "earner_prop"]),
    "t2_2": ("austria", "chile", ["birthsw1549", "propw1549", "propw"]),
    "t2_4": ("1970", "1980", ["prop_m", "noncontr", "abort", "lact", "fecund"]),
    "t4_3": ("1960", "1970", ["bm", "mw", "wp"]),
}


@pytest.mark.parametrize("example", list(SCALAR))
def test_product_of_factors_matches_dasguptr(example: str) -> None:
    first, second, factors = SCALAR[example]
    data = _inputs(example)
    got = stats.decompose_factors([data[first][f] for f in factors],
                                  [data[second][f] for f in factors], names=factors)  # fmt: skip
    expected = _expected(example)
    for k, factor in enumerate(factors):
        assert got.standardised[k, 0] == pytest.approx(expected[factor, first], rel=1e-12)
        assert got.standardised[k, 1] == pytest.approx(expected[factor, second], rel=1e-12)
    assert got.crude[0] == pytest.approx(expected["crude", first], rel=1e-12)
    assert got.crude[1] == pytest.approx(expected["crude", second], rel=1e-12)
    assert got.effects.sum() == pytest.approx(got.difference, rel=1e-12)


@pytest.mark.parametrize("method", ["das-gupta", "kitagawa"])
def test_household_headship_composition_and_rates(method: str) -> None:
    # Das Gupta's table 5.1: Kitagawa's case, age composition and age-specific rates
    data = _inputs("t5_1")
    got = stats.decompose(data["1970"]["rate"], data["1970"]["size"], data["1985"]["rate"],
                          data["1985"]["size"], method=method)  # fmt: skip
    expected = _expected("t5_1")
    composition, rate = got.standardised
    assert composition.tolist() == pytest.approx(
        [expected["stratum_struct", "1970"], expected["stratum_struct", "1985"]], rel=1e-12
    )
    assert rate.tolist() == pytest.approx(
        [expected["rate", "1970"], expected["rate", "1985"]], rel=1e-12
    )
    # Kitagawa's closed forms
    c1 = np.array(data["1970"]["size"]) / sum(data["1970"]["size"])
    c2 = np.array(data["1985"]["size"]) / sum(data["1985"]["size"])
    r1, r2 = np.array(data["1970"]["rate"]), np.array(data["1985"]["rate"])
    assert got.effects[0] == pytest.approx(((c2 - c1) * (r1 + r2) / 2).sum(), rel=1e-12)
    assert got.effects[1] == pytest.approx(((r2 - r1) * (c1 + c2) / 2).sum(), rel=1e-12)


def test_cross_classified_composition_matches_dasguptr() -> None:
    # Das Gupta's table 5.3: death rates by race (2) × age (11), US 1970 and 1985
    data = _inputs("t5_3")

    def table(population: str, factor: str) -> np.ndarray:
        return np.array(data[population][factor]).reshape(2, 11)

    got = stats.decompose(table("1970", "rate"), table("1970", "size"), table("1985", "rate"),
                          table("1985", "size"), names=["race", "age", "rate"])  # fmt: skip
    expected = _expected("t5_3")
    for k, factor in enumerate(["stratum_struct", "stratum_2_struct", "rate"]):
        assert got.standardised[k].tolist() == pytest.approx(
            [expected[factor, "1970"], expected[factor, "1985"]], rel=1e-12
        )
    assert got.crude.tolist() == pytest.approx(
        [expected["crude", "1970"], expected["crude", "1985"]], rel=1e-12
    )


finite = st.floats(0.001, 1000.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(
    lambda p: st.tuples(arrays(np.float64, (p, 4), elements=finite),
                        arrays(np.float64, (p, 4), elements=finite))))  # fmt: skip
def test_effects_add_up_exactly(pair: tuple[np.ndarray, np.ndarray]) -> None:
    first, second = pair
    got = stats.decompose_factors(first, second)
    scale = np.abs(got.standardised).max() + np.abs(got.crude).max()
    assert abs(got.effects.sum() - got.difference) <= 1e-12 * scale
    np.testing.assert_allclose(got.contributions.sum(axis=1), got.effects, rtol=1e-12,
                               atol=1e-12 * scale)  # fmt: skip
    # swapping the populations swaps every sign (Das Gupta's symmetry)
    back = stats.decompose_factors(second, first)
    np.testing.assert_allclose(back.effects, -got.effects, rtol=1e-10, atol=1e-12 * scale)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (2, 3, 4), elements=st.floats(0.0, 0.5)),
    arrays(np.float64, (2, 3, 4), elements=st.floats(1.0, 1e5)),
)
def test_two_way_effects_add_up_and_unchanged_factors_have_no_effect(
    rates: np.ndarray, sizes: np.ndarray
) -> None:
    got = stats.decompose(rates[0], sizes[0], rates[1], sizes[1])
    assert got.effects.sum() == pytest.approx(got.difference, abs=1e-12)
    same = stats.decompose(rates[0], sizes[0], rates[1], sizes[0])
    np.testing.assert_allclose(same.effects[:2], 0.0, atol=1e-15)
    assert same.effects[2] == pytest.approx(same.difference, abs=1e-12)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(([0.1, 0.2], [1, 2], [0.1], [1]), "differ"),
     (([0.1, 0.2], [1, -2], [0.1, 0.2], [1, 2]), "not negative"),
     (([0.1, np.nan], [1, 2], [0.1, 0.2], [1, 2]), "missing"),
     (([0.1, 0.2], [0, 0], [0.1, 0.2], [1, 2]), "hold no one"),
     (([[[0.1]]], [[[1]]], [[[0.1]]], [[[1]]]), "one axis"),
     (([[0.1, 0.2]], [[1, 2]], [[0.1, 0.2]], [[1, 2]]), "one axis")],
)  # fmt: skip
def test_bad_input(arguments: tuple[object, ...], message: str) -> None:
    method = "kitagawa" if message == "one axis" and np.ndim(arguments[0]) == 2 else "das-gupta"
    with pytest.raises(InvalidInputError, match=message):
        stats.decompose(*arguments, method=method)  # type: ignore[arg-type]


def test_a_stratum_empty_in_both_populations_needs_no_rate() -> None:
    got = stats.decompose([0.1, np.nan, 0.3], [10, 0, 5], [0.2, np.nan, 0.1], [8, 0, 9])
    assert np.isfinite(got.effects).all()
    assert got.effects.sum() == pytest.approx(got.difference, abs=1e-15)


def test_factor_checks() -> None:
    with pytest.raises(InvalidInputError, match="at least 2 factors"):
        stats.decompose_factors([1.0], [2.0])
    with pytest.raises(InvalidInputError, match="names"):
        stats.decompose_factors([1.0, 2.0], [2.0, 3.0], names=["a"])
    with pytest.raises(InvalidInputError, match="finite"):
        stats.decompose_factors([1.0, np.inf], [2.0, 3.0])
    with pytest.raises(InvalidInputError, match="method must be"):
        stats.decompose([1.0], [1.0], [1.0], [1.0], method="oaxaca")
