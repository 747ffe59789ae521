"""The command line end to end, through a subprocess as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mch_indicators as mch
import mch_indicators.datasets as mch_datasets

# subprocesses: run by the README's command, left out of CI's secondary runs
pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("mch-indicators")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mch_indicators", *args],
        capture_output=True,
        text=True,
        input=stdin,
        encoding="utf-8",
        check=False,
    )


def test_console_script_is_installed_and_runs_the_demo():
    done = subprocess.run([str(SCRIPT), "demo"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "孕产妇死亡率" in done.stdout and "ABOVE_DENOMINATOR" in done.stdout


def test_demo_prints_pooled_table_with_intervals():
    done = run("demo")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Synthetic prefecture of 12 counties, 2020–2024")
    mmr = next(line for line in lines if line.startswith("孕产妇死亡率"))
    assert "per 100,000" in mmr and "–" in mmr
    assert sum("per 100,000" in line for line in lines) == 1 + 24


def test_demo_csv_has_every_county_year_and_flags():
    done = run("demo", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 12 * 5 * 19
    assert {"county", "year", "indicator", "value", "lower", "upper", "flags"} <= set(rows[0])
    flags = {row["flags"] for row in rows}
    assert {"", "MISSING", "ABOVE_DENOMINATOR"} <= flags


def test_list_formats_and_filters():
    table = run("list")
    assert table.returncode == 0 and "maternal_mortality_ratio" in table.stdout
    listed = json.loads(run("list", "--format", "json").stdout)
    assert len(listed) >= 19 and {"id", "中文名", "name", "unit", "kind"} <= set(listed[0])
    mortality = list(
        csv.DictReader(io.StringIO(run("list", "--domain", "mortality", "--format", "csv").stdout))
    )
    assert {row["domain"] for row in mortality} == {"mortality"}


def test_list_searches_and_shows_variant_families():
    found = list(
        csv.DictReader(io.StringIO(run("list", "-s", "死亡率", "--format", "csv").stdout))
    )
    assert found[0]["id"] == "infant_mortality_rate"
    assert all("死亡" in row["中文名"] for row in found)
    family = json.loads(
        run("list", "--variants-of", "stillbirth_rate_22w", "--format", "json").stdout
    )
    assert [(row["id"], row["variant of"]) for row in family] == [
        ("stillbirth_rate", None),
        ("stillbirth_rate_22w", "stillbirth_rate"),
        ("stillbirth_rate_24w", "stillbirth_rate"),
    ]
    whole = json.loads(run("list", "--format", "json").stdout)
    assert len(whole) >= 80


def test_show_lists_variants_and_targets():
    shown = run("show", "围产儿死亡率").stdout
    assert "variants (same concept, different definition):" in shown
    assert "* perinatal_mortality_rate_cn (root)" in shown
    assert (
        "- perinatal_mortality_rate_22w: 围产儿死亡率（满22周起） "
        "[live_birth_definition = any_ga, gestation_weeks_min = 22]" in shown
    )
    mmr = run("show", "MMR").stdout
    assert "< 70 per 100,000 by 2030, global: 联合国可持续发展目标（2030）" in mmr
    assert "≤ 12 per 100,000 by 2030: “健康中国2030”规划纲要" in mmr
    assert "computable: no" in run("show", "TFR").stdout


def test_targets_command():
    table = run("targets", "婴儿死亡率")
    assert table.returncode == 0 and "≤ 5‰" in table.stdout and "unverified" in table.stdout
    listed = run("targets", "--plan", "cn_emtct", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(listed)))
    assert {row["plan"] for row in rows} == {"cn_emtct"} and len(rows) >= 9
    assert rows[0]["year"] == "standing"
    data = json.loads(run("targets", "stunting_prevalence_u5", "--format", "json").stdout)
    relative = [row for row in data if row["target"]["comparator"] == "reduce_by"]
    assert relative and relative[0]["target"]["baseline_year"] == 2012
    everything = run("targets")
    assert everything.returncode == 0 and everything.stdout.count("\n") > 60


def test_show_is_bilingual_and_complete():
    done = run("show", "孕产妇死亡率")
    assert done.returncode == 0
    for text in (
        "maternal_mortality_ratio",
        "孕产妇死亡率",
        "live births",
        "活产数",
        "SDG 3.1.1",
        "sources:",
    ):
        assert text in done.stdout
    data = json.loads(run("show", "MMR", "--format", "json").stdout)
    assert data["numerator"]["id"] == "maternal_deaths"
    assert "UNVERIFIED" in run("show", "早孕建册率").stdout


def test_compute_one_value():
    done = run("compute", "孕产妇死亡率", "--numerator", "2", "--denominator", "26954")
    assert done.stdout.strip() == "7.42 per 100,000 live births (95% CI 0.90–26.80) [UNRELIABLE]"
    zh = run(
        "compute", "MMR", "-n", "2", "-d", "26954", "--lang", "zh", "-c", "0.95", "-c", "0.998"
    )
    assert (
        zh.stdout.strip()
        == "7.42/10万 (95%置信区间 0.90–26.80; 99.8%置信区间 0.17–41.66) [数值不稳定]"
    )
    as_json = json.loads(
        run("compute", "IMR", "-n", "60", "-d", "26906", "--format", "json").stdout
    )
    assert as_json[0]["unit"] == "permille" and round(as_json[0]["value"], 2) == 2.23
    converted = run("compute", "IMR", "-n", "60", "-d", "26906", "--unit", "%")
    assert converted.stdout.startswith("0.22%")


def test_compute_file_long_table(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(
        "county,year,indicator,numerator,denominator\n"
        "A,2024,MMR,2,26954\n"
        "A,2024,住院分娩率,NA,100\n"
        "B,2024,住院分娩率,5,0\n"
        "B,2024,两癌筛查覆盖率,21928,20000\n",
        encoding="utf-8",
    )
    done = run("compute", "--file", str(path), "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["county"] for r in rows] == ["A", "A", "B", "B"]
    assert [r["flags"] for r in rows] == [
        "UNRELIABLE",
        "MISSING",
        "ZERO_DENOMINATOR",
        "ABOVE_DENOMINATOR",
    ]
    assert round(float(rows[0]["value"]), 2) == 7.42 and rows[0]["unit"] == "per_100k"
    table = run("compute", "--file", str(path))
    assert "two_cancer_screening_task_completion" in table.stdout and "109.64" in table.stdout
    stdin = run(
        "compute", "--file", "-", "--format", "json", stdin=path.read_text(encoding="utf-8")
    )
    assert json.loads(stdin.stdout)[1]["value"] is None


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("indicator,numerator\nMMR,2\n", (), "missing column 'denominator'"),
        (
            "indicator,numerator,denominator\nMMR,2,1000\nfoo,1,2\n",
            (),
            ":3: column 'indicator': no indicator matches 'foo'",
        ),
        (
            "indicator,numerator,denominator\n" + "MMR,1,100\n" * 16 + "MMR,abc,100\n",
            (),
            ":18: column 'numerator': 'abc' is not a number",
        ),
        (
            "indicator,numerator,denominator\nMMR,1,-100\n",
            (),
            ":2: column 'denominator': counts cannot be negative",
        ),
        ("indicator,numerator,denominator\nMMR,inf,100\n", (), "not a finite number"),
        (
            "indicator,numerator,denominator\n住院分娩率,11,10\n",
            (),
            ":2: numerator of hospital_delivery_rate_cn: exceeds its denominator, impossible "
            "for a proportion (11 > 10)",
        ),
        ("indicator,numerator,denominator\nMMR,1,100,7\n", (), ":2: expected 3 fields"),
        ("", (), "empty file"),
        ("indicator,numerator,denominator\n", (), "no data rows"),
        (
            "indicator,numerator,denominator\nMMR,1,100\n",
            ("--method", "wilson"),
            "does not fit a ratio",
        ),
    ],
)
def test_file_errors_are_one_line_without_traceback(tmp_path, content, args, message):
    path = tmp_path / "counts.csv"
    path.write_text(content, encoding="utf-8")
    done = run("compute", "--file", str(path), *args)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_flagging_invalid_rows_keeps_going(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("indicator,numerator,denominator\n住院分娩率,11,10\n", encoding="utf-8")
    done = run("compute", "--file", str(path), "--on-invalid", "flag", "--format", "csv")
    assert done.returncode == 0 and "INVALID" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("compute", "foo", "-n", "1", "-d", "2"), "no indicator matches 'foo'"),
        (("compute", "住院分娩率", "-n", "11", "-d", "10"), "impossible for a proportion"),
        (("compute", "MMR", "-n", "1", "-d", "2", "-c", "95"), "did you mean 0.95"),
        (("compute", "MMR", "-n", "1", "-d", "2", "--unit", "ppt"), "ambiguous"),
        (("compute", "MMR", "-n", "1"), "needs an indicator, --numerator and --denominator"),
        (("compute", "--file", "/nonexistent/counts.csv"), "cannot read file"),
        (("show", "infant mortality"), "did you mean 'infant_mortality_rate'"),
        (("show", "SDG 3.b.1"), "shared by several indicators"),
        (("list", "--search", "zzzz"), "no indicator matches 'zzzz'"),
        (("list", "--variants-of", "nowhere"), "no indicator matches 'nowhere'"),
        (("targets", "--plan", "sdg"), "unknown plan 'sdg'; known plans: sdg_2030"),
        (("targets", "MMR", "--plan", "sdg"), "unknown plan 'sdg'"),
        (("compute", "TFR", "-n", "1", "-d", "2"), "not a quotient of two counts"),
    ],
)
def test_command_errors_exit_non_zero_with_one_line(args, message):
    done = run(*args)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr


def test_gbk_file_is_read_and_an_undecodable_one_names_the_encodings(tmp_path):
    # issue 14 changed this behaviour: GBK files were refused ("not UTF-8"), now they are read
    path = tmp_path / "gbk.csv"
    path.write_bytes("indicator,numerator,denominator\n孕产妇死亡率,1,100\n".encode("gbk"))
    done = run("compute", "--file", str(path), "--format", "csv")
    assert done.returncode == 0 and "maternal_mortality_ratio" in done.stdout
    path.write_bytes(b"indicator,numerator,denominator\nMMR,1,100\n\xff\xff,1,2\n")
    bad = run("compute", "--file", str(path))
    assert bad.returncode == 1 and ":3: not UTF-8 and not GB18030/GBK" in bad.stderr


def test_usage_errors_come_from_argparse():
    done = run("frobnicate")
    assert done.returncode == 2 and "invalid choice" in done.stderr


MINE = """
[terms.caesareans_local]
name = { en = "caesarean deliveries", zh = "剖宫产数" }
definition = { en = "Deliveries by caesarean section in our hospital." }

