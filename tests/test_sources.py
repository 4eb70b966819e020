"""Sources: folders, files and an HTTP index page served on 127.0.0.1 (retries, caps, traversal, disk full)."""

from __future__ import annotations

import errno
import hashlib
import http.server
import os
import threading
from pathlib import Path

import pytest

from flows import downloads
from flows.sources import SourceError, iter_sources, sha256_of
from tests.conftest import NOTICES, SEED


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves `files`, with an ETag on PDFs (If-None-Match → 304); counts requests and body bytes."""

    files: dict[str, bytes] = {}
    hits: dict[str, int] = {}
    served: dict[str, int] = {}
    not_modified = 0

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        self.hits[path] = self.hits.get(path, 0) + 1
        if path == "/flaky.pdf" and self.hits[path] == 1:
            self.send_response(503)
            self.end_headers()
            return
        if path == "/moved.pdf":
            self.send_response(302)
            self.send_header("Location", "/docs/a.pdf")
            self.end_headers()
            return
        if path == "/loop.pdf":
            self.send_response(302)
            self.send_header("Location", "/loop.pdf")
            self.end_headers()
            return
        body = self.files.get(path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
        if path.endswith(".pdf") and self.headers.get("If-None-Match") == etag:
            type(self).not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header(
            "Content-Type", "text/html; charset=utf-8" if path.endswith(".html") else "application/pdf"
        )
        if path.endswith(".pdf"):
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.served[path] = self.served.get(path, 0) + len(body)


INDEX = """<html><body>
<a href="docs/a.pdf">relative</a>
<a href="{base}/docs/b.pdf">absolute</a>
<a href="../../../../etc/evil.pdf">traversal</a>
<a href="flaky.pdf">flaky</a>
<a href="moved.pdf">redirected</a>
<a href="notpdf.pdf">html named pdf</a>
<a href="ftp://127.0.0.1/x.pdf">ftp</a>
<a href="readme.txt">not a pdf link</a>
</body></html>"""


@pytest.fixture
def server():
    _Handler.hits, _Handler.served, _Handler.not_modified = {}, {}, 0
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    pdf_a, pdf_b = (NOTICES / "notice_001.pdf").read_bytes(), (NOTICES / "notice_002.pdf").read_bytes()
    _Handler.files = {
        "/index.html": INDEX.format(base=base).encode(),
        "/docs/a.pdf": pdf_a,
        "/docs/b.pdf": pdf_b,
        "/etc/evil.pdf": SEED.read_bytes(),
        "/flaky.pdf": (NOTICES / "notice_003.pdf").read_bytes(),
        "/notpdf.pdf": b"<html>login required</html>",
    }
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


def test_index_page_downloads_into_cache_only(server, tmp_path):
    cache = tmp_path / "cache"
    items = list(iter_sources([f"{server}/index.html"], cache_dir=cache))
    by_name = {i.name: i for i in items}
    # moved.pdf redirects to a.pdf: same bytes, same sha256, so the file is listed once
    assert set(by_name) == {"a.pdf", "b.pdf", "evil.pdf", "flaky.pdf", "notpdf.pdf"}
    assert _Handler.hits["/moved.pdf"] == 1
    good = [i for i in items if not i.error]
    assert {i.name for i in good} == {"a.pdf", "b.pdf", "evil.pdf", "flaky.pdf"}
    for i in good:
        assert i.path.parent == cache and i.path.name == f"{i.sha256}.pdf" and sha256_of(i.path) == i.sha256
    assert "not a PDF" in by_name["notpdf.pdf"].error
    assert _Handler.hits["/flaky.pdf"] >= 2  # the 503 was retried
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(str(p).startswith("cache/") for p in written)
    assert not any(p.name.startswith(".part-") for p in cache.iterdir())


def test_size_cap_and_redirect_loop(server, tmp_path, monkeypatch):
    monkeypatch.setattr(downloads, "MAX_DOWNLOAD_BYTES", 10_000)
    (item,) = iter_sources([f"{server}/docs/a.pdf"], cache_dir=tmp_path)
    assert item.error and "cap" in item.error
    with pytest.raises(SourceError):
        list(iter_sources([f"{server}/loop.pdf"], cache_dir=tmp_path))


def test_disk_full_while_caching_fails_that_file_cleanly(server, tmp_path, monkeypatch):
    real_fdopen = downloads.os.fdopen

    class Full:
        def __init__(self, f):
            self.f = f

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    monkeypatch.setattr(downloads.os, "fdopen", lambda fd, mode: Full(real_fdopen(fd, mode)))
    (item,) = iter_sources([f"{server}/docs/b.pdf"], cache_dir=tmp_path)
    assert item.error and "No space left" in item.error
    assert list(tmp_path.iterdir()) == []


def test_only_http_and_https(tmp_path):
    for bad in ("ftp://127.0.0.1/x.pdf", "file:///etc/passwd", "javascript:alert(1)"):
        with pytest.raises(SourceError, match="unsupported"):
            list(iter_sources([bad], cache_dir=tmp_path))
    with pytest.raises(SourceError, match="no such"):
        list(iter_sources([str(tmp_path / "missing.pdf")], tmp_path))


def test_folder_is_recursive_and_deduplicated(tmp_path):
    nested = tmp_path / "二级" / "三级"
    nested.mkdir(parents=True)
    (nested / "通知.PDF").write_bytes(SEED.read_bytes())
    (tmp_path / "copy.pdf").write_bytes(SEED.read_bytes())
    (tmp_path / "notes.txt").write_text("x")
    items = list(iter_sources([str(tmp_path), str(nested / "通知.PDF")], tmp_path / "cache"))
    assert len(items) == 1 and items[0].sha256 == sha256_of(SEED)
    assert Path(items[0].uri).is_absolute()


def test_flow_ingests_an_index_page_then_skips_it_unchanged(server, prefect_harness, tmp_path, monkeypatch):
    from flows import ingest, resources

    monkeypatch.setenv("NOTICES_CACHE_DIR", str(tmp_path / "cache"))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    try:
        first = ingest.ingest_notices(sources=[f"{server}/index.html"], warehouse=url)
        _Handler.served = {}
        second = ingest.ingest_notices(sources=[f"{server}/index.html"], warehouse=url)
    finally:
        resources.close_resources()
    assert first.by_status == {
        "loaded": 4,
        "failed": 1,
    }  # a.pdf, b.pdf, evil.pdf (the seed), flaky.pdf; notpdf.pdf
    assert second.skipped == 4 and second.by_status == {"failed": 1}  # only the failed download is retried
    # the second run reads the index page again and asks for each PDF, but downloads none of them again
    assert set(_Handler.served) <= {"/index.html", "/notpdf.pdf"}


def test_cli_precheck_leaves_http_sources_to_the_flow(server, tmp_path):
    """Knowing an http source's files means downloading them; the flow downloads them, so the CLI's
    nothing-new check does not (it would double every download of a run with new files)."""
    from flows.cli import _unchanged_run
    from load.db import ensure_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    assert _unchanged_run(engine, [f"{server}/index.html"], tmp_path / "cache", False) is None
    assert _Handler.hits == {}
    engine.dispose()


# ---------------------------------------------------------------- conditional downloads


class _StaticFiles(http.server.SimpleHTTPRequestHandler):
    """The standard library's file server (Last-Modified, If-Modified-Since → 304), counting body bytes."""

    served: dict[str, int] = {}

    def log_message(self, *args):
        pass

    def copyfile(self, source, outputfile):
        data = source.read()
        self.served[self.path] = self.served.get(self.path, 0) + len(data)
        outputfile.write(data)


