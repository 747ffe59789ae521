"""The command line on every bad-file class of docs/bad-input.md, as a subprocess.

Each failure is one line on standard error, starting ``mch-indicators: error:``,
with no traceback and the documented exit status (docs/cli.md, "Exit status");
the inputs a user may reasonably give (a byte-order mark, a console that is not
UTF-8) work. The processes run a few at a time, each once, for the whole module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from contract import promise

# subprocesses: run by the README's command, left out of CI's secondary runs
pytestmark = pytest.mark.slow

HEADER = "indicator,numerator,denominator\n"
MINE = """[terms.caesareans_local]
name = { en = "caesarean deliveries", zh = "剖宫产数" }
definition = { en = "Deliveries by caesarean section in our hospital." }

[[indicator]]
id = "caesarean_rate_local"
name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "caesareans_local"
denominator = "live_births"
definition = { en = "Caesareans per 100 live births in our hospital." }
sources = [{ document = "Hospital protocol 2024" }]
"""


Done = subprocess.CompletedProcess[bytes]


@dataclass(frozen=True)
class Case:
    """One run: files to write, the arguments (``{dir}`` is the folder), what must happen."""

    args: tuple[str, ...]
    status: int
    stderr: str = ""  # a fragment of the one error line ("" for a run that succeeds)
    files: dict[str, bytes] = field(default_factory=dict)
    stdin: bytes | None = None
    env: dict[str, str] = field(default_factory=dict)
    stdout: str | None = None  # a file to write standard output to, e.g. /dev/full


def table(*rows: str) -> dict[str, bytes]:
    return {"counts.csv": (HEADER + "".join(r + "\n" for r in rows)).encode()}


COMPUTE = ("compute", "--file", "{dir}/counts.csv")
#: A county office's CSV: title and unit rows, notes, GBK, CR-only line ends.
OFFICE = "标题,,\r填报单位：甲县,,\r县区,活产数,孕产妇死亡数\r甲县,6000,0\r注：初步,,\r"
TOTAL = "县区,活产数,孕产妇死亡数\n甲县,6000,0\n乙县,7000,1\n合计,13000,1\n"
DEFINED = ("--definitions", "{dir}/mine.toml", "list")
CASES = {
    "decimal comma": Case(COMPUTE, 1, "counts.csv:2: column 'denominator'", table('MMR,2,"9,5"')),
    "text": Case(COMPUTE, 1, "counts.csv:3: column 'numerator'", table("MMR,1,9", "MMR,abc,9")),
    "1e400": Case(COMPUTE, 1, "not a number", table("MMR,1e400,100")),
    "infinity": Case(COMPUTE, 1, "not a finite number", table("MMR,inf,100")),
    "negative": Case(COMPUTE, 1, "cannot be negative", table("MMR,-1,100")),
    "above 2**53": Case(COMPUTE, 1, "2**53", table("MMR,1,1e17")),
    "numerator above denominator": Case(
        COMPUTE, 1, "counts.csv:2", table("hospital_delivery_rate,11,10")
    ),
    "unknown indicator": Case(COMPUTE, 1, "counts.csv:2: column 'indicator'", table("MRR,1,10")),
    "duplicate header": Case(
        COMPUTE, 1, "twice", {"counts.csv": b"indicator,numerator,numerator\nMMR,1,2\n"}
    ),
    "missing column": Case(
        COMPUTE, 1, "missing column 'denominator'", {"counts.csv": b"indicator,numerator\nMMR,1\n"}
    ),
    "long row": Case(COMPUTE, 1, "counts.csv:2: expected 3 fields", table("MMR,1,10,4")),
    "short row": Case(COMPUTE, 1, "counts.csv:3: expected 3 fields", table("MMR,1,10", "MMR,1")),
    # issue 14: a GBK file is read now; a file in neither UTF-8 nor GB18030 is refused
    "not UTF-8": Case(
        COMPUTE,
        1,
        "not UTF-8 and not GB18030/GBK",
        {"counts.csv": b"indicator,numerator,denominator\n\xff\xfe\xff,1,10\n"},
    ),
    "empty file": Case(COMPUTE, 1, "empty file", {"counts.csv": b""}),
    "header only": Case(COMPUTE, 1, "no data rows", table()),
    "header field over 128 KB": Case(
        COMPUTE,
        1,
        "counts.csv:1: a field longer than 131,072 characters",
        {"counts.csv": HEADER.replace("denominator", "d" * 140_000).encode()},
    ),
    "number field over 128 KB": Case(
        COMPUTE, 1, "counts.csv:2: a field longer than 131,072", table("MMR,1," + "9" * 140_000)
    ),
    "missing file": Case(("compute", "--file", "{dir}/nowhere.csv"), 1, "cannot read"),
    "missing count": Case(COMPUTE, 0, files=table("MMR,NA,26954")),
    "zero denominator": Case(COMPUTE, 0, files=table("MMR,0,0")),
    "denominator below 2**-53": Case(COMPUTE, 1, "2**-53", table("IMR,0,1e-300")),
    "two rows of one unit": Case(
        COMPUTE,
        1,
        "two rows for 甲县",
        {"counts.csv": "县区,活产数,孕产妇死亡数\n甲县,6000,0\n甲县,6000,1\n".encode()},
    ),
    "20,000 columns": Case(
        COMPUTE, 1, "ReadLimits", {"counts.csv": (",".join(["a"] * 20_000) + "\n").encode()}
    ),
    "an office's layout": Case(COMPUTE, 0, files={"counts.csv": OFFICE.encode("gbk")}),
    "a total row": Case(COMPUTE, 0, files={"counts.csv": TOTAL.encode()}),
    "definitions of the wrong type": Case(
        DEFINED, 1, "array of tables", {"mine.toml": b"indicator = 5\n"}
    ),
    "definitions not UTF-8": Case(DEFINED, 1, "not UTF-8", {"mine.toml": MINE.encode("gbk")}),
    "definitions nested too deeply": Case(
        DEFINED, 1, "nested too deeply", {"mine.toml": b"a = " + b"[" * 3000 + b"]" * 3000}
    ),
    "definitions not valid": Case(
        DEFINED,
        1,
        "mine.toml, indicator 'caesarean_rate_local'",
        {"mine.toml": MINE.replace('"%"', '"ppb"').encode()},
    ),
    "definitions missing": Case(
        ("--definitions", "{dir}/nowhere.toml", "list"), 1, "cannot be read"
    ),
    "output to a full disk": Case(("list",), 3, "No space left on device", stdout="/dev/full"),
    "help to a full disk": Case(("--help",), 3, "cannot write the output", stdout="/dev/full"),
    "unknown option": Case(("compute", "--bogus"), 2, "unrecognized arguments"),
    # what works
    "BOM on stdin": Case(
        ("compute", "--file", "-"), 0, stdin=b"\xef\xbb\xbf" + HEADER.encode() + b"MMR,2,26954\n"
    ),
    "definitions with a BOM": Case(
        DEFINED, 0, files={"mine.toml": b"\xef\xbb\xbf" + MINE.encode()}
    ),
    "targets of your own indicator": Case(
        ("--definitions", "{dir}/mine.toml", "targets", "本院剖宫产率"),
        0,
        files={"mine.toml": MINE.encode()},
    ),
    "GBK console": Case(
        ("compute", "MMR", "-n", "2", "-d", "26954", "-u", "‱", "--lang", "zh"),
        0,
        env={"PYTHONIOENCODING": "gbk"},
    ),
    "ASCII console": Case(("show", "MMR"), 0, env={"PYTHONIOENCODING": "ascii"}),
}


def run(case: Case, folder: Path) -> subprocess.CompletedProcess[bytes]:
    for name, content in case.files.items():
        (folder / name).write_bytes(content)
    args = [a.replace("{dir}", str(folder)) for a in case.args]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", **case.env}
    command = [sys.executable, "-m", "mch_indicators", *args]
    given = case.stdin if case.stdin is not None else b""
    if case.stdout is None:
        return subprocess.run(command, input=given, capture_output=True, env=env, timeout=120,
                              check=False)  # fmt: skip
    with open(case.stdout, "wb") as out:
        return subprocess.run(command, input=given, stdout=out, stderr=subprocess.PIPE,
                              env=env, timeout=120, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    folders = {name: tmp_path_factory.mktemp("cli") for name in CASES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(run, CASES[name], folders[name]) for name in CASES}
        return {name: future.result() for name, future in futures.items()}


@promise("text-numbers", "CLI")
@promise("definitions-files", "CLI")
@promise("output", "CLI")
@promise("not-numbers", "CLI")
@promise("negative", "CLI")
@promise("huge", "CLI")
@promise("above-denominator", "CLI")
@promise("shapes", "CLI")
@promise("infinite", "CLI")
@promise("options", "CLI")
@promise("missing", "CLI")
@promise("zero-denominator", "CLI")
@promise("tiny-denominator", "CLI")
@promise("duplicate-rows", "CLI")
@promise("hostile-workbooks", "CLI")
@promise("office-layouts", "CLI")
@pytest.mark.parametrize("name", list(CASES))
def test_one_line_no_traceback_and_the_documented_status(runs, name):
    case, done = CASES[name], runs[name]
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == case.status, stderr
    assert "Traceback" not in stderr
    if case.status == 0:  # standard error holds no error, at most the table's data checks
        assert "error" not in stderr
        assert stderr == "" or stderr.startswith("data checks: "), stderr
        return
    lines = stderr.strip().splitlines()
    if case.status != 2:  # argparse adds its usage line before the error
        assert len(lines) == 1, stderr
    assert lines[-1].startswith("mch-indicators: error:")
    assert case.stderr in lines[-1]


@promise("console", "CLI")
@promise("total-rows", "CLI")
def test_a_total_row_is_never_a_unit_on_the_command_line(runs):
    done = runs["a total row"]
    assert done.returncode == 0
    output = done.stdout.decode("utf-8")
    assert "甲县" in output and "乙县" in output and "合计" not in output


def test_a_console_that_lacks_a_symbol_gets_the_documented_fallback(runs):
    gbk = runs["GBK console"].stdout.decode("gbk")
    assert gbk.startswith("0.74/万 (95%置信区间 0.09–2.68)")  # issue 14: zh wording
    ascii_text = runs["ASCII console"].stdout.decode("ascii")
    assert "per 100,000" in ascii_text
