"""Performance figures of the whole pipeline, measured side by side in one run on this machine.

usage: uv run python bench/bench.py [--notices 60] [--scale 200] [--memory 0]

Prints: corpus size; a bare pdfplumber loop over the same files and the pipeline's ratio to it; time shares
by stage; the rerun cost of an unchanged corpus; fixed start-up; the cost of a page without a target grid
relative to one with; the real budget documents (pages with targets and without, one and two readers);
the speed-up of --workers 2 on a larger corpus; peak RSS. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pdfplumber
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixturegen import generate_corpus  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
BUDGETS = ROOT / "tests" / "fixtures" / "budgets"
CORPUS = ROOT / "bench" / "corpus"


def corpus(n: int, seed: int) -> Path:
    """Generated notices (cached between runs by size and seed)."""
    out = CORPUS / f"gen-{n}-{seed}"
    if not (out / "truth.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        generate_corpus(out, n, seed=seed)
    return out


def pdfs(*folders: Path) -> list[Path]:
    return sorted(p for f in folders for p in f.rglob("*.pdf"))


def bare_pdfplumber(files: list[Path]) -> tuple[float, int]:
    """The floor: open every file, extract_tables on every page, close pages as we go."""
    started = time.perf_counter()
    pages = 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                try:
                    page.extract_tables()
                    pages += 1
                finally:
                    page.close()
    return time.perf_counter() - started, pages


class PeakRss:
    """Samples the RSS of a process tree (the CLI and its reader processes) while it runs."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak_total = 0
        self.peak_single = 0
        self.peak_by_role: dict[str, int] = {}  # the CLI, Prefect's local server, a reader process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    with contextlib.suppress(psutil.Error):  # a reader process may exit meanwhile
                        rss.append(p.memory_info().rss)
                        role = _role(p, self.proc)
                        self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss[-1])
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_single = max([self.peak_single, *rss])
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _role(p: psutil.Process, cli: psutil.Process) -> str:
    if p.pid == cli.pid:
        return "CLI"
    cmd = " ".join(p.cmdline())
    if "multiprocessing" in cmd or "spawn_main" in cmd:
        return "reader"
    return "Prefect server" if "prefect" in cmd or "uvicorn" in cmd else "other"


