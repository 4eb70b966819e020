"""Records that cross into load: a file's identity, what was learned about the document, a check's outcome."""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts.statuses import Severity


@dataclass(frozen=True)
class FileMeta:
    """A file as the source handed it over: identity and provenance."""

    sha256: str
    file_name: str
    source_uri: str
    size_bytes: int


@dataclass
class NoticeMeta:
    """What reading the file learned about the document as a whole."""

    parser_version: str
    pages: int | None = None
    producer: str | None = None
    title: str | None = None
    budget_year: int | None = None
    department_code: str | None = None
    published_on: str | None = None  # ISO date
    region: str | None = None
    publisher: str | None = None
    document_kind: str | None = None  # a `contracts.vocabulary.DocumentKind` value


@dataclass
class CheckResult:
    """One data-quality expectation's outcome on one notice."""

    suite: str
    expectation: str
    severity: Severity
    success: bool
    observed: str | None = None  # the offending values beside the threshold, for operators
    unexpected_sample: list = field(default_factory=list)

    @property
    def failed_error(self) -> bool:
        return not self.success and self.severity == Severity.ERROR

    @property
    def failed_warning(self) -> bool:
        return not self.success and self.severity == Severity.WARNING
