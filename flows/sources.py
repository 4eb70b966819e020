"""Where notices come from: a PDF, a folder (recursive), or an http(s) URL of a PDF or of an HTML index page.

Every source yields `SourceFile`s whose bytes sit in a local file and whose identity is their sha256.
HTTP sources are downloaded by `flows.downloads`, imported only when a source is a URL: a run over local
files (and a command that finds nothing new) does without httpx.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from contracts.records import FileMeta


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


def check_source(source: str) -> None:
    """Raise a `SourceError` whose text says what is wrong when `source` cannot be a source at all: a path
    that does not exist or cannot be read, a scheme other than http(s), an http(s) URL whose server does not
    answer one quick request (or answers that the URL is not there). Nothing is downloaded: a HEAD request,
    and a GET whose body is not read where HEAD is refused. A server error (5xx) passes: the run retries
    those."""
    scheme = urlparse(source).scheme.lower()
    if scheme in ("http", "https"):
        from flows.downloads import probe

        probe(source)
        return
    if scheme and len(scheme) > 1:
        raise SourceError(f"unsupported source {source} (use a path, or an http or https URL)")
    path = Path(source)
    if not path.exists():
        raise SourceError(f"no such file or folder: {source}")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise SourceError(f"cannot read {source}: permission denied")


def _expand(source: str, cache_dir: Path) -> Iterator[SourceFile]:
    scheme = urlparse(source).scheme.lower()
    if scheme in ("http", "https"):
        from flows.downloads import from_url

        yield from from_url(source, cache_dir)
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
