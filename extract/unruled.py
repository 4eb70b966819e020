"""Tables drawn without ruling lines: rebuild cells, rows and columns from where the text sits.

Used for pages on which pdfplumber finds no ruled table. Text lines are cut into tokens at wide gaps;
tokens stacked in one column with line spacing form a cell; header labels are recognised by their words and
take the cells to their right (or below, for money printed as columns); the indicator grid's columns come
from its header words and the white space between them, and its rows from the 三级指标 cells. The result is
the same rows-of-cells a ruled table gives, so the cutter treats both alike.
"""

from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass, field

from contracts.text import compact
from contracts.vocabulary import is_level_name
from extract import layout

# Gaps and distances in units of the page's character size.
TOKEN_GAP = 0.6  # a horizontal gap wider than this separates two cells' text
LABEL_GAP = 0.3  # … and one wider than this does when the text before it is a header label
CELL_LINE_GAP = 1.42  # lines of one cell are closer (top to top) than this
MIN_GUTTER = 2.0  # points: a narrower text-free interval is no column gutter
SUFFIX_MISFIT = 0.5  # what leaving the page's last rows to a cell on the next page costs, in character sizes
ALIGNED_EDGE = 2  # lines starting at one x make a column's left edge (a text and one more) …
EDGE_SHARE = 0.6  # … when they are most of the lines with text up to the column's centre


@dataclass
class Token:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


def tokens_of(line: dict, size: float) -> list[Token]:
    """Cut one text line (pdfplumber's extract_text_lines with chars) into tokens at wide gaps, and at
    narrower gaps that end a header label (a label and its value can sit close together)."""
    out: list[Token] = []
    for ch in line["chars"]:
        if not ch["text"].strip():
            continue
        gap = ch["x0"] - out[-1].x1 if out else None
        if gap is not None and (
            gap <= LABEL_GAP * size or (gap <= TOKEN_GAP * size and not _ends_label(out[-1].text))
        ):
            t = out[-1]
            t.text += ch["text"]
            t.x1, t.top, t.bottom = max(t.x1, ch["x1"]), min(t.top, ch["top"]), max(t.bottom, ch["bottom"])
        else:
            out.append(Token(ch["text"], ch["x0"], ch["x1"], ch["top"], ch["bottom"]))
    return _join_split_labels(out)


def _ends_label(text: str) -> bool:
    """A label, or the first line (three characters or more) of a label wrapped in its cell."""
    if layout.header_field(text) is not None:
        return True
    key = layout.label_key(text)
    return len(key) >= 3 and any(label.startswith(key) for label in layout.HEADER_LABELS)


