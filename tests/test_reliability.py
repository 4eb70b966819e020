"""Hostile input and faults: every bad file ends with a reason, a hung parser is stopped, faults are retried."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image
from reportlab.lib import pdfencrypt
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from extract.errors import (
    CorruptPdf,
    EncryptedPdf,
    ExtractError,
    ExtractTimeout,
    NoTextLayer,
    ReaderBug,
    TooLarge,
)
from extract.isolated import Extractor
from load.db import make_engine
from tests.conftest import NOTICES, REAL, SEED
from tests.helpers import faults, fuzzing, pdfcraft
from tests.helpers.fuzzing import fuzz_reader


def _encrypted() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "hello")
    c.showPage()
    c.save()
    return buf.getvalue()


def _image_only() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(ImageReader(Image.new("RGB", (300, 300), "white")), 50, 50, 400, 400)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def extractor():
    with Extractor(workers=1, timeout_s=20) as ex:
        yield ex


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (_encrypted, EncryptedPdf, "password"),
        (_image_only, NoTextLayer, "OCR needed"),
        (pdfcraft.self_referencing_pages, CorruptPdf, "corrupt"),
        (pdfcraft.deeply_nested, ExtractError, ""),
        (lambda: SEED.read_bytes()[: len(SEED.read_bytes()) // 2], CorruptPdf, "corrupt"),
    ],
    ids=["encrypted", "image-only", "page-tree-loop", "deep-nesting", "truncated"],
)
def test_hostile_files_are_rejected_with_a_reason(extractor, tmp_path, make, error, words):
    path = tmp_path / "bad.pdf"
    path.write_bytes(make())
    try:
        raw = extractor.read(path)
    except ExtractError as exc:
        assert isinstance(exc, error) and words in exc.reason
        return
    assert error is ExtractError and raw.projects == []  # read as a PDF with nothing in it is acceptable


def test_page_cap(tmp_path):
    with Extractor(workers=1, max_pages=5) as ex, pytest.raises(TooLarge, match="8 > limit 5"):
        ex.read(SEED)


def test_hung_parser_is_stopped_and_the_pool_recovers(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdfcraft.flate_bomb(40))
    assert bomb.stat().st_size < 1_000_000
    with Extractor(workers=1, timeout_s=3, memory_mb=0) as ex:
        with pytest.raises(ExtractTimeout, match="longer than 3 s"):
            ex.read(bomb)
        assert len(ex.read(NOTICES / "notice_001.pdf").projects) == 1


def test_memory_cap_stops_a_runaway_reader(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdfcraft.flate_bomb(300))
    with Extractor(workers=1, timeout_s=120, memory_mb=400) as ex, pytest.raises((TooLarge, CorruptPdf)):
        ex.read(bomb)


def test_fuzzed_sample_pdfs_never_crash_the_reader(tmp_path):
    """Mutated copies of real notices: each is read or rejected with a reason. None may end as a bug of
    this program's own code (which the reader reports as such, not as a corrupt file: see below)."""
    outcomes = fuzz_reader(sorted(NOTICES.glob("*.pdf")), 120, tmp_path, seed=20191)
    assert sum(outcomes.values()) == 120
    assert outcomes["ReaderBug"] == 0, "\n\n".join(fuzzing.bugs[:3])
    assert outcomes["read"] and outcomes["CorruptPdf"]  # the mutations reach both outcomes


def test_a_bug_in_the_reader_is_a_bug_not_a_corrupt_file():
    """An error raised by the reader's own code comes back as a ReaderBug with its traceback, while the
    same kind of error raised inside pdfminer means a broken file."""
    with Extractor(workers=1, work=faults.read_with_a_bug) as ex, pytest.raises(ReaderBug) as bug:
        ex.read(NOTICES / "notice_001.pdf")
    assert "IndexError" in bug.value.reason and "internal error" in bug.value.reason
    assert "in broken" in bug.value.traceback and not isinstance(bug.value, ExtractError)


def test_a_bug_in_transform_fails_the_file_and_the_next_run_retries_it(tmp_path):
    from flows.pipeline import process_file
    from flows.runs import split_known
    from flows.sources import iter_sources
    from load.db import ensure_schema

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    (src,) = iter_sources([str(NOTICES / "notice_001.pdf")], tmp_path)
    with Extractor(workers=1, work=faults.prepare_with_a_bug) as ex:
        result = process_file(src, engine, ex, None)
    assert result.status == "failed" and "KeyError: 'planted bug'" in result.reason
    with engine.connect() as c:
        row = c.execute(sa.text("select status, reason from v_source_files")).one()
    assert row[0] == "failed" and "internal error" in row[1]
    todo, known = split_known(engine, [src])
    assert todo == [src] and known == {}
    engine.dispose()


