"""Hypothesis strategies and indicator factories used across the test suite.

Strategies are derived from the definitions: counts that fit an indicator's
kind (a proportion's numerator never above its denominator), confidence
levels, units from the unit table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators import units

SCALE_UNIT = {1: "fraction", 100: "percent", 1000: "per_1k", 10000: "per_10k", 100000: "per_100k"}


def make_indicator(
    kind: str = "proportion", unit: str = "fraction", **extra: Any
) -> mch.Indicator:
    """A minimal valid user-defined indicator of the given kind and unit."""
    term = {"name": {"en": "events", "zh": "事件数"}, "definition": {"en": "Events counted."}}
    base = {"name": {"en": "people", "zh": "人数"}, "definition": {"en": "People at risk."}}
    if kind == "coverage":  # a coverage divides by an estimated or planned population
        base["estimated"] = True
    fields: dict[str, Any] = {
        "id": f"test_{kind}",
        "name": {"en": f"Test {kind}", "zh": "测试指标"},
        "domain": "mortality",
        "kind": kind,
        "unit": unit,
        "direction": "lower",
        "numerator": {"id": "events", **term},
        "denominator": {"id": "people", **base},
        "definition": {"en": "A test indicator."},
        "sources": [{"document": "test suite"}],
        **extra,
    }
    return mch.Indicator.model_validate(fields)


confidence_levels = st.floats(min_value=0.5, max_value=0.9999, allow_nan=False)
unit_names = st.sampled_from(units.names())
denominators = st.integers(min_value=1, max_value=10**7)
counts = st.integers(min_value=0, max_value=10**6)


@st.composite
def proportion_pairs(draw: st.DrawFn, max_n: int = 10**7) -> tuple[int, int]:
    """(x, n) with 0 <= x <= n, n >= 1."""
    n = draw(st.integers(min_value=1, max_value=max_n))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@st.composite
def count_arrays(draw: st.DrawFn, bounded: bool) -> tuple[np.ndarray, np.ndarray]:
    """Equal-length arrays of counts; numerator <= denominator when ``bounded``."""
    size = draw(st.integers(min_value=1, max_value=30))
    n = np.array(draw(st.lists(denominators, min_size=size, max_size=size)), dtype=float)
    if bounded:
        fractions = draw(st.lists(st.floats(0, 1), min_size=size, max_size=size))
        x = np.floor(np.array(fractions) * n)
    else:
        x = np.array(draw(st.lists(counts, min_size=size, max_size=size)), dtype=float)
    return x, n


# -- engine frames -----------------------------------------------------------------------

#: The engines a table may come in besides pandas (dask and Spark have their own tests).
ENGINES = ["polars", "polars_lazy", "pyarrow", "duckdb"]


def as_engine(frame: Any, engine: str) -> Any:
    """A pandas frame in ``engine`` (``"pandas"``: itself); the test skips if it is missing."""
    import pytest

    if engine == "pandas":
        return frame
    if engine in {"polars", "polars_lazy"}:
        pl = pytest.importorskip("polars")
        converted = pl.from_pandas(frame)
        return converted.lazy() if engine == "polars_lazy" else converted
    if engine == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(frame, preserve_index=False)
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        # the default connection: it outlives the relation
        return duckdb.from_arrow(as_engine(frame, "pyarrow"))
    dd = pytest.importorskip("dask.dataframe")
    return dd.from_pandas(frame, npartitions=2)


# -- registers (records) ---------------------------------------------------------------

#: Values a birth register holds, boundaries and errors included: exactly 22, 28 and
#: 37 weeks, 27+6 (27.857), exactly 1,000 and 2,500 g, deaths on days 6, 7, 27 and 28,
#: missing values, codes meaning "unknown", unrecognised codes and impossible numbers.
BIRTH_VALUES: dict[str, list[Any]] = {
    "outcome": ["live", "活产", "1", "stillbirth", "死胎", "2", "9", "不详", "alive?", None],
    "gestation_weeks": [
        None,
        8.0,
        20.0,
        21.9,
        22.0,
        25.0,
        27.857,
        28.0,
        30.0,
        36.9,
        37.0,
        40.0,
        50.0,
    ],
    "birth_weight_g": [
        None,
        50.0,
        600.0,
        999.0,
        1000.0,
        1499.0,
        1500.0,
        1800.0,
        2499.0,
        2500.0,
        3400.0,
        3999.0,
        4000.0,
        9000.0,
    ],
    "death_age_days": [None, None, None, -1.0, 0.0, 6.0, 7.0, 27.0, 28.0, 200.0, 400.0],
    "sex": ["male", "男", "female", "2", "9", None, "x"],
    "delivery_place": ["hospital", "township", "home", "2", None, "other", "??"],
    "delivery_mode": ["vaginal", "剖宫产", "caesarean", "3", None, "9", "c-section?"],
    "mother_age": [None, 14.0, 15.0, 19.9, 20.0, 35.0, 70.0],
    "area": ["A", "B", "C"],
    "birth_defect": [True, False, False, None],
    "birth_defect_age_days": [None, 0.0, 6.0, 7.0, 42.0, 43.0, -1.0],
    "pku_screened": [True, False, None],
    "ch_screened": [True, False, None],
    "hearing_screened": [True, False, None],
    "chd_screened": [True, False, None],
    "deafness_gene_screened": [True, False, None],
    "hepb1_hours": [None, 0.0, 24.0, 24.5, 100.0, -1.0],
    "bcg_given": [True, False, None],
    "kmc": [True, False, None],
}


# -- bad input (docs/bad-input.md) ------------------------------------------------------
#
# One strategy per class of input of the contract page; the test modules
# test_bad_input_*.py draw from them on every surface.


def _reads_as_number(text: str) -> bool:
    """Whether a table cell reads as a number or as missing (the grammar of read_table)."""
    import pandas as pd

    from mch_indicators._io._numbers import MISSING_TOKENS, parse_numbers

    _, bad = parse_numbers(pd.Series([text]))
    return not bad[0] or text.strip().casefold() in MISSING_TOKENS


#: Counts that are numbers in range (the good class), with NaN for missing ones.
good_counts = st.one_of(
    st.integers(0, 10**6).map(float),
    st.floats(2.0**-53, 2.0**53),
    st.just(0.0),
    st.just(float("nan")),
)

#: One bad count of each class, with the class name of docs/bad-input.md.
BAD_COUNTS: dict[str, st.SearchStrategy[Any]] = {
    "negative": st.floats(max_value=-1e-300, allow_infinity=False, allow_nan=False),
    "infinite": st.sampled_from([float("inf"), float("-inf")]),
    "huge": st.one_of(
        st.floats(min_value=2.0**53 * (1 + 2**-52), allow_infinity=False),
        st.integers(min_value=10**309, max_value=10**400),
    ),
    "not-numbers": st.one_of(
        st.booleans(),
        st.text(min_size=1, max_size=5).filter(lambda t: not _reads_as_number(t)),
        st.complex_numbers(allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0),
    ),
}


@st.composite
def birth_registers(draw: st.DrawFn, max_size: int = 60) -> list[dict[str, Any]]:
    """A births register as a list of records, every field drawn from BIRTH_VALUES."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    return [
        {field: draw(st.sampled_from(values)) for field, values in BIRTH_VALUES.items()}
        for _ in range(size)
    ]


