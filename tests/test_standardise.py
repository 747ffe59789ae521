"""Direct and indirect standardisation against PHE's expected values (methods.md §6 D, E, L)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mch_indicators as mch

BANDS = [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"]
POP = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153, 123,
       207]  # fmt: skip
BIG = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91]
SMALL = [12, 4, 3, 2, 3, 4, 8, 2, 2, 3, 4, 5, 6, 8, 5, 6, 5, 5, 4]
TINY = [0, 0, np.nan, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 2, 3]
REF_COUNT = [10303, 2824, 0, 3615, 3641, 3490, 3789, 3213, 3031, 2771, 3089, 3490, 3595, 4745,
             5514, 7125, 5694, 6210, 5757]  # fmt: skip
REF_POP = [50520, 57173, 60213, 54659, 44345, 50128, 62163, 67423, 62899, 55463, 60479, 49974,
           44140, 40888, 37239, 30819, 18136, 15325, 13918]  # fmt: skip

#: PHE's published values are printed to 15 significant digits: compare at 1e-9 relative.
RTOL = 1e-9


def phe_frame() -> pd.DataFrame:
    rows = []
    for area, counts in (("big", BIG), ("small", SMALL), ("tiny", TINY)):
        for band, count, pop, rc, rp in zip(BANDS, counts, POP, REF_COUNT, REF_POP, strict=True):
            rows.append((area, band, count, pop, rc, rp))
    return pd.DataFrame(rows, columns=["area", "age", "count", "pop", "ref_count", "ref_pop"])


@pytest.mark.parametrize(
    ("multiplier", "expected"),
    [
        (
            100_000,  # D5, D6 (testdata_big, testdata_small)
            {
                "big": (10430.2479914694, 9717.70906798568, 11178.9409154793, 9323.2878802199,
                        11620.5959995221),
                "small": (1103.2120253001, 877.455767536709, 1367.08822272518, 763.642035793988,
                          1530.03289482448),
            },
        ),
        (
            10_000,  # D1, D2
            {
                "big": (1043.02479914694, 971.770906798568, 1117.89409154792, 932.32878802199,
                        1162.05959995221),
                "small": (110.32120253001, 87.7455767536709, 136.708822272518, 76.3642035793988,
                          153.003289482448),
            },
        ),
    ],
)  # fmt: skip
def test_dsr_reproduces_phe_tables(multiplier, expected):
    frame = phe_frame()
    out = mch.dsr(frame, count="count", population="pop", age="age", standard="esp_2013",
                  by="area", confidence=(0.95, 0.998), multiplier=multiplier)  # fmt: skip
    out = out.set_index("area")
    for area, (value, lo95, hi95, lo998, hi998) in expected.items():
        row = out.loc[area]
        got = [
            row["value"],
            row["lower_95"],
            row["upper_95"],
            row["lower_99.8"],
            row["upper_99.8"],
        ]
        np.testing.assert_allclose(got, [value, lo95, hi95, lo998, hi998], rtol=RTOL)
    tiny = out.loc["tiny"]  # D3, D7: 9 events, no value
    assert tiny["total_count"] == 9 and np.isnan(tiny["value"]) and np.isnan(tiny["lower_95"])
    assert tiny["flags"] == "SUPPRESSED"
    assert out.loc["big", "total_count"] == 895 and out.loc["big", "total_pop"] == 8970


def test_dsr_1976_standard_with_85_plus_band():
    """D8 (value and 95 % limits; the spreadsheet's 99.8 % pair is 10x too large)."""
    bands = [*BANDS[:17], "85+"]
    frame = pd.DataFrame({"age": bands, "count": BIG[:18], "pop": POP[:18]})
    out = mch.dsr(frame, count="count", population="pop", age="age", standard="esp_1976")
    np.testing.assert_allclose(
        out[["value", "lower", "upper"]].iloc[0].to_numpy(),
        [8592.09758502237, 7991.1609314421, 9225.25388031832],
        rtol=RTOL,
    )
    assert out["total_pop"].iloc[0] == 8763


def test_dsr_non_independent_events():
    """D9: testdata_nonind_big re-derived from PHE's formula; stored to 8 decimals."""
    # Each band's 'big' count split into individuals with 1 and 2 events (frequency f).
    # With every individual having one event the result is D5; the D9 data set is not
    # reproduced here, so this checks the widening against the independent case.
    frame = phe_frame().query("area == 'big'")
    once = frame.assign(frequency=1)
    same = mch.dsr(once, count="count", population="pop", age="age", standard="esp_2013",
                   frequency="frequency")  # fmt: skip
    independent = mch.dsr(frame, count="count", population="pop", age="age", standard="esp_2013")
    np.testing.assert_allclose(
        same[["value", "lower", "upper"]].to_numpy(),
        independent[["value", "lower", "upper"]].to_numpy(),
        rtol=1e-12,
    )
    # Half of each band's events come from individuals with 2 events: same events, wider CI.
    halves = pd.concat(
        [frame.assign(count=frame["count"] / 2, frequency=1),
         frame.assign(count=frame["count"] / 4, frequency=2)]
    )  # fmt: skip
    wider = mch.dsr(halves, count="count", population="pop", age="age", standard="esp_2013",
                    frequency="frequency")  # fmt: skip
    assert wider["total_count"].iloc[0] == pytest.approx(895)
    assert wider["value"].iloc[0] == pytest.approx(independent["value"].iloc[0], rel=1e-12)
    assert wider["lower"].iloc[0] < independent["lower"].iloc[0]
    assert wider["upper"].iloc[0] > independent["upper"].iloc[0]
    assert wider["method"].iloc[0] == "Dobson, non-independent events"
    # The same limits by hand from PHE's formula: var = Σ_f f² Σ_i x_if (w_i/n_i)² / W².
    w = np.array(mch.standard_population("esp_2013").weights)
    n, x = np.array(POP, float), np.array(BIG, float)
    share = (w / n) ** 2
    var = (1 * (x / 2 * share).sum() + 4 * (x / 4 * share).sum()) / w.sum() ** 2
    z, o = 1.959963984540054, 895.0
    byar_low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    expected = (wider["value"].iloc[0] / 1e5 + np.sqrt(var / o) * (byar_low - o)) * 1e5
    assert wider["lower"].iloc[0] == pytest.approx(expected, rel=1e-12)


def test_dsr_synthetic_districts_through_the_live_peer():
    """L1–L3: women 15–44, ESP 2013 weights, subset of the standard's bands."""
    bands = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44"]
    rows = {
        "district_A": ([14, 31, 45, 38, 22, 9], [5210, 6020, 6480, 6900, 6100, 5800]),
        "district_B": ([3, 5, 0, 4, 2, np.nan], [1210, 1390, 1500, 1620, 1405, 1330]),
        "district_C": ([1, 2, 1, 0, 3, 1], [410, 455, 520, 560, 480, 430]),
    }
    frame = pd.DataFrame(
        [
            (g, b, c, p)
            for g, (cs, ps) in rows.items()
            for b, c, p in zip(bands, cs, ps, strict=True)
        ],
        columns=["district", "age", "count", "pop"],
    )
    out = mch.dsr(frame, count="count", population="pop", age="age", standard="esp_2013",
                  by="district", subset=True).set_index("district")  # fmt: skip
    np.testing.assert_allclose(
        out.loc["district_A", ["value", "lower", "upper"]].to_numpy(dtype=float),
        [419.073735055206, 356.211127068465, 489.797366308774],
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        out.loc["district_B", ["value", "lower", "upper"]].to_numpy(dtype=float),
        [161.13919204408, 87.8361788608209, 270.658609207407],
        rtol=RTOL,
    )
    assert out.loc["district_C", "total_count"] == 8 and np.isnan(out.loc["district_C", "value"])


def test_bands_are_matched_by_label_not_position():
    frame = phe_frame().query("area == 'big'")
    shuffled = frame.sample(frac=1.0, random_state=7)
    relabelled = frame.assign(
        age=frame["age"].str.replace("-", " to ").str.replace("+", " and over")
    )
    results = [
        mch.dsr(f, count="count", population="pop", age="age", standard="esp_2013")["value"].iloc[
            0
        ]
        for f in (frame, shuffled, relabelled)
    ]
    assert results[0] == pytest.approx(10430.2479914694, rel=RTOL)
    assert results[1] == pytest.approx(results[0], rel=1e-13)
    assert results[2] == pytest.approx(results[0], rel=1e-13)


def test_mismatched_bands_give_a_clear_error():
    frame = phe_frame().query("area == 'big'")
    with pytest.raises(mch.InvalidInputError, match="missing from the data: 0-4"):
        mch.dsr(frame.iloc[1:], count="count", population="pop", age="age", standard="esp_2013")
    message = "not in the standard: 85-89, 90\\+; missing from the data: 85\\+"
    with pytest.raises(mch.InvalidInputError, match=message):
        mch.dsr(frame, count="count", population="pop", age="age", standard="segi_1960")
    doubled = pd.concat([frame, frame.iloc[:1]])
    with pytest.raises(mch.InvalidInputError, match="two rows for the same group and age band"):
        mch.dsr(doubled, count="count", population="pop", age="age", standard="esp_2013")
    with pytest.raises(mch.InvalidInputError, match="no standard population 'esp'"):
        mch.dsr(frame, count="count", population="pop", age="age", standard="esp")


def test_standard_from_a_column_or_a_mapping():
    frame = phe_frame().query("area == 'big'")
    weights = dict(zip(mch.standard_population("esp_2013").bands,
                       mch.standard_population("esp_2013").weights, strict=True))  # fmt: skip
    from_mapping = mch.dsr(frame, count="count", population="pop", age="age", standard=weights)
    from_column = mch.dsr(frame.assign(w=frame["age"].map(weights)), count="count",
                          population="pop", age="age", standard="w")  # fmt: skip
    for out in (from_mapping, from_column):
        assert out["value"].iloc[0] == pytest.approx(10430.2479914694, rel=RTOL)


def test_shipped_standards_sum_as_published():
    totals = {k: mch.standard_population(k).total for k in
              ("who_2000_2025", "who_2000_2025_85p", "segi_1960", "esp_2013", "esp_2013_21",
               "esp_1976", "china_2000")}  # fmt: skip
    assert totals == {
        "who_2000_2025": 100_035.0,  # the WHO percentages sum to 100.035 %
        "who_2000_2025_85p": 100_035.0,
        "segi_1960": 100_000.0,
        "esp_2013": 100_000.0,
        "esp_2013_21": 100_000.0,
        "esp_1976": 100_000.0,
        "china_2000": 1_242_612_226.0,
    }
    assert mch.standard_population("中标").id == "china_2000"
    assert mch.standard_population("Segi").id == "segi_1960"


def test_dsr_does_not_modify_its_input():
    frame = phe_frame()
    before = frame.copy()
    mch.dsr(frame, count="count", population="pop", age="age", standard="esp_2013", by="area")
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("kind", "refvalue", "multiplier", "expected"),
    [
        ("rate", 1, 100_000, {"big": (10011.1376220911, 9365.91600297888, 10689.0975829106),
                              "small": (1017.89220515116, 819.521002506463, 1249.75926013832),
                              "tiny": (100.670657652312, 46.0330351330789, 191.10426659054)}),
        ("rate", 1, 1000, {"big": (100.111376220911, 93.6591600297888, 106.890975829106)}),
        ("ratio", 1, 100_000, {"big": (1.07072329390203, 1.0017147712554, 1.14323328724989),
                               "tiny": (0.0107670498828137, 0.00492338082509578,
                                        0.0204392145554997)}),
        ("ratio", 100, 100_000, {"small": (10.8866837704005, 8.7650401018294, 13.3665763284189)}),
    ],
)  # fmt: skip
def test_isr_reproduces_phe_tables(kind, refvalue, multiplier, expected):
    """E1–E12 (95 % limits; exact below 10 observed events, Byar from 10)."""
    out = mch.isr(phe_frame(), count="count", population="pop", reference_count="ref_count",
                  reference_population="ref_pop", by="area", kind=kind, refvalue=refvalue,
                  multiplier=multiplier).set_index("area")  # fmt: skip
    for area, values in expected.items():
        np.testing.assert_allclose(
            out.loc[area, ["value", "lower", "upper"]].to_numpy(dtype=float), values, rtol=RTOL
        )
    assert out.loc["big", "expected"] == pytest.approx(835.883561231174, rel=RTOL)
    assert out.loc["tiny", "method"] == "exact" and out.loc["big", "method"] == "Byar"


def test_isr_99_8_limits():
    out = mch.isr(phe_frame(), count="count", population="pop", reference_count="ref_count",
                  reference_population="ref_pop", by="area", confidence=(0.95, 0.998))  # fmt: skip
    big = out.set_index("area").loc["big"]
    np.testing.assert_allclose(
        [big["lower_99.8"], big["upper_99.8"]], [0.963515561961444, 1.18600704158763], rtol=RTOL
    )


def test_isr_errors():
    with pytest.raises(mch.InvalidInputError, match="reference_pop"):
        mch.isr(phe_frame(), count="count", population="pop", reference_count="ref_count",
                reference_population="reference_pop")  # fmt: skip
    with pytest.raises(mch.InvalidInputError, match="kind must be"):
        mch.isr(phe_frame(), count="count", population="pop", reference_count="ref_count",
                reference_population="ref_pop", kind="smr")  # fmt: skip
