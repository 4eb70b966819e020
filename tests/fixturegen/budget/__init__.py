"""Synthetic budget documents (部门预算 / 单位预算 / 部门整体绩效目标申报表) with exact ground truth.

    from tests.fixturegen.budget import generate_corpus, make_document, generate_document
    summary = generate_corpus(Path("/tmp/gen"), n=30, seed=1)          # PDFs + truth/<stem>.json + layouts.json
    summary = generate_corpus(out, 10, seed=2, family="wide", money_unit="元")
    doc = make_document(seed=5, kind="unit_budget")                      # one spec with fixed options
    truth = generate_document(doc, out / doc.file)                       # render it; returns its truth object

A document is a title, prose, ordinary budget tables and 1–30 target tables in one of the layouts real
publishers print (block tables, wide stacked tables, department-wide tables), or a negative document (决算,
绩效自评) whose truth holds no project. Every layout feature is an option of `options.Options`, drawn per
document and fixable: an override is a value or a list of values to draw from. Truth files follow SCHEMA.md
(the format of the real samples' truth); `python -m tests.fixturegen.budget.score WAREHOUSE_URL OUT/truth`
scores a warehouse against them exactly as the shared scorer does.

CLI: `python -m tests.fixturegen.budget OUT_DIR --n 30 --seed 1 [--set option=value ...]`; `--options` lists
every option with its values. `python -m tests.fixturegen.budget.check OUT_DIR` proves a corpus's truth is
printed in its PDFs (pdfplumber's text layer, no reader involved).

Modules: options (layout options), vocab (names, prose, table rows), values (indicator rows), model (spec and
truth), tables (target and filler tables as grids), generate (the seeded generator), render (layout engine and
reportlab drawing), check (truth against the text layer), score (the scorer).
"""

from __future__ import annotations

import dataclasses
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from tests.fixturegen.budget.generate import random_document
from tests.fixturegen.budget.model import Document, truth
from tests.fixturegen.budget.options import Options, UnknownOption
from tests.fixturegen.budget.render import Style, render

__all__ = [
    "Document",
    "Options",
    "UnknownOption",
    "generate_corpus",
    "generate_document",
    "make_document",
    "truth",
]


def make_document(seed: int = 0, index: int = 1, **overrides: Any) -> Document:
    """One random document spec (not rendered) for a seed; options as in `generate_corpus`."""
    return random_document(random.Random(seed), index=index, **overrides)


def style_of(doc: Document) -> Style:
    o = doc.options
    return Style(
        landscape=o.orientation == "landscape",
        font=o.font,
        line_width=o.line_width,
        ruling=o.ruling,
        shade=o.shade_header,
        page_numbers=o.page_numbers,
        number_from=doc.front_pages + 1,
        page_size=o.page_size,
        header=doc.title if o.running_header else "",
    )


def generate_document(doc: Document, path: Path) -> dict[str, Any]:
    """Render one spec to `path` (its file name becomes the document's `file`); returns its truth object."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.file = path.name
    doc.page_count, doc.pages = render(doc.body, path, style_of(doc), title=doc.title, author=doc.publisher)
    return truth(doc)


def layout_of(doc: Document) -> dict[str, Any]:
    """The options a document was drawn with, and what its rendering came to (for grouping reader errors)."""
    return {
        **dataclasses.asdict(doc.options),
        "pages": doc.page_count,
        "projects": len(doc.projects),
        "indicators": sum(len(p.indicators) for p in doc.projects),
        "multi_page_projects": sum(1 for v in doc.pages.values() if len(v) > 1),
    }


def generate_corpus(out_dir: Path, n: int, seed: int = 0, **overrides: Any) -> dict[str, Any]:
    """Write n PDFs, `truth/<stem>.json` for each and `layouts.json` into out_dir; returns a summary.

    The summary counts documents by kind (negative ones by what they are: final_accounts, self_eval),
    projects, indicators and pages. Other files already in out_dir are left alone.
    """
    out_dir = Path(out_dir)
    truth_dir = out_dir / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    master = random.Random(seed)
    kinds: Counter = Counter()
    layouts: dict[str, Any] = {}
    projects = indicators = pages = 0
    for i in range(n):
        doc = random_document(random.Random(master.getrandbits(64)), index=i + 1, **overrides)
        t = generate_document(doc, out_dir / doc.file)
        (truth_dir / (Path(doc.file).stem + ".json")).write_text(
            json.dumps(t, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        kinds[doc.options.kind] += 1
        projects += len(t["projects"])
        indicators += sum(len(p["indicators"]) for p in t["projects"])
        pages += doc.page_count
        layouts[doc.file] = layout_of(doc)
    (out_dir / "layouts.json").write_text(
        json.dumps(layouts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return {
        "documents": n,
        "kinds": dict(sorted(kinds.items())),
        "projects": projects,
        "indicators": indicators,
        "pages": pages,
        "truth_dir": str(truth_dir),
    }
