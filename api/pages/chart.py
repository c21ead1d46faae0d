"""Charts drawn on the server as SVG (no chart library, no script): the rate columns of a report table as
horizontal bars, one group per unit (site, county, total). The table itself stays beside the chart for
anyone who cannot see it."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from api.figures_terms import Table

__all__ = ["COLOURS", "rate_chart"]

# dark enough for white text and for 3:1 against white (WCAG non-text contrast)
COLOURS = ("#0b4f8a", "#1d6b33", "#7a3e00", "#6b2c91", "#9b1c1c", "#3d4650")
_LABEL_W, _BAR_W, _BAR_H, _GAP = 150, 380, 18, 14


def rate_chart(table: Table, *, title: str) -> Markup | None:
    """Grouped bars of every ``rate`` column of ``table`` (0-100%); None when it has none or no rows."""
    series = [c for c in table.columns if c.kind == "rate"]
    if not series or not table.rows:
        return None
    group_h = len(series) * _BAR_H + _GAP
    legend_h = 24 * len(series)
    height = legend_h + group_h * len(table.rows) + 10
    width = _LABEL_W + _BAR_W + 70
    parts = [f'<svg role="img" aria-labelledby="chart-title" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{escape(title)}</title>']  # fmt: skip
    for i, column in enumerate(series):
        y = 4 + 24 * i
        colour, name = COLOURS[i % len(COLOURS)], escape(column.header)
        parts.append(f'<rect x="0" y="{y}" width="16" height="16" fill="{colour}"/>'
                     f'<text x="22" y="{y + 13}" font-size="14" fill="#1a1a1a">{name}</text>')  # fmt: skip
    for r, row in enumerate(table.rows):
        top = legend_h + r * group_h
        label = str(row.get("unit") or "")
        parts.append(f'<text x="0" y="{top + _BAR_H}" font-size="14" fill="#1a1a1a">{escape(label[:10])}</text>')
        for i, column in enumerate(series):
            value = row.get(column.key)
            y = top + i * _BAR_H
            share = float(value) if isinstance(value, int | float) else 0.0
            bar = max(0.0, min(share, 1.0)) * _BAR_W
            text = "—" if value is None else f"{share * 100:.1f}%"
            parts.append(f'<rect x="{_LABEL_W}" y="{y + 2}" width="{bar:.1f}" height="{_BAR_H - 4}" '
                         f'fill="{COLOURS[i % len(COLOURS)]}"/><text x="{_LABEL_W + bar + 6:.1f}" y="{y + _BAR_H - 4}" '
                         f'font-size="13" fill="#1a1a1a">{text}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))
