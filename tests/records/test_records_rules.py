"""Record schemas and rules as data: what loads, and what is refused with a message naming it."""

from __future__ import annotations

import json
import pickle

import pytest

import mch_indicators as mch
from mch_indicators.records import (
    builtin_record_sets,
    builtin_rules,
    load_rules,
    record_set,
)
from mch_indicators.records._rules import LIVE_BIRTH_DEFINITIONS


def test_the_built_in_record_sets_and_rules_load():
    assert set(builtin_record_sets()) == {
        "births", "child_deaths", "maternal_deaths", "deliveries", "child_health",
    }  # fmt: skip
    terms = builtin_rules().terms
    assert {"live_births", "neonatal_deaths", "maternal_deaths", "early_registered_women",
            "children_0_6_managed", "perinatal_deaths_22w"} <= set(terms)  # fmt: skip
    assert all(term in mch.catalog.terms for term in terms)


def test_every_field_has_both_names_and_a_description():
    for schema in builtin_record_sets().values():
        for field in schema.fields.values():
            assert field.name.en and field.name.zh and field.description.en, field.id


def test_live_birth_definitions_are_the_parameter_values():
    annotation = mch.Parameters.model_fields["live_birth_definition"].annotation
    assert set(LIVE_BIRTH_DEFINITIONS) == set(annotation.__args__[0].__args__)


def test_schemas_and_rules_pickle():
    for value in (record_set("births"), builtin_rules()):
        assert pickle.loads(pickle.dumps(value)) == value


