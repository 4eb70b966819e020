"""Is the truth what the PDF prints? Checks a generated corpus against its own text layer (pdfplumber).

    python -m tests.fixturegen.budget.check OUT_DIR [-v]

For every project of every truth file: its name, goal, each indicator's level-3 text and value must be found in
the text layer of the project's pages, as one printed line or as consecutive lines of one cell (wrapped text
continues on the next line below, or at the top of the next page when a row breaks across pages); its total
must be printed in the document's money style. This is independent of the product's reader: it only proves
that the truth describes the print, which is what makes the truth usable to score a reader.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from tests.fixturegen.budget.tables import fmt_money

_WS = re.compile(r"\s+")


def _norm(s: str) -> str:
    return _WS.sub("", s or "")


@dataclass
class Run:
    """One printed line of one cell: characters on a baseline with no gap between them."""

    text: str
    x0: float
    x1: float
    top: float
    size: float


def runs(page) -> list[Run]:
    chars = sorted(page.chars, key=lambda c: (round(c["top"], 1), c["x0"]))
    out: list[Run] = []
    cur: list[dict] = []
    for ch in chars:
        if cur and abs(ch["top"] - cur[-1]["top"]) < 0.5 and -0.5 < ch["x0"] - cur[-1]["x1"] < 1.0:
            cur.append(ch)
            continue
        if cur:
            out.append(_run(cur))
        cur = [ch]
    if cur:
        out.append(_run(cur))
    return [r for r in out if r.text]


def _run(chars: list[dict]) -> Run:
    text = _norm("".join(c["text"] for c in chars))
    return Run(text, chars[0]["x0"], chars[-1]["x1"], chars[0]["top"], chars[0]["size"])


def _continues(line: str, rest: str) -> bool:
    """The line carries on the rest of a target: part of it, or all of it and more (2,134.87 | 万元)."""
    return bool(line) and (rest.startswith(line) or line.startswith(rest))


def _below(r: Run, pool: list[Run], rest: str) -> Run | None:
    """The line right under r in the same cell that continues `rest`."""
    best = None
    for c in pool:
        under = 0.2 < c.top - r.top < 2.6 * r.size and c.x0 < r.x1 + 2 and c.x1 > r.x0 - 2
        if under and _continues(c.text, rest) and (best is None or c.top < best.top):
            best = c
    return best


def found(target: str, pages: list[list[Run]]) -> bool:
    """Is the target printed on these pages (consecutive pages, in order), whole or wrapped?"""
    t = _norm(target)
    if not t:
        return True
    for i, page in enumerate(pages):
        for r in page:
            if t in r.text:
                return True
            if not (r.text and t.startswith(r.text)):
                continue
            rest, cur, k = t[len(r.text) :], r, i
            while rest:
                nxt = _below(cur, pages[k], rest)
                if nxt is None and k + 1 < len(pages):  # the cell goes on atop the next page
                    heads = [c for c in pages[k + 1] if _continues(c.text, rest)]
                    nxt = min(heads, key=lambda c: c.top, default=None)
                    if nxt is not None:
                        k += 1
                if nxt is None:
                    break
                rest, cur = rest[min(len(nxt.text), len(rest)) :], nxt
            if not rest:
                return True
    return False


def check_document(pdf_path: Path, truth: dict, layout: dict | None = None) -> list[str]:
    """Problems of one document: truth entries that its pages do not print."""
    problems = []
    with pdfplumber.open(pdf_path) as pdf:
        page_runs = [runs(p) for p in pdf.pages]
        n_pages = len(pdf.pages)
    for p in truth["projects"]:
        where = f"{truth['file']}/{p['name']}"
        if not p["pages"] or not 1 <= p["pages"][0] <= p["pages"][1] <= n_pages:
            problems.append(f"{where}: pages {p['pages']} outside 1..{n_pages}")
            continue
        pages = page_runs[p["pages"][0] - 1 : p["pages"][1]]
        name = p["name"] if not p.get("code") else f"{p['code']}-{p['name']}"
        if not found(name, pages) and not found(p["name"] + "项目绩效目标表", pages):
            problems.append(f"{where}: name not printed")
        if not found(p["goal"], pages):
            problems.append(f"{where}: goal not printed")
        joined = layout and p["scope"] == "department" and layout["dept_levels"] == "joined"
        for ind in p["indicators"]:
            for field in ("level3", "value"):
                text = (
                    ind["level1"] + ind["level2"] + ind["level3"]
                    if joined and field == "level3"
                    else ind[field]
                )
                if not found(text, pages):
                    problems.append(f"{where}: {field} {ind[field]!r} not printed")
        if layout and p["total"] is not None:
            fen = round(p["total"] * 1_000_000)
            if not found(fmt_money(fen, layout["money_unit"], layout["money_format"]), pages):
                problems.append(f"{where}: total {p['total']} not printed")
    return problems


def check_corpus(out_dir: Path) -> list[str]:
    out_dir = Path(out_dir)
    layouts = json.loads((out_dir / "layouts.json").read_text(encoding="utf-8"))
    problems = []
    for f in sorted((out_dir / "truth").glob("*.json")):
        t = json.loads(f.read_text(encoding="utf-8"))
        problems += check_document(out_dir / t["file"], t, layouts.get(t["file"]))
    return problems


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    problems = check_corpus(Path(argv[0]))
    for p in problems[: None if "-v" in argv else 40]:
        print(p)
    print(f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