@st.composite
def count_vectors(draw: st.DrawFn, size: int | None = None) -> np.ndarray:
    """A float64 vector of good counts (some missing)."""
    length = size if size is not None else draw(st.integers(1, 8))
    return np.array(draw(st.lists(good_counts, min_size=length, max_size=length)))


@st.composite
def with_bad_count(draw: st.DrawFn, kind: str, size: int | None = None) -> list[Any]:
    """A list of good counts with one count of the bad class ``kind`` somewhere."""
    values: list[Any] = draw(count_vectors(size)).tolist()
    values[draw(st.integers(0, len(values) - 1))] = draw(BAD_COUNTS[kind])
    return values


@st.composite
def masked_counts(draw: st.DrawFn, size: int) -> np.ma.MaskedArray:
    """Counts with some elements masked; the hidden values are anything, bad ones included."""
    visible = draw(count_vectors(size))
    hidden = draw(
        st.lists(
            st.one_of(st.floats(-1e300, 1e300), st.just(float("inf")), st.just(-1.0)),
            min_size=size,
            max_size=size,
        )
    )
    mask = np.array(draw(st.lists(st.booleans(), min_size=size, max_size=size)))
    return np.ma.array(np.where(mask, hidden, visible), mask=mask)


@st.composite
def shuffled_labels(draw: st.DrawFn, size: int) -> tuple[list[str], list[int]]:
    """Row labels and a permutation of them (the same labels in another order)."""
    labels = [f"county_{i}" for i in range(size)]
    order = draw(st.permutations(range(size)))
    return labels, list(order)


#: Narrow dtypes a table may hold counts in.
narrow_dtypes = st.sampled_from(["float16", "float32", "int8", "int16", "int32", "uint16"])

#: Confidence levels one of which collides with another's label.
colliding_levels = confidence_levels.map(lambda c: (c, float(np.nextafter(c, 1.0))))


