"""Salary ranges by level as a PNG (matplotlib Agg, no pyplot global state: thread-safe).

Every text is drawn as written: mathtext is off for each artist (``parse_math=False``), so
"$28k–$42k" keeps its dollar signs instead of becoming italic math. A single figure is a
point, not a "36k–36k" range; the axis names each source by its short title; the level the
question asked about is highlighted, so each level gets its own image.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLOUR: Final = "#2E86C1"
HIGHLIGHT: Final = "#E67E22"
MUTED: Final = "#AEB6BF"


class Bar(Protocol):
    """What ``bot.engine.facts.salary_chart_data`` returns (``ChartBar``)."""

    @property
    def label(self) -> str: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def open_ended(self) -> bool: ...
    @property
    def source(self) -> str: ...
    @property
    def highlight(self) -> bool: ...


def money(value: float) -> str:
    """28000 -> '$28k', 36200 -> '$36.2k', 950 -> '$950'."""
    if value < 1000:
        return f"${value:,.0f}"
    k = round(value / 1000, 1)
    return f"${k:.0f}k" if k.is_integer() else f"${k:.1f}k"


def bar_text(bar: Bar) -> str:
    """'$28k–$42k', '$60k–$95k+', or '$36k' for a single figure."""
    plus = "+" if bar.open_ended else ""
    if bar.low == bar.high:
        return f"{money(bar.low)}{plus}"
    return f"{money(bar.low)}–{money(bar.high)}{plus}"


def axis_label(bar: Bar) -> str:
    return f"{bar.label}\n{bar.source}" if bar.source else bar.label


def chart_figure(bars: Sequence[Bar], title: str) -> Figure | None:
    """The chart as a matplotlib Figure (tests read its texts), or None without data."""
    if not bars:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.6 * len(bars) + 1.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    top = max(b.high for b in bars)
    focus = any(b.highlight for b in bars)
    for y, bar in zip(ys, bars, strict=True):
        colour = HIGHLIGHT if bar.highlight else (MUTED if focus else COLOUR)
        alpha = 0.5 if bar.open_ended else 0.9
        if bar.low == bar.high:
            ax.plot([bar.low], [y], marker="o", markersize=9, color=colour, linestyle="none")
            end = bar.low
        else:
            ax.barh(y, bar.high - bar.low, left=bar.low, color=colour, alpha=alpha)
            end = bar.high
        weight = "bold" if bar.highlight else "normal"
        ax.text(
            end + top * 0.015,
            y,
            bar_text(bar),
            va="center",
            fontsize=9,
            fontweight=weight,
            parse_math=False,
        )
    ax.set_yticks(ys, [axis_label(b) for b in bars], fontsize=8)
    for tick, bar in zip(ax.yaxis.get_major_ticks(), bars, strict=True):
        for label in (tick.label1, tick.label2):
            label.set_parse_math(False)
            if bar.highlight:
                label.set_fontweight("bold")
    ax.set_xlim(0, top * 1.3)
    xs = [x for x in ax.get_xticks() if 0 <= x <= top * 1.3]
    ax.set_xticks(xs, [money(x) for x in xs])
    for xtick in ax.xaxis.get_major_ticks():
        xtick.label1.set_parse_math(False)
        xtick.label2.set_parse_math(False)
    ax.set_title(title, parse_math=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def salary_chart(bars: Sequence[Bar], title: str) -> bytes | None:
    """PNG bytes of one bar (range) or point (single figure) per level and source, or None
    when there is no data. Slow-ish (~100 ms): call it in a thread."""
    fig = chart_figure(bars, title)
    if fig is None:
        return None
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
