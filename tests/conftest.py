"""Shared fixtures: sample files, warehouses on SQLite and on the real PostgreSQL server, a Prefect harness."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

import flows  # noqa: F401  (applies the local Prefect settings before any test imports Prefect)
from tests.fixturegen.render_html import soffice_path

FIXTURES = Path(__file__).parent / "fixtures"
NOTICES = FIXTURES / "notices"
REAL = FIXTURES / "real"
SEED = NOTICES / "seed_2019_607.pdf"
PG_ADMIN_URL = os.environ.get("NOTICES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_collection_modifyitems(config, items):
    """A test that starts Prefect's API runs a flow end to end: it is `slow` (`make test-fast` leaves it out)."""
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item):
    """A `libreoffice` test fails without LibreOffice, never skips: `make test-libreoffice` must test it."""
    if item.get_closest_marker("libreoffice") and soffice_path() is None:
        pytest.fail(
            "LibreOffice (soffice) is not on PATH (or FIXTUREGEN_SOFFICE says none): install "
            "libreoffice-writer-nogui, or leave the `libreoffice` tests out (make test does)",
            pytrace=False,
        )


def _pg_admin_engine() -> sa.Engine:
    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server; its absence fails the tests unless NOTICES_SKIP_POSTGRES=1 says otherwise."""
    try:
        with _pg_admin_engine().connect() as conn:
            conn.execute(sa.text("select 1"))
    except Exception as exc:
        if os.environ.get("NOTICES_SKIP_POSTGRES") == "1":
            pytest.skip(f"PostgreSQL unreachable and NOTICES_SKIP_POSTGRES=1: {exc}")
        pytest.fail(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {exc}")
    return PG_ADMIN_URL


def new_pg_database(admin_url: str) -> tuple[str, callable]:
    name = f"notices_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def warehouse_url(request, tmp_path) -> str:
    """An empty warehouse URL on each database the product supports."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warehouse.db'}"
        return
    admin = request.getfixturevalue("pg_server")
    url, drop = new_pg_database(admin)
    yield url
    from flows import resources

    resources.close_resources()
    drop()


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect API for the whole session (starting one costs 15-30 s); the tests that use it are `slow`."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
