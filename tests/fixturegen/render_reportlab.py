"""Render a `Notice` with the reportlab canvas: our own table layout, so every ruling style, merged cell and
page-break situation is under control (platypus tables cannot split a row's text over two pages).

Layout happens first (ops per page), drawing second; nothing here is random, so a spec renders to the
same bytes every time (the canvas is created with `invariant=1`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.fixturegen.fonts import CjkFont, reportlab_fonts
from tests.fixturegen.model import Layout, Notice
from tests.fixturegen.table import Table, build_table

MARGIN_X = 50.0
MARGIN_TOP = 56.0
MARGIN_BOTTOM = 50.0
PAD_X = 3.0
PAD_Y = 2.5
LEADING = 1.3  # line height / font size

_registered: dict[str, str] = {}
_widths: dict[str, dict[str, float]] = {}
_TOKEN = re.compile(r"[A-Za-z0-9.%,:/\-+＝]+|\s+|.", re.S)


def register_font(font: CjkFont) -> str:
    """Register a TrueType CJK face with reportlab once per process; returns its reportlab name."""
    name = _registered.get(font.key)
    if name is None:
        name = f"fg-{font.key}"
        pdfmetrics.registerFont(TTFont(name, font.path, subfontIndex=font.index))
        _registered[font.key] = name
        _widths[name] = {}
    return name


def _font_for(key: str) -> str:
    fonts = reportlab_fonts()
    chosen = next((f for f in fonts if f.key == key), fonts[0])
    return register_font(chosen)


def text_width(text: str, font: str, size: float) -> float:
    cache = _widths[font]
    w = 0.0
    for ch in text:
        cw = cache.get(ch)
        if cw is None:
            cw = cache[ch] = pdfmetrics.stringWidth(ch, font, 1.0)
        w += cw
    return w * size


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """Greedy line breaking: between CJK characters, never inside a run of Latin letters or figures."""
    lines: list[str] = []
    cur, w = "", 0.0
    for tok in _TOKEN.findall(text):
        if tok == "\n":
            lines.append(cur)
            cur, w = "", 0.0
            continue
        tw = text_width(tok, font, size)
        if cur and w + tw > width:
            lines.append(cur.rstrip())
            cur, w = "", 0.0
            if tok.isspace():
                continue
        if tw > width:  # a token wider than the cell: break it anywhere
            for ch in tok:
                cw = text_width(ch, font, size)
                if cur and w + cw > width:
                    lines.append(cur)
                    cur, w = "", 0.0
                cur += ch
                w += cw
            continue
        cur += tok
        w += tw
    if cur.strip() or not lines:
        lines.append(cur.rstrip())
    return lines


@dataclass
class _Piece:
    """A table row (or one part of a split row) placed on a page."""

    row: int
    page: int
    top: float
    height: float
    first_line: int = 0
    last_line: int | None = None  # None: to the end
    repeat: bool = False  # a repeated grid header


class _Doc:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.size = layout.font_size
        self.w, self.h = landscape(A4) if layout.landscape else A4
        self.font = _font_for(layout.font)
        self.title_font = _font_for(layout.title_font or layout.font)
        self.pages: list[dict[str, list]] = []
        self.grid_breaks = 0
        self.split_rows = 0
        self.new_page()

    # pages and plain text -------------------------------------------------------------------------
    def new_page(self) -> None:
        self.pages.append({"shade": [], "box": [], "text": []})
        self.y = self.h - MARGIN_TOP

    @property
    def page(self) -> int:
        return len(self.pages) - 1

    def text(self, x: float, baseline: float, s: str, font: str, size: float, align: str = "left") -> None:
        if s:
            self.pages[-1]["text"].append((x, baseline, s, font, size, align))

    def gap(self, h: float) -> None:
        self.y -= h

    def line(
        self, s: str, size: float, font: str | None = None, align: str = "left", indent: float = 0
    ) -> None:
        font = font or self.font
        lead = size * 1.5
        if self.y - lead < MARGIN_BOTTOM:
            self.new_page()
        baseline = self.y - lead / 2 - size * 0.35
        if align == "center":
            x = self.w / 2
        elif align == "right":
            x = self.w - MARGIN_X - indent
        else:
            x = MARGIN_X + indent
        self.text(x, baseline, s, font, size, align)
        self.y -= lead

    def paragraph(
        self, s: str, size: float, font: str | None = None, indent_chars: int = 2, align: str = "left"
    ):
        font = font or self.font
        width = self.w - 2 * MARGIN_X
        first = indent_chars * size
        lines = wrap(s, width - first, font, size)
        head, rest = lines[0], "".join(lines[1:])
        self.line(head, size, font, align, indent=first if align == "left" else 0)
        for ln in wrap(rest, width, font, size) if rest else []:
            self.line(ln, size, font, align)

    # tables ---------------------------------------------------------------------------------------
    def table(self, t: Table) -> None:
        size, font, layout = self.size, self.font, self.layout
        lead = size * LEADING
        width = self.w - 2 * MARGIN_X
        total = sum(t.widths)
        colw = [width * w / total for w in t.widths]
        xs = [MARGIN_X]
        for cw in colw:
            xs.append(xs[-1] + cw)

        lines: dict[tuple[int, int], list[str]] = {}
        heights = []
        for r, row in enumerate(t.rows):
            hr = lead + 2 * PAD_Y
            for k, c in enumerate(row.cells):
                inner = xs[c.col + c.span] - xs[c.col] - 2 * PAD_X
                ls = wrap(c.text, inner, font, size) if c.text else [""]
                lines[(r, k)] = ls
                if c.rowspan == 1:
                    hr = max(hr, len(ls) * lead + 2 * PAD_Y)
            heights.append(hr)
        for r, row in enumerate(t.rows):
            for k, c in enumerate(row.cells):
                if c.rowspan > 1:
                    need = len(lines[(r, k)]) * lead + 2 * PAD_Y
                    have = sum(heights[r : r + c.rowspan])
                    if have < need:
                        heights[r + c.rowspan - 1] += need - have

        pieces: list[_Piece] = []
        crossed = False

        def place(r: int, h: float, **kw: Any) -> None:
            pieces.append(_Piece(r, self.page, self.y, h, **kw))
            self.y -= h

        def continue_grid() -> None:
            self.new_page()
            self.grid_breaks += 1
            if layout.repeat_header:
                place(t.grid_start, heights[t.grid_start], repeat=True)

        for r, row in enumerate(t.rows):
            h = heights[r]
            in_grid = row.kind == "ind"
            if r == t.split_row and not crossed:
                most = max(len(lines[(r, k)]) for k, c in enumerate(row.cells) if c.rowspan == 1)
                fit = int((self.y - MARGIN_BOTTOM - 2 * PAD_Y) // lead)
                if most >= 2 and fit >= 1:
                    k_lines = min(fit, max(1, most // 2))
                    place(r, k_lines * lead + 2 * PAD_Y, last_line=k_lines)
                    continue_grid()
                    crossed = True
                    rest = max(
                        max(len(lines[(r, k)]) - k_lines, 1)
                        for k, c in enumerate(row.cells)
                        if c.rowspan == 1
                    )
                    place(r, rest * lead + 2 * PAD_Y, first_line=k_lines)
                    self.split_rows += 1
                    continue
            forced = r == t.break_row and not crossed
            if self.y - h < MARGIN_BOTTOM or forced:
                if in_grid:
                    crossed = True
                    continue_grid()
                else:
                    self.new_page()
            place(r, h)

        self._draw_pieces(t, pieces, lines, xs, lead)

    def _draw_pieces(self, t: Table, pieces: list[_Piece], lines: dict, xs: list[float], lead: float) -> None:
        shade = self.layout.shade_header
        for p in pieces:
            row = t.rows[p.row]
            page = self.pages[p.page]
            split = p.first_line > 0 or p.last_line is not None
            for k, c in enumerate(row.cells):
                if c.rowspan > 1:
                    continue
                box = (xs[c.col], p.top, xs[c.col + c.span], p.top - p.height)
                page["box"].append(box)
                if shade and row.kind == "gridhead":
                    page["shade"].append(box)
                ls = lines[(p.row, k)][p.first_line : p.last_line]
                self._cell_text(p.page, box, ls, c.align, "top" if split else self.layout.valign, lead)
        for r, row in enumerate(t.rows):
            for k, c in enumerate(row.cells):
                if c.rowspan == 1:
                    continue
                mine = [p for p in pieces if r <= p.row < r + c.rowspan and not p.repeat]
                groups: list[list[_Piece]] = []
                for p in mine:
                    if groups and groups[-1][0].page == p.page:
                        groups[-1].append(p)
                    else:
                        groups.append([p])
                boxes = [
                    (g[0].page, (xs[c.col], g[0].top, xs[c.col + c.span], g[-1].top - g[-1].height))
                    for g in groups
                ]
                ls = lines[(r, k)]
                need = len(ls) * lead + 2 * PAD_Y
                text_at = next(
                    (i for i, (_, b) in enumerate(boxes) if b[1] - b[3] >= need - 0.5),
                    max(range(len(boxes)), key=lambda i: boxes[i][1][1] - boxes[i][1][3]),
                )
                for i, (page_no, box) in enumerate(boxes):
                    self.pages[page_no]["box"].append(box)
                    if i == text_at:
                        self._cell_text(page_no, box, ls, c.align, self.layout.valign, lead)

    def _cell_text(
        self, page_no: int, box: tuple, ls: list[str], align: str, valign: str, lead: float
    ) -> None:
        x0, top, x1, bottom = box
        n = len(ls)
        if not any(ls):
            return
        offset = PAD_Y if valign == "top" else max(PAD_Y, ((top - bottom) - n * lead) / 2)
        texts = self.pages[page_no]["text"]
        for i, s in enumerate(ls):
            baseline = top - offset - i * lead - lead / 2 - self.size * 0.35
            if align == "center":
                texts.append(((x0 + x1) / 2, baseline, s, self.font, self.size, "center"))
            else:
                texts.append((x0 + PAD_X, baseline, s, self.font, self.size, "left"))

    # output ---------------------------------------------------------------------------------------
    def save(self, path: Path, title: str, author: str) -> None:
        layout = self.layout
        c = Canvas(str(path), pagesize=(self.w, self.h), invariant=1, pageCompression=1)
        c.setTitle(title)
        c.setAuthor(author)
        c.setCreator("tests.fixturegen")
        lw = layout.line_width
        for page in self.pages:
            if page["shade"]:
                c.setFillGray(0.85)
                for x0, top, x1, bottom in page["shade"]:
                    c.rect(x0, bottom, x1 - x0, top - bottom, stroke=0, fill=1)
                c.setFillGray(0)
            if page["box"] and layout.ruling != "none":
                c.setLineWidth(lw)
                if layout.ruling == "cellrects":
                    for x0, top, x1, bottom in page["box"]:
                        c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
                else:
                    segments = _segments(page["box"])
                    if layout.ruling == "lines":
                        c.lines(segments)
                    else:  # thinrects: each ruling line is a thin filled rectangle
                        for xa, ya, xb, yb in segments:
                            if ya == yb:
                                c.rect(xa - lw / 2, ya - lw / 2, xb - xa + lw, lw, stroke=0, fill=1)
                            else:
                                c.rect(xa - lw / 2, yb - lw / 2, lw, ya - yb + lw, stroke=0, fill=1)
            current = None
            for x, y, s, font, size, align in page["text"]:
                if (font, size) != current:
                    c.setFont(font, size)
                    current = (font, size)
                if align == "center":
                    c.drawCentredString(x, y, s)
                elif align == "right":
                    c.drawRightString(x, y, s)
                else:
                    c.drawString(x, y, s)
            c.showPage()
        c.save()


def _segments(boxes: list[tuple]) -> list[tuple[float, float, float, float]]:
    """The distinct edges of the cell boxes (shared edges once)."""
    seen: dict[tuple, None] = {}
    for x0, top, x1, bottom in boxes:
        x0, top, x1, bottom = (round(v, 2) for v in (x0, top, x1, bottom))
        for seg in (
            (x0, top, x1, top),
            (x0, bottom, x1, bottom),
            (x0, top, x0, bottom),
            (x1, top, x1, bottom),
        ):
            seen.setdefault(seg, None)
    return list(seen)


def render(notice: Notice, path: Path) -> dict[str, Any]:
    """Write the notice as a PDF; returns facts about the rendering (pages, grid page breaks, split rows)."""
    from tests.fixturegen.model import TABLE_TITLES

    layout = notice.layout
    doc = _Doc(layout)
    if layout.cover:
        doc.gap(10)
        for ln in wrap(notice.p_title, doc.w - 2 * MARGIN_X - 4 * 17, doc.title_font, 17):
            doc.line(ln, 17, doc.title_font, "center")
        doc.gap(14)
        doc.paragraph(notice.cover_paragraph, 12)
        doc.gap(4)
        doc.paragraph(notice.cover_annex, 12)
        doc.gap(30)
        doc.line(notice.issuer, 12, align="right", indent=24)
        doc.line(notice.p_date, 12, align="right", indent=24)
        if layout.cover_own_page:
            doc.new_page()
        else:
            doc.gap(24)
    for k, project in enumerate(notice.projects):
        if k > 0:
            if not layout.flow or doc.y - MARGIN_BOTTOM < 170:
                doc.new_page()
            else:
                doc.gap(22)
        if project.label:
            doc.line(project.label, 12, doc.title_font)
        doc.line(TABLE_TITLES[layout.table_title].format(y=notice.budget_year), 14, doc.title_font, "center")
        doc.gap(4)
        doc.table(build_table(project, layout))
    doc.save(path, notice.p_title, notice.issuer)
    return {"pages": len(doc.pages), "grid_breaks": doc.grid_breaks, "split_rows": doc.split_rows}