@st.composite
def count_pairs(draw: st.DrawFn, bounded: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators with missing, zero and (for proportions) boundary cases."""
    size = draw(st.integers(1, 8))
    n = draw(count_vectors(size))
    n[draw(st.lists(st.integers(0, size - 1), max_size=2))] = 0.0  # zero denominators
    if bounded:
        share = np.array(draw(st.lists(st.floats(0, 1), min_size=size, max_size=size)))
        x = np.where(draw(st.booleans()), n, np.floor(share * np.nan_to_num(n)))
        x[np.isnan(n)] = np.nan
    else:  # numerators may also be tiny, down to subnormal numbers
        tiny = st.floats(0, 2.0**-53)
        x = np.array(draw(st.lists(st.one_of(good_counts, tiny), min_size=size, max_size=size)))
    return x, n


@st.composite
def grids(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    groups = draw(st.integers(1, 4))
    counts = np.stack([draw(count_vectors(3)) for _ in range(groups)])
    populations = np.stack([draw(count_vectors(3)) for _ in range(groups)])
    return np.floor(np.nan_to_num(counts) % 1000), populations


#: Row labels of a table: text (Chinese too) or integers, unique.
row_labels = st.one_of(
    st.lists(st.text("abc河阳县", min_size=1, max_size=4), min_size=3, max_size=6, unique=True),
    st.lists(st.integers(-5, 10**6), min_size=3, max_size=6, unique=True),
)

#: Indicator values (positive), some missing.
value_arrays = st.lists(
    st.one_of(st.floats(0.01, 1e6), st.just(float("nan"))), min_size=2, max_size=6
).map(np.array)

#: Values a TOML document may hold, nested: what a definitions file of any shape holds.
toml_values = st.recursive(
    st.one_of(st.integers(-5, 5), st.text(max_size=4), st.booleans(), st.floats(-1, 1)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("abc"), inner, max_size=3)
    ),
    max_leaves=6,
)


#: Texts a hostile or careless table puts where a label goes (formulas, DDE, error values).
FORMULA_SEEDS = (
    "=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
    "\t=1+1", "\r=1", "#N/A", "=cmd|'/C calc'!A0", "-", "+", "=", "@",
)  # fmt: skip


#: How a hostile label starts: each trigger (full-width ones too, which Chinese Excel reads
#: as the ASCII ones), after a space, a line feed or a ``;``.
TRIGGER_HEADS = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", " =", "\n=", "a;="]
TRIGGER_HEADS += ["a\n@", ';"=', '\r"=', "a;＝"]


@st.composite
def hostile_texts(draw: st.DrawFn) -> str:
    """A label as an attacker writes it: a formula trigger first, then anything.

    Mixed with plain and Chinese text, control characters and lone surrogates (which
    no spreadsheet can hold), so that the writers see every kind of first character.
    """
    tail = draw(st.text(max_size=12))
    head = draw(
        st.one_of(
            st.sampled_from(FORMULA_SEEDS),
            st.sampled_from(TRIGGER_HEADS),
            st.text(alphabet="甲乙县镇=+-@\t\r\x00\x01", max_size=3),
        )
    )
    return head + tail


# -- hostile numbers (docs/bad-input.md: no warning escapes) --------------------------------
#
# Counts and values at the edges where arithmetic breaks: all zero, all equal to the
# denominator, one enormous next to tiny ones, 2**53 itself, subnormal denominators,
# missing ones. A function fed these either refuses them with a typed error or returns
# numbers; a warning escaping (divide by zero, overflow in exp) is a failure.

#: One count at an edge, or an ordinary one.
edge_counts = st.one_of(
    st.sampled_from([0.0, 1.0, 2.0, 9.0, 10.0, 2.0**53, 2.0**53 - 1, 1e15, float("nan")]),
    st.integers(0, 10**6).map(float),
    st.floats(2.0**-53, 1.0),
    st.floats(0.0, 2.0**53),
)


@st.composite
def edge_count_pairs(draw: st.DrawFn, size: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators at the edges: all zero, x = n, one huge among small..."""
    length = size if size is not None else draw(st.integers(1, 6))
    shape = draw(st.sampled_from(["any", "zero events", "x = n", "one huge", "equal"]))
    n = np.array(draw(st.lists(edge_counts, min_size=length, max_size=length)))
    x = np.array(draw(st.lists(edge_counts, min_size=length, max_size=length)))
    if shape == "zero events":
        x = np.zeros(length)
    elif shape == "x = n":
        x = n.copy()
    elif shape == "one huge":
        x, n = np.ones(length), np.full(length, 10.0)
        x[0], n[0] = 2.0**52, 2.0**53
    elif shape == "equal":
        x, n = np.full(length, x[0]), np.full(length, n[0])
    return x, n


#: Years that are years: recent, ancient, negative (years before an epoch), far ahead.
edge_years = st.one_of(
    st.integers(1990, 2030), st.integers(-50, 50), st.sampled_from([-2020, 0, 3000, 10**6])
)


@st.composite
def edge_series(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One or two series of counts over consecutive years at the edges (a last year of
    20,000 events in 10,000 births, all events in one year, zero everywhere...)."""
    points = draw(st.integers(3, 7))
    start = draw(edge_years)
    years = np.arange(start, start + points, dtype=float)
    series = draw(st.integers(1, 2))
    x = np.array([draw(st.lists(edge_counts, min_size=points, max_size=points))
                  for _ in range(series)])  # fmt: skip
    n = np.array([draw(st.lists(st.one_of(st.just(10_000.0), edge_counts), min_size=points,
                                max_size=points)) for _ in range(series)])  # fmt: skip
    if draw(st.booleans()):  # a jump in the last year: 20,000 events in 10,000 births
        x[:, :-1], x[:, -1], n[:] = 1.0, 20_000.0, 10_000.0
    return x, n, years


# -- generated attacks (issue 23): documents, bytes, engine frames, labels ------------------
#
# Strategies that produce what a hostile or careless user hands the library: malformed
# bytes, JSON and TOML documents derived from valid ones, engine frames with count
# columns of every dtype, and label strings. Readers and writers take them with one
# property: a typed error (MCHIndicatorsError) or a valid result, no escaped warning,
# bounded time (``bounded``). Office readers and writers draw from them too.


@contextlib.contextmanager
def bounded(seconds: float = 30.0) -> Iterator[None]:
    """Fail (``TimeoutError``) when the block runs longer than ``seconds``: a hang guard.

    Not a performance check: the bound is generous, so that a parser that loops
    forever or a search that never ends fails its test instead of stalling the suite.
    Main thread only (a signal timer); elsewhere the block runs unbounded.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Labels that have broken programs: formula-like cells (OWASP's list), control
#: characters, a right-to-left override, full-width and traditional forms, totals.
LABELS = [*FORMULA_SEEDS, "河阳县", "合计", "Total", " 活产 ", "活產", "ＭＭＲ", "MMR", "mmr",
          "\u202egnp.exe", "a\x00b", "'", '"', "\\", "NaN", "None", "", " ",
          "孕产妇死亡率"]  # fmt: skip

#: Label strings: those above, any short text, and long texts.
label_strings = st.one_of(
    st.sampled_from(LABELS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=400),
)

#: JSON scalars, the awkward ones included: big and long numbers, NaN-like names, text.
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["", "NaN", "1e400", "9" * 50, "-1", "0"]),
)  # fmt: skip

#: JSON values of any shape (nested lists and objects of scalars).
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def toml_text(value: object) -> str:
    """``value`` (a scalar, list or dict) written as a TOML value (inline tables).

    Written with a stack of its own, so that a value nested hundreds deep is written
    (for the reader to refuse) rather than exhausting Python's recursion.
    """
    parts: list[str] = []
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Raw):
            parts.append(item.text)
        elif isinstance(item, bool):
            parts.append("true" if item else "false")
        elif isinstance(item, str):
            parts.append('"' + item.encode("unicode_escape").decode().replace('"', '\\"') + '"')
        elif isinstance(item, list | tuple | dict):
            pairs = list(item.items()) if isinstance(item, dict) else [(None, v) for v in item]
            opening, closing = ("{", "}") if isinstance(item, dict) else ("[", "]")
            pending: list[object] = [_Raw(opening)]
            for index, (key, member) in enumerate(pairs):
                if index:
                    pending.append(_Raw(", "))
                if key is not None:
                    pending.append(_Raw(f"{_toml_key(key)} = "))
                pending.append(member)
            pending.append(_Raw(closing))
            stack.extend(reversed(pending))
        else:
            parts.append(repr(item))
    return "".join(parts)


