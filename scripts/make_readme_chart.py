"""Draw the README's chart: the example prefecture's funnel plot, from the library's own code.

Run from the project root after an intended change of the chart (matplotlib and a CJK
font needed, as for the docs):

    python scripts/make_readme_chart.py

The PNG is kept small (72 dpi, a 96-colour palette) since it lives in the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from PIL import Image

import mch_indicators as mch

OUT = Path(__file__).resolve().parents[1] / "docs" / "_static" / "readme_funnel.png"


def main() -> None:
    source = resources.files("mch_indicators.datasets") / "example_prefecture.csv"
    table = mch.read_table(source)
    imr = table[(table["indicator"] == "infant_mortality_rate") & (table["year"] == 2024)]
    imr = imr.rename(columns={"numerator": "infant_deaths", "denominator": "live_births"})
    funnel = mch.funnel(imr, "IMR", dispersion="additive")
    with matplotlib.style.context("default"):
        title = "Infant mortality of twelve counties, 2024 (synthetic)"
        ax = mch.plot.funnel(funnel, label="county", title=title)
        ax.figure.set_size_inches(7.5, 4.6)
        ax.figure.savefig(OUT, dpi=72)
        plt.close(ax.figure)
    image = Image.open(OUT).convert("RGB").quantize(colors=96, method=Image.Quantize.FASTOCTREE)
    image.save(OUT, optimize=True)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
