"""Helpers of the tests that read the library's Chinese: the command line run, English left."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

from mch_indicators._cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")

#: A user's indicator (TOML) that loads: the refusal tests break one field of it.
INDICATOR = """
[[indicator]]
id = "my_rate"
name = { en = "My rate", zh = "我的率" }
kind = "proportion"
numerator = "maternal_deaths"
denominator = "live_births"
unit = "percent"
domain = "mortality"
direction = "lower"
definition = { en = "x", zh = "x" }
sources = [{ document = "x", url = "https://example.org" }]
"""

# An ASCII word of three letters or more standing alone (not inside a name, a path or a number).
ASCII_WORD = r"(?<![\w.])[a-z]{3,}(?![\w.])"


def run_cli(*args: str) -> tuple[int, str, str]:
    """``mch-indicators *args`` in this process: (exit status, standard output, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def english_words(text: str, *allowed: str, pattern: str = ASCII_WORD) -> list[str]:
    """English words left in a Chinese text once the ``allowed`` texts (names the user gave,
    ids, file names) are taken out, longest first."""
    for part in sorted(allowed, key=len, reverse=True):
        text = text.replace(part, " ")
    return re.findall(pattern, text)