@pytest.fixture
def static_site(tmp_path):
    root = tmp_path / "site"
    (root / "docs").mkdir(parents=True)
    (root / "index.html").write_text(
        '<a href="docs/a.pdf">a</a> <a href="docs/b.pdf">b</a>', encoding="utf-8"
    )
    (root / "docs" / "a.pdf").write_bytes((NOTICES / "notice_001.pdf").read_bytes())
    (root / "docs" / "b.pdf").write_bytes((NOTICES / "notice_002.pdf").read_bytes())
    _StaticFiles.served = {}
    handler = lambda *a, **kw: _StaticFiles(*a, directory=str(root), **kw)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()


def _pdf_bytes_served() -> dict[str, int]:
    return {p: n for p, n in _StaticFiles.served.items() if p.endswith(".pdf")}


def test_unchanged_files_are_not_downloaded_again(static_site, tmp_path):
    """A daily run asks for each PDF with the validators of its last download: an unchanged file costs one
    request and no body; a file changed since is downloaded again; the index page may be read again."""
    base, root = static_site
    cache = tmp_path / "cache"
    first = {i.name: i for i in iter_sources([f"{base}/index.html"], cache)}
    assert _pdf_bytes_served() == {
        "/docs/a.pdf": (root / "docs/a.pdf").stat().st_size,
        "/docs/b.pdf": (root / "docs/b.pdf").stat().st_size,
    }

    _StaticFiles.served = {}
    second = {i.name: i for i in iter_sources([f"{base}/index.html"], cache)}
    assert _pdf_bytes_served() == {}
    assert {n: (i.sha256, i.path, i.error) for n, i in second.items()} == {
        n: (i.sha256, i.path, i.error) for n, i in first.items()
    }
    assert all(sha256_of(i.path) == i.sha256 for i in second.values())

    # b.pdf is replaced by another notice (its modification time moves on)
    changed = (NOTICES / "notice_003.pdf").read_bytes()
    (root / "docs/b.pdf").write_bytes(changed)
    later = (root / "docs/b.pdf").stat().st_mtime + 60
    os.utime(root / "docs/b.pdf", (later, later))
    _StaticFiles.served = {}
    third = {i.name: i for i in iter_sources([f"{base}/index.html"], cache)}
    assert _pdf_bytes_served() == {"/docs/b.pdf": len(changed)}
    assert third["b.pdf"].sha256 == sha256_of(NOTICES / "notice_003.pdf") != first["b.pdf"].sha256
    assert third["a.pdf"].sha256 == first["a.pdf"].sha256

    # a PDF named as the source itself: unchanged, one request and no body
    _StaticFiles.served = {}
    (item,) = iter_sources([f"{base}/docs/a.pdf"], cache)
    assert item.sha256 == first["a.pdf"].sha256 and not item.error
    assert _pdf_bytes_served() == {}


