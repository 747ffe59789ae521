import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import mch_indicators as mch

rng = np.random.default_rng(12)
years = np.arange(2000, 2024)
births = np.linspace(52000, 38000, years.size).round()
eta = (
    np.log(0.021)
    - 0.075 * (years - 2000)
    + 0.055 * np.maximum(years - 2009, 0)
    + 0.03 * np.maximum(years - 2017, 0)
)
deaths = rng.poisson(births * np.exp(eta))
frame = pd.DataFrame({"year": years, "infant_deaths": deaths, "live_births": births.astype(int)})
table = mch.joinpoint(frame, "IMR")
print(table.segments)
print(table.joinpoints)
print(table.models)
fig, axes = __import__("matplotlib.pyplot").pyplot.subplots(
    1, 2, figsize=(12, 4.4), layout="constrained"
)
mch.plot.joinpoint(
    table, mch.compute(frame, "IMR"), ax=axes[0], title="A city's infant mortality, 2000–2023"
)
mch.plot.joinpoint(
    table, mch.compute(frame, "IMR"), ax=axes[1], lang="zh", title="某市婴儿死亡率，2000–2023年"
)
fig.savefig("/work/wt/joinpoint/docs/_static/joinpoint.png", dpi=110)