class _Raw:
    """Text :func:`toml_text` writes as it is (brackets, separators, keys)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _toml_key(key: object) -> str:
    text = str(key)
    return text if text and all(c.isascii() and (c.isalnum() or c in "_-") for c in text) else (
        toml_text(text)
    )  # fmt: skip


def toml_document(table: Any) -> str:
    """A TOML document: top-level scalars as keys, lists of dicts as arrays of tables.

    A value that is not a table (a mutated document's root) is written as ``value = ...``;
    values TOML cannot hold (None) are written anyway, as a careless writer would.
    """
    if not isinstance(table, dict):
        return f"value = {toml_text(table)}\n"
    lines: list[str] = []
    tables: list[str] = []
    for key, value in table.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                tables.append(f"[[{_toml_key(key)}]]")
                tables.extend(f"{_toml_key(k)} = {toml_text(v)}" for k, v in item.items())
        else:
            lines.append(f"{_toml_key(key)} = {toml_text(value)}")
    return "\n".join([*lines, *tables]) + "\n"


def _paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a nested document (keys and indexes), the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replaced(value[path[0]], path[1:], new)
    return copy


@st.composite
def mutated_documents(draw: st.DrawFn, seed: Any, values: st.SearchStrategy[Any]) -> Any:
    """``seed`` (a parsed document) with up to three parts replaced, deleted or nested deep."""
    document = seed
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "delete", "deepen", "widen"]))
        if action == "delete" and path:
            parent = _get(document, path[:-1])
            if isinstance(parent, dict):
                trimmed = {k: v for k, v in parent.items() if k != path[-1]}
            else:
                trimmed = [v for i, v in enumerate(parent) if i != path[-1]]
            document = _replaced(document, path[:-1], trimmed)
        elif action == "deepen":
            depth = draw(st.sampled_from([10, 70, 600]))
            nested: Any = _get(document, path)
            for _ in range(depth):
                nested = [nested]
            document = _replaced(document, path, nested)
        elif action == "widen" and isinstance(_get(document, path), list):
            items = _get(document, path)
            document = _replaced(document, path, items * draw(st.integers(2, 3)))
        else:
            document = _replaced(document, path, draw(values))
    return document


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` cut, spliced with junk, re-encoded (GBK, UTF-16, Latin-1) or given a BOM."""
    data = seed
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["cut", "insert", "repeat", "encode", "bom", "nul"]))
        at = draw(st.integers(0, len(data)))
        if action == "cut":
            data = data[:at]
        elif action == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=12)) + data[at:]
        elif action == "repeat":
            data = data[:at] + data[at : at + 40] * draw(st.integers(2, 50)) + data[at:]
        elif action == "encode":
            text = data.decode("utf-8", "replace")
            codec = draw(st.sampled_from(["gbk", "utf-16", "latin-1", "utf-8-sig"]))
            data = text.encode(codec, "replace")
        elif action == "bom":
            data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
        else:
            data = data[:at] + b"\x00" + data[at:]
    return data


