"""Where notices come from: a PDF, a folder (recursive), or an http(s) URL of a PDF or of an HTML index page.

Every source yields `SourceFile`s whose bytes sit in a local file and whose identity is their sha256.
Downloads stream into a cache folder keyed by sha256, with timeouts, retries on transient errors only,
a size cap and a PDF signature check; nothing is ever written outside the cache folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from contracts.records import FileMeta

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class SourceError(Exception):
    """A source that cannot be read at all (missing path, unsupported scheme, index page unreachable)."""


@dataclass(frozen=True)
class SourceFile:
    """One file to ingest: provenance plus the local path that holds its bytes."""

    uri: str
    name: str
    path: Path
    sha256: str
    size: int
    error: str | None = None  # a download that failed: recorded as a failed file, retried next run

    @property
    def meta(self) -> FileMeta:
        return FileMeta(sha256=self.sha256, file_name=self.name, source_uri=self.uri, size_bytes=self.size)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def iter_sources(sources: list[str], cache_dir: str | Path) -> Iterator[SourceFile]:
    """Expand every SOURCE argument into files, in a stable order, each file once (downloads are cached
    in `cache_dir`, keyed by sha256)."""
    cache_dir = Path(cache_dir)
    seen: set[str] = set()
    for source in sources:
        for item in _expand(source, cache_dir):
            key = item.sha256 or item.uri
            if key in seen:
                continue
            seen.add(key)
            yield item


def _expand(source: str, cache_dir: Path) -> Iterator[SourceFile]:
    scheme = urlparse(source).scheme.lower()
    if scheme in ("http", "https"):
        yield from _from_url(source, cache_dir)
        return
    if scheme and len(scheme) > 1:  # "c:" style drive letters are paths, anything else is not allowed
        raise SourceError(f"unsupported source scheme {scheme!r} (use a path, http or https)")
    path = Path(source)
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() == ".pdf":
                yield _local(p)
    elif path.is_file():
        yield _local(path)
    else:
        raise SourceError(f"no such file or folder: {source}")


def _local(path: Path) -> SourceFile:
    return SourceFile(
        uri=str(path.resolve()), name=path.name, path=path, sha256=sha256_of(path), size=path.stat().st_size
    )


# ---------------------------------------------------------------- HTTP


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (408, 425, 429, 500, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


_retrying = retry(
    retry=retry_if_exception(_transient),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)


def _client() -> httpx.Client:
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": "budget-notices/1"},
    )


def _from_url(url: str, cache_dir: Path) -> Iterator[SourceFile]:
    with _client() as client:
        try:
            kind, body = _fetch_head(client, url)
        except (httpx.HTTPError, SourceError) as exc:
            raise SourceError(f"cannot read {url}: {exc}") from exc
        if kind == "pdf":
            yield _download(client, url, cache_dir)
            return
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        links = []
        for href in parser.hrefs:
            target = urljoin(url, href)
            parsed = urlparse(target)
            if (
                parsed.scheme in ("http", "https")
                and parsed.path.lower().endswith(".pdf")
                and target not in links
            ):
                links.append(target)
        for link in links:
            yield _download(client, link, cache_dir)


@_retrying
def _fetch_head(client: httpx.Client, url: str) -> tuple[str, bytes]:
    """Is the URL a PDF or a page? Pages are read whole (capped); PDFs are left for `_download`."""
    with client.stream("GET", url) as resp:
        resp.raise_for_status()
        _check_scheme(resp)
        ctype = resp.headers.get("content-type", "").lower()
        if "pdf" in ctype or urlparse(str(resp.url)).path.lower().endswith(".pdf"):
            return "pdf", b""
        body = bytearray()
        for chunk in resp.iter_bytes():
            body.extend(chunk)
            if len(body) > 5 * 1024 * 1024:
                raise SourceError("index page larger than 5 MiB")
        return "html", bytes(body)


def _check_scheme(resp: httpx.Response) -> None:
    if resp.url.scheme not in ("http", "https"):
        raise SourceError(f"redirected to unsupported scheme {resp.url.scheme}")


def _file_name(url: str) -> str:
    """A display name from the URL path; never used to build a filesystem path."""
    name = unquote(urlparse(url).path.rsplit("/", 1)[-1]) or "download.pdf"
    return name.replace("\\", "_").replace("/", "_")[:200]


def _download(client: httpx.Client, url: str, cache_dir: Path) -> SourceFile:
    name = _file_name(url)
    try:
        path, sha, size = _stream_to_cache(client, url, cache_dir)
    except (httpx.HTTPError, SourceError, OSError) as exc:
        return SourceFile(
            uri=url,
            name=name,
            path=Path(os.devnull),
            sha256="",
            size=0,
            error=f"download failed: {type(exc).__name__}: {exc}"[:300],
        )
    return SourceFile(uri=url, name=name, path=path, sha256=sha, size=size)


@_retrying
def _stream_to_cache(client: httpx.Client, url: str, cache_dir: Path) -> tuple[Path, str, int]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".part-", suffix=".pdf")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, client.stream("GET", url) as resp:
            resp.raise_for_status()
            _check_scheme(resp)
            declared = int(resp.headers.get("content-length") or 0)
            if declared > MAX_DOWNLOAD_BYTES:
                raise SourceError(f"file larger than the {MAX_DOWNLOAD_BYTES} byte cap ({declared})")
            first = True
            for chunk in resp.iter_bytes(1 << 16):
                if first and chunk:
                    if b"%PDF-" not in chunk[:1024]:
                        raise SourceError("response is not a PDF (no %PDF- signature)")
                    first = False
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise SourceError(f"file larger than the {MAX_DOWNLOAD_BYTES} byte cap")
                h.update(chunk)
                out.write(chunk)
        sha = h.hexdigest()
        final = cache_dir / f"{sha}.pdf"
        os.replace(tmp, final)
        return final, sha, size
    finally:
        tmp.unlink(missing_ok=True)
