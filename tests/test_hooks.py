"""The lower layers' hooks are plugged in by ``import mch_indicators``, and only then."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mch_indicators as mch
from mch_indicators import _hooks
from mch_indicators._hooks import Hook


def test_every_hook_is_plugged_once_the_package_is_imported() -> None:
    hooks = [value for value in vars(_hooks).values() if isinstance(value, Hook)]
    assert {hook.name for hook in hooks} == {
        "indicator_context",
        "catalog_frame",
        "catalog_json",
        "pandas_loaded",
        "indicator_repr",
        "indicator_html",
        "result_html",
        "target_repr",
        "target_html",
        "catalog_html",
        "hint_effect",
        "message_texts",
    }
    assert all(hook.plugged for hook in hooks)


def test_the_models_read_through_the_views_plugged_into_their_hooks() -> None:
    """The model knows no view: what its repr says is whatever the package plugged in."""
    indicator = mch.get("MMR")
    plugged = _hooks.indicator_repr._function
    assert repr(indicator).startswith("<Indicator maternal_mortality_ratio: ")
    try:
        _hooks.indicator_repr.plug(lambda shown: f"<shown {shown.id}>")
        assert repr(indicator) == "<shown maternal_mortality_ratio>"
    finally:
        assert plugged is not None
        _hooks.indicator_repr.plug(plugged)
    assert repr(indicator).startswith("<Indicator maternal_mortality_ratio: ")
    unplugged: Hook[..., str] = Hook("bare", fallback=_hooks._plain)
    assert unplugged(indicator) == "<Indicator>"  # before the package plugs the views in


def test_an_unplugged_hook_without_fallback_says_so() -> None:
    lonely: Hook[[], int] = Hook("lonely")
    with pytest.raises(RuntimeError, match="'lonely' is not plugged in"):
        lonely()
    assert repr(lonely) == "<Hook lonely: fallback>"


def test_the_card_lists_the_catalogs_variants_and_targets_through_the_hook() -> None:
    family, targets = _hooks.indicator_context(mch.get("MMR"))
    assert "maternal_mortality_ratio_modelled" in [member.id for member in family]
    assert {target.plan.id for target in targets} >= {"sdg_2030", "healthy_china_2030"}
    own = mch.get("MMR").model_copy(update={"decimals": 1})
    assert _hooks.indicator_context(own) == ((), ())


def test_a_fresh_interpreter_shows_the_card_after_unpickling() -> None:
    """Unpickling imports the model's module, which runs the package's __init__ first."""
    import pickle

    blob = pickle.dumps(mch.get("MMR"))
    script = (
        "import pickle, sys\n"
        f"indicator = pickle.loads({blob!r})\n"
        "html = indicator._repr_html_()\n"
        "print('Healthy China 2030' in html, 'mch_indicators._catalog' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
