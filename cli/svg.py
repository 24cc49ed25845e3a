"""Chart 1 as an SVG picture: the scale as an arrow, each relationship as a bar.

Plain string building with escaping: the picture must be well-formed XML
that any browser shows, with no drawing library to install.  Every text from
the rule files goes through the one sanitiser (`for_xml`): control and bidi
characters are shown escaped, then the text is XML-escaped.
"""

from __future__ import annotations

from perimeter import Chart
from perimeter.files.sanitise import for_xml as escape

_COLUMN = 58
_LEFT = 190
_TOP = 210
_BAR = 34
_GAP = 22
_PALETTE = ("#1f6f8b", "#c0392b", "#7d9d2b", "#8e44ad", "#d68910", "#2e4053")


def chart_svg(chart: Chart) -> str:
    """The whole picture as one SVG document."""
    levels = len(chart.scale)
    width = _LEFT + levels * _COLUMN + 230  # room for the last rotated labels
    height = _TOP + len(chart.relationships) * (_BAR + _GAP) + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
             f'<title>{escape(chart.title)}</title>',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">'
             f'{escape(chart.title)}</text>']
    parts += _arrow(levels)
    parts += _scale(chart)
    for row, standing in enumerate(chart.relationships):
        parts += _bar(row, standing.title, standing.level, standing.level_name, _PALETTE[row % len(_PALETTE)])
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _x(level: int) -> float:
    return _LEFT + level * _COLUMN + _COLUMN / 2


def _arrow(levels: int) -> list[str]:
    """The double-sided arrow of Chart 1, conflict at the left, alliance at the right."""
    y, left, right = 58, _LEFT, _LEFT + levels * _COLUMN
    return [
        f'<line x1="{left + 12}" y1="{y}" x2="{right - 12}" y2="{y}" stroke="#333" stroke-width="4"/>',
        f'<polygon points="{left},{y} {left + 16},{y - 9} {left + 16},{y + 9}" fill="#333"/>',
        f'<polygon points="{right},{y} {right - 16},{y - 9} {right - 16},{y + 9}" fill="#333"/>',
        f'<text x="{left}" y="{y - 14}" font-weight="bold">Conflict</text>',
        f'<text x="{right}" y="{y - 14}" text-anchor="end" font-weight="bold">Alliance</text>',
    ]


def _scale(chart: Chart) -> list[str]:
    parts = []
    bottom = _TOP + len(chart.relationships) * (_BAR + _GAP)
    for index, name in enumerate(chart.scale):
        x = _x(index)
        shade = "#f4f6f7" if index % 2 else "#ffffff"
        parts.append(f'<rect x="{_LEFT + index * _COLUMN}" y="{_TOP - 10}" width="{_COLUMN}" '
                     f'height="{bottom - _TOP + 10}" fill="{shade}"/>')
        parts.append(f'<text x="{x}" y="{_TOP - 18}" transform="rotate(-40 {x} {_TOP - 18})" '
                     f'font-size="11">{index}. {escape(_short(name))}</text>')
    floor_x = _LEFT + chart.floor * _COLUMN
    parts.append(f'<line x1="{floor_x}" y1="{_TOP - 10}" x2="{floor_x}" y2="{bottom}" stroke="#999" '
                 f'stroke-dasharray="4 3"/>')
    return parts


def _bar(row: int, title: str, level: int, level_name: str, colour: str) -> list[str]:
    y = _TOP + row * (_BAR + _GAP)
    end = _LEFT + (level + 1) * _COLUMN
    return [
        f'<g class="relationship" data-level="{level}">',
        f'<text x="{_LEFT - 12}" y="{y + _BAR / 2 + 4}" text-anchor="end" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{_LEFT}" y="{y}" width="{end - _LEFT}" height="{_BAR}" rx="4" fill="{colour}" opacity="0.85"/>',
        f'<text x="{end + 6}" y="{y + _BAR / 2 + 4}" font-size="11">{escape(level_name)}</text>'
        if level < 15 else
        f'<text x="{end - 6}" y="{y + _BAR / 2 + 4}" font-size="11" text-anchor="end" fill="white">'
        f'{escape(level_name)}</text>',
        "</g>",
    ]


def _short(name: str) -> str:
    return name if len(name) <= 34 else name[:32] + "..."
