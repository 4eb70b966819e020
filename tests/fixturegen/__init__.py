"""Synthetic budget performance-target notices (项目支出预算绩效目标公开) with known ground truth.

    from tests.fixturegen import generate_corpus, generate_notice, make_notice
    truth_path = generate_corpus(Path("/tmp/gen"), n=60, seed=1)            # n PDFs + truth.json
    truth_path = generate_corpus(out, 20, seed=3, ruling="none", cols=["nature", "direction"])
    spec = make_notice(seed=5, cols="direction", level1_cells="merge")     # one spec, fixed options
    truth = generate_notice(spec, out / spec.file)                          # render it; returns its truth

Layout options are the fields of `model.Layout`; an override is a fixed value or a list to draw from.
`projects=N` fixes the number of projects per notice. `renderer="rl"` makes a corpus independent of
whether LibreOffice is installed (by default about a quarter of the notices go through soffice when it is).
CLI: `python -m tests.fixturegen OUT_DIR --n 60 --seed 1 [--projects N] [--set option=value ...]`;
after `notices ingest OUT_DIR`, `python -m tests.fixturegen.analyze WAREHOUSE_URL OUT_DIR/truth.json -v`
groups the reader's mismatches by layout option.
"""

from __future__ import annotations

import json
import random
import subprocess
import warnings
from pathlib import Path
from typing import Any

from tests.fixturegen import render_html, render_reportlab
from tests.fixturegen.fonts import FontsMissing
from tests.fixturegen.model import Indicator, Layout, Notice, Project, random_notice, truth

__all__ = [
    "FontsMissing",
    "Indicator",
    "Layout",
    "Notice",
    "Project",
    "generate_corpus",
    "generate_notice",
    "make_notice",
    "truth",
]


def make_notice(
    seed: int = 0, index: int = 1, projects: int | None = None, **layout_overrides: Any
) -> Notice:
    """One random notice spec (not rendered) for a seed; layout options as in `generate_corpus`."""
    return random_notice(
        random.Random(seed),
        index=index,
        soffice=render_html.soffice_path() is not None,
        projects=projects,
        **layout_overrides,
    )


def generate_notice(spec: Notice, path: Path) -> dict[str, Any]:
    """Render one notice spec to `path` (its file name becomes the spec's `file`); returns its truth object."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spec.file = path.name
    if spec.layout.renderer == "lo":
        render_html.render_many([spec], path.parent)
    else:
        spec.render_info = render_reportlab.render(spec, path)
    return truth(spec)


def generate_corpus(out_dir: Path, n: int, seed: int = 0, **layout_overrides: Any) -> Path:
    """Write `n` notice PDFs and `truth.json` (a list of notice objects) into out_dir; returns the truth path.

    Project names never repeat within a (budget year, department) across the corpus, so the scorer's keys
    are unique and no notice supersedes another. Other files already in out_dir are left alone.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    projects = layout_overrides.pop("projects", None)
    soffice = render_html.soffice_path() is not None
    master = random.Random(seed)
    used: set = set()
    notices = []
    for i in range(n):
        rng = random.Random(master.getrandbits(64))
        notices.append(
            random_notice(rng, index=i + 1, used=used, soffice=soffice, projects=projects, **layout_overrides)
        )
    for nt in notices:
        if nt.layout.renderer != "lo":
            nt.render_info = render_reportlab.render(nt, out_dir / nt.file)
    lo = [nt for nt in notices if nt.layout.renderer == "lo"]
    if lo:
        try:
            render_html.render_many(lo, out_dir)
        except (render_html.SofficeFailed, OSError, subprocess.SubprocessError) as exc:
            warnings.warn(f"LibreOffice failed ({exc}); rendering its notices with reportlab", stacklevel=2)
            for nt in lo:
                nt.layout.renderer = "rl"
                nt.render_info = render_reportlab.render(nt, out_dir / nt.file)
    truth_path = out_dir / "truth.json"
    truth_path.write_text(
        json.dumps([truth(nt) for nt in notices], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth_path