[[indicator]]
id = "caesarean_rate_local"
variant_of = "caesarean_section_rate_population"
parameters = { data_source = "programme" }
name = { en = "Caesarean section rate, our hospital", zh = "本院剖宫产率" }
domain = "maternal_care"
kind = "proportion"
unit = "%"
direction = "neutral"
numerator = "caesareans_local"
denominator = "live_births"
definition = { en = "Caesarean deliveries per 100 live births in our hospital." }
sources = [{ document = "Hospital protocol 2024" }]
"""


def test_your_own_definitions_on_the_command_line(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(MINE, encoding="utf-8")
    mine = ("--definitions", str(path))
    listed = run(*mine, "list", "--search", "本院")
    assert listed.returncode == 0 and "caesarean_rate_local" in listed.stdout
    shown = run(*mine, "show", "本院剖宫产率").stdout
    assert "* caesarean_rate_local: 本院剖宫产率 [data_source = programme]" in shown
    done = run(*mine, "compute", "caesarean_rate_local", "-n", "367", "-d", "1000")
    assert done.stdout.strip() == "36.70% (95% CI 33.77–39.73)"
    counts = tmp_path / "counts.csv"
    counts.write_text("indicator,numerator,denominator\n本院剖宫产率,40,100\nMMR,1,1000\n")
    table = run(*mine, "compute", "--file", str(counts), "--format", "csv")
    assert table.returncode == 0 and "caesarean_rate_local" in table.stdout
    path.write_text(MINE.replace('unit = "%"', 'unit = "ppb"'), encoding="utf-8")
    broken = run(*mine, "list")
    assert (
        broken.returncode == 1 and "mine.toml, indicator 'caesarean_rate_local'" in broken.stderr
    )
    assert "Traceback" not in broken.stderr


# -- the office's language and files (issue 14) ---------------------------------------------

EXAMPLE = Path(mch_datasets.__file__).with_name("example_office.xlsx")


def run_env(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mch_indicators", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        env={**os.environ, **env},
    )


def test_every_command_speaks_chinese():
    listed = list(
        csv.DictReader(io.StringIO(run("list", "--lang", "zh", "--format", "csv").stdout))
    )
    assert {"编号", "中文名", "单位", "类型", "领域"} <= set(listed[0])
    assert "类型：比" in run("show", "MMR", "--lang", "zh").stdout
    assert "≤12/10万" in run("targets", "MMR", "--lang", "zh").stdout
    demo = run_env("demo", MCH_INDICATORS_LANG="zh").stdout
    assert demo.startswith("虚构示例地市：12个县区") and "数值不稳定" in demo and "/10万" in demo
    rows = list(csv.DictReader(io.StringIO(run("demo", "--format", "csv", "--lang", "zh").stdout)))
    assert len(rows) == 12 * 5 * 19 and {"县区", "年份", "指标", "数值", "标记"} <= set(rows[0])
    assert rows[0]["指标"] == "孕产妇死亡率" and rows[0]["单位"] == "/10万"
    bad = run_env("list", MCH_INDICATORS_LANG="fr")
    assert bad.returncode == 1 and "MCH_INDICATORS_LANG must be 'en' or 'zh'" in bad.stderr


def test_compute_file_reads_a_wide_workbook_and_names_places(tmp_path):
    done = run("compute", "--file", str(EXAMPLE), "--indicators", "MMR", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 60 and rows[0]["county"] == "河阳县" and rows[0]["year"] == "2020"
    tsv = tmp_path / "counts.tsv"
    tsv.write_bytes("县区\t年份\t活产数\t孕产妇死亡数\n石门镇\t2023\t1200\t两例\n".encode("gbk"))
    wrong = run("compute", "--file", str(tsv), "--delimiter", ",")
    assert wrong.returncode == 1 and "looks tab-separated" in wrong.stderr
    bad = run("compute", "--file", str(tsv))
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert f"{tsv}:2: column '孕产妇死亡数': 石门镇/2023: '两例' is not a number" in bad.stderr


def test_report_in_one_step_from_workbook_and_gbk_csv(tmp_path):
    out = tmp_path / "report.xlsx"
    done = run("report", str(EXAMPLE), "--out", str(out), "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "县区：60 行 × 19 项指标" in done.stdout and f"已写入 {out}" in done.stdout
    with pd.ExcelFile(out, engine="calamine") as book:
        sheets = book.sheet_names
    assert "死亡与妊娠结局" in sheets and "标记说明" in sheets and "指标来源" in sheets
    csv_out = tmp_path / "report.csv"
    gbk = EXAMPLE.with_suffix(".csv")
    assert run("report", str(gbk), "--out", str(csv_out)).returncode == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_report_takes_the_total_and_duplicate_rules_and_says_them_in_chinese(tmp_path):
    table = tmp_path / "乡镇.csv"
    table.write_text(
        "县区,年份,活产数,孕产妇死亡数\n甲县,2024,5200,1\n乙县,2024,4000,0\n乙县,2024,800,1\n"
        "丙县,2024,3000,0\n合计,2024,13000,2\n",
        encoding="gbk",
    )
    refused = run("report", str(table), "--lang", "zh")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "第4行：乙县/2024有两行：第3行和第4行；" in refused.stderr  # the place said once
    assert "--duplicates sum" in refused.stderr
    summed = run("report", str(table), "--lang", "zh", "--duplicates", "sum")
    assert summed.returncode == 0, summed.stderr
    assert "县区：3 行" in summed.stdout  # 甲县, 乙县 (two rows summed), 丙县; 合计 is no unit
    total = next(line for line in summed.stdout.splitlines() if "孕产妇死亡率" in line)
    assert total.split()[2:4] == ["2", "13000"]
    kept = run("report", str(table), "--lang", "zh", "--duplicates", "sum", "--totals", "keep")
    assert "县区：4 行" in kept.stdout  # the total row counted as a unit, as asked
    help_text = run("report", "--help", "--lang", "zh").stdout
    assert "合计行" in help_text and "同一单位同一时期" in help_text


def test_compute_file_chooses_the_encoding_by_the_readers_own_rules(tmp_path):
    # Latin-1 text that also decodes as GB18030: read_table refuses to guess, and so does
    # the streaming path of compute --file; a lone CR ends lines as it does for read_table
    latin = tmp_path / "latin.csv"
    latin.write_bytes("area,numerator,denominator,indicator\nSão Tomé,1,1000,MMR\n"
                      "Göteborg,2,3000,MMR\n".encode("latin-1"))  # fmt: skip
    refused = run("compute", "--file", str(latin))
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    with pytest.raises(mch.InvalidInputError) as whole:
        mch.read_table(latin)
    assert "Latin-1" in refused.stderr and "Latin-1" in str(whole.value)
    mac = tmp_path / "mac.csv"
    mac.write_bytes(b"indicator,numerator,denominator\rMMR,1,1000\rMMR,2,3000\r")
    done = run("compute", "--file", str(mac), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 3
