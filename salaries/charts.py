"""Geometry for the server-rendered SVG charts. No Django here.

Templates only place what is computed here, so every chart reads without JavaScript and the
same numbers go into the table that accompanies it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


def short_usd(value: Decimal | float | int) -> str:
    """150000 -> "150k", 1250000 -> "1.25M"."""
    value = float(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 1_000:
        return f"{value / 1_000:.3g}k"
    return f"{value:.0f}"


def _nice_step(span: float, target_ticks: int) -> float:
    raw = span / max(target_ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover


@dataclass(frozen=True)
class Scale:
    """Maps USD amounts onto [left, right] in SVG user units, with round tick values."""

    low: float
    high: float
    left: float
    right: float
    step: float

    @classmethod
    def fit(
        cls, values: Sequence[Decimal | float], *, left: float, right: float, ticks: int = 5
    ) -> Scale:
        numbers = [float(v) for v in values if v is not None]
        low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
        if high <= low:
            high = low + max(abs(low) * 0.1, 1.0)
        step = _nice_step(high - low, ticks)
        return cls(
            low=math.floor(low / step) * step,
            high=math.ceil(high / step) * step,
            left=left,
            right=right,
            step=step,
        )

    def x(self, value: Decimal | float) -> float:
        share = (float(value) - self.low) / (self.high - self.low)
        return round(self.left + min(max(share, 0.0), 1.0) * (self.right - self.left), 1)

    def ticks(self) -> list[tuple[float, str]]:
        count = round((self.high - self.low) / self.step)
        return [
            (self.x(self.low + i * self.step), short_usd(self.low + i * self.step))
            for i in range(count + 1)
        ]


@dataclass(frozen=True)
class BoxGeometry:
    """x positions of p10, p25, median, p75, p90 on a scale."""

    x10: float
    x25: float
    x50: float
    x75: float
    x90: float

    @classmethod
    def of(cls, figures: Sequence[Decimal], scale: Scale) -> BoxGeometry:
        return cls(*(scale.x(f) for f in figures))

    @property
    def whisker_width(self) -> float:
        return round(self.x90 - self.x10, 1)

    @property
    def box_width(self) -> float:
        return round(max(self.x75 - self.x25, 1.0), 1)


@dataclass(frozen=True)
class ChartRow:
    label: str
    figures: tuple[Decimal, ...]
    sample_size: int
    y: float
    box: BoxGeometry
    group: str = ""

    @property
    def median(self) -> Decimal:
        return self.figures[2]

    @property
    def median_short(self) -> str:
        return short_usd(self.median)


@dataclass(frozen=True)
class RangeChart:
    """Horizontal box rows: p10-p90 whisker, p25-p75 box, median tick, one row per group."""

    title: str
    rows: list[ChartRow]
    ticks: list[tuple[float, str]]
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float

    @property
    def is_empty(self) -> bool:
        return not self.rows


ROW_HEIGHT = 26
CHART_WIDTH = 720
LABEL_WIDTH = 200
NUMBERS_WIDTH = 120


def range_chart(title: str, rows: Sequence[tuple]) -> RangeChart:
    """A chart of `rows`, each (label, (p10, p25, p50, p75, p90), sample size[, group])."""
    left, right = LABEL_WIDTH, CHART_WIDTH - NUMBERS_WIDTH
    all_figures = [f for row in rows for f in (row[1][0], row[1][4])]
    scale = Scale.fit(all_figures, left=left, right=right)
    chart_rows = []
    for index, row in enumerate(rows):
        label, figures, sample_size = row[0], tuple(row[1]), row[2]
        group = row[3] if len(row) > 3 else ""
        chart_rows.append(
            ChartRow(
                label=label,
                figures=figures,
                sample_size=sample_size,
                y=index * ROW_HEIGHT + 8,
                box=BoxGeometry.of(figures, scale),
                group=group,
            )
        )
    axis_y = len(chart_rows) * ROW_HEIGHT + 8
    return RangeChart(
        title=title,
        rows=chart_rows,
        ticks=scale.ticks(),
        width=CHART_WIDTH,
        height=axis_y + 24,
        plot_left=left,
        plot_right=right,
        axis_y=axis_y,
    )
