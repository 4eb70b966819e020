"""A ruled table's rows, with the merged cells pdfplumber leaves out put back.

pdfplumber builds a cell from four ruling lines. A merged cell that a page break cuts (a project's name,
money and goal cells in a wide target table, continued on the next page) has no bottom line, so pdfplumber
finds no cell there at all, and its rows read as if they belonged to the cell above. `table_rows` returns the
table as `Table.extract()` does (a row per distinct cell top, `None` where a cell above or to the left
continues), except that a region no cell covers becomes a cell of its own, marked open: the text inside its
column, and, where it reaches the foot of the page, the text the PDF draws below it in the margin and past the
page's edge (a cut cell's text is laid out for the whole cell and clipped in print).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from pdfplumber.table import Table
from pdfplumber.utils import extract_text

EDGE = 1.0  # points: coordinates closer than this are the same ruling line
_SLACK = 0.3  # points: a glyph's box may reach this far above the ruling line over its cell
# points: a glyph whose box begins less than this above the table's bottom line, its middle below the line,
# is drawn under the table (a tall font's box: a 附件 label or a title printed right under the last row)
_STRADDLE = 1.5
_REACH = 20.0  # points: half the height of the tallest glyph (to find a box's characters by their middle)
FOOT = 0.8  # a table ending below this fraction of the page height reaches the foot of the page
PAGE_NUMBER = re.compile(r"^\s*(?:[-—－–]\s*\d+\s*[-—－–]|第\s*\d+\s*页.*|\d+\s*/\s*\d+|\d{1,4})\s*$")


@dataclass
class Rows:
    """A table's rows of cell text (None: covered by a cell that starts above or to the left), and which
    cells are open (no ruling line closes them: cut by the page break)."""

    cells: list[list[str | None]]
    open: set[tuple[int, int]]  # (row, column) of cells no ruling line closes at the bottom
    xs: list[float]  # the columns' boundaries, left to right
    open_top: set[tuple[int, int]] = field(default_factory=set)  # … or at the top (continued from above)


class _Chars:
    """A page's characters sorted by their vertical middle, to find a box's characters quickly."""

    def __init__(self, chars: list[dict], width: float) -> None:
        self.drawn = {id(c): i for i, c in enumerate(chars)}  # the order the page draws its characters in
        self.chars = sorted(chars, key=_v_mid)
        self.mids = [_v_mid(c) for c in self.chars]
        self.width = width

    def text(self, box: tuple[float, float, float, float], to_foot: bool = False) -> str:
        chars = self.inside(box, to_foot)
        return extract_text(chars) if chars else ""

    def size_within(self, box: tuple[float, float, float, float]) -> float:
        """The most common font size of the characters inside `box` (0 when there are none)."""
        sizes = Counter(round(c["size"], 1) for c in self._between(box[0], box[2], box[1], box[3]))
        return sizes.most_common(1)[0][0] if sizes else 0.0

    def inside(self, box: tuple[float, float, float, float], to_foot: bool = False) -> list[dict]:
        """The characters that begin inside `box`: a line a cell's text overflows into the cell below (laid
        out for more room than the row has, clipped in print) belongs to the cell it begins in. With
        `to_foot`, also the characters below the box in its columns, down the page and past its edge, less
        the page number."""
        x0, top, x1, bottom = box
        chars = self._between(x0, x1, top, bottom)
        if to_foot:
            chars += [c for c in self._between(x0, x1, bottom, float("inf")) if not self._page_number(c)]
        return chars

    def _between(self, x0: float, x1: float, top: float, bottom: float) -> list[dict]:
        # a character that begins at or below `top` has its middle below it; one that begins above `bottom`
        # has its middle at most half a glyph below that
        lo, hi = bisect.bisect_left(self.mids, top - _SLACK), bisect.bisect_left(self.mids, bottom + _REACH)
        return [
            c
            for c in self.chars[lo:hi]
            if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top - _SLACK <= c["top"] < bottom - _SLACK
        ]

    def _page_number(self, char: dict) -> bool:
        """Whether a character belongs to the page number: a line of digits (— 27 —) centred on the page."""
        mid = _v_mid(char)
        lo, hi = bisect.bisect_left(self.mids, mid - 2), bisect.bisect_right(self.mids, mid + 2)
        line = sorted(self.chars[lo:hi], key=lambda c: c["x0"])
        text = "".join(c["text"] for c in line)
        if not line or not PAGE_NUMBER.match(text):
            return False
        centre = (line[0]["x0"] + line[-1]["x1"]) / 2
        return abs(centre - self.width / 2) < 0.1 * self.width


def _v_mid(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


def _under(c: dict, line: float) -> bool:
    """Whether a glyph that reaches just above a table's bottom line is drawn under it (see _STRADDLE)."""
    return line - _STRADDLE <= c["top"] < line <= _v_mid(c)


