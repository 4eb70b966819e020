"""Typed reasons for files the reader cannot use; the reason text is what operators see in v_source_files."""

from __future__ import annotations

MAX_PAGES = 2000  # a file with more pages is rejected as TooLarge (`--max-pages`)


class ExtractError(Exception):
    """A file that cannot be read: it ends as `rejected` with `reason`."""

    status = "rejected"

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
