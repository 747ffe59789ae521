"""`mch_indicators.interop` is where other systems' data comes in; `export` keeps old spellings."""

from __future__ import annotations

import pytest

import mch_indicators as mch
from mch_indicators import export, interop

MOVED = ["Dhis2Definitions", "compute_data_values", "read_data_value_set", "read_dhis2_metadata"]


def test_interop_is_a_public_subpackage() -> None:
    assert "interop" in mch.__all__
    assert mch.interop is interop
    assert sorted(interop.__all__) == sorted(MOVED)


@pytest.mark.parametrize("name", MOVED)
def test_the_old_export_spellings_warn_and_give_the_same_object(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"export\.{name} is deprecated.*interop\.{name}"):
        old = getattr(export, name)
    assert old is getattr(interop, name)
    assert name not in export.__all__


def test_export_still_refuses_unknown_names() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        export.nothing  # noqa: B018