def test_rejected_files_are_read_again_only_when_asked(tmp_path):
    from flows.pipeline import prepare_file, process_file
    from flows.runs import split_known
    from flows.sources import iter_sources
    from load.db import ensure_schema

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    bad = tmp_path / "half.pdf"
    bad.write_bytes(SEED.read_bytes()[: len(SEED.read_bytes()) // 2])
    (src,) = iter_sources([str(bad)], tmp_path)
    with Extractor(workers=1, work=prepare_file) as ex:
        assert process_file(src, engine, ex, None).status == "rejected"
    assert split_known(engine, [src])[0] == []
    assert split_known(engine, [src], retry_rejected=True)[0] == [src]
    engine.dispose()


def test_a_newer_reader_reads_again_what_an_older_one_did_not_load(tmp_path, monkeypatch):
    """A file that came out no_targets, rejected or quarantined may hold tables a newer reader can read: a
    run with a newer PARSER_VERSION reads it again. Loaded files are never read again."""
    from flows import pipeline, runs
    from flows.sources import iter_sources
    from load.db import ensure_schema

    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    ensure_schema(engine)
    real = next(REAL.glob("*.pdf"))  # a budget with no target table
    srcs = list(iter_sources([str(NOTICES / "notice_001.pdf"), str(real)], tmp_path))
    with Extractor(workers=1, work=pipeline.prepare_file) as ex:
        statuses = sorted(pipeline.process_file(s, engine, ex, None).status for s in srcs)
    assert statuses == ["loaded", "no_targets"]
    assert runs.split_known(engine, srcs)[0] == []
    monkeypatch.setattr(runs, "PARSER_VERSION", "999.0.0")
    todo, known = runs.split_known(engine, srcs)
    assert [s.name for s in todo] == [real.name] and list(known.values()) == ["loaded"]
    engine.dispose()


def test_database_fault_is_retried_then_recorded_failed_and_retried_next_run(
    prefect_harness, warehouse_url, monkeypatch
):
    from flows import ingest, pipeline, resources

    real_load = pipeline.load_notice
    real_read = ingest.read_file
    calls = {"n": 0, "reads": 0}

    def counted_read(src, *args, **kwargs):
        calls["reads"] += src.name == "notice_001.pdf"
        return real_read(src, *args, **kwargs)

    def flaky_load(engine, f, *args, **kwargs):
        if f.file_name == "notice_001.pdf":
            calls["n"] += 1
            raise sa.exc.OperationalError(
                "INSERT", {}, Exception("server closed the connection unexpectedly")
            )
        return real_load(engine, f, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_notice", flaky_load)
    monkeypatch.setattr(ingest, "read_file", counted_read)
    url = warehouse_url
    files = [str(NOTICES / "notice_001.pdf"), str(NOTICES / "notice_002.pdf")]
    try:
        summary = ingest.ingest_notices(sources=files, warehouse=url)
    finally:
        resources.close_resources()
    assert summary.by_status == {"failed": 1, "loaded": 1}
    assert calls["n"] == 3  # first try and two retries of the load task
    assert calls["reads"] == 1  # the file was read once: retries repeat only the load
    engine = make_engine(url)
    with engine.connect() as c:
        rows = dict(c.execute(sa.text("select source_file, status from v_source_files")).all())
    assert rows == {"notice_001.pdf": "failed", "notice_002.pdf": "loaded"}

    monkeypatch.setattr(pipeline, "load_notice", real_load)
    try:
        again = ingest.ingest_notices(sources=files, warehouse=url)
    finally:
        resources.close_resources()
    assert (again.skipped, again.by_status) == (1, {"loaded": 1})
    with engine.connect() as c:
        assert c.execute(sa.text("select count(*) from v_projects")).scalar_one() == 2
    engine.dispose()


def test_a_refused_connection_wrapped_by_ensure_schema_is_a_database_fault():
    """`ensure_schema` wraps the refused connection in a WarehouseError: the retry condition of
    `prepare-warehouse` looks through it; an error of this program's own is not retried."""
    from prefect.states import Failed

    from flows.ingest import _is_db_fault
    from load.db import WarehouseError, ensure_schema

    with pytest.raises(WarehouseError) as refused:
        ensure_schema(make_engine("postgresql://nobody@127.0.0.1:1/none"))
    assert isinstance(refused.value.__cause__, sa.exc.OperationalError)
    assert _is_db_fault(None, None, Failed(data=refused.value))
    assert not _is_db_fault(None, None, Failed(data=WarehouseError("schema is behind")))
    assert not _is_db_fault(None, None, Failed(data=KeyError("bug")))


def test_a_warehouse_that_comes_up_late_is_retried(prefect_harness, pg_server, tmp_path):
    """The warehouse refuses connections for the first seconds of the run (nothing listens on its port),
    then comes up: `prepare-warehouse` is retried and the run loads its file."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    from flows import ingest, resources
    from tests.conftest import new_pg_database
    from tests.helpers.late_proxy import LateProxy

    url, drop = new_pg_database(pg_server)
    real = sa.engine.make_url(url)
    try:
        with LateProxy(real.host or "127.0.0.1", real.port or 5432, delay=4) as proxy:
            late = real.set(port=proxy.port).render_as_string(hide_password=False)
            try:
                summary = ingest.ingest_notices(sources=[str(NOTICES / "notice_001.pdf")], warehouse=late)
            finally:
                resources.close_resources()
        assert summary.by_status == {"loaded": 1}
        assert proxy.connections >= 1  # everything after the retry went through the late port
        engine = make_engine(url)
        with engine.connect() as c:
            status, flow_run_id = c.execute(sa.text("select status, flow_run_id from ops_run")).one()
        engine.dispose()
        assert status == "completed"
        tasks = httpx.post(
            f"{PREFECT_API_URL.value()}/task_runs/filter",
            json={"flow_runs": {"id": {"any_": [flow_run_id]}}},
            timeout=10,
        ).json()
        (prepare,) = [t for t in tasks if t["name"].startswith("prepare-warehouse")]
        assert prepare["state"]["type"] == "COMPLETED"
        assert prepare["run_count"] >= 2, prepare  # refused at first, then retried
    finally:
        drop()
