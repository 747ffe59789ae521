"""One naming rule (issue 24 item 3): a word that names several indicators is ambiguous.

Offices and reports write indicator names in many ways: ``低体重率`` for underweight in
children under 5 or under 6, ``母婴传播率`` for HIV, hepatitis B or congenital syphilis,
``"两癌"检查覆盖率`` with quotation marks. The rule: a word with one answer resolves (in
``get``, ``search`` and header matching, quotes and brackets ignored); a word naming
several indicators raises ``AmbiguousIndicatorError`` listing every candidate, one line
each, saying how it differs. ``tests/reference/office_names.csv`` holds the names as
offices write them, with the expected answer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import mch_indicators as mch
from mch_indicators._catalog import normalize_key
from mch_indicators._errors import AmbiguousIndicatorError
from mch_indicators._headers import match_headers

REFERENCE = Path(__file__).parent / "reference" / "office_names.csv"


def _rows() -> list[dict[str, str]]:
    lines = REFERENCE.read_text("utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


ROWS = _rows()


def test_the_list_holds_at_least_150_names_of_both_kinds():
    assert len(ROWS) >= 150
    assert len({row["name"] for row in ROWS}) == len(ROWS)
    kinds = {row["how"] for row in ROWS}
    assert kinds == {"get", "ambiguous"}
    assert sum(row["how"] == "ambiguous" for row in ROWS) >= 15


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['how']}:{row['name']}")
def test_each_name_as_offices_write_it(row):
    if row["how"] == "get":
        assert mch.get(row["name"]).id == row["expected"]
        return
    with pytest.raises(AmbiguousIndicatorError) as caught:
        mch.get(row["name"])
    candidates = row["expected"].split()
    assert list(caught.value.suggestions) == candidates
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + len(candidates)  # the sentence, then one line per candidate
    for line, candidate in zip(lines[1:], candidates, strict=True):
        indicator = mch.catalog[candidate]
        assert line.startswith(f"  - {candidate!r}: {indicator.name.zh} / ")
        assert indicator.denominator.name.zh in line  # what it divides by: the difference


def test_search_offers_every_candidate_of_an_ambiguous_word():
    for row in ROWS:
        if row["how"] == "ambiguous" and not row["name"].isascii():
            found = {i.id for i in mch.search(row["name"], limit=None)}
            assert set(row["expected"].split()) <= found, row["name"]


def test_quotes_and_brackets_are_ignored_in_get_search_and_headers():
    assert mch.get("「两癌」检查覆盖率").id == "two_cancer_screening_task_completion"
    assert mch.search('"两癌"检查覆盖率')[0].id == "two_cancer_screening_task_completion"
    terms = {t.id: (t.name.zh, *t.aliases) for t in mch.catalog.terms.values()}
    matched = match_headers(["县区", "两癌检查人数", "“两癌”任务数"], terms)
    assert matched.columns == {
        "two_cancer_screened_women": "两癌检查人数",
        "two_cancer_task": "“两癌”任务数",
    }


def test_an_alias_shared_with_another_member_of_the_family_is_ambiguous():
    """The rule in data: an alias of one indicator that ends the Chinese name of another
    member of its family (生长迟缓率 in 6岁以下儿童生长迟缓率) names both, so it may only be an
    ambiguous alias."""
    offenders = []
    for indicator in mch.catalog.values():
        family = mch.catalog.variants(indicator)
        for alias in indicator.aliases:
            key = normalize_key(alias)
            offenders.extend(
                (alias, indicator.id, other.id)
                for other in family
                if other.id != indicator.id and normalize_key(other.name.zh).endswith(key)
            )
    assert offenders == []


def test_every_ambiguous_word_names_at_least_two_indicators_that_differ():
    for word, candidates in mch.catalog.ambiguous_names.items():
        assert len(candidates) >= 2, word
        shapes = {
            (c.unit, c.numerator.id, c.denominator.id, c.parameters)
            for c in (mch.catalog[i] for i in candidates)
        }
        assert len(shapes) == len(candidates), word
