"""Salary ranges by level as a PNG (matplotlib Agg, no pyplot global state: thread-safe)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol


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
    def source_id(self) -> str: ...


def _money(value: float) -> str:
    return f"${value / 1000:.0f}k" if value >= 1000 else f"${value:,.0f}"


def salary_chart(bars: Sequence[Bar], title: str) -> bytes | None:
    """PNG bytes of one horizontal bar per range (low → high), or None when there is no data.

    Slow-ish (~100 ms): call it in a thread.
    """
    if not bars:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 0.6 * len(bars) + 1.4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    top = max(b.high for b in bars)
    for y, bar in zip(ys, bars, strict=True):
        width = max(bar.high - bar.low, top * 0.004)
        ax.barh(y, width, left=bar.low, color="#2E86C1", alpha=0.85 if not bar.open_ended else 0.5)
        text = f"{_money(bar.low)} – {_money(bar.high)}{'+' if bar.open_ended else ''}"
        ax.text(bar.high + top * 0.01, y, text, va="center", fontsize=9)
    ax.set_yticks(ys, [f"{b.label}\n({b.source_id})" for b in bars], fontsize=8)
    ax.set_xlim(0, top * 1.3)
    ax.xaxis.set_major_formatter(lambda v, _pos: _money(v))
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
