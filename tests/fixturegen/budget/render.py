"""Lay out and draw a budget document with the reportlab canvas.

A document body is a flow of `Text`, `PageBreak` and `Grid` items. Grids are ruled tables on a fine column
grid (`units` equal columns; every cell spans some of them), so each row can cut the width its own way, as
the header block of a target table does above its indicator grid. Layout happens first (pieces per page),
drawing second; nothing is random, and the canvas is `invariant`, so a spec always renders to the same bytes.

What real producers do at a page break, and what this renderer can do:
  * rows move whole to the next page (Excel, iText) or break between their text lines (`row_split`, Word);
  * rows repeat atop each continuation page (`repeat_rows`: print titles, a repeated grid header) and so may
    the captions over the table (`repeat_captions`);
  * a vertically merged cell that runs over the break has its text printed once (`carry="first"`: where it
    fits, otherwise flowing on), again on every page (`"repeat"`), or centred over the whole merged area and
    clipped to each page's part of it (`"clip"`, what WPS/Excel print: the text layer then holds the full text
    on every page the cell touches, some of it outside the visible cell or even outside the page).
The renderer reports, for every row tag, the pages the tagged rows landed on (repeated rows aside): the
truth's `pages` of each project.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfgen.canvas import Canvas

from tests.fixturegen.fonts import reportlab_fonts
from tests.fixturegen.render_reportlab import _segments, register_font, wrap

MARGIN_X = 42.0
MARGIN_TOP = 48.0
MARGIN_BOTTOM = 46.0
PAD_X = 2.5
PAD_Y = 2.2
LEADING = 1.25  # table line height / font size
TEXT_LEADING = 1.6  # running text


@dataclass
class Text:
    """A line or paragraph of running text (wrapped to the text width)."""

    text: str
    size: float = 12.0
    align: str = "left"  # left | center | right
    indent: int = 0  # first-line indent, in characters
    before: float = 0.0  # space above (dropped at the top of a page)
    after: float = 0.0
    keep: bool = False  # keep with the next item (headings, table titles)


@dataclass
class PageBreak:
    landscape: bool | None = None  # the next page's orientation; None keeps it


@dataclass
class Cell:
    text: str
    col: int  # first unit column
    span: int = 1  # unit columns
    rowspan: int = 1
    align: str = "center"  # left | center | right
    size: float | None = None  # font size; None = the grid's


@dataclass
class Row:
    cells: list[Cell]
    tag: str | None = None  # rows of one project share a tag (the truth's pages)
    keep: bool = False  # keep with the next row (header rows)
    head: bool = False  # shaded when the document shades header rows
    split: bool = True  # may break between its lines when the grid allows row splits


@dataclass
class Grid:
    units: int
    rows: list[Row]
    captions: list[Text] = field(default_factory=list)  # printed above, kept with the first rows
    repeat_rows: tuple[int, ...] = ()  # printed again atop every continuation page
    repeat_captions: bool = False
    carry: str = "first"  # first | repeat | clip
    row_split: bool = False
    size: float = 9.0
    after: float = 14.0  # space below


@dataclass
class Style:
    landscape: bool = False
    font: str = ""
    line_width: float = 0.5
    ruling: str = "lines"  # lines | cellrects | thinrects
    shade: bool = False
    page_numbers: str = "none"  # none | plain | dash | di
    number_from: int = 1  # physical page (1-based) that is printed as page 1; earlier pages are unnumbered
    page_size: str = "A4"  # A4 | A3 (landscape pages only: wide tables printed on A3)
    header: str = ""  # running header over every numbered page


@dataclass
class _Page:
    w: float
    h: float
    boxes: list[tuple] = field(default_factory=list)  # (x0, top, x1, bottom)
    shade: list[tuple] = field(default_factory=list)
    texts: list[tuple] = field(default_factory=list)  # (x, baseline, text, size, align, clip index | None)
    clips: list[tuple] = field(default_factory=list)  # (x0, top, x1, bottom)


@dataclass
class _Piece:
    """A grid row (or part of a split row) placed on a page."""

    row: int
    page: int
    top: float
    height: float
    first: int = 0  # first text line shown
    last: int | None = None  # one past the last (None: to the end)
    rep: int = 0  # 0: the row's own placement; k > 0: the k-th repetition atop a continuation page


class _Metrics:
    """A grid laid out for one text width: wrapped lines per cell and row heights."""

    def __init__(self, g: Grid, x0: float, width: float, font: str):
        self.ux = width / g.units
        self.xs = [x0 + i * self.ux for i in range(g.units + 1)]
        self.lines: dict[tuple[int, int], list[str]] = {}
        self.heights: list[float] = []
        base = g.size * LEADING + 2 * PAD_Y
        for r, row in enumerate(g.rows):
            h = base
            for k, c in enumerate(row.cells):
                size = c.size or g.size
                inner = c.span * self.ux - 2 * PAD_X
                ls = wrap(c.text, inner, font, size) if c.text else [""]
                self.lines[(r, k)] = ls
                if c.rowspan == 1:
                    h = max(h, len(ls) * size * LEADING + 2 * PAD_Y)
            self.heights.append(h)
        for r, row in enumerate(g.rows):  # merged cells taller than their rows: grow the rows evenly
            for k, c in enumerate(row.cells):
                if c.rowspan > 1:
                    size = c.size or g.size
                    need = len(self.lines[(r, k)]) * size * LEADING + 2 * PAD_Y
                    span = range(r, min(r + c.rowspan, len(g.rows)))
                    have = sum(self.heights[i] for i in span)
                    if have < need:
                        for i in span:
                            self.heights[i] += (need - have) / len(span)

    def lines_of(self, g: Grid, r: int) -> int:
        """Text lines of a row's own (not merged) cells."""
        return max(
            (len(self.lines[(r, k)]) for k, c in enumerate(g.rows[r].cells) if c.rowspan == 1), default=1
        )