def _join_split_labels(tokens: list[Token]) -> list[Token]:
    """Stray spaces can cut a label ('项 目 名称') into tokens; join runs of tokens that spell a label."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        best = 1
        for n in range(2, min(5, len(tokens) - i) + 1):
            text = "".join(t.text for t in tokens[i : i + n])
            if layout.header_field(text) or layout.grid_role(text):
                best = n
        if best > 1:
            group = tokens[i : i + best]
            out.append(
                Token(
                    "".join(t.text for t in group),
                    group[0].x0,
                    group[-1].x1,
                    min(t.top for t in group),
                    max(t.bottom for t in group),
                )
            )
        else:
            out.append(tokens[i])
        i += best
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def stack_cells(tokens: list[Token], size: float, keep_apart=lambda upper, lower: False) -> list[Token]:
    """Merge tokens stacked in one column at line spacing into cells (a wrapped cell's lines)."""
    cells: list[Token] = []
    for t in sorted(tokens, key=lambda t: (t.top, t.x0)):
        target = None
        for c in reversed(cells):
            close = t.top - c.bottom + (c.bottom - c.top) > 0 and t.top - _last_top(c) <= CELL_LINE_GAP * size
            width = min(t.x1 - t.x0, c.x1 - c.x0)
            if close and _overlap(c.x0, c.x1, t.x0, t.x1) >= 0.3 * width and not keep_apart(c, t):
                target = c
                break
        if target is None:
            cells.append(Token(t.text, t.x0, t.x1, t.top, t.bottom))
            cells[-1].last_top = t.top  # type: ignore[attr-defined]
        else:
            target.text += "\n" + t.text
            target.x0, target.x1 = min(target.x0, t.x0), max(target.x1, t.x1)
            target.bottom = max(target.bottom, t.bottom)
            target.last_top = t.top  # type: ignore[attr-defined]
    return cells


def _last_top(cell: Token) -> float:
    return getattr(cell, "last_top", cell.top)


# ---------------------------------------------------------------- header block


@dataclass
class HeaderCut:
    """What a header block cut by the page break leaves to the next page: the x extent of its labels' first
    column, and labels printed over columns whose values the page did not hold (项目总金额 | 其中：财政拨款 |
    其他资金 at the page's foot)."""

    label_column: tuple[float, float] | None = None
    open_labels: list[Token] = field(default_factory=list)


def header_rows(
    lines: list[dict], size: float, open_end: bool = False, before: HeaderCut | None = None
) -> tuple[list[list[str | None]], HeaderCut]:
    """Label/value rows of a header block: each label with the cells to its right (or below it); and what
    the block leaves to the next page when `open_end` (it runs on there).

    At the foot, a cell on the last line that begins a label (年度绩效目, its 标 printed over the page) is that
    label, and labels side by side without values are given as one row of labels. At the top, given the block
    this one continues (`before`), text above every label goes on from there: under its open labels, a row
    of their values; in its labels' first column, the end of a label; elsewhere, the end of a value."""
    tokens = [t for ln in lines for t in tokens_of(ln, size)]

    def is_label(t: Token) -> bool:
        return layout.header_field(t.text) is not None

    def keep_apart(up: Token, low: Token) -> bool:
        """A label's cell holds the label only; but a generic word such as 资金 left-aligned under a value
        is the value's last line (项目名称 学生资助补助⏎资金), not the 项目资金 label."""
        joined = Token(up.text + low.text, up.x0, up.x1, up.top, low.bottom)
        if is_label(joined) or not (is_label(up) or is_label(low)):
            return False
        wrapped = not is_label(up) and layout.header_field(low.text) == "_group" and abs(up.x0 - low.x0) < 1
        return not wrapped

    before = before or HeaderCut()
    cells = stack_cells(tokens, size, keep_apart=keep_apart)
    foot = max((c.bottom for c in cells), default=0.0)
    cut = [c for c in cells if open_end and c.bottom >= foot - 0.5 * size and _begins_label(c.text)]
    labels = [c for c in cells if layout.header_field(c.text) not in (None, "_group")] + cut
    values: dict[int, list[Token]] = {id(lb): [] for lb in labels}
    first_label = min((lb.top for lb in labels), default=float("inf"))
    rest: list[Token] = []  # text above every label: a value cut by the page break goes on here
    for c in cells:
        if layout.header_field(c.text) is not None or any(c is lb for lb in cut):
            continue
        owner = _label_left_of(c, labels) or _label_above(c, labels)
        if owner is not None:
            values[id(owner)].append(c)
        elif c.bottom <= first_label:
            rest.append(c)
    rows: list[list[str | None]] = []
    if before.open_labels and rest:
        under: dict[int, list[Token]] = {id(lb): [] for lb in before.open_labels}
        for c in list(rest):
            best = max(before.open_labels, key=lambda lb: _overlap(lb.x0, lb.x1, c.x0, c.x1))
            if _overlap(best.x0, best.x1, c.x0, c.x1) > 0:
                under[id(best)].append(c)
                rest.remove(c)
        if any(under.values()):
            rows.append(["\n".join(c.text for c in under[id(lb)]) for lb in before.open_labels])
    if rest:
        column = before.label_column
        label_end = [c for c in rest if column and c.x0 >= column[0] - size and c.x1 <= column[1] + 1]
        value_end = [c for c in rest if not any(c is e for e in label_end)]
        rows.append(["\n".join(c.text for c in label_end), "\n".join(c.text for c in value_end)])
    ordered = _reading_order(labels, size)
    last_row = [lb for lb in ordered if abs(lb.mid - ordered[-1].mid) <= 0.5 * size] if ordered else []
    open_labels = []
    if open_end and len(last_row) >= 2 and not any(values[id(lb)] for lb in last_row):
        open_labels = sorted(last_row, key=lambda lb: lb.x0)
    for lb in ordered:
        if not any(lb is o for o in open_labels):
            parts = sorted(values[id(lb)], key=lambda t: (t.top, t.x0))
            rows.append([lb.text, "\n".join(p.text for p in parts)])
    if open_labels:
        rows.append([lb.text for lb in open_labels])
    left = min((lb.x0 for lb in labels), default=None)
    if left is None:
        return rows, HeaderCut(before.label_column, open_labels)
    first_column = [lb for lb in labels if lb.x0 <= left + size]
    return rows, HeaderCut((left, max(lb.x1 for lb in first_column)), open_labels)


def _begins_label(text: str) -> bool:
    """The first part (three characters or more) of a label that carries a value, not a label itself."""
    key = layout.label_key(text)
    return (
        len(key) >= 3
        and layout.header_field(text) is None
        and any(k.startswith(key) and f != "_group" for k, f in layout.HEADER_LABELS.items())
    )


def _reading_order(labels: list[Token], size: float) -> list[Token]:
    """Labels row by row, left to right; labels whose middles are level sit in one row, even when one of
    them wraps onto more lines (it is centred in the row, so it starts higher)."""
    rows: list[list[Token]] = []
    for lb in sorted(labels, key=lambda t: t.mid):
        if rows and lb.mid - rows[-1][0].mid <= 0.5 * size:
            rows[-1].append(lb)
        else:
            rows.append([lb])
    return [lb for row in rows for lb in sorted(row, key=lambda t: t.x0)]


def _label_left_of(cell: Token, labels: list[Token]) -> Token | None:
    beside = [
        lb for lb in labels if lb.x1 <= cell.x0 + 1 and _overlap(lb.top, lb.bottom, cell.top, cell.bottom) > 0
    ]
    if not beside:  # a label centred beside a taller cell: compare centres
        beside = [lb for lb in labels if lb.x1 <= cell.x0 + 1 and cell.top <= lb.mid <= cell.bottom]
    return max(beside, key=lambda lb: lb.x1, default=None)


def _label_above(cell: Token, labels: list[Token]) -> Token | None:
    above = [
        lb for lb in labels if lb.bottom <= cell.top + 1 and _overlap(lb.x0, lb.x1, cell.x0, cell.x1) > 0
    ]
    return max(above, key=lambda lb: lb.bottom, default=None)


# ---------------------------------------------------------------- indicator grid


@dataclass
class Grid:
    """The grid being read: its header cells (texts and x extents), carried onto continuation pages, where
    the column bounds are worked out again from that page's text."""

    headers: list[str]
    extents: list[tuple[float, float]]
    continued: bool = False  # this page continues the grid from the page before
    # level role → "aligned" | "centred", as first told apart in this document (shared by all its grids)
    level_reading: dict[str, str] = field(default_factory=dict)
    # the bounds between columns found on the last page (x, is a left edge), or None where none was found
    found: list[tuple[float, bool] | None] = field(default_factory=list)

    def bounds(self, data_lines: list[dict], size: float) -> tuple[list[float], list[float]]:
        """The columns' bounds, and those of them that are a column's left edge (no character of the page
        crosses one, and text on both sides of it is two cells even when printed close together). Where a
        page's text shows no gap between two columns, or only a gap where an earlier page of the grid showed
        a left edge (a page holding a row or two), the bound found on that page holds."""
        chars = [c for ln in data_lines for c in ln["chars"] if c["text"].strip()]
        runs = _run_starts(data_lines)
        bounds, edges, found = [self.extents[0][0] - 4 * size], [], []
        pairs = list(zip(self.extents, self.extents[1:], strict=False))
        for k, ((a0, a1), (b0, b1)) in enumerate(pairs):
            bound = _gutter(chars, runs, (a0 + a1) / 2, (b0 + b1) / 2)
            before = self.found[k] if k < len(self.found) else None
            if bound is None or (before is not None and before[1] and abs(before[0] - bound[0]) <= 1):
                bound = before or bound  # an edge seen before where this page has a gap is that edge
            found.append(bound)
            x, edge = bound if bound is not None else ((a1 + b0) / 2, False)
            bounds.append(x)
            if edge:
                edges.append(x)
        self.found = found
        bounds.append(self.extents[-1][1] + 40 * size)
        return bounds, edges


def grid_header(lines: list[dict], index: int, size: float) -> tuple[Grid, set[int]]:
    """The grid whose header is on lines[index]; wrapped header words on the lines next to it are joined.
    Returns the grid and the indexes of the lines that belong to the header."""
    used = {index}
    for j in (index - 1, index + 1):
        if 0 <= j < len(lines) and abs(lines[j]["top"] - lines[index]["top"]) <= CELL_LINE_GAP * size:
            text = compact(lines[j]["text"])
            neighbour = [t.text for t in tokens_of(lines[j], size)]
            if (
                text
                and not re.search(r"\d", text)
                and len(text) <= 12
                and not layout.is_grid_header(neighbour)
            ):
                used.add(j)
    tokens = [t for j in sorted(used) for t in tokens_of(lines[j], size)]
    heads = sorted(stack_cells(tokens, size), key=lambda t: t.x0)
    return Grid(headers=[compact(h.text) for h in heads], extents=[(h.x0, h.x1) for h in heads]), used


def _run_starts(lines: list[dict]) -> list[list[float]]:
    """For each line, where its runs of text begin (after a gap wider than MIN_GUTTER, or first)."""
    out = []
    for ln in lines:
        starts, prev = [], None
        for c in ln["chars"]:
            if c["text"].strip():
                if prev is None or c["x0"] - prev["x1"] >= MIN_GUTTER:
                    starts.append(c["x0"])
                prev = c
        out.append(starts)
    return out


def _gutter(
    chars: list[dict], runs: list[list[float]], left: float, right: float
) -> tuple[float, bool] | None:
    """Where one column ends: just before the next column's text, at the end of a text-free interval
    between the two columns' centres (a column is as wide as its gutter lets it be; short left-aligned
    texts may end before their column's centre). Of several such intervals, one that ends at a left edge
    wins: most lines with text between it and the next column's centre begin their text right there, two
    at least (a left-aligned column). Else the widest wins: a space inside a long centred value is a
    text-free interval too. None without any (or without text between the centres at all). The flag tells
    whether the bound is a left edge: only there are texts printed close together cut apart."""
    spans = sorted(
        (max(c["x0"], left), min(c["x1"], right)) for c in chars if c["x1"] > left and c["x0"] < right
    )
    intervals, cursor = [], left
    for x0, x1 in spans:
        if x0 - cursor >= MIN_GUTTER:
            intervals.append((cursor, x0))
        cursor = max(cursor, x1)
    if not intervals:
        return None

    def is_edge(end: float) -> bool:
        firsts = [min((x for x in line if x >= end - 1), default=None) for line in runs]
        beyond = [x for x in firsts if x is not None and x <= right]
        at = [x for x in beyond if abs(x - end) <= 1]
        return len(at) >= ALIGNED_EDGE and len(at) >= EDGE_SHARE * len(beyond)

    aligned = [iv for iv in intervals if is_edge(iv[1])]
    best = max(aligned or intervals, key=lambda iv: iv[1] - iv[0])
    return best[1] - 0.5, bool(aligned)


def grid_rows(grid: Grid, lines: list[dict], size: float, open_end: bool = False) -> list[list[str | None]]:
    """Rows of grid cells (in header column order) from the data lines below a grid header. `open_end`: the
    lines run to the foot of the page, and the grid may go on at the next page's top."""
    ncol = len(grid.headers)
    roles = layout.column_roles(grid.headers)
    bounds, edges = grid.bounds(lines, size)
    per_col: list[list[Token]] = [[] for _ in range(ncol)]
    for ln in lines:
        on_line: dict[int, Token] = {}
        for t in _tokens_between(ln, edges, size):
            col = _column(t, bounds)
            if col is None:
                continue
            if col in on_line:  # one cell's text cut by a stray space: rejoin it
                joined = on_line[col]
                sep = " " if joined.text[-1:].isascii() and t.text[:1].isascii() else ""
                joined.text += sep + t.text
                joined.x1, joined.bottom = max(joined.x1, t.x1), max(joined.bottom, t.bottom)
            else:
                on_line[col] = t
                per_col[col].append(t)
    cells = [
        stack_cells(col, size, keep_apart=_two_level_names(2 if roles[i] == "level2" else 1))
        if roles[i] in ("level1", "level2")
        else stack_cells(col, size)
        for i, col in enumerate(per_col)
    ]
    anchor = roles.index("level3") if "level3" in roles else 0
    value_cols = [i for i, r in enumerate(roles) if r in ("value", "nature", "direction", "unit")]
    level_cols = [i for i, r in enumerate(roles) if r in ("level1", "level2")]
    rows: list[list[str | None]] = [[None] * ncol for _ in cells[anchor]]
    spans = [(c.top, c.bottom) for c in cells[anchor]]
    for r, c in enumerate(cells[anchor]):
        rows[r][anchor] = c.text
    # on a continuation page, cells wholly above the first 三级指标 are the rest of a row split by the page
    # break whose 三级指标 ended on the page before (only its 指标值 goes on): a row of their own
    first_top = spans[0][0] if grid.continued and spans else None

    def above_first(c: Token) -> bool:
        return first_top is not None and c.bottom <= first_top + 0.5

    placed_cols = [col for col in range(ncol) if col != anchor and col not in level_cols]
    head = [(col, c) for col in placed_cols for c in cells[col] if above_first(c)]
    if head:
        rows.insert(0, [None] * ncol)
        spans.insert(0, (min(c.top for _, c in head), max(c.bottom for _, c in head)))
        for col, c in head:
            _put(rows, 0, col, c.text)
    extents = list(spans)  # of all the row's text
    for col in placed_cols:
        for c in cells[col]:
            if above_first(c):
                continue
            r = _nearest_row(c, spans)
            _put(rows, r, col, c.text)
            if r is not None:
                extents[r] = (min(extents[r][0], c.top), max(extents[r][1], c.bottom))
    # the first row, when it has no values, may be the rest of a row split by a page break: it never
    # starts a level group, and level text beside it is the tail of the level name above the break
    starts = list(range(len(rows)))
    if len(rows) > 1 and not (rows[0][anchor] and any(rows[0][i] for i in value_cols)):
        starts = starts[1:]
    breaks: list[int] = []  # rows that begin a new 一级指标 group: no 二级指标 group runs across one
    for col in sorted(level_cols, key=lambda i: roles[i]):
        groups = []
        for c in cells[col]:
            if starts and starts[0] > 0 and c.bottom <= extents[starts[0]][0]:
                _put(rows, 0, col, c.text)  # a tail beside the remainder row
            else:
                groups.append(c)
        within = breaks if roles[col] == "level2" else []
        placed, below = _assign_levels(groups, extents, starts, size, grid, roles[col], within, open_end)
        for c, r in zip(groups, placed, strict=True):
            _put(rows, r, col, c.text)
        for r in below:
            rows[r][col] = layout.LEVEL_BELOW
        if roles[col] == "level1":
            breaks = _group_breaks([row[col] for row in rows])
    return [[cell or "" for cell in row] for row in rows]


def _group_breaks(texts: list[str | None]) -> list[int]:
    """Rows whose level name differs from the last one above (a name repeated row after row is one group)."""
    out, last = [], None
    for r, text in enumerate(texts):
        if text:
            if last is not None and compact(text) != last:
                out.append(r)
            last = compact(text)
    return out


def _tokens_between(line: dict, edges: list[float], size: float) -> list[Token]:
    """The line's tokens, cut at the columns' left edges: two cells' texts printed close together (a centred
    level name beside a left-aligned 三级指标) are two tokens."""
    pieces: list[list[dict]] = [[] for _ in range(len(edges) + 1)]
    for ch in line["chars"]:
        pieces[bisect.bisect(edges, (ch["x0"] + ch["x1"]) / 2)].append(ch)
    return [t for chars in pieces if chars for t in tokens_of({"chars": chars}, size)]


def _two_level_names(level: int):
    """A level name below other text is a cell of its own, however close the lines, unless the two
    spell one name (服务对象满意度 ⏎ 指标)."""

    def keep_apart(upper: Token, lower: Token) -> bool:
        return is_level_name(lower.text, level) and not is_level_name(upper.text + lower.text, level)

    return keep_apart


def _put(rows: list[list[str | None]], r: int | None, col: int, text: str) -> None:
    if r is not None:
        rows[r][col] = f"{rows[r][col]}\n{text}" if rows[r][col] else text


def _column(t: Token, bounds: list[float]) -> int | None:
    """The column holding most of the token's width."""
    widths = [_overlap(t.x0, t.x1, bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
    best = max(widths, default=0.0)
    return widths.index(best) if best > 0 else None


def _nearest_row(c: Token, spans: list[tuple[float, float]]) -> int | None:
    if not spans:
        return None
    overlaps = [_overlap(c.top, c.bottom, a, b) for a, b in spans]
    if max(overlaps) > 0:
        return overlaps.index(max(overlaps))
    return min(range(len(spans)), key=lambda r: abs((spans[r][0] + spans[r][1]) / 2 - c.mid))


def _assign_levels(
    cells: list[Token],
    rows: list[tuple[float, float]],
    starts: list[int],
    size: float,
    grid: Grid,
    role: str,
    breaks: list[int],
    open_end: bool,
) -> tuple[list[int | None], list[int]]:
    """The row each level cell belongs to (the first row of its group); rows below it stay blank and take
    the level from above when rows are normalised. `rows` are the rows' text extents; `starts` the rows a
    group may begin at (the rest of a row split by a page break never does). Also returns the last rows of
    the page when they fit best as a group whose merged cell prints its text on the next page (it is too
    short here for the text): they take the level printed first on that page.

    Two readings are fitted: each cell printed in the first row of its group (repeated cells, cells blank
    below the first, merged cells with their text at the top), or each cell centred on a run of rows that
    partitions the grid (merged cells). The closer fit wins. A near tie (groups of one row, or an odd run
    centred on its middle row) goes to the reading the document's grids took where the two differed, since a
    document draws all its grids alike, else to the first-row reading."""
    if not starts or not cells:
        return [None] * len(cells), []
    aligned, misfit_aligned = _aligned_levels(cells, rows, starts)
    if not grid.continued and aligned[0] != starts[0]:
        misfit_aligned += 10 * size  # a grid's first row always has its level
    suffix = SUFFIX_MISFIT * size if open_end else None
    centred, misfit_centred, below = _centred_levels(cells, rows, starts, breaks, grid.continued, suffix)
    margin = 0.2 * size
    if abs(misfit_centred - misfit_aligned) <= margin:
        reading = grid.level_reading.get(role, "aligned")
    else:
        reading = "centred" if misfit_centred < misfit_aligned else "aligned"
        grid.level_reading[role] = reading
    return (centred, below) if reading == "centred" else (aligned, [])


def _aligned_levels(
    cells: list[Token], rows: list[tuple[float, float]], starts: list[int]
) -> tuple[list[int | None], float]:
    """Each cell in the start row whose top or middle it is level with."""

    def misfit(c: Token, r: int) -> float:
        top, bottom = rows[r]
        return min(abs((top + bottom) / 2 - c.mid), abs(top - c.top))

    out: list[int | None] = []
    total = 0.0
    for c in cells:
        r = min(starts, key=lambda r: misfit(c, r))
        out.append(r)
        total += misfit(c, r)
    return out, total


def _centred_levels(
    cells: list[Token],
    rows: list[tuple[float, float]],
    starts: list[int],
    breaks: list[int],
    prefix: bool,
    suffix: float | None,
) -> tuple[list[int | None], float, list[int]]:
    """Cells centred on consecutive runs of rows: the partition of the rows (from the first start row, or
    from any start row when the page continues a group from the page before) that fits best, found by
    dynamic programming over (cell, first row of its run). No run crosses one of the `breaks`. With a
    `suffix` misfit, the last run may stop short of the page's last row at that cost; the rows after it are
    returned as the group whose text is on the next page."""
    n, k, m = len(rows), len(cells), len(starts)
    if k == 0 or k > m:
        return [None] * k, 0.0 if k == 0 else float("inf"), []

    def misfit(i: int, first: int, last: int) -> float:
        return abs((rows[first][0] + rows[last][1]) / 2 - cells[i].mid)

    def last_row(first: int) -> int:  # the furthest a run that begins at `first` may reach
        return min([b - 1 for b in breaks if b > first], default=n - 1)

    inf = float("inf")
    # best[i][j]: misfit of cells i.. when cell i's run begins at starts[j]; nxt[i][j]: where cell i+1's begins
    best = [[inf] * m for _ in range(k)]
    nxt = [[-1] * m for _ in range(k)]
    last_end = [last_row(starts[j]) for j in range(m)]  # where the last cell's run ends, by its start
    for j in range(m):
        best[k - 1][j] = misfit(k - 1, starts[j], last_end[j])
        if suffix is not None and last_end[j] == n - 1:
            for e in range(starts[j], n - 1):
                if misfit(k - 1, starts[j], e) + suffix < best[k - 1][j]:
                    best[k - 1][j], last_end[j] = misfit(k - 1, starts[j], e) + suffix, e
    for i in range(k - 2, -1, -1):
        for j in range(m):
            for j2 in range(j + 1, m):
                if starts[j2] - 1 > last_row(starts[j]):
                    break
                cost = misfit(i, starts[j], starts[j2] - 1) + best[i + 1][j2]
                if cost < best[i][j]:
                    best[i][j], nxt[i][j] = cost, j2
    j = min(range(m), key=lambda j: best[0][j]) if prefix else 0
    total = best[0][j]
    out: list[int | None] = []
    for i in range(k):
        out.append(starts[j])
        if i == k - 1:
            return out, total, list(range(last_end[j] + 1, n)) if last_end[j] < last_row(starts[j]) else []
        j = nxt[i][j]
    return out, total, []


def page_size(chars: list[dict]) -> float:
    heights = [c["bottom"] - c["top"] for c in chars if c["text"].strip()]
    return statistics.median(heights) if heights else 10.0


def _starts_attachment(text: str) -> bool:
    return bool(layout.ANNEX.match(text)) or layout.is_table_title(text)


def _stacks_onto(upper: dict, lower: dict, size: float) -> bool:
    """The upper line is the first line of cells that go on in the lower one (a value of three lines
    centred beside a one-line label starts a line above the label)."""
    if lower["top"] - upper["top"] > CELL_LINE_GAP * size:
        return False
    below = [t for t in tokens_of(lower, size) if layout.header_field(t.text) is None]
    return all(any(_overlap(u.x0, u.x1, t.x0, t.x1) > 0 for t in below) for u in tokens_of(upper, size))


class PageWalker:
    """Turns the text lines of pages without ruled tables into text blocks and table blocks, keeping the
    grid's columns from one page to the next (a grid continues without its header)."""

    def __init__(self) -> None:
        self.grid: Grid | None = None
        self.mode: str | None = None  # "header" or "grid" while a project's table runs on to the next page
        self.level_reading: dict[str, str] = {}  # see Grid.level_reading
        self.header_cut = HeaderCut()  # what the header block cut by the page break leaves to the next page

    def reset(self) -> None:
        """A page with ruled tables came between: nothing continues from before it."""
        self.grid, self.mode = None, None

    def blocks(self, lines: list[dict], size: float) -> list[tuple[float, str | None, list | None]]:
        """(top, text, rows) items in reading order: rows is None for a plain text line."""
        out: list[tuple[float, str | None, list | None]] = []
        mode = self.mode
        if self.grid is not None:
            self.grid.continued = True
        region: list[dict] = []
        skip: set[int] = set()
        carried = self.header_cut if mode == "header" else None  # a header block goes on at the top
        self.header_cut = HeaderCut()

        def flush(open_end: bool = False) -> None:
            nonlocal region, carried
            if region:
                if mode == "header":
                    rows, found = header_rows(region, size, open_end, carried)
                    carried, self.header_cut = None, found
                else:
                    rows = grid_rows(self.grid, region, size, open_end)
                if rows:
                    out.append((region[0]["top"], None, rows))
            region = []

        texts: list[dict] = []  # the lines behind out's plain text items, in order
        for i, ln in enumerate(lines):
            if i in skip:
                continue
            tokens = [t.text for t in tokens_of(ln, size)]
            text = ln["text"].strip()
            if tokens and layout.header_field(tokens[0]) == "name":
                # lines that end below this one's top belong to its row: a label/value pair beside 项目名称
                # whose wrapped label is centred in the row starts a little higher
                row = []
                while region and region[-1]["bottom"] > ln["top"] + 0.5:
                    row.insert(0, region.pop())
                while (
                    not region
                    and texts
                    and out
                    and out[-1][2] is None
                    and not _starts_attachment(texts[-1]["text"])
                    and (
                        texts[-1]["bottom"] > ln["top"] + 0.5
                        or _stacks_onto(texts[-1], row[0] if row else ln, size)
                    )
                ):
                    out.pop()
                    row.insert(0, texts.pop())
                flush()
                mode, self.grid, region = "header", None, [*row, ln]
            elif layout.is_grid_header(tokens):
                previous = self.grid if mode == "grid" else None
                self.grid, used = grid_header(lines, i, size)
                self.grid.level_reading = self.level_reading
                if previous is not None and previous.headers == self.grid.headers:  # repeated on a new page
                    self.grid.continued, self.grid.found = previous.continued, previous.found
                region = [r for r in region if not any(r is lines[j] for j in used)]
                flush()
                skip |= used
                mode = "grid"
                out.append((ln["top"], None, [self.grid.headers]))
            elif _starts_attachment(text):
                flush()
                mode, self.grid = None, None
                out.append((ln["top"], text, None))
                texts.append(ln)
            elif mode is not None:
                region.append(ln)
            else:
                out.append((ln["top"], text, None))
                texts.append(ln)
        flush(open_end=True)
        self.mode = mode  # a header block or grid cut by the page break goes on at the next page's top
        if mode != "grid":
            self.grid = None
        return out
