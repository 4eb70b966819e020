"""Orchestration: the Prefect flow, sources, the per-file pipeline and the CLI.

Prefect reads its settings when it is imported, so the local-run defaults are applied here, before any
module of this package can import it.
"""

from flows import settings

settings.apply_prefect_defaults()
