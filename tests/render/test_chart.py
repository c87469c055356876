"""The salary chart: a real PNG, every text drawn as written (no mathtext eating "$"),
single figures as points, sources named by title, the asked level highlighted."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import pytest
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from bot.engine import facts as F
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Level
from bot.render.chart import chart_figure, salary_chart
from tests.paths import KNOWLEDGE


@dataclass(frozen=True)
class Bar:
    label: str
    low: float
    high: float
    open_ended: bool = False
    source: str = "SOC report"
    highlight: bool = False


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text()]


def test_chart_is_a_png_that_grows_with_the_bars() -> None:
    two = salary_chart([Bar("Entry", 30000, 38000), Bar("Mid", 38000, 48000)], "CSR pay")
    four = salary_chart(
        [
            Bar("Entry", 30000, 38000),
            Bar("Mid", 38000, 48000),
            Bar("Senior", 48000, 60000),
            Bar("Manager", 60000, 95000, open_ended=True),
        ],
        "CSR pay",
    )
    assert two is not None and four is not None
    w2, h2 = png_size(two)
    w4, h4 = png_size(four)
    assert w2 == w4 == 800
    assert h4 > h2


def test_no_bars_no_chart() -> None:
    assert salary_chart([], "nothing") is None


def test_dollar_signs_are_drawn_as_written() -> None:
    fig = chart_figure(
        [Bar("Entry", 28000, 42000), Bar("Senior", 60000, 95000, open_ended=True)], "$ pay"
    )
    assert fig is not None
    shown = {t.get_text() for t in texts(fig)}
    assert {"$28k–$42k", "$60k–$95k+", "$ pay"} <= shown
    # Every text with a "$" is drawn literally: none goes through mathtext.
    for t in texts(fig):
        if "$" in t.get_text():
            assert t.get_parse_math() is False, t.get_text()
            assert t._preprocess_math(t.get_text()) == (t.get_text(), False)


def test_single_figures_are_points_not_ranges() -> None:
    fig = chart_figure([Bar("Entry", 28000, 42000), Bar("Entry", 36200, 36200)], "pay")
    assert fig is not None
    shown = {t.get_text() for t in texts(fig)}
    assert "$36.2k" in shown
    assert not any("36.2k–" in s or "36k–36k" in s for s in shown)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    points = [ln for ln in ax.lines if isinstance(ln, Line2D) and ln.get_marker() == "o"]
    assert len(bars) == 1 and len(points) == 1
    assert list(points[0].get_xdata()) == [36200]


@pytest.fixture(scope="module")
def shipped_bars() -> dict[Level | None, list[F.ChartBar]]:
    kb = load_knowledge(KNOWLEDGE)
    slug = "customer-service-representative"
    return {lv: F.salary_chart_data(kb, slug, lv) for lv in (None, *Level)}


def test_axis_names_sources_by_title_not_id(
    shipped_bars: dict[Level | None, list[F.ChartBar]],
) -> None:
    kb = load_knowledge(KNOWLEDGE)
    bars = shipped_bars[None]
    assert bars
    fig = chart_figure(bars, "CSR pay")
    assert fig is not None
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [f"{b.label}\n{b.source}" for b in bars]
    for label in labels:
        assert not any(sid in label for sid in kb.sources), label
    assert "CSR career profile" in bars[0].source
    assert all(0 < len(b.source) <= F.pay.SHORT_TITLE_MAX for b in bars)


def test_the_asked_level_is_highlighted_so_each_level_has_its_own_image(
    shipped_bars: dict[Level | None, list[F.ChartBar]],
) -> None:
    images: set[bytes] = set()
    for level, bars in shipped_bars.items():
        assert {b.level for b in bars if b.highlight} == ({level.value} if level else set()) or (
            level is Level.MANAGER and not any(b.highlight for b in bars)
        )
        fig = chart_figure(bars, "CSR pay")
        assert fig is not None
        bold = {t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_fontweight() == "bold"}
        assert bold == {f"{b.label}\n{b.source}" for b in bars if b.highlight}
        png = salary_chart(bars, "CSR pay")
        assert png is not None
        images.add(png)
    with_bars = [lv for lv in Level if any(b.highlight for b in shipped_bars[lv])]
    assert len(with_bars) >= 3
    assert len(images) == len(with_bars) + 1  # no level, and one image per charted level


def test_chart_reads_back_as_an_image() -> None:
    from matplotlib.image import imread

    data = salary_chart([Bar("Entry", 30000, 30000)], "One point")
    assert data is not None
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[0] > 50 and pixels.shape[1] == 800