class _Layout:
    def __init__(self, style: Style):
        self.style = style
        fonts = reportlab_fonts()
        self.font = register_font(next((f for f in fonts if f.key == style.font), fonts[0]))
        self.landscape = style.landscape
        self.pages: list[_Page] = []
        self.tag_pages: dict[str, set[int]] = defaultdict(set)
        self.new_page()

    # pages ---------------------------------------------------------------------------------------------
    def new_page(self, landscape_: bool | None = None) -> None:
        if landscape_ is not None:
            self.landscape = landscape_
        w, h = (landscape(A3 if self.style.page_size == "A3" else A4)) if self.landscape else A4
        self.pages.append(_Page(w, h))
        self.y = h - MARGIN_TOP
        self.fresh = True

    @property
    def page(self) -> _Page:
        return self.pages[-1]

    @property
    def text_width(self) -> float:
        return self.page.w - 2 * MARGIN_X

    def _text(self, x: float, baseline: float, s: str, size: float, align: str, clip: int | None = None):
        if s:
            self.page.texts.append((x, baseline, s, size, align, clip))

    # running text --------------------------------------------------------------------------------------
    def text_height(self, t: Text) -> float:
        first = t.indent * t.size
        lines = wrap(t.text, self.text_width - first, self.font, t.size)
        return t.before + len(lines) * t.size * TEXT_LEADING + t.after

    def text(self, t: Text, min_next: float = 0.0) -> None:
        lead = t.size * TEXT_LEADING
        if not self.fresh:
            self.y -= t.before
        if t.keep and not self.fresh and self.y - lead - min_next < MARGIN_BOTTOM:
            self.new_page()
        first = t.indent * t.size
        lines = wrap(t.text, self.text_width - first, self.font, t.size)
        for i, ln in enumerate(lines):
            if self.y - lead < MARGIN_BOTTOM:
                self.new_page()
            baseline = self.y - lead / 2 - t.size * 0.35
            if t.align == "center":
                x = self.page.w / 2
            elif t.align == "right":
                x = self.page.w - MARGIN_X
            else:
                x = MARGIN_X + (first if i == 0 else 0)
            self._text(x, baseline, ln, t.size, t.align)
            self.y -= lead
            self.fresh = False
        self.y -= t.after

    # grids ---------------------------------------------------------------------------------------------
    def metrics(self, g: Grid) -> _Metrics:
        return _Metrics(g, MARGIN_X, self.text_width, self.font)

    def first_height(self, g: Grid, m: _Metrics) -> float:
        """Captions and the first rows kept together: what must fit where the grid starts."""
        caps = sum(self.text_height(c) for c in g.captions)
        return caps + self._chain(g, m, 0)

    def _chain(self, g: Grid, m: _Metrics, r: int) -> float:
        h = m.heights[r]
        while g.rows[r].keep and r + 1 < len(g.rows):
            r += 1
            h += m.heights[r]
        return h

    def grid(self, g: Grid) -> None:
        m = self.metrics(g)
        full = self.page.h - MARGIN_TOP - MARGIN_BOTTOM
        if not self.fresh and self.y - min(self.first_height(g, m), full) < MARGIN_BOTTOM:
            self.new_page()
        for c in g.captions:
            self.text(c)
        pieces: list[_Piece] = []
        state = {"rep": 0}
        repeats = g.repeat_rows
        repeat_h = sum(m.heights[rr] for rr in repeats)
        caption_h = sum(self.text_height(c) for c in g.captions) if g.repeat_captions else 0.0
        if repeat_h + caption_h > 0.5 * full:  # a header taller than half a page is printed once
            repeats, repeat_h = (), 0.0
        room = full - repeat_h - caption_h  # a continuation page's room for rows

        def place(r: int, h: float, **kw) -> None:
            pieces.append(_Piece(r, len(self.pages) - 1, self.y, h, **kw))
            self.y -= h
            self.fresh = False

        def continuation() -> None:
            self.new_page()
            if g.repeat_captions:
                for c in g.captions:
                    self.text(c)
            state["rep"] += 1
            for rr in repeats:
                place(rr, m.heights[rr], rep=state["rep"])

        for r, row in enumerate(g.rows):
            h = m.heights[r]
            need = min(self._chain(g, m, r), room)
            if self.y - need >= MARGIN_BOTTOM - 0.01:
                place(r, h)
                continue
            lead = g.size * LEADING
            n = m.lines_of(g, r)
            fits_alone = self.y - h >= MARGIN_BOTTOM - 0.01  # only the rows kept with it do not fit
            if fits_alone or not (row.split and n > 1 and (g.row_split or h > room)):
                continuation()
                place(r, h)
                continue
            if not g.row_split:
                continuation()  # a row taller than a page: start it on a fresh page, then split it
            first, used = 0, 0.0
            while True:
                fit = int((self.y - MARGIN_BOTTOM - 2 * PAD_Y) // lead)
                if n - first <= fit:
                    place(r, max((n - first) * lead + 2 * PAD_Y, h - used), first=first)
                    break
                if fit >= 1:
                    part = self.y - MARGIN_BOTTOM
                    place(r, part, first=first, last=first + fit)
                    first, used = first + fit, used + part
                continuation()
        self.y -= g.after
        for p in pieces:
            tag = g.rows[p.row].tag
            if tag and p.rep == 0:
                self.tag_pages[tag].add(p.page + 1)
        self._draw_grid(g, m, pieces)

    def _draw_grid(self, g: Grid, m: _Metrics, pieces: list[_Piece]) -> None:
        shade = self.style.shade
        for p in pieces:  # cells of one row
            row = g.rows[p.row]
            page = self.pages[p.page]
            split = p.first > 0 or p.last is not None
            for k, c in enumerate(row.cells):
                if c.rowspan > 1:
                    continue
                box = (m.xs[c.col], p.top, m.xs[c.col + c.span], p.top - p.height)
                page.boxes.append(box)
                if shade and row.head:
                    page.shade.append(box)
                ls = m.lines[(p.row, k)][p.first : p.last]
                self._cell_text(p.page, box, ls, c, g, "top" if split else "middle")
        repeated = {p.row for p in pieces if p.rep}
        for r, row in enumerate(g.rows):  # merged cells
            for k, c in enumerate(row.cells):
                if c.rowspan == 1:
                    continue
                span = set(range(r, r + c.rowspan))
                by_rep: dict[int, list[_Piece]] = defaultdict(list)
                for p in pieces:
                    if p.row in span:
                        by_rep[p.rep].append(p)
                for rep, mine in sorted(by_rep.items()):
                    if rep and not span <= repeated:
                        continue
                    frags: list[list[_Piece]] = []
                    for p in mine:
                        if frags and frags[-1][0].page == p.page:
                            frags[-1].append(p)
                        else:
                            frags.append([p])
                    boxes = [
                        (f[0].page, (m.xs[c.col], f[0].top, m.xs[c.col + c.span], f[-1].top - f[-1].height))
                        for f in frags
                    ]
                    for page_no, box in boxes:
                        self.pages[page_no].boxes.append(box)
                        if shade and row.head:
                            self.pages[page_no].shade.append(box)
                    self._merged_text(boxes, m.lines[(r, k)], c, g)

    def _cell_text(self, page_no: int, box: tuple, ls: list[str], c: Cell, g: Grid, valign: str, clip=None):
        if not any(ls):
            return
        x0, top, x1, bottom = box
        size = c.size or g.size
        lead = size * LEADING
        offset = PAD_Y if valign == "top" else max(PAD_Y, ((top - bottom) - len(ls) * lead) / 2)
        texts = self.pages[page_no].texts
        for i, s in enumerate(ls):
            baseline = top - offset - i * lead - lead / 2 - size * 0.35
            if c.align == "center":
                texts.append(((x0 + x1) / 2, baseline, s, size, "center", clip))
            elif c.align == "right":
                texts.append((x1 - PAD_X, baseline, s, size, "right", clip))
            else:
                texts.append((x0 + PAD_X, baseline, s, size, "left", clip))

    def _clip(self, page_no: int, box: tuple) -> int:
        self.pages[page_no].clips.append(box)
        return len(self.pages[page_no].clips) - 1

    def _merged_text(self, boxes: list[tuple[int, tuple]], ls: list[str], c: Cell, g: Grid) -> None:
        size = c.size or g.size
        lead = size * LEADING
        need = len(ls) * lead + 2 * PAD_Y
        heights = [b[1] - b[3] for _, b in boxes]
        if len(boxes) == 1:
            self._cell_text(boxes[0][0], boxes[0][1], ls, c, g, "middle")
        elif g.carry == "repeat":
            for page_no, box in boxes:
                valign = "middle" if box[1] - box[3] >= need else "top"
                self._cell_text(page_no, box, ls, c, g, valign, clip=self._clip(page_no, box))
        elif g.carry == "clip":
            total = sum(heights)
            before = 0.0
            for (page_no, box), h in zip(boxes, heights, strict=True):
                x0, top, x1, _ = box
                virtual = (x0, top + before, x1, top + before - total)  # the whole cell, on this page's axis
                self._cell_text(page_no, virtual, ls, c, g, "middle", clip=self._clip(page_no, box))
                before += h
        else:  # first: once, in the first part that holds it all, else flowing from part to part
            at = next((i for i, h in enumerate(heights) if h >= need - 0.5), None)
            if at is not None:
                self._cell_text(boxes[at][0], boxes[at][1], ls, c, g, "middle")
                return
            rest = list(ls)
            for i, ((page_no, box), h) in enumerate(zip(boxes, heights, strict=True)):
                n = len(rest) if i == len(boxes) - 1 else max(0, int((h - 2 * PAD_Y) // lead))
                self._cell_text(page_no, box, rest[:n], c, g, "top")
                rest = rest[n:]
                if not rest:
                    break

    # the flow ------------------------------------------------------------------------------------------
    def run(self, body: list) -> None:
        for i, item in enumerate(body):
            if isinstance(item, PageBreak):
                if not self.fresh or (item.landscape is not None and item.landscape != self.landscape):
                    self.new_page(item.landscape)
            elif isinstance(item, Text):
                nxt = body[i + 1] if i + 1 < len(body) else None
                self.text(item, self._min_height(nxt) if item.keep else 0.0)
            elif isinstance(item, Grid):
                self.grid(item)
            else:
                raise TypeError(f"unknown body item {item!r}")

    def _min_height(self, item) -> float:
        if isinstance(item, Text):
            return item.size * TEXT_LEADING
        if isinstance(item, Grid):
            full = self.page.h - MARGIN_TOP - MARGIN_BOTTOM
            return min(self.first_height(item, self.metrics(item)), full * 0.5)
        return 0.0


def _page_number(style: str, n: int) -> str:
    return {"plain": f"{n}", "dash": f"— {n} —", "di": f"第 {n} 页"}.get(style, "")


def _draw(layout: _Layout, path: Path, title: str, author: str) -> None:
    style = layout.style
    c = Canvas(str(path), pagesize=(layout.pages[0].w, layout.pages[0].h), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("tests.fixturegen.budget")
    lw = style.line_width
    font = layout.font
    for no, page in enumerate(layout.pages, start=1):
        c.setPageSize((page.w, page.h))
        if page.shade:
            c.setFillGray(0.88)
            for x0, top, x1, bottom in page.shade:
                c.rect(x0, bottom, x1 - x0, top - bottom, stroke=0, fill=1)
            c.setFillGray(0)
        if page.boxes:
            c.setLineWidth(lw)
            if style.ruling == "cellrects":
                for x0, top, x1, bottom in page.boxes:
                    c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
            else:
                segments = _segments(page.boxes)
                if style.ruling == "lines":
                    c.lines(segments)
                else:  # thinrects: every ruling line a thin filled rectangle
                    for xa, ya, xb, yb in segments:
                        if ya == yb:
                            c.rect(xa - lw / 2, ya - lw / 2, xb - xa + lw, lw, stroke=0, fill=1)
                        else:
                            c.rect(xa - lw / 2, yb - lw / 2, lw, ya - yb + lw, stroke=0, fill=1)
        by_clip: dict[int | None, list[tuple]] = defaultdict(list)
        for t in page.texts:
            by_clip[t[5]].append(t)
        for clip, texts in sorted(by_clip.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            if clip is not None:
                c.saveState()
                x0, top, x1, bottom = page.clips[clip]
                p = c.beginPath()
                p.rect(x0, bottom, x1 - x0, top - bottom)
                c.clipPath(p, stroke=0, fill=0)
            current = None
            for x, y, s, size, align, _ in texts:
                if size != current:
                    c.setFont(font, size)
                    current = size
                if align == "center":
                    c.drawCentredString(x, y, s)
                elif align == "right":
                    c.drawRightString(x, y, s)
                else:
                    c.drawString(x, y, s)
            if clip is not None:
                c.restoreState()
        if style.header and no >= style.number_from:
            c.setFont(font, 9)
            c.drawRightString(page.w - MARGIN_X, page.h - 26, style.header)
            c.setLineWidth(0.5)
            c.line(MARGIN_X, page.h - 30, page.w - MARGIN_X, page.h - 30)
        if style.page_numbers != "none" and no >= style.number_from:
            c.setFont(font, 9)
            c.drawCentredString(page.w / 2, 24, _page_number(style.page_numbers, no - style.number_from + 1))
        c.showPage()
    c.save()


def render(
    body: list, path: Path, style: Style, title: str = "", author: str = ""
) -> tuple[int, dict[str, list[int]]]:
    """Write the body as a PDF; returns the page count and, per row tag, the sorted 1-based pages it is on."""
    layout = _Layout(style)
    layout.run(body)
    _draw(layout, Path(path), title, author)
    return len(layout.pages), {k: sorted(v) for k, v in layout.tag_pages.items()}
