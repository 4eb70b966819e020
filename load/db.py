"""Engines and schema management for the warehouse (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where the schema is checked or migrated: reader processes import this module (through
# flows.pipeline) but never migrate, and the import costs them ~0.15 s of CPU at start-up.

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 60_000
# Loads are serialised by one transaction-scoped advisory lock on PostgreSQL (extraction stays parallel).
PG_LOAD_LOCK = 72_019_607


class WarehouseError(RuntimeError):
    """The warehouse cannot be used (unreachable, or its schema is behind and upgrades are off)."""


def masked(url: str) -> str:
    """The URL with any password hidden, for logs, artifacts and status output."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable warehouse URL>"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases, in-memory ones and URI filenames."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") in ("true", "1"):
        return None
    return Path(parsed.database)


def check_openable(url: str, create: bool = True) -> None:
    """Raise a `WarehouseError` that says what is wrong when the warehouse at `url` cannot be opened: a URL
    that does not parse, a SQLite file in a folder that does not exist, or (with `create` off, for commands
    that only read) a SQLite file that does not exist, which opening would create. Servers are not
    contacted here."""
    try:
        make_url(url)
    except ArgumentError:
        raise WarehouseError(
            "the warehouse URL is not a database URL (sqlite:///FILE or postgresql://USER@HOST:PORT/DB)"
        ) from None
    path = sqlite_file(url)
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        raise WarehouseError(f"warehouse folder {folder} does not exist (warehouse URL {masked(url)})")
    if not create and not path.exists():
        raise WarehouseError(f"no warehouse at {path}: run `notices ingest` first to create it")


def make_engine(url: str) -> Engine:
    """An engine with the settings loads rely on: SQLite gets a busy timeout and write-locking transactions."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        _sqlite_write_locking(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_write_locking(engine: Engine) -> None:
    """Writing transactions start with BEGIN IMMEDIATE: two writers queue instead of failing mid-load."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


_WRITE = "notices_write"


def write_transaction(engine: Engine):
    """A transaction that writes: on SQLite it takes the write lock up front (readers stay unblocked)."""
    return engine.execution_options(**{_WRITE: True}).begin()


def lock_for_load(conn) -> None:
    """Serialise loads across processes for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOAD_LOCK})


def now() -> dt.datetime:
    """The time stamps the warehouse records (`*_at` columns), in UTC."""
    return dt.datetime.now(dt.UTC)


def insert_for(conn: Connection, table: Table):
    """An INSERT that knows its dialect's ON CONFLICT clause (both databases spell it the same way)."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_is_current(engine: Engine) -> bool:
    """Whether the warehouse is at the latest migration, told without importing Alembic (its import and
    reading every migration script cost a command that finds nothing new ~0.3 s): the stored revision is read
    with plain SQL, the latest from the migration files' `revision`/`down_revision` lines. False when either
    is in doubt (`ensure_schema` then asks Alembic). Raises a `WarehouseError` when the warehouse cannot be
    opened."""
    check_openable(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            stored = [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except Exception as exc:  # connection refused, bad credentials, unknown database …
        raise WarehouseError(
            f"warehouse unreachable at {masked(str(engine.url))}: {first_line(exc)}"
        ) from exc
    head = declared_head()
    return head is not None and stored == [head]


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def declared_head() -> str | None:
    """The latest revision, read from the migration files' `revision = "…"` / `down_revision = "…"` lines;
    None unless they form one plain chain of string ids (merges, branches, other spellings: ask Alembic)."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        rev, down = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r"[\"'][\w-]+[\"']", rev) or not re.fullmatch(r"None|[\"'][\w-]+[\"']", down):
            return None
        revisions[rev[1:-1]] = None if down == "None" else down[1:-1]
    heads = set(revisions) - set(revisions.values())
    return heads.pop() if len(heads) == 1 else None


def ensure_schema(engine: Engine, upgrade: bool = True) -> None:
    """Bring the warehouse to the latest migration, or refuse when upgrades are off and it is behind."""
    if schema_is_current(engine):
        return
    try:
        current = current_revision(engine)
    except Exception as exc:  # connection refused, bad credentials, unknown database …
        raise WarehouseError(
            f"warehouse unreachable at {masked(str(engine.url))}: {first_line(exc)}"
        ) from exc
    head = head_revision()
    if current == head:
        return
    if not upgrade:
        raise WarehouseError(
            f"warehouse schema is at {current or 'nothing'}, this version needs {head}; "
            "run without --no-upgrade to migrate it"
        )
    upgrade_to(engine, "head")


def upgrade_to(engine: Engine, revision: str) -> None:
    """Migrate in one transaction. On SQLite, migrations that rebuild a table other tables reference run
    with foreign-key enforcement off (it can only be switched outside a transaction); the references are
    checked before commit instead."""
    from alembic import command

    cfg = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.execution_options(**{_WRITE: True}).begin():
                lock_for_load(conn)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").first()):
                    raise WarehouseError(f"migration to {revision} broke a reference: {tuple(broken)}")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def first_line(exc: BaseException) -> str:
    """An error's first line (at most 300 characters), for messages of one line."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
