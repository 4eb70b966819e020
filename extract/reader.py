"""Read a notice PDF into a `RawNotice`.

Two passes: pypdfium2 reads every page's plain text (cheap) to validate the file and to choose the pages that
can hold a target table; pdfplumber then reads only those pages, once each, for ruled tables and the text
lines around them. A state machine walks the tables in reading order and cuts them into projects.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.psexceptions import PSException
from pdfplumber.utils import extract_text
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from contracts.raw import RawIndicatorRow, RawNotice, RawProject
from contracts.text import compact
from contracts.vocabulary import fits_under, is_level_name
from extract import grid, layout, unruled
from extract.errors import (
    MAX_PAGES,
    CorruptPdf,
    EmptyFile,
    EncryptedPdf,
    ExtractError,
    NotAPdf,
    NoTextLayer,
    TooLarge,
    UnreadableGrid,
)

# A page is read with pdfplumber only when its plain text shows a target table's words.
GRID_WORDS = re.compile(
    r"[一二三]\s*级\s*指\s*标|(产出|效益|满意度)\s*指\s*标|指\s*标\s*值|绩\s*效\s*目\s*标"
)
# pdfplumber table settings for ruled grids; ruling drawn as thin rectangles is covered by "lines" too,
# since pdfplumber turns rectangle edges into edges.
RULED = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
}
BAD_TEXT = re.compile(r"\(cid:\d+\)|\ufffd")


@dataclass
class _Block:
    """A piece of a page in reading order: a text line or a table's rows."""

    page: int
    top: float
    text: str | None = None
    rows: list[list[str | None]] | None = None
    open: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of cells cut by the page break
    xs: list[float] = field(default_factory=list)  # a ruled table's column boundaries
    open_top: set[tuple[int, int]] = field(default_factory=set)  # cells continued from the page before


OPENING_PAGES = 3  # pages whose plain text may name a budget that prints no cover title


def read_notice(source: str | Path | bytes, max_pages: int = MAX_PAGES) -> RawNotice:
    """Read one notice. Raises an `ExtractError` subclass with an operator-readable reason."""
    started = time.perf_counter()
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data:
        raise EmptyFile("empty file (0 bytes)")
    if b"%PDF-" not in data[:1024]:
        raise NotAPdf(f"not a PDF (starts with {_describe_magic(data)})")
    page_texts = _plain_texts(data, max_pages)
    selected = _select_pages(page_texts)
    try:
        with pdfplumber.open(io.BytesIO(data), pages=selected) as pdf:
            producer = (pdf.metadata or {}).get("Producer")
            blocks = list(_blocks(pdf))
    except ExtractError:
        raise
    except (PdfminerException, MalformedPDFException, PSException) as exc:
        raise CorruptPdf(f"corrupt PDF: {_root_cause(exc)}") from exc
    except (AssertionError, RecursionError, KeyError, ValueError, TypeError, IndexError) as exc:
        # pdfminer also fails on broken files with plain errors; raised in our own code they are bugs
        if not raised_by_pdf_library(exc):
            raise
        raise CorruptPdf(f"corrupt PDF: {type(exc).__name__}: {exc}"[:300]) from exc
    cover = "\n".join(b.text for b in blocks if b.page == 1 and b.text is not None)
    cutter = _cut_projects(blocks)
    return RawNotice(
        pages=len(page_texts),
        cover_text=cover,
        projects=cutter.projects,
        titles=cutter.titles,
        opening_text="\n".join(page_texts[:OPENING_PAGES]),
        producer=str(producer) if producer else None,
        pages_read=selected,
        seconds=time.perf_counter() - started,
    )


_PDF_LIBRARIES = tuple(f"{os.sep}{name}{os.sep}" for name in ("pdfminer", "pdfplumber", "pypdfium2"))


def raised_by_pdf_library(exc: BaseException) -> bool:
    """Whether the exception was raised inside a PDF library (a broken file), not in this program's code."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return any(lib in tb.tb_frame.f_code.co_filename for lib in _PDF_LIBRARIES)


def _describe_magic(data: bytes) -> str:
    head = data[:16].lstrip()
    if head.startswith(b"PK"):
        return "a ZIP signature"
    if head[:1] == b"<":
        return "markup, probably HTML"
    return repr(head[:8])


def _root_cause(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return f"{type(inner).__name__}: {inner}"[:300]


def _plain_texts(data: bytes, max_pages: int) -> list[str]:
    """Every page's plain text via pdfium; validates the file on the way."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise EncryptedPdf("encrypted PDF: a password is required to open it") from exc
        raise CorruptPdf(f"corrupt PDF: {msg}") from exc
    try:
        n = len(doc)
        if n == 0:
            raise CorruptPdf("corrupt PDF: no pages (truncated file or broken page tree)")
        if n > max_pages:
            raise TooLarge(f"too many pages: {n} > limit {max_pages}")
        texts = []
        for i in range(n):
            try:
                page = doc[i]
            except pdfium.PdfiumError as exc:
                raise CorruptPdf(f"corrupt PDF: page {i + 1} cannot be loaded ({exc})") from exc
            try:
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range())
                textpage.close()
            finally:
                page.close()
    finally:
        doc.close()
    joined = "".join(texts)
    if not joined.strip():
        raise NoTextLayer("no text layer, OCR needed (image-only or blank pages)")
    bad = len(BAD_TEXT.findall(joined))
    if bad > 0.2 * len(joined.replace(" ", "")):
        raise CorruptPdf("text layer unreadable: fonts without a Unicode map")
    return texts


