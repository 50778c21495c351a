"""Charts for docs/performance.md: horizontal bar charts as small, dependency-free SVG files.

A reader compares 28 cold starts with their budget, or page 1 with page 50, faster from bars than from a
table; the tables stay beside each chart for the exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

WIDTH = 760
LABEL_WIDTH = 300
VALUE_WIDTH = 70
ROW_HEIGHT = 20
TOP = 46
BOTTOM = 26
OK, OVER = "#4c78a8", "#e45756"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


@dataclass
class BarChart:
    """``bars`` drawn against one scale; a ``budget`` draws a dashed line and colours the bars over it."""

    slug: str
    title: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    budget: float | None = None

    @property
    def file_name(self) -> str:
        return f"{self.slug}.svg"

    def svg(self) -> str:
        scale_max = max([bar.value for bar in self.bars] + [self.budget or 0.0]) or 1.0
        plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        height = TOP + ROW_HEIGHT * len(self.bars) + BOTTOM
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'font-family="sans-serif" font-size="12">',
            f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
            f'<text x="8" y="20" font-size="14" font-weight="bold">{escape(self.title)}</text>',
        ]
        for row, bar in enumerate(self.bars):
            y = TOP + row * ROW_HEIGHT
            length = plot * bar.value / scale_max
            colour = OVER if self.budget is not None and bar.value > self.budget else OK
            parts += [
                f'<text x="{LABEL_WIDTH - 6}" y="{y + 14}" text-anchor="end">{escape(bar.label)}</text>',
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 6}" '
                f'fill="{colour}"/>',
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 14}">{bar.value:,.2f}</text>',
            ]
        parts += self._budget_line(plot, scale_max, height)
        parts.append(f'<text x="{LABEL_WIDTH}" y="{height - 8}" fill="#555">{escape(self.unit)}</text></svg>')
        return "\n".join(parts) + "\n"

    def _budget_line(self, plot: float, scale_max: float, height: int) -> list[str]:
        if self.budget is None:
            return []
        x = LABEL_WIDTH + plot * self.budget / scale_max
        return [
            f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{height - BOTTOM + 2}" stroke="#333" '
            'stroke-dasharray="4 3"/>',
            f'<text x="{x + 3:.1f}" y="{TOP - 6}" fill="#333">budget {self.budget:g}</text>',
        ]

    def markdown(self, directory: str) -> str:
        return f"![{self.title}]({directory}/{self.file_name})"