def table_rows(table: Table, chars: _Chars | None = None) -> Rows:
    page = table.page
    chars = chars or page_chars(page)
    boxes = [tuple(c) for c in table.cells]
    xs = _distinct(x for b in boxes for x in (b[0], b[2]))
    tops = _distinct(b[1] for b in boxes)
    bottom = table.bbox[3]
    starts = {(_index(tops, b[1]), _index(xs, b[0])): b for b in boxes}
    covered: set[tuple[int, int]] = set()
    for b in boxes:
        _cover(covered, tops, xs, b)
    cells: dict[tuple[int, int], tuple[tuple, list[dict]]] = {}  # (row, column) → its box and characters
    open_cells: set[tuple[int, int]] = set()
    open_top: set[tuple[int, int]] = set()
    at_foot = bottom >= FOOT * page.height
    text_size = chars.size_within(table.bbox)
    rulings = [e for e in page.edges if e["orientation"] == "h"]
    for r, row_top in enumerate(tops):
        for c in range(len(xs) - 1):
            box = starts.get((r, c))
            if box is not None:
                # a cell closed only by a line drawn where the table ends (see `explicit_rulings`) is open
                cut = box[3] >= bottom - EDGE and not _ruled(rulings, box[3], box[0], box[2])
                cells[(r, c)] = box, _inside(chars, box, bottom, cut and at_foot, text_size)
                if cut:
                    open_cells.add((r, c))
                if box[1] <= table.bbox[1] + EDGE and not _ruled(rulings, box[1], box[0], box[2]):
                    open_top.add((r, c))
            elif (r, c) not in covered:  # no cell here: an open cell, down to the next cell in this column
                end = next(
                    (tops[k] for k in range(r + 1, len(tops)) if (k, c) in starts or (k, c) in covered),
                    bottom,
                )
                box = (xs[c], row_top, xs[c + 1], end)
                cells[(r, c)] = box, _inside(chars, box, bottom, at_foot and end >= bottom - EDGE, text_size)
                open_cells.add((r, c))
                _cover(covered, tops, xs, box)
    _give_back_overflow(cells)
    for key, (box, inside) in cells.items():
        cells[key] = box, _without_overprint(inside, chars.drawn)
    rows = [
        [
            (extract_text(cells[(r, c)][1]) if cells[(r, c)][1] else "") if (r, c) in cells else None
            for c in range(len(xs) - 1)
        ]
        for r in range(len(tops))
    ]
    return Rows(rows, open_cells, xs, open_top)


def _inside(chars: _Chars, box: tuple, bottom: float, to_foot: bool, text_size: float) -> list[dict]:
    """A cell's characters (see `_Chars.inside`); at the table's foot, unless the text below is the cell's
    too (`to_foot`), none that is drawn under the table's bottom line, but for a line of the cell's own text
    that runs on past it (its size, at its line spacing: clipped in print)."""
    found = chars.inside(box, to_foot=to_foot)
    if to_foot or box[3] < bottom - EDGE:
        return found
    under = [ch for ch in found if _under(ch, bottom)]
    if not under:
        return found
    own = [ch for ch in found if not _under(ch, bottom)]
    lines = _lines(own)
    if lines:
        last_top, last = lines[-1]
        size = max(ch["size"] for ch in last)
        step = under[0]["top"] - last_top
        if all(abs(ch["size"] - size) < 0.5 for ch in under) and 1.0 * size <= step <= 1.8 * size:
            return found
    elif all(abs(ch["size"] - text_size) < 0.5 for ch in under):
        return found  # an empty cell's own text laid out lower down, in the table's size (a 附件 label is taller)
    return own


