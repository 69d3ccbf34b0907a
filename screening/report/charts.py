"""Line charts as base64 PNG data URIs (matplotlib, Agg backend: no display, no browser plug-ins), so a
trends report is one self-contained HTML file that works offline."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def stable_colours(names: Sequence[str]) -> dict[str, str]:
    """One colour per name for the whole report, so a route keeps its colour from chart to chart."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def line_chart(
    title: str,
    buckets: Sequence[str],
    series: Mapping[str, Sequence[float]],
    ylabel: str,
    colours: Mapping[str, str] | None = None,
) -> str:
    """One line per series over the buckets; returns a data: URI for an <img>."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=100)
    try:
        positions = list(range(len(buckets)))
        for name, values in series.items():
            ax.plot(
                positions,
                list(values),
                marker="o",
                linewidth=1.8,
                markersize=4,
                label=name,
                color=(colours or {}).get(name),
            )
        ax.set_title(title, fontsize=11, loc="left")
        ax.set_ylabel(ylabel, fontsize=9)
        step = max(1, len(buckets) // 12)
        ax.set_xticks(positions[::step], [buckets[i] for i in positions[::step]], fontsize=8, rotation=30, ha="right")
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if series:
            ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
