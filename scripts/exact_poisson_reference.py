"""Write tests/reference/poisson_exact_qgamma_r.csv: exact Poisson limits from R's qgamma.

    python scripts/exact_poisson_reference.py        # needs Rscript on the PATH

For each confidence level, the counts at every branch of the library's exact limits
(0 and 1, the start of the large-count series and its neighbours, the end of the table
of whole counts and its neighbours, counts that are not whole on both sides of the
series' start, powers of ten up to 10^9, and 2^53) get the lower limit
qgamma(alpha/2, k) and the upper limit qgamma(alpha/2, k + 1, lower.tail = FALSE),
printed by R with 17 significant digits. R's qgamma (src/nmath/qgamma.c: AS 91 for a
start, then Newton steps on pgamma) shares no code with scipy's gammaincinv nor with
the library's series and Newton iteration.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from mch_indicators.stats._gamma import lower_series, series_from, upper_series
from mch_indicators.stats._intervals import TABLE_SIZE

LEVELS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.999999, 1 - 1e-10)
OUT = Path(__file__).resolve().parents[1] / "tests" / "reference" / "poisson_exact_qgamma_r.csv"


def counts_for(level: float) -> list[float]:
    tail = (1.0 - level) / 2.0
    start = series_from(lower_series(tail), upper_series(tail))
    counts = {0.0, 1.0, 2.0, 3.0, 9.0, 10.0, 2.5, 1e-3}
    counts |= {start + d for d in (-2.0, -1.0, 0.0, 1.0, 2.0, -0.5, 0.5)}
    counts |= {TABLE_SIZE + d for d in (-2.0, -1.0, 0.0, 1.0, -0.5)}
    counts |= {10.0**p for p in range(2, 10)} | {123456789.0, 2.0**53}
    return sorted(counts)


def main() -> None:
    rows = [(level, (1.0 - level) / 2.0, count) for level in LEVELS for count in counts_for(level)]
    program = "options(digits = 17)\n" + "".join(
        f'cat(sprintf("%.17g,%.17g\\n", {"0" if k == 0 else f"qgamma({t!r}, {k!r})"}, '
        f"qgamma({t!r}, {k!r} + 1, lower.tail = FALSE)))\n"
        for _, t, k in rows
    )
    version = subprocess.run(
        ["Rscript", "-e", "cat(R.version.string)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    printed = subprocess.run(
        ["Rscript", "-"], input=program, capture_output=True, text=True, check=True
    ).stdout.split()
    header = [
        "# Exact (Garwood) Poisson limits of a count k: the lower limit solves P(k, x) = alpha/2,",
        "# the upper one Q(k + 1, x) = alpha/2 (regularised incomplete gamma functions).",
        f"# source: R's qgamma ({version}, src/nmath/qgamma.c), run by",
        "#   scripts/exact_poisson_reference.py: lower = qgamma(alpha/2, k) (0 at k = 0),",
        "#   upper = qgamma(alpha/2, k + 1, lower.tail = FALSE), printed with %.17g.",
        "# obtained: by running that script, which calls Rscript once for the whole table.",
        "# case: level and count; the counts are the branches of the library's exact limits",
        "#   (tabulated whole counts, the start of the large-count series and its neighbours,",
        "#   the end of the table, counts that are not whole, powers of ten, 2^53).",
        "# tolerance: relative 1e-14 (tests/stats/test_gamma.py).",
        "case,level,count,lower,upper",
    ]
    lines = [
        f"L{level:.12g}-k{count:.17g},{level!r},{count!r},{values}"
        for (level, _, count), values in zip(rows, printed, strict=True)
    ]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} rows to {OUT}")


if __name__ == "__main__":
    main()