def ingest(sources: list[Path], warehouse: str, *extra: str) -> dict:
    """Run `notices ingest` as a user does; return wall time, summary and peak memory."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        summary_path = Path(tmp.name)
    cmd = [
        sys.executable,
        "-m",
        "flows.cli",
        "ingest",
        *map(str, sources),
        "--warehouse",
        warehouse,
        "--summary-json",
        str(summary_path),
        "--output",
        str(Path(tempfile.gettempdir()) / "bench-out"),
        *extra,
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rss = PeakRss(proc.pid)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    rss.stop()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{out}\n{err}")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary_path.unlink()
    return {
        "wall": wall,
        "summary": summary,
        "peak_total_mb": rss.peak_total / 2**20,
        "peak_single_mb": rss.peak_single / 2**20,
        "peak_by_role_mb": {k: v / 2**20 for k, v in rss.peak_by_role.items()},
    }


def real_budgets(work: Path, startup: float) -> None:
    """The real budget documents: the bare loop page by page, what the reader pays for target pages and for
    the others, and whole ingests with one reader and with two."""
    files = pdfs(BUDGETS)
    bare: dict[tuple[str, int], float] = {}
    started = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                t = time.perf_counter()
                try:
                    page.extract_tables()
                finally:
                    page.close()
                bare[(path.name, page.page_number)] = time.perf_counter() - t
    bare_s = time.perf_counter() - started
    from extract.reader import _plain_texts, read_notice

    target_pages = other_pages = 0
    reader_on_read = bare_on_read = prefilter = bare_on_other = parse_targets = 0.0
    for path in files:
        data = path.read_bytes()
        t = time.perf_counter()
        _plain_texts(data, 10_000)
        plain = time.perf_counter() - t
        t = time.perf_counter()
        raw = read_notice(data)
        whole = time.perf_counter() - t
        targets = {p.page for p in raw.projects} | {r.page for p in raw.projects for r in p.rows}
        others = [n for (name, n) in bare if name == path.name and n not in targets]
        with pdfplumber.open(path, pages=sorted(targets)) as pdf:  # pdfminer parsing alone: the floor
            for page in pdf.pages:
                t = time.perf_counter()
                try:
                    _ = page.objects
                finally:
                    page.close()
                parse_targets += time.perf_counter() - t
        target_pages += len(targets)
        other_pages += len(others)
        reader_on_read += whole - plain
        bare_on_read += sum(bare[(path.name, n)] for n in raw.pages_read)
        prefilter += plain
        bare_on_other += sum(bare[(path.name, n)] for n in others)
    pages = len(bare)
    print(
        f"real budgets: {len(files)} documents, {pages} pages, {target_pages} with targets; bare pdfplumber "
        f"loop {bare_s:.1f} s ({pages / bare_s:.1f} pages/s)"
    )
    print(
        f"  pages the reader parses (targets, their next pages, covers): {1000 * reader_on_read / target_pages:.0f}"
        f" ms per target page, {reader_on_read / bare_on_read:.2f} x extract_tables on the same pages"
    )
    print(
        f"  floor: parsing only the pages with targets (pdfplumber's objects, no table finding) takes "
        f"{parse_targets:.1f} s = {parse_targets / bare_s:.2f} x the bare loop"
    )
    print(
        f"  a page without targets: {1000 * prefilter / pages:.1f} ms of plain text (every page), "
        f"{prefilter / pages / (bare_on_other / max(1, other_pages)):.3f} x extract_tables on such a page"
    )
    for workers in ("1", "2"):
        run = ingest([BUDGETS], f"sqlite:///{work / f'real{workers}.db'}", "--workers", workers)
        totals = stage_totals(run["summary"])
        roles = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(run["peak_by_role_mb"].items()))
        print(
            f"  notices ingest, {workers} reader(s): {run['wall']:6.1f} s = {run['wall'] / bare_s:.2f} x the bare "
            f"loop (start-up {startup:.1f} s included); stages "
            + ", ".join(f"{k} {v:.1f} s" for k, v in totals.items())
            + f"; peak RSS {run['peak_total_mb']:.0f} MB tree ({roles})"
        )


def stage_totals(summary: dict) -> dict[str, float]:
    totals: dict[str, float] = {}
    for r in summary["results"]:
        for stage, s in r["stages"].items():
            totals[stage] = totals.get(stage, 0.0) + s
    return totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--notices", type=int, default=60, help="generated notices in the main corpus")
    ap.add_argument(
        "--scale", type=int, default=200, help="generated notices for the --workers 2 run (0: skip)"
    )
    ap.add_argument("--memory", type=int, default=0, help="generated notices for a peak-RSS run (e.g. 1000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="notices-bench-"))
    line = "-" * 72
    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )

    gen = corpus(args.notices, args.seed)
    files = pdfs(gen, REAL)
    sources = [gen, REAL]
    print(
        f"corpus: {args.notices} generated notices + {len(pdfs(REAL))} real budget PDFs = {len(files)} files"
    )
    print(line)

    bare_s, pages = bare_pdfplumber(files)
    print(
        f"bare pdfplumber loop (extract_tables on every page): {bare_s:7.1f} s  {pages} pages  "
        f"{pages / bare_s:6.1f} pages/s"
    )

    one = ingest([gen / sorted(os.listdir(gen))[0]], f"sqlite:///{work / 'startup.db'}", "--workers", "1")
    startup = one["wall"] - one["summary"]["results"][0]["seconds"]
    print(
        f"fixed start-up (one small file, fresh warehouse):    {one['wall']:7.1f} s  "
        f"(of which the file itself {one['summary']['results'][0]['seconds']:.1f} s)"
    )

    first = ingest(sources, f"sqlite:///{work / 'w.db'}", "--workers", "1")
    wall = first["wall"]
    print(
        f"notices ingest, 1 worker, start-up included:        {wall:7.1f} s  {pages / wall:6.1f} pages/s  "
        f"ratio to bare pdfplumber {wall / bare_s:.2f}x"
    )
    totals = stage_totals(first["summary"])
    busy = sum(totals.values())
    # files are processed concurrently (a reader process, the gate and loads overlap), so the stage sums are
    # shown as shares of their total; start-up is the fixed cost measured above
    print(
        "  time by stage (summed over files; stages overlap): "
        + ", ".join(f"{k} {v:.1f} s ({100 * v / busy:.0f}%)" for k, v in totals.items())
        + f"; fixed start-up {startup:.1f} s"
    )
    checked = [r for r in first["summary"]["results"] if "gate" in r["stages"]]
    if checked:
        per = sorted(r["stages"]["gate"] for r in checked)
        print(
            f"  quality gate per notice: median {1000 * per[len(per) // 2]:.0f} ms over {len(per)} notices "
            f"(the first includes importing GX once per process: {per[-1]:.1f} s)"
        )
    print(
        f"  peak RSS: {first['peak_total_mb']:.0f} MB for the process tree, "
        f"{first['peak_single_mb']:.0f} MB for the largest process"
    )

    grid = [r for r in first["summary"]["results"] if r["status"] == "loaded"]
    plain = [r for r in first["summary"]["results"] if r["status"] == "no_targets"]
    grid_page = sum(r["stages"].get("extract", 0) for r in grid) / max(1, sum(r["pages"] for r in grid))
    plain_page = sum(r["stages"].get("extract", 0) for r in plain) / max(1, sum(r["pages"] for r in plain))
    print(
        f"  extract per page: with a target grid {1000 * grid_page:.1f} ms, without {1000 * plain_page:.1f} ms "
        f"(ratio {plain_page / grid_page:.2f})"
    )

    again = ingest(sources, f"sqlite:///{work / 'w.db'}", "--workers", "1")
    print(
        f"rerun of the unchanged corpus:                      {again['wall']:7.1f} s  "
        f"({100 * again['wall'] / wall:.0f}% of the first run; "
        f"{100 * max(again['wall'] - startup, 0) / wall:.1f}% beyond fixed start-up)"
    )
    print(line)
    real_budgets(work, startup)
    print(line)

    if args.scale:
        big = corpus(args.scale, args.seed + 1)
        w1 = ingest([big], f"sqlite:///{work / 's1.db'}", "--workers", "1")
        w2 = ingest([big], f"sqlite:///{work / 's2.db'}", "--workers", "2")
        t1, t2 = w1["wall"] - startup, w2["wall"] - startup
        print(
            f"{args.scale} notices, 1 worker: {w1['wall']:.1f} s; --workers 2: {w2['wall']:.1f} s; "
            f"throughput beyond start-up x{t1 / t2:.2f} (whole runs x{w1['wall'] / w2['wall']:.2f})"
        )
    if args.memory:
        mem = corpus(args.memory, args.seed + 2)
        m = ingest([mem], f"sqlite:///{work / 'm.db'}", "--workers", "1")
        print(
            f"{args.memory} notices: {m['wall']:.1f} s, peak RSS {m['peak_total_mb']:.0f} MB (tree), "
            f"{m['peak_single_mb']:.0f} MB (largest process)"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
