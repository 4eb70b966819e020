"""Faults injected into this program's own code, inside a reader process (module-level: spawn pickles them)."""

from __future__ import annotations


def prepare_with_a_bug(path: str, max_pages: int, **kwargs):
    """`pipeline.prepare_file` with a bug planted in transform: every project row raises KeyError."""
    from flows import pipeline
    from transform import normalize

    def broken(*args, **kw):
        raise KeyError("planted bug")

    normalize._project_row = broken
    return pipeline.prepare_file(path, max_pages, **kwargs)


def read_with_a_bug(path: str, max_pages: int):
    """`isolated.read_guarded` with a bug planted in the reader's own table cutting."""
    from extract import isolated, reader

    def broken(blocks):
        return [][0]  # IndexError raised in this program's code, not in a PDF library

    reader._cut_projects = broken
    return isolated.read_guarded(path, max_pages)
