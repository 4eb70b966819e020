"""Why a file cannot be used, typed by whose fault it is.

An `ExtractError` is the file's fault (empty, not a PDF, corrupt, encrypted, image-only, too large, too slow
to read): the file ends `rejected` and its `reason` is what operators see in v_source_files. A `ReaderBug` is
this program's fault (its own code raised on the file): the file ends `failed`, the traceback goes to the
run's log, and the next run reads it again, once the bug is fixed.
"""

from __future__ import annotations

from contracts.statuses import FileStatus

MAX_PAGES = 2000  # a file with more pages is rejected as TooLarge (`--max-pages`)


class ExtractError(Exception):
    """A file that cannot be read: it ends as `rejected` with `reason`."""

    status = FileStatus.REJECTED

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotAPdf(ExtractError):
    pass


class EmptyFile(ExtractError):
    pass


class CorruptPdf(ExtractError):
    pass


class EncryptedPdf(ExtractError):
    pass


class NoTextLayer(ExtractError):
    pass


class TooLarge(ExtractError):
    pass


class ExtractTimeout(ExtractError):
    pass


class UnreadableGrid(ExtractError):
    """A target table was found but could not be read with confidence: reject rather than half-load."""


class ReaderBug(Exception):
    """This program's own code raised while reading, normalising or checking a file (not the file's fault).

    Carried back from a reader process as a value, with the traceback as text."""

    status = FileStatus.FAILED

    def __init__(self, error: str, traceback: str):
        super().__init__(error, traceback)
        self.error, self.traceback = error, traceback

    @property
    def reason(self) -> str:
        return f"internal error (the run's log has the traceback): {self.error}"[:500]
