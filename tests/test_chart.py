"""The salary chart is a real PNG sized by its bars."""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from bot.chart import salary_chart


@dataclass(frozen=True)
class Bar:
    label: str
    low: float
    high: float
    open_ended: bool = False
    source_id: str = "soc-report"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


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


def test_chart_reads_back_as_an_image() -> None:
    from matplotlib.image import imread

    data = salary_chart([Bar("Entry", 30000, 30000)], "One point range")
    assert data is not None
    pixels = imread(io.BytesIO(data), format="png")
    assert pixels.shape[0] > 50 and pixels.shape[1] == 800