def _lines(chars: list[dict]) -> list[tuple[float, list[dict]]]:
    """Characters grouped into lines by their top, top to bottom."""
    lines: list[tuple[float, list[dict]]] = []
    for ch in sorted(chars, key=lambda c: c["top"]):
        if lines and abs(ch["top"] - lines[-1][0]) <= 1.0:
            lines[-1][1].append(ch)
        else:
            lines.append((ch["top"], [ch]))
    return lines


def _without_overprint(chars: list[dict], drawn: dict[int, int]) -> list[dict]:
    """A cell's characters less text drawn over its own: the text of a cut cell laid out from above the cell it
    belongs to, over the cells above it (clipped in print, kept in the file), is drawn after them. Text is
    told apart by the runs the page draws it in; a run printed over an earlier one, or beginning before an
    earlier one ends in reading order, is dropped."""
    if len(chars) < 2:
        return chars
    ordered = sorted(chars, key=lambda c: drawn.get(id(c), 0))
    runs: list[list[dict]] = [[ordered[0]]]
    for prev, ch in zip(ordered, ordered[1:], strict=False):
        if drawn.get(id(ch), 0) - drawn.get(id(prev), 0) > 1:
            runs.append([])
        runs[-1].append(ch)
    if not 2 <= len(runs) <= 40:  # one run, or text drawn a glyph at a time: nothing to tell apart
        return chars
    kept: list[list[dict]] = []
    for run in runs:
        if not any(_overlap(run, earlier) or _drawn_before(run, earlier) for earlier in kept):
            kept.append(run)
    if len(kept) == len(runs):
        return chars
    keep = {id(c) for run in kept for c in run}
    return [c for c in chars if id(c) in keep]


def _drawn_before(later: list[dict], earlier: list[dict]) -> bool:
    """Whether a run drawn later begins before an earlier run ends in reading order (above its last line, or on
    that line to the left of its last glyph): a cell's own text is drawn in reading order, a run that goes
    back is laid out from another cell (a cut cell's text centred over its whole height)."""
    start, end = later[0], earlier[-1]
    half = (end["bottom"] - end["top"]) / 2
    if start["top"] < end["top"] - half:
        return True
    return start["top"] < end["top"] + half and start["x0"] < end["x1"] - 1.0


def _overlap(a: list[dict], b: list[dict]) -> bool:
    """Whether two lines print glyphs over each other (more than half of a glyph both ways)."""
    for x in a:
        for y in b:
            w = min(x["x1"] - x["x0"], y["x1"] - y["x0"])
            h = min(x["bottom"] - x["top"], y["bottom"] - y["top"])
            dx = min(x["x1"], y["x1"]) - max(x["x0"], y["x0"])
            dy = min(x["bottom"], y["bottom"]) - max(x["top"], y["top"])
            if w > 0 and h > 0 and dx > 0.5 * w and dy > 0.5 * h:
                return True
    return False