def _select_pages(texts: list[str]) -> list[int]:
    """1-based pages to read: the cover, pages with grid words, and the page after each (continuations)."""
    hits = {i + 1 for i, t in enumerate(texts) if GRID_WORDS.search(t)}
    pages = {1} | hits | {p + 1 for p in hits if p + 1 <= len(texts)}
    return sorted(pages)


def _blocks(pdf: pdfplumber.PDF) -> Iterator[_Block]:
    """Text lines and tables of each page, in reading order; each page is parsed once and closed.
    Pages without ruled tables go through the unruled reader, which rebuilds tables from text positions."""
    walker = unruled.PageWalker()
    for page in pdf.pages:
        try:
            tables = [t for t in page.find_tables(RULED) if t.rows and not _shaded_band(t)]
            ys, xs = grid.explicit_rulings(page, tables)
            if ys:
                settings = {**RULED, "explicit_horizontal_lines": ys, "explicit_vertical_lines": xs}
                tables = [t for t in page.find_tables(settings) if t.rows and not _shaded_band(t)]
            lines = page.extract_text_lines(return_chars=True)
            if not tables:
                size = unruled.page_size(page.chars)
                for top, text, rows in walker.blocks(lines, size):
                    yield _Block(page.page_number, top, text=text, rows=rows)
                continue
            walker.reset()
            chars = grid.page_chars(page)
            items: list[_Block] = []
            for t in tables:
                found = grid.table_rows(t, chars)
                items.append(
                    _Block(
                        page.page_number,
                        t.bbox[1],
                        rows=found.cells,
                        open=found.open,
                        open_top=found.open_top,
                        xs=found.xs,
                    )
                )
            boxes = [t.bbox for t in tables]
            for line in lines:
                if line["bottom"] < 0 or line["top"] > page.height:
                    continue  # drawn past the page's edge: clipped in print, part of a cut cell's text
                mid_x = (line["x0"] + line["x1"]) / 2
                mid_y = (line["top"] + line["bottom"]) / 2
                if any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes):
                    continue
                for text in _overprinted(line):
                    items.append(_Block(page.page_number, line["top"], text=text))
            items.sort(key=lambda b: b.top)
            yield from items
        finally:
            page.close()


def _overprinted(line: dict) -> list[str]:
    """A text line's text; a line printed over another in another size (a cut cell's text laid out above
    its table, clipped in print, over the table's title) is read as one line per size."""
    sizes: dict[float, list[dict]] = {}
    for ch in line["chars"]:
        sizes.setdefault(round(ch["size"], 1), []).append(ch)
    if len(sizes) < 2:
        return [line["text"]]
    spans = [(min(c["x0"] for c in cs), max(c["x1"] for c in cs)) for cs in sizes.values()]
    overlapping = any(a0 < b1 and b0 < a1 for i, (a0, a1) in enumerate(spans) for b0, b1 in spans[i + 1 :])
    if not overlapping:
        return [line["text"]]
    return [extract_text(cs) for _, cs in sorted(sizes.items(), reverse=True)]


def _shaded_band(table) -> bool:
    """A lone grid-header row: the shading behind an unruled grid's header, not a ruled table."""
    return len(table.rows) == 1 and layout.is_grid_header(table.extract()[0])


