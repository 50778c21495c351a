"""The performance report's charts: valid SVG, one bar per figure, the budget drawn, files beside the doc."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from bench.charts import OK, OVER, Bar, BarChart
from bench.report import Section, write

SVG = "{http://www.w3.org/2000/svg}"


def chart() -> BarChart:
    return BarChart("cold-start", "Cold start", "x baseline", [Bar("Fast", 1.1), Bar("Slow", 1.6)], 1.25)


def test_a_chart_is_valid_svg_with_a_bar_per_figure_and_the_budget() -> None:
    root = ET.fromstring(chart().svg())

    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") in (OK, OVER)]
    assert [bar.get("fill") for bar in bars] == [OK, OVER]  # over the budget stands out
    assert float(bars[1].get("width") or 0) > float(bars[0].get("width") or 0)
    assert len(list(root.iter(f"{SVG}line"))) == 1
    assert "budget 1.25" in "".join(root.itertext())


def test_the_report_links_each_chart_and_writes_it_beside_the_document(tmp_path: Path) -> None:
    section = Section("3. Cold start", "method", ("a",), rows=[("1",)], charts=[chart()])
    report = tmp_path / "performance.md"

    write(report, section.markdown(), [section])

    assert "![Cold start](performance/cold-start.svg)" in report.read_text()
    ET.parse(tmp_path / "performance" / "cold-start.svg")