def _give_back_overflow(cells: dict[tuple[int, int], tuple[tuple, list[dict]]]) -> None:
    """Lines a cell's text overflows into the cell below it (laid out for the whole of a cell the page break
    cut, or for more room than its row has; clipped in print) go back to that cell. They are told by their
    spacing: they go on at the pitch of the lines above, and a gap parts them from the lower cell's own text
    (a cell's own lines are evenly spaced)."""
    by_span: dict[tuple[float, float], list[tuple[int, int]]] = {}
    for key, (box, _) in cells.items():
        by_span.setdefault((round(box[0], 1), round(box[2], 1)), []).append(key)
    for keys in by_span.values():
        keys.sort(key=lambda k: cells[k][0][1])
        for above, below in zip(keys, keys[1:], strict=False):
            (box_a, chars_a), (box_b, chars_b) = cells[above], cells[below]
            if abs(box_a[3] - box_b[1]) > EDGE:
                continue
            lines_a, lines_b = _lines(chars_a), _lines(chars_b)
            if not lines_a or len(lines_b) < 2:
                continue
            if len(lines_a) >= 2:
                pitch = lines_a[-1][0] - lines_a[-2][0]
            else:  # one line above: the next line of its text would follow at 1 to 1.6 times its size
                size = max(ch["size"] for ch in lines_a[-1][1])
                pitch = lines_b[0][0] - lines_a[-1][0]
                if not 1.0 * size <= pitch <= 1.6 * size or any(
                    abs(ch["size"] - size) >= 0.5 for ch in lines_b[0][1]
                ):
                    continue
            if pitch <= 0:
                continue
            run, expected = 0, lines_a[-1][0] + pitch
            while run < len(lines_b) and abs(lines_b[run][0] - expected) <= 0.1 * pitch:
                run, expected = run + 1, expected + pitch
            if run == 0 or run == len(lines_b) or lines_b[run][0] - lines_b[run - 1][0] < 1.5 * pitch:
                continue
            moved = [ch for _, line in lines_b[:run] for ch in line]
            cells[above] = box_a, chars_a + moved
            cells[below] = box_b, [ch for _, line in lines_b[run:] for ch in line]


def _ruled(rulings: list[dict], y: float, x0: float, x1: float) -> bool:
    """Whether a horizontal ruling line runs along y over most of [x0, x1]."""
    covered = sum(
        max(0.0, min(e["x1"], x1) - max(e["x0"], x0)) for e in rulings if abs(e["top"] - y) <= 2 * EDGE
    )
    return covered >= 0.8 * (x1 - x0)


def explicit_rulings(page, tables: list[Table]) -> tuple[list[float], list[float]]:
    """Lines to give pdfplumber so that it finds the columns it left out of tables cut by page breaks:
    (horizontal y, vertical x).

    A table cut by page breaks may draw its merged cells' side lines but no line across their top or bottom
    (the cells go on above and below the page), or lose a side line under a white box: pdfplumber then
    finds no cell there, and leaves those columns out of the table. Vertical lines beside a table running
    most of its height, or row lines running on past its side, are such columns: the table's top and bottom
    and the row lines' outer ends are returned, to be drawn as explicit lines."""
    verticals = [e for e in page.edges if e["orientation"] == "v"]
    horizontals = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= 10]
    ys: list[float] = []
    xs: list[float] = []
    for t in tables:
        x0, top, x1, bottom = t.bbox
        height = bottom - top
        beside = [
            e
            for e in verticals
            if (e["x0"] < x0 - EDGE or e["x0"] > x1 + EDGE)
            and min(e["bottom"], bottom) - max(e["top"], top) >= 0.5 * height
        ]
        rows = [e for e in horizontals if top - EDGE <= e["top"] <= bottom + EDGE]
        left = [e["x0"] for e in rows if e["x0"] < x0 - 10 and e["x1"] >= x0 - 2 * EDGE]
        right = [e["x1"] for e in rows if e["x1"] > x1 + 10 and e["x0"] <= x1 + 2 * EDGE]
        if left:
            xs.append(min(left))
        if right:
            xs.append(max(right))
        if beside or left or right:
            ys += [top, bottom]
    return ys, xs


def page_chars(page) -> _Chars:
    return _Chars(page.chars, page.width)


def _cover(covered: set, tops: list[float], xs: list[float], box) -> None:
    r0, c0 = _index(tops, box[1]), _index(xs, box[0])
    for r in range(r0, len(tops)):
        if tops[r] >= box[3] - EDGE:
            break
        for c in range(c0, len(xs) - 1):
            if xs[c] >= box[2] - EDGE:
                break
            covered.add((r, c))


def _distinct(values) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] >= EDGE:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    i = bisect.bisect_left(bounds, v)
    if i == len(bounds) or (i > 0 and v - bounds[i - 1] < bounds[i] - v):
        return i - 1
    return i