class _Cutter:
    """Walks blocks in reading order and cuts them into projects.

    A *block* target table prints one project: header rows (label | value), then the grid header and one row
    per indicator. A *wide* target table prints the project's fields as columns beside the grid (项目名称 |
    项目总额 | 绩效目标 | 一级指标 …): every row is an indicator, and a project's cells are merged down its rows,
    several projects stacked and continued over pages. Titles set what follows: the budget year, whether the
    table covers a department as a whole, the money unit, and whether it is a self-evaluation (not targets).
    """

    def __init__(self) -> None:
        self.projects: list[RawProject] = []
        self.titles: list[str] = []  # target-table titles and year lines, in order
        self.label: str | None = None
        self.title: str | None = None
        self.title_fresh = False  # a target title came and no project has started since
        self.scope = "project"
        self.money_unit: str | None = None
        self.skipping = False  # inside a self-evaluation table: not targets
        self.header_rows: list[list[str | None]] = []
        self.roles: list[str | None] | None = None
        self.grid_header: list[str] | None = None
        self.wide: dict[int, str] | None = None  # a wide table's project columns: column → field
        self.columns_at: list[
            tuple[float, str, bool]
        ] = []  # (x of a column's middle, its field or role, is field)
        self.cut_at_foot = False  # the current wide project's cells were cut by the page's foot
        self.wide_header_done = False
        # skipping a block table's header printed again on a continuation page ("to_grid": down to its grid
        # header)
        self.block_repeat: bool | str = False
        self.cut_levels: set[tuple[int, int]] = set()  # (table, column) of level cells cut at the foot
        self.columns_xs: list[float] = []
        self.wide_unit: dict[str, str] = {}  # the unit row a wide table printed above its projects
        self.unit_waiting: list[RawProject] = []  # projects whose merged unit cell prints no name yet
        self.last_unit = ""  # the unit a wide table's unit column printed last
        self.unit_above: str | None = None  # the money unit the line just taken states (单位：元)
        self.current: RawProject | None = None
        self.last_page = 0

    # ------------------------------------------------------------------ text

    def text(self, block: _Block) -> None:
        self._line(block.text or "")

    def _line(self, line: str) -> bool:
        """Take a title, annex label, year or money-unit line; False when the line is none of these."""
        text = compact(line)
        unit = layout.MONEY_UNIT.search(text)
        unit_above = self.unit_above
        if unit:
            self.money_unit = unit.group(1)
        if layout.ANNEX.match(line):
            self.label = text
        elif layout.is_table_title(line) or layout.target_title(line):
            self.titles.append(text)
            self.skipping = False
            if compact(self.title) == text:
                return True  # the title repeated on a continuation page: the table goes on
            self._finish()
            self.title, self.title_fresh = line.strip(), True
            self.scope = "department" if "整体" in text else "project"
            self.wide = None
            # a new table states its own unit, in its title, below it or on the line just above it
            self.money_unit = unit.group(1) if unit else unit_above
        elif text.endswith("表") and layout.SELF_EVALUATION.search(text) and "绩效" in text:
            self._finish()
            self.skipping, self.wide = True, None
        elif layout.other_table_title(line):
            self._finish()  # a budget table of another kind: the target table before it has ended
            self.roles = self.wide = self.grid_header = self.title = None
            self.columns_at = []
        elif _YEAR_LINE.match(text):
            if not self.skipping:  # a self-evaluation's year is the year it reports on
                self.titles.append(text)
        else:
            self.unit_above = unit.group(1) if unit else unit_above
            return bool(unit)
        self.unit_above = None
        return True

    # ------------------------------------------------------------------ tables

    def table(self, block: _Block) -> None:
        assert block.rows is not None
        # the first data row of a table on a new page may finish the last row of the previous page
        first_on_page = block.page != self.last_page
        if first_on_page and self.wide is None:
            self.cut_at_foot = False
        if self.roles is not None:
            self._columns_for(block.xs)
        for r, row in enumerate(block.rows):
            if self._title_row(row):
                continue
            self.unit_above = None
            if self.skipping:
                continue
            if layout.is_grid_header(row) and self._actual_values(row):
                self._finish()  # a self-evaluation grid (实际完成值 …): not a target table
                self.skipping = True
                continue
            if self.wide is not None or layout.is_wide_header(row):
                taken = self._wide_row(row, r, block, first_on_page)
                if taken == "row":
                    first_on_page = False
                if taken:
                    continue
            if self.block_repeat:
                if layout.is_grid_header(row):
                    self.block_repeat = False  # its grid header: the project's rows go on below it
                    continue
                if (
                    self.block_repeat == "to_grid"
                    or any(layout.header_field(c) for c in row)
                    or not self.roles
                ):
                    continue  # a row of the header block (its labels, or the money row under them)
                self.block_repeat = False
            starts = self._starts_project(row)
            labels = starts or any(layout.header_field(c) for c in row) and not layout.is_grid_header(row)
            if first_on_page and labels and self._repeats_current(block.rows[r:]):
                # the header block printed again on a continuation page, down to its grid header if the page
                # prints that again too
                grid_again = any(layout.is_grid_header(later) for later in block.rows[r:])
                self.block_repeat = "to_grid" if grid_again else True
                continue
            if starts:
                self._start(block.page)
                first_on_page = False
            if self.current is None:
                continue  # a table that is not a target table (budget statements, cover tables)
            if self.roles is None:
                if layout.is_grid_header(row):
                    self._grid_header(row, block.xs)
                elif first_on_page and self._is_header_remainder(row):
                    self._merge_header_remainder(row)  # a header row split by the page break
                elif (
                    first_on_page
                    and self.header_rows
                    and len(row) != len(self.header_rows[-1])
                    and not any(layout.header_field(c) for c in row)
                ):
                    # the table is cut into other columns on this page: pair the value row with the labels
                    # above it by their cells, merged (None) cells left out of both
                    self.header_rows[-1] = [c for c in self.header_rows[-1] if c is not None]
                    self.header_rows.append([c for c in row if c is not None])
                else:
                    self.header_rows.append(row)
                first_on_page = False
                continue
            if self._repeated_header(row) or self._sub_header(row):
                continue  # header repeated on a continuation page, or the grid header's second row
            cells = self._levels_cut_at_foot(self._cells(row), block, r)
            if not _holds_text(cells):
                continue
            if first_on_page and self._is_split_remainder(cells):
                self._merge_into_last(cells)
            elif _is_indicator(cells):
                self.current.rows.append(RawIndicatorRow(cells=cells, page=block.page))
            else:
                continue  # a 备注 row under the grid: no indicator, no value
            self.current.last_page = block.page
            self._levels_from_below()
            first_on_page = False
        # a block holding only a grid header repeated on a new page leaves the page's first row to come
        if not first_on_page:
            self.last_page = block.page

    def _title_row(self, row: list[str | None]) -> bool:
        """A table row that only holds a title, a year or the money unit (some tables print them in cells)."""
        texts = [c for c in row if c and c.strip()]
        if len(texts) != 1 or layout.header_field(texts[0]) or layout.grid_role(texts[0]):
            return False
        if self._line(texts[0]):
            return True
        lines = [ln for ln in texts[0].splitlines() if ln.strip()]  # a title and its year in one cell
        return len(lines) > 1 and any([self._line(ln) for ln in lines])

    def _actual_values(self, row: list[str | None]) -> bool:
        return "actual" in layout.column_roles(row)

    def _starts_project(self, row: list[str | None]) -> bool:
        """A 项目名称 (or 部门名称) label starts a project; so does the first label row under a target title
        when the title names the project (XX项目绩效目标表) and no 项目名称 row is printed."""
        fields = {layout.header_field(c) for c in row} - {None, "_group"}
        if fields & {"name", "department_name"}:
            return True
        if not fields or not self.title_fresh:
            return False
        return self.current is None or bool(self.current.rows) or self.current.table_title != self.title

    def _repeats_current(self, rows: list[list[str | None]]) -> bool:
        """A header block naming the project whose grid is under way, with its unit and money: its table goes
        on on this page (a project of the same name for another unit, or with other money, is another). A
        project named by its title is known by its unit, department and money alone."""
        if self.current is None or not self.current.rows or self.wide is not None:
            return False
        block = []
        for row in rows:
            if layout.is_grid_header(row):
                break
            block.append(row)
        if _printed_again(block, self.header_rows):
            return True
        again, before = layout.read_header_rows(block), layout.read_header_rows(self.header_rows)
        keys = ("name", "unit", "department", "total", "fiscal")
        if not all(_same_or_overdrawn(again.get(k), before.get(k)) for k in keys):
            return False
        if compact(again.get("name")):
            return True
        # a project its title names prints no 项目名称: no new title above it, and its unit, department and
        # money say it is the same
        if self.title_fresh and self.current.table_title != self.title:
            return False
        return sum(bool(compact(again.get(k))) for k in keys) >= 2

    def _start(self, page: int) -> None:
        self._finish()
        self.current = RawProject(
            label=self.label,
            table_title=self.title,
            header={},
            grid_columns=[],
            page=page,
            scope=self.scope,
            money_unit=self.money_unit,
        )
        self.current.last_page = page
        self.header_rows, self.roles, self.grid_header = [], None, None
        self.label = None
        self.title_fresh = False

    def _grid_header(self, row: list[str | None], xs: list[float]) -> None:
        assert self.current is not None
        self.roles = layout.column_roles(row)
        self.grid_header = [compact(c) for c in row]
        self.current.grid_columns = [r or "" for r in self.roles]
        self._check_grid(self.roles, self.current.page)
        self.columns_xs = xs
        self._keep_columns()

    @staticmethod
    def _check_grid(roles: list[str | None], page: int) -> None:
        needed = {"value"} if "levels" in roles else {"level1", "level3", "value"}
        missing = needed - set(roles)
        if missing:
            raise UnreadableGrid(
                f"indicator grid on page {page} has no column for {', '.join(sorted(missing))}"
            )

    def _repeated_header(self, row: list[str | None]) -> bool:
        """The grid header printed again on a continuation page (its cells may be laid out otherwise)."""
        if [compact(c) for c in row] == self.grid_header:
            return True
        if self.roles is None or not layout.is_grid_header(row):
            return False
        return _role_runs(layout.column_roles(row)) == _role_runs(self.roles)

    def _sub_header(self, row: list[str | None]) -> bool:
        """The second row of a two-row grid header (其中：| 财政资金 | 其他资金, or 指标值: 年度 | 实施期):
        labels only, under the first row's merged cells. Its roles replace the merged cells' ones."""
        if self.roles is None or self.current is None or self.current.rows:
            return False
        texts = [(i, c) for i, c in enumerate(row) if c and c.strip()]
        if not texts or not all(layout.grid_role(c) or layout.header_field(c) for _, c in texts):
            return False
        for i, c in texts:
            role = layout.grid_role(c)
            if role is not None and i < len(self.roles):
                self.roles[i] = role
        self.current.grid_columns = [r or "" for r in self.roles]
        return True

    # ------------------------------------------------------------------ wide tables

    def _wide_row(self, row: list[str | None], r: int, block: _Block, first_on_page: bool) -> str | None:
        """One row of a wide table: "header" for a header row, "row" for an indicator row, "blank" for a row
        without indicator cells, None when the row ends the wide table (it is then handled as any other)."""
        if layout.is_grid_header(row):
            roles = layout.column_roles(row)
            fields = layout.wide_fields(row)
            if self.wide is not None and self._same_grid(roles, fields):
                self.wide_header_done = False  # its second row may follow
                return "header"  # the header repeated on a continuation page
            if not layout.is_wide_header(row):
                self._finish()
                self.wide = None
                return None  # another kind of table begins
            self._finish()
            self.wide, self.roles = fields, roles
            self.unit_waiting, self.last_unit = [], ""
            for i in fields:
                self.roles[i] = None
            self._check_grid(self.roles, block.page)
            self.grid_header = [compact(c) for c in row]
            self.wide_header_done = False
            self.columns_xs = block.xs
            self._keep_columns()
            self.money_unit = layout.label_money_unit(row) or self.money_unit
            return "header"
        if self.wide is None:
            return None
        if layout.is_project_start(row):
            self._finish()
            self.wide = None
            return None
        assert self.roles is not None
        if not self.wide_header_done and self._wide_sub_header(row):
            return "header"
        self.wide_header_done = True
        fields = {key: row[i] for i, key in self.wide.items() if i < len(row)}
        cells = self._levels_cut_at_foot(self._cells(row), block, r)
        if not _holds_text(cells):
            if compact(fields.get("unit_or_name")):  # a unit's own row; its projects follow
                self._finish()
                self.wide_unit = {
                    "unit": fields["unit_or_name"] or "",
                    "unit_code": fields.get("unit_code") or "",
                }
            return "blank"  # no indicator here (a strip of cut cells above the header, a blank row)
        if all(v is None for v in fields.values()):
            if self.current is None:
                return "row"
        elif not (first_on_page and (self._continued(r, block) or self._wide_continues(fields))):
            self._start_wide(fields, block.page)
        else:
            self._extend_wide(fields)
        assert self.current is not None
        self._unit_across_pages(first_on_page)
        if first_on_page and self.current.rows and self._is_split_remainder(cells):
            self._merge_into_last(cells)
            self._levels_from_below()
        elif _is_indicator(cells):
            self.current.rows.append(RawIndicatorRow(cells=cells, page=block.page))
            self._levels_from_below()
        else:
            return "blank"
        self.current.last_page = block.page
        # a project cell left open at the foot (a unit's cell merged over its projects says nothing of them)
        self.cut_at_foot = any((r, i) in block.open for i, key in self.wide.items() if key not in _UNIT_KEYS)
        return "row"

    def _same_grid(self, roles: list[str | None], fields: dict[int, str]) -> bool:
        """A header row repeated on a continuation page: the same grid columns as the table's. Its project
        cells are not compared: text of cut cells is drawn over them (clipped in print)."""
        assert self.roles is not None
        grid_now = [r for i, r in enumerate(roles) if i not in fields and r]
        grid_before = [r for r in self.roles if r]
        return grid_now == grid_before

    def _wide_sub_header(self, row: list[str | None]) -> bool:
        """The second header row of a wide table (其中：| 财政资金 | 其他资金): nothing under the grid's header
        cells, which are merged down over it. Labels it prints name the columns under the merged cells."""
        assert self.wide is not None and self.roles is not None
        grid_columns = [i for i, role in enumerate(self.roles) if role and i < len(row)]
        if not grid_columns or any(row[i] is not None for i in grid_columns):
            return False
        for i, c in enumerate(row):
            key = layout.column_field(c)
            if key and key != "_group":
                self.wide[i] = key
        self._keep_columns()
        return True

    def _keep_columns(self) -> None:
        """Remember where the grid's columns are (and a wide table's project columns), to find them in its
        tables on later pages: these may lay out a column more or less, or print the header garbled by cut
        cells' text."""
        assert self.roles is not None
        xs = self.columns_xs
        if len(xs) < len(self.roles) + 1:
            self.columns_at = []
            return
        mid = [(xs[i] + xs[i + 1]) / 2 for i in range(len(xs) - 1)]
        self.columns_at = [(mid[i], key, True) for i, key in (self.wide or {}).items()]
        self.columns_at += [(mid[i], role, False) for i, role in enumerate(self.roles) if role]

    def _columns_for(self, xs: list[float]) -> None:
        """Fields and roles of this table's columns, by where the header put them. A table whose columns do
        not line up with the grid's is not its continuation: the project ends before it."""
        if not self.columns_at or not xs or xs == self.columns_xs:
            return
        inner = xs[1:-1]  # tables as wide as the page share their outer lines whatever they are
        shared = sum(any(abs(x - y) <= 2 for y in self.columns_xs[1:-1]) for x in inner)
        if shared < max(1, len(inner) // 2):
            self._finish()
            self.roles, self.wide, self.columns_at, self.grid_header = None, None, [], None
            return
        wide: dict[int, str] = {}
        roles: list[str | None] = [None] * (len(xs) - 1)
        for x, name, is_field in self.columns_at:
            for i in range(len(xs) - 1):
                if xs[i] <= x < xs[i + 1]:
                    if is_field:
                        wide[i] = name
                    else:
                        roles[i] = name
        self.roles, self.columns_xs = roles, xs
        if self.wide is not None:
            self.wide = wide

    def _continued(self, r: int, block: _Block) -> bool:
        """The row's project cells have no ruling line at their top: they go on from the page before."""
        assert self.wide is not None
        cells = [i for i in self.wide if i < len(block.rows[r]) and block.rows[r][i] is not None]
        return self.current is not None and bool(cells) and all((r, i) in block.open_top for i in cells)

    def _wide_continues(self, fields: dict[str, str | None]) -> bool:
        """Whether the first row of a page continues the project the previous page ended with. A cut cell's
        text may be printed on both pages, on either, or in two parts: the row continues the project unless
        one of its cells says something else than the project's (another name, other money) — and a row
        with neither a name nor money always continues it (a new project prints one of them)."""
        if self.current is None:
            return False
        header = self.current.header
        if not any(compact(fields.get(key)) for key in _IDENTIFYING if key in fields):
            return True
        money = ("total", "fiscal", "other", "carryover", "total_period")
        same_money = all(
            not compact(fields.get(f)) or compact(header.get(f)) in ("", compact(fields.get(f)))
            for f in money
        )
        if self.cut_at_foot and same_money:
            return True  # a cell cut at the foot goes on here, its text split between the pages (资 | 金)
        if not any(compact(header.get(key)) for key in _IDENTIFYING):
            return True  # a project with neither name nor money yet: its cells print them on this page
        money_columns = [f for f in money if f in fields]
        if (
            money_columns
            and any(compact(header.get(f)) for f in money_columns)
            and not any(compact(fields.get(f)) for f in money_columns)
            and not _CODE_FIRST.match(compact(fields.get("name")))
        ):
            return True  # every project prints its money: a row with none (and no code) goes on with the last
        if (
            money_columns
            and not any(compact(header.get(f)) for f in money_columns)
            and any(compact(fields.get(f)) for f in money_columns)
            and not _CODE_FIRST.match(compact(fields.get("name")))
        ):
            return True  # the last project printed no money yet: its cut cells print it here
        for key, text in fields.items():
            new, old = compact(text), compact(header.get(key))
            if new and old and new not in old and old not in new:
                return False
        return True

    def _unit_across_pages(self, first_on_page: bool) -> None:
        """A unit's cell merged over its projects down several pages prints the unit's name on one of them
        only: projects whose cell is blank at the foot of a page take the name the next page prints at its
        top, and a blank cell at the top of a page continues the unit above it (unless a unit's cell began blank
        at the foot of the page before: it goes on here, still waiting for its name)."""
        assert self.current is not None
        if "unit" not in (self.wide or {}).values():
            return
        header = self.current.header
        if compact(header.get("unit")):
            if first_on_page:
                for project in self.unit_waiting:
                    project.header["unit"] = header["unit"]
            self.unit_waiting = []
            self.last_unit = header["unit"]
        elif first_on_page and self.last_unit and not self.unit_waiting:
            header["unit"] = self.last_unit
        elif self.current not in self.unit_waiting:
            self.unit_waiting.append(self.current)

    def _extend_wide(self, fields: dict[str, str | None]) -> None:
        """Add the text a continued project's cells print on this page (the rest of a cut name …)."""
        assert self.current is not None
        header = self.current.header
        for key, text in fields.items():
            if key == "unit_or_name" and "name" in header:
                key = "name"  # the project's name, begun blank at the foot of the page before
            new, old = compact(text), compact(header.get(key))
            if not new or new in old:
                continue
            header[key] = text if old in new else f"{header.get(key) or ''}{text}"

    def _start_wide(self, fields: dict[str, str | None], page: int) -> None:
        """A new project: its own cells, and the cells it shares with the project above (a name merged over
        several money or goal blocks: each block is a budget line of its own)."""
        inherited = dict(self.current.header) if self.current is not None else {}
        self._finish()
        self.current = RawProject(
            label=self.label,
            table_title=self.title,
            header={},
            grid_columns=[r or "" for r in self.roles or []],
            page=page,
            scope=self.scope,
            money_unit=self.money_unit,
        )
        self.current.last_page = page
        self.label = None
        self.title_fresh = False
        for key, text in fields.items():
            value = inherited.get(key) if text is None else text
            if value is not None:
                self.current.header[key] = value
        if "unit_or_name" in self.current.header:  # 单位（项目）名称: a project under the unit row above it
            self.current.header["name"] = self.current.header.pop("unit_or_name")
            for key, value in self.wide_unit.items():
                if value and not compact(self.current.header.get(key)):
                    self.current.header[key] = value

    # ------------------------------------------------------------------ block tables

    def _is_header_remainder(self, row: list[str | None]) -> bool:
        """A first row on a new page without labels finishes the header row above, unless that row holds
        labels only (项目总金额 | 其中：财政拨款 | 其他资金): then it is their value row, printed below them."""
        if not self.header_rows or any(layout.header_field(c) for c in row):
            return False
        last = self.header_rows[-1]
        labels_only = all(layout.header_field(c) for c in last[1:] if c)
        return not labels_only or all(
            layout.header_field(f"{last[i] or ''}{cell}") for i, cell in enumerate(row[: len(last)]) if cell
        )

    def _merge_header_remainder(self, row: list[str | None]) -> None:
        last = self.header_rows[-1]
        for i, cell in enumerate(row):
            if cell and i < len(last):
                last[i] = f"{last[i]}\n{cell}" if last[i] else cell

    def _levels_cut_at_foot(self, cells: dict[str, str], block: _Block, r: int) -> dict[str, str]:
        """A level cell left empty that runs on to the foot of the table (a merged cell the page break cut,
        its text printed on the next page) takes the first level printed below it: its rows are marked
        LEVEL_BELOW."""
        assert self.roles is not None
        rows = block.rows or []
        # a blank 一级指标 whose row's 二级指标 goes on from the row above goes on too (the 二级指标's first
        # column: a cell merged across its columns leaves the others None)
        level2_at = self.roles.index("level2") if "level2" in self.roles else len(rows[r])
        level2_goes_on = level2_at < len(rows[r]) and rows[r][level2_at] is None
        for c, role in enumerate(self.roles):
            if role not in ("level1", "level2") or c >= len(rows[r]) or cells.get(role):
                continue
            if rows[r][c] is None:  # a row the cut cell spans
                if (id(block), c) in self.cut_levels:
                    cells[role] = layout.LEVEL_BELOW
                continue
            below = [row[c] if c < len(row) else None for row in rows[r + 1 :]]
            # the table's last row, in a column whose levels are merged cells: a blank cell there is a merged
            # cell the page break cut
            last_cut = (
                not below
                and not (role == "level1" and level2_goes_on)
                and self._merged_levels_above(rows, r, c)
            )
            if rows[r][c] == "" and (
                (r, c) in block.open or (below and all(x is None for x in below)) or last_cut
            ):
                cells[role] = layout.LEVEL_BELOW
                self.cut_levels.add((id(block), c))
        return cells

    def _merged_levels_above(self, rows: list[list[str | None]], r: int, c: int) -> bool:
        """Whether the indicator rows above row r print column c as merged cells over several rows, and
        never blank on a row of its own (a level printed once per group, blank below)."""
        assert self.roles is not None
        named = [k for k, role in enumerate(self.roles) if role in ("level3", "levels")]
        merged, first = False, True
        for i in range(r):
            row = rows[i]
            if c >= len(row) or not any(k < len(row) and row[k] for k in named) or layout.is_grid_header(row):
                continue  # (not an indicator row)
            merged = merged or row[c] is None
            alone = i + 1 >= len(rows) or c >= len(rows[i + 1]) or rows[i + 1][c] is not None
            if row[c] == "" and alone and not first:  # (the page's first row: a cell continued from above)
                return False
            first = False
        return merged

    def _cells(self, row: list[str | None]) -> dict[str, str]:
        """Cells keyed by role; columns sharing a role (merged header) are joined; None → ''."""
        assert self.roles is not None
        out: dict[str, str] = {}
        for role, cell in zip(self.roles, row, strict=False):
            if role is None or cell is None:
                continue
            out[role] = (out[role] + " " + cell).strip() if out.get(role) else cell
        return out

    def _is_split_remainder(self, cells: dict[str, str]) -> bool:
        """The first row of a continuation page that finishes the last row of the previous page: no level3
        or no value of its own, and level cells that are blank or only the tail of the row above's text."""
        if self.current is None or not self.current.rows:
            return False
        last = self.current.rows[-1].cells
        # a level cell is blank, the tail of the name the row above began, the name of a merged cell the
        # row above left blank (cut at the foot, its text printed here), or that row's level printed again
        # (a merged cell's text repeated at the top of the page)
        levels_continue = all(
            not cells.get(role)
            or cells[role] == layout.LEVEL_BELOW  # blank here, in a merged cell that runs on down the page
            or last.get(role) == layout.LEVEL_BELOW
            or _is_level_tail(last.get(role), cells[role], level)
            or compact(cells[role]) == compact(self._level_in_effect(role))
            for role, level in (("level1", 1), ("level2", 2))
        )
        value_roles = ("value", "nature", "direction", "unit")
        named = cells.get("level3") or cells.get("levels")
        unfinished = not named or not any(cells.get(r) for r in value_roles)
        # text that starts with a clause separator cannot begin a new indicator: it finishes the row above
        continues = any(
            re.match(r"\s*[，。；、：,;:）)]", cells.get(r) or "") for r in ("level3", *value_roles)
        )
        # … nor can text end with one (the row above stops at 、 or ， on the page before): this row goes on
        continues = continues or any(
            re.search(r"[，、：,:（(]\s*$", last.get(r) or "") for r in ("level3", *value_roles)
        )
        # every indicator row carries its short tags (指标性质, 分值/权重), and some grids fill another column on
        # every row (a 指标解释 for each, or level names repeated row after row); a row without the tags the row
        # above has, or blank where every row so far had text, is the rest of that row's long cells (三级指标,
        # 指标值) on this page. A level column counts only once a name was seen repeated: a merged group goes
        # on blank at the top of a page.
        tags = [r for r in ("nature", "score") if last.get(r)]
        rows = self.current.rows
        if len(rows) >= 3:
            tags += [r for r in rows[0].cells if r not in ("level3", "value") and _on_every_row(rows, r)]
        untagged = bool(tags) and not any(cells.get(r) for r in tags)
        return levels_continue and (unfinished or continues or untagged)

    def _level_in_effect(self, role: str) -> str | None:
        """The level the last row is under: the last one printed in its column (merged cells go on blank)."""
        assert self.current is not None
        return next((r.cells[role] for r in reversed(self.current.rows) if r.cells.get(role)), None)

    def _levels_from_below(self) -> None:
        """Rows marked LEVEL_BELOW take the level of the next row that prints one (the last row), unless that
        一级指标 cannot hold their 二级指标: then they stay blank and the level above goes on. Marks no row
        resolves are cleared when the project ends."""
        assert self.current is not None
        rows = self.current.rows
        for role in ("level1", "level2"):
            text = rows[-1].cells.get(role)
            if not text or text == layout.LEVEL_BELOW:
                continue
            marked = []
            for row in reversed(rows[:-1]):
                if row.cells.get(role) != layout.LEVEL_BELOW:
                    break
                marked.append(row)
            fits = role != "level1" or all(fits_under(row.cells.get("level2"), text) for row in marked)
            for row in marked:
                row.cells[role] = text if fits else ""

    def _merge_into_last(self, cells: dict[str, str]) -> None:
        assert self.current is not None
        last = self.current.rows[-1].cells
        for role, text in cells.items():
            if role in ("level1", "level2") and (
                text == layout.LEVEL_BELOW or compact(text) == compact(self._level_in_effect(role))
            ):
                continue  # blank here, or the level printed again at the top of the page
            if text:
                joined = last.get(role) and last[role] != layout.LEVEL_BELOW
                last[role] = f"{last[role]}\n{text}" if joined else text

    def _finish(self) -> None:
        if self.current is None:
            return
        for row in self.current.rows:
            for role in ("level1", "level2"):
                if row.cells.get(role) == layout.LEVEL_BELOW:
                    row.cells[role] = ""
        project, self.current = self.current, None
        self.block_repeat = False
        if self.wide is None:
            project.header = layout.read_header_rows(self.header_rows)
            project.money_unit = layout.label_money_unit(c for row in self.header_rows for c in row) or (
                project.money_unit
            )
            if self.roles is None:
                if len(layout.TARGET_HEADER_FIELDS & project.header.keys()) >= 2:
                    # it looks like a target table's header, yet no grid header followed: do not guess
                    raise UnreadableGrid(f"project table on page {project.page} has no indicator grid header")
                return  # a table that merely has a 项目名称 column (budget statements): not a target table
        header = project.header
        if self.wide is not None and not project.rows:
            return  # a wide table's project is its rows
        if not compact(header.get("name")) and project.table_title:
            named = layout.title_name(project.table_title)
            if named:
                header["name"] = named
        if not project.rows and not any(compact(v) for v in header.values()):
            return  # a blank form printed for a table the document does not need (不涉及)
        self.projects.append(project)


_YEAR_LINE = re.compile(r"^[(（]?\d{4}年度?[)）]?$")


def _same_or_overdrawn(again: str | None, before: str | None) -> bool:
    """A header cell printed again says what it said before, or that with text drawn into it that is no part of
    a figure: a cut cell's text laid out over it (1169.93万元 | 1169.93万元绩效指, 主管部门 | 绩效指主管部门标:
    the 绩效指标 cell of the grid continued from the page before, clipped in print)."""
    again, before = compact(again), compact(before)
    if again == before:
        return True
    at = again.find(before) if before else -1
    rest = again[:at] + again[at + len(before) :]
    return at >= 0 and not re.search(r"[\d.,%％]", rest)


def _printed_again(block: list[list[str | None]], header: list[list[str | None]]) -> bool:
    """Whether a header block is the one read before, cell by cell (labels garbled by text drawn over them
    included, see `_same_or_overdrawn`)."""
    if not len(block) == len(header) > 0 or any(len(a) != len(b) for a, b in zip(block, header, strict=True)):
        return False
    pairs = [(x, y) for a, b in zip(block, header, strict=True) for x, y in zip(a, b, strict=True)]
    return all((x is None) == (y is None) and (x is None or _same_or_overdrawn(x, y)) for x, y in pairs)


def _holds_text(cells: dict[str, str]) -> bool:
    """Whether a row prints anything: level cells marked to take their level from below print nothing."""
    return any(text and text != layout.LEVEL_BELOW for text in cells.values())


_CODE_FIRST = re.compile(r"^[0-9A-Z]{8,32}[-－—–_]")  # a project code before the name: a new project


def _role_runs(roles: list[str | None]) -> list[str]:
    """A grid's roles left to right, a role spread over merged columns counted once."""
    return [role for role, _ in itertools.groupby(r for r in roles if r)]


_UNIT_KEYS = ("unit", "unit_code", "department_name", "department_code")
# A new project in a wide table prints at least one of these; a goal alone may be the rest of one cut above.
_IDENTIFYING = ("name", "unit_or_name", "code", "total", "total_period", "fiscal", "other", "carryover")


def _is_indicator(cells: dict[str, str]) -> bool:
    """A grid row names an indicator or states a value; a row of labels only (备注) does not."""
    return any(compact(cells.get(role)) for role in ("level3", "levels", "value", "period_value"))


def _on_every_row(rows: list[RawIndicatorRow], role: str) -> bool:
    texts = [row.cells.get(role) for row in rows]
    if not all(texts):
        return False
    return role not in ("level1", "level2") or any(a == b for a, b in zip(texts, texts[1:], strict=False))


def _is_level_tail(head: str | None, tail: str, level: int) -> bool:
    """'服务对象满意度指' + '标': the tail completes a level name the head began, and is none by itself."""
    if not head:
        return False
    return is_level_name(head + tail, level) and not is_level_name(tail, level)


def _cut_projects(blocks: list[_Block]) -> _Cutter:
    cutter = _Cutter()
    for block in blocks:
        if block.rows is not None:
            cutter.table(block)
        else:
            cutter.text(block)
    cutter._finish()
    return cutter
