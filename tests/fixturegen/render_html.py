"""Second producer: the notice as HTML, converted to PDF by LibreOffice (`soffice --headless`).

LibreOffice lays the tables out itself (its own line drawing, font subsetting and pagination), like the
Writer-made notices in tests/fixtures. Only available when `soffice` is installed; all notices of a corpus
are converted in one soffice call.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.fixturegen.fonts import font_by_key, fontconfig_env
from tests.fixturegen.model import TABLE_TITLES, Notice
from tests.fixturegen.table import Cell, Table, build_table


class SofficeFailed(RuntimeError):
    """LibreOffice did not produce the PDF."""


def soffice_path() -> str | None:
    """soffice on PATH; FIXTUREGEN_SOFFICE names another, or is `none` to render as a machine without one."""
    chosen = os.environ.get("FIXTUREGEN_SOFFICE", "")
    if chosen == "none":
        return None
    return shutil.which(chosen) if chosen else shutil.which("soffice") or shutil.which("libreoffice")


def _p(text: str, style: str = "", align: str = "") -> str:
    a = f' align="{align}"' if align else ""
    s = f' style="{style}"' if style else ""
    return f"<p{a}{s}>{html.escape(text)}</p>\n"


def _rows_html(t: Table, rows: range, clip: dict[int, int]) -> list[str]:
    """<tr> elements for rows; `clip` maps a column to the rows left of a merged cell cut by a page break."""
    out = []
    for r in rows:
        cells: list[tuple[int, str]] = []
        for col, left in list(clip.items()):
            if r == rows.start:
                cells.append((col, f'<td rowspan="{left}"></td>'))
                del clip[col]
        for c in t.rows[r].cells:
            span = c.rowspan
            if r + span > rows.stop:  # the merged cell runs past this table part
                clip[c.col] = r + span - rows.stop
                span = rows.stop - r
            cells.append((c.col, _td(c, span)))
        out.append("<tr>" + "".join(h for _, h in sorted(cells)) + "</tr>")
    return out


def _td(c: Cell, rowspan: int) -> str:
    attrs = f' colspan="{c.span}"' if c.span > 1 else ""
    attrs += f' rowspan="{rowspan}"' if rowspan > 1 else ""
    attrs += ' align="center"' if c.align == "center" else ""
    return f"<td{attrs}>{html.escape(c.text)}</td>"


def notice_html(notice: Notice) -> str:
    layout = notice.layout
    family = font_by_key(layout.font).family
    title_family = font_by_key(layout.title_font).family if layout.title_font else family
    size = layout.font_size
    page = "29.7cm 21cm" if layout.landscape else "21cm 29.7cm"
    border = "1px solid black" if layout.ruling != "none" else "none"
    valign = "top" if layout.valign == "top" else "middle"
    parts = [
        '<html><head><meta charset="utf-8"><style>\n'
        f"@page {{ size: {page}; margin: 2cm 1.8cm }}\n"
        f"body, p, td {{ font-family: '{family}'; font-size: {size}pt }}\n"
        f"td {{ border: {border}; padding: 2pt 3pt; vertical-align: {valign} }}\n"
        f"td.head {{ background: #d9d9d9 }}\n"
        "</style></head><body>\n"
    ]
    title_style = f"font-family: '{title_family}'; font-size: 17pt"
    if layout.cover:
        parts.append(_p(notice.p_title, title_style, "center"))
        parts.append(_p(notice.cover_paragraph, "font-size: 12pt; text-indent: 2em"))
        parts.append(_p(notice.cover_annex, "font-size: 12pt; text-indent: 2em"))
        parts.append("<p>&nbsp;</p>\n")
        parts.append(_p(notice.issuer, "font-size: 12pt", "right"))
        parts.append(_p(notice.p_date, "font-size: 12pt", "right"))
    brk = "page-break-before: always; "
    for k, project in enumerate(notice.projects):
        first_on_page = (k == 0 and layout.cover and layout.cover_own_page) or (k > 0 and not layout.flow)
        style = brk if first_on_page else ""
        label_style = f"{style}font-family: '{title_family}'; font-size: 12pt"
        if project.label:
            parts.append(_p(project.label, label_style))
            style = ""
        parts.append(
            _p(
                TABLE_TITLES[layout.table_title].format(y=notice.budget_year),
                f"{style}font-family: '{title_family}'; font-size: 14pt",
                "center",
            )
        )
        t = build_table(project, layout)
        parts.append(
            _table_html(
                t, layout.ruling != "none", layout.shade_header, layout.repeat_header, layout.landscape
            )
        )
    parts.append("</body></html>\n")
    return "".join(parts)


def _table_html(t: Table, ruled: bool, shade: bool, repeat_header: bool, landscape: bool) -> str:
    # LibreOffice honours <col> widths in pixels only (percentages and CSS widths are ignored)
    total, px = sum(t.widths), 980 if landscape else 650
    cols = "".join(f'<col width="{round(px * w / total)}">' for w in t.widths)
    opening = f'<table width="100%" cellspacing="0" cellpadding="3" border="{1 if ruled else 0}">{cols}\n'
    stops = [t.break_row] if t.break_row is not None else []
    bounds = [0, *stops, len(t.rows)]
    clip: dict[int, int] = {}
    out = []
    for part, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        if part:
            out.append('<p style="page-break-before: always; margin: 0">&nbsp;</p>\n')
        out.append(opening)
        if part and repeat_header:
            out.extend(_rows_html(t, range(t.grid_start, t.grid_start + 1), {}))
        rows = _rows_html(t, range(a, b), clip)
        if shade:
            rows = [
                r.replace("<td", '<td class="head"') if a + i == t.grid_start else r
                for i, r in enumerate(rows)
            ]
        out.extend(rows)
        out.append("</table>\n")
    return "".join(out)


def render_many(notices: list[Notice], out_dir: Path, timeout: float = 600) -> None:
    """Convert the notices with one soffice call; sets each notice's render_info. Raises SofficeFailed."""
    exe = soffice_path()
    if exe is None:
        raise SofficeFailed("soffice not found (install libreoffice-writer-nogui)")
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="fixturegen-lo-") as tmp:
        tmpdir = Path(tmp)
        sources = []
        for nt in notices:
            src = tmpdir / (Path(nt.file).stem + ".html")
            src.write_text(notice_html(nt), encoding="utf-8")
            sources.append(src)
        cmd = [
            exe,
            f"-env:UserInstallation=file://{tmpdir / 'profile'}",
            "--headless",
            # Writer proper: the Writer/Web import drops the first paragraph and starts with a blank page
            "--infilter=HTML (StarWriter)",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(tmpdir / "pdf"),
            *map(str, sources),
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, env=fontconfig_env(tmpdir)
        )
        for nt in notices:
            pdf = tmpdir / "pdf" / (Path(nt.file).stem + ".pdf")
            if not pdf.exists():
                raise SofficeFailed(f"soffice did not convert {nt.file}: {proc.stderr.strip()[-500:]}")
            shutil.move(str(pdf), out_dir / nt.file)
            nt.render_info = _info(out_dir / nt.file)


def _info(path: Path) -> dict[str, Any]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return {"pages": len(doc)}
    finally:
        doc.close()