def test_a_lost_cache_file_is_downloaded_again(static_site, tmp_path):
    """Validators are only sent for a file the cache still holds intact."""
    base, root = static_site
    cache = tmp_path / "cache"
    (a,) = iter_sources([f"{base}/docs/a.pdf"], cache)
    a.path.write_bytes(b"%PDF-1.4 damaged")
    _StaticFiles.served = {}
    (again,) = iter_sources([f"{base}/docs/a.pdf"], cache)
    assert again.sha256 == a.sha256 and sha256_of(again.path) == a.sha256
    assert _pdf_bytes_served() == {"/docs/a.pdf": (root / "docs/a.pdf").stat().st_size}


def test_etag_validators(server, tmp_path):
    """A server that sends an ETag is asked with If-None-Match; a new ETag means a new download."""
    cache = tmp_path / "cache"
    list(iter_sources([f"{server}/docs/a.pdf"], cache))
    _Handler.hits = {}
    (item,) = iter_sources([f"{server}/docs/a.pdf"], cache)
    assert not item.error and _Handler.hits == {"/docs/a.pdf": 1} and _Handler.not_modified == 1
    _Handler.files["/docs/a.pdf"] = (NOTICES / "notice_003.pdf").read_bytes()
    (new,) = iter_sources([f"{server}/docs/a.pdf"], cache)
    assert new.sha256 == sha256_of(NOTICES / "notice_003.pdf") != item.sha256


def test_sources_are_checked_before_a_run(server, tmp_path):
    """Before a run starts: a server that answers passes (this one refuses HEAD, so it is asked with a GET
    whose body is not read), a URL the server does not have, a missing path and an unsupported scheme do
    not."""
    from flows.sources import check_source

    check_source(f"{server}/index.html")
    check_source(str(NOTICES))
    for source, words in [
        (f"{server}/missing.pdf", "answered 404 Not Found"),
        (str(tmp_path / "nothing-here"), "no such file or folder"),
        ("ftp://example.org/a.pdf", "unsupported source"),
    ]:
        with pytest.raises(SourceError, match=words):
            check_source(source)
