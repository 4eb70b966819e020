"""HTTP sources: an http(s) URL of a PDF or of an HTML index page that links PDFs.

Downloads stream into a cache folder keyed by sha256, with timeouts, retries on transient errors only,
a size cap and a PDF signature check; nothing is ever written outside the cache folder. The cache keeps the
validators (ETag, Last-Modified) of each URL's last download: the next request for it is conditional
(If-None-Match, If-Modified-Since), so an unchanged file costs one request and no download.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from flows.sources import SourceError, SourceFile, sha256_of

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# the one request that tells, before a run starts, whether an http source answers at all
PROBE_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


def probe(url: str) -> None:
    """One quick request: raise a `SourceError` when the server does not answer, or answers that `url` is
    not there (a client error other than a time-out or a rate limit)."""
    try:
        with _client(PROBE_TIMEOUT) as client:
            status = client.head(url).status_code
            if status >= 400:  # some servers refuse HEAD alone: ask as the run would
                with client.stream("GET", url) as resp:
                    status = resp.status_code
    except httpx.TimeoutException:
        raise SourceError(f"cannot reach {url}: no answer within {PROBE_TIMEOUT.connect:g} s") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot reach {url}: {_why(exc)}") from None
    if 400 <= status < 500 and status not in (408, 425, 429):
        phrase = httpx.codes.get_reason_phrase(status)
        raise SourceError(f"{url} answered {status} {phrase}".rstrip())


def _why(exc: BaseException) -> str:
    """The innermost reason of a connection failure, in one line ("[Errno 111] Connection refused")."""
    while exc.__cause__ is not None and not str(exc):
        exc = exc.__cause__
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


# ---------------------------------------------------------------- index pages and PDFs


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _transient(exc: BaseException | None) -> bool:
    if isinstance(exc, _PdfFailed):  # a PDF cut off by a transient fault is asked for again
        return _transient(exc.__cause__)
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (408, 425, 429, 500, 502, 503, 504)
    return isinstance(exc, httpx.TransportError)


_retrying = retry(
    retry=retry_if_exception(_transient),
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    reraise=True,
)


def _client(timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": "budget-notices/1"},
    )


def from_url(url: str, cache_dir: Path) -> Iterator[SourceFile]:
    with _client() as client:
        try:
            first = _get(client, url, cache_dir, pages=True)
        except _PdfFailed as exc:  # the URL is a PDF that could not be saved: that file fails, not the run
            yield _failed(url, exc.__cause__ or exc)
            return
        except (httpx.HTTPError, SourceError) as exc:
            raise SourceError(f"cannot read {url}: {exc}") from exc
        if isinstance(first, SourceFile):
            yield first
            return
        parser = _Links()
        parser.feed(first.decode("utf-8", errors="replace"))
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


class _PdfFailed(Exception):
    """A response known to be a PDF that could not be saved (its cause says why)."""


@_retrying
def _get(client: httpx.Client, url: str, cache_dir: Path, pages: bool) -> SourceFile | bytes:
    """One GET of `url`: a PDF, saved in the cache or, when the validators of its last download say it is
    unchanged (304), taken from there; or, with `pages`, the bytes of an HTML page (read whole, capped)."""
    cached = _cached(cache_dir, url)
    headers = cached[1] if cached else None
    with client.stream("GET", url, headers=headers) as resp:
        if resp.status_code == 304 and cached:
            return cached[0]
        resp.raise_for_status()
        _check_scheme(resp)
        ctype = resp.headers.get("content-type", "").lower()
        if pages and "pdf" not in ctype and not urlparse(str(resp.url)).path.lower().endswith(".pdf"):
            body = bytearray()
            for chunk in resp.iter_bytes():
                body.extend(chunk)
                if len(body) > 5 * 1024 * 1024:
                    raise SourceError("index page larger than 5 MiB")
            return bytes(body)
        try:
            path, sha, size = _save(resp, cache_dir)
        except (httpx.HTTPError, SourceError, OSError) as exc:
            raise _PdfFailed(str(exc)) from exc
        _remember(cache_dir, url, resp, sha, size)
    return SourceFile(uri=url, name=_file_name(url), path=path, sha256=sha, size=size)


def _check_scheme(resp: httpx.Response) -> None:
    if resp.url.scheme not in ("http", "https"):
        raise SourceError(f"redirected to unsupported scheme {resp.url.scheme}")


def _file_name(url: str) -> str:
    """A display name from the URL path; never used to build a filesystem path."""
    name = unquote(urlparse(url).path.rsplit("/", 1)[-1]) or "download.pdf"
    return name.replace("\\", "_").replace("/", "_")[:200]


def _failed(url: str, exc: BaseException) -> SourceFile:
    return SourceFile(
        uri=url,
        name=_file_name(url),
        path=Path(os.devnull),
        sha256="",
        size=0,
        error=f"download failed: {type(exc).__name__}: {exc}"[:300],
    )


def _download(client: httpx.Client, url: str, cache_dir: Path) -> SourceFile:
    try:
        got = _get(client, url, cache_dir, pages=False)
    except _PdfFailed as exc:
        return _failed(url, exc.__cause__ or exc)
    except (httpx.HTTPError, SourceError, OSError) as exc:
        return _failed(url, exc)
    assert isinstance(got, SourceFile)
    return got


def _save(resp: httpx.Response, cache_dir: Path) -> tuple[Path, str, int]:
    """Stream a PDF response into the cache as `<sha256>.pdf` (a partial file never stays behind)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".part-", suffix=".pdf")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
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


# ---------------------------------------------------------------- validators of the last download


def _validators_file(cache_dir: Path, url: str) -> Path:
    return cache_dir / "validators" / f"{hashlib.sha256(url.encode()).hexdigest()}.json"


def _cached(cache_dir: Path, url: str) -> tuple[SourceFile, dict[str, str]] | None:
    """The cached file of `url`'s last download and the conditional headers to ask whether it changed;
    None when there is no such download, or the cache no longer holds its file intact."""
    try:
        record = json.loads(_validators_file(cache_dir, url).read_text(encoding="utf-8"))
        path = cache_dir / f"{record['sha256']}.pdf"
        if record["url"] != url or not path.is_file() or sha256_of(path) != record["sha256"]:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    headers = {}
    if record.get("etag"):
        headers["If-None-Match"] = record["etag"]
    if record.get("last_modified"):
        headers["If-Modified-Since"] = record["last_modified"]
    if not headers:
        return None
    src = SourceFile(
        uri=url, name=_file_name(url), path=path, sha256=record["sha256"], size=path.stat().st_size
    )
    return src, headers


def _remember(cache_dir: Path, url: str, resp: httpx.Response, sha: str, size: int) -> None:
    """Keep the validators the server sent with `url`'s download (none sent: forget any kept before). A
    failure to keep them costs only a full download next time."""
    target = _validators_file(cache_dir, url)
    etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
    record = {"url": url, "sha256": sha, "size": size, "etag": etag, "last_modified": modified}
    tmp_name = None
    try:
        if not etag and not modified:
            target.unlink(missing_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.replace(tmp_name, target)
    except OSError:
        pass
    finally:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