def _load(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_rules(path)


RULE = """
[[rule]]
term = "{term}"
records = "{records}"
where = {where}
"""


@pytest.mark.parametrize(
    ("term", "records", "where", "message"),
    [
        ("stillbirths_28w", "births", '{ field = "gestation", ge = 28 }',
         "no field 'gestation'; did you mean 'gestation_weeks'?"),
        ("stillbirths_28w", "births", '{ field = "outcome", eq = "dead" }',
         "'outcome' eq 'dead': expected one of live, stillbirth"),
        ("stillbirths_28w", "births", '{ field = "gestation_weeks", ge = "28" }',
         "'gestation_weeks' ge '28': expected a number"),
        ("stillbirths_28w", "births", '{ field = "outcome", lt = "live" }',
         "'outcome' is a category: compare it with eq, ne, in"),
        ("stillbirths_28w", "births", '{ field = "gestation_weeks" }', "tests nothing"),
        ("stillbirths_28w", "births", '{ field = "outcome", missing = true, eq = "live" }',
         "`missing` stands alone"),
        ("stillbirths_28w", "births", '{ use = "nowhere" }', "unknown condition 'nowhere'"),
        ("stillbirths_28w", "births", '{ alll = [] }', "exactly one of the keys"),
        ("stillbirths_28w", "births", '{ all = [], any = [] }', "exactly one of the keys"),
        ("stillbirths_28w", "births",
         '{ field = "outcome", eq = "stillbirth", unknown = "maybe" }', "unknown"),
        ("stillbirths_28w", "births", '{ field = "gestation_weeks", ge = 22 }',
         "criteria say gestation_weeks_min = 28"),
        ("stillbirths_28w", "births", '{ field = "gestation_weeks", gt = 28 }',
         "needs ge = 28"),
        ("neonatal_deaths", "child_deaths", '{ field = "age_days", le = 28 }',
         "criteria say age_days_max = 28"),
        ("maternal_deaths", "maternal_deaths", '{ field = "days_after_end", lt = 42 }',
         "criteria say window_days = 42"),
        ("no_such_term", "births", '{ field = "outcome", eq = "live" }', "no such term"),
        ("live_births", "births_register", '{ field = "outcome", eq = "live" }',
         "unknown record set 'births_register'"),
    ],
)  # fmt: skip
def test_malformed_rules_are_refused_naming_the_term(tmp_path, term, records, where, message):
    text = RULE.format(term=term, records=records, where=where)
    with pytest.raises(mch.DefinitionError) as raised:
        _load(tmp_path, text)
    assert f"mine.toml, rule for term {term!r}" in str(raised.value) or "mine.toml" in str(
        raised.value
    )
    assert term in str(raised.value)
    assert message in str(raised.value)


def test_a_named_condition_that_uses_itself_is_refused(tmp_path):
    text = """
[conditions.births]
loop = { any = [{ use = "loop" }] }
"""
    with pytest.raises(mch.DefinitionError, match="condition 'loop' uses itself"):
        _load(tmp_path, text)


def test_a_parameter_needs_every_live_birth_definition(tmp_path):
    text = """
[conditions.maternal_deaths]
any_ga = { all = [] }

[[rule]]
term = "maternal_deaths"
records = "maternal_deaths"
where = { all = [{ parameter = "live_birth_definition" }, { field = "days_after_end", le = 42 }] }
"""
    with pytest.raises(mch.DefinitionError, match="lack ge_22w, ge_28w_or_1000g"):
        _load(tmp_path, text)


def test_a_second_rule_on_one_record_set_is_refused(tmp_path):
    one = RULE.format(
        term="live_births", records="births", where='{ field = "outcome", eq = "live" }'
    )
    with pytest.raises(mch.DefinitionError, match="a second rule on record set 'births'"):
        _load(tmp_path, one + one)


def test_your_rules_replace_the_built_in_ones_and_json_works(tmp_path):
    rules = {
        "rule": [
            {
                "term": "live_births",
                "records": "births",
                "where": {"all": [{"use": "born_alive"}, {"use": "any_ga"}]},
                "note": "every live birth, whatever the gestation",
            }
        ]
    }
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    book = load_rules(path)
    assert book.for_term("live_births")[0].note == "every live birth, whatever the gestation"
    assert len(book.for_term("live_births")) == 3  # yours, then the built-in two
    pd = pytest.importorskip("pandas")
    pytest.importorskip("narwhals")
    births = pd.DataFrame({"outcome": ["live", "live"], "gestation_weeks": [24.0, 39.0]})
    out = mch.count_records(births, "live_births", rules=book)
    assert out.counts["count"].tolist() == [2]


def test_invalid_files_name_themselves(tmp_path):
    with pytest.raises(mch.DefinitionError, match=r"bad.toml: not valid TOML"):
        _load(tmp_path, "[[rule]\n", "bad.toml")
    with pytest.raises(mch.DefinitionError, match="unexpected top-level keys"):
        _load(tmp_path, "[rules]\nx = 1\n")
    with pytest.raises(mch.DefinitionError, match="needs at least one file"):
        load_rules()


def test_never_evaluated_as_code(tmp_path):
    text = RULE.format(
        term="live_births", records="births", where="{ field = \"__import__('os')\", eq = 1 }"
    )
    with pytest.raises(mch.DefinitionError, match="no field"):
        _load(tmp_path, text)


def test_your_own_indicator_term_and_rule_end_to_end(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("narwhals")
    definitions = tmp_path / "mine.toml"
    definitions.write_text(
        """
[terms.home_live_births]
name = { en = "live births at home", zh = "家中分娩活产数" }
definition = { en = "Live births delivered at home." }

[[indicator]]
id = "home_birth_share"
name = { en = "Share of live births at home", zh = "家中分娩比例" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "lower"
numerator = "home_live_births"
denominator = "live_births"
definition = { en = "Live births at home per 100 live births." }
sources = [{ document = "Local protocol" }]
""",
        encoding="utf-8",
    )
    mine = mch.load_definitions(definitions)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
[[rule]]
term = "home_live_births"
records = "births"
where = { all = [{ use = "born_alive" }, { parameter = "live_birth_definition" },
                 { field = "delivery_place", eq = "home" }] }
""",
        encoding="utf-8",
    )
    book = load_rules(rules, catalog=mine)
    births = pd.DataFrame({
        "outcome": ["live"] * 3, "gestation_weeks": [39.0, 40.0, 38.0],
        "birth_weight_g": [3000.0] * 3, "delivery_place": ["home", "hospital", "家中"],
    })  # fmt: skip
    out = mch.compute_records(births, "home_birth_share", rules=book, catalog=mine)
    assert out.results[["numerator", "denominator"]].values.tolist() == [[2.0, 3.0]]


def test_with_inner_changes_every_condition_directly_inside_and_nothing_else():
    from mch_indicators.records import AllOf, AnyOf, FieldTest, Not, Parameter, Use
    from mch_indicators.records._conditions import with_inner

    a, b = FieldTest(field="a", eq=1), FieldTest(field="b", eq=2)
    fallback = FieldTest(field="gestation_weeks", ge=28, unknown=b)
    named = Use(use="b")

    def mark(inner):
        return Not(not_=inner)

    assert with_inner(AllOf(all=(a, named)), mark) == AllOf(all=(Not(not_=a), Not(not_=named)))
    assert with_inner(AnyOf(any=(a,)), mark) == AnyOf(any=(Not(not_=a),))
    assert with_inner(Not(not_=a), mark) == Not(not_=Not(not_=a))
    assert with_inner(fallback, mark).unknown == Not(not_=b)
    assert with_inner(fallback, mark).ge == 28
    for leaf in (a, named, Parameter(parameter="live_birth_definition")):
        assert with_inner(leaf, mark) is leaf  # nothing inside: handed back as it is