#: Bytes a file may hold: random ones, or a valid document's bytes gone wrong.
def malformed_bytes(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, or ``seed`` (a valid file's bytes) mutated by :func:`mutated_bytes`."""
    return st.one_of(st.binary(max_size=200), mutated_bytes(seed))


#: What a count column of a table may hold, by dtype: the good and the bad together.
COUNT_COLUMNS: dict[str, st.SearchStrategy[list[Any]]] = {
    "int64": st.lists(st.integers(0, 10**6), min_size=3, max_size=3),
    "int64 beyond 2**53": st.lists(st.integers(2**53 - 2, 2**62), min_size=3, max_size=3),
    "negative ints": st.lists(st.integers(-5, 5), min_size=3, max_size=3),
    "float64": st.lists(
        st.one_of(st.floats(0, 1e6), st.just(float("nan"))), min_size=3, max_size=3
    ),
    "floats at the edges": st.lists(
        st.sampled_from([0.0, -0.0, 1e-300, 2.0**53, 2.0**53 + 2, float("inf"), float("nan")]),
        min_size=3,
        max_size=3,
    ),
    "booleans": st.lists(st.booleans(), min_size=3, max_size=3),
    "text": st.lists(st.sampled_from(["1", "26,954", "abc", "", "9,5"]), min_size=3, max_size=3),
}


@st.composite
def count_tables(draw: st.DrawFn) -> tuple[Any, str, str]:
    """A pandas frame of three counties with MMR count columns of drawn kinds.

    Returns the frame and the kinds of its numerator and denominator columns.
    """
    import pandas as pd

    deaths_kind = draw(st.sampled_from(sorted(COUNT_COLUMNS)))
    births_kind = draw(st.sampled_from(sorted(COUNT_COLUMNS)))
    frame = pd.DataFrame({
        # distinct as an office reads them: the pandas rules strip the spaces around a label
        "county": draw(st.lists(label_strings, min_size=3, max_size=3, unique_by=str.strip)),
        "maternal_deaths": draw(COUNT_COLUMNS[deaths_kind]),
        "live_births": draw(COUNT_COLUMNS[births_kind]),
    })  # fmt: skip
    return frame, deaths_kind, births_kind
