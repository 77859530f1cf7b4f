"""An officer's real-sized sheet through the web pages: preview, commit, export, verify."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from sqlmodel import func, select

from bench.bench_import import build_csv
from registry.models import Building, Record
from tests.web.conftest import run_import_job

pytestmark = pytest.mark.slow
ROWS = 3_000


def test_a_few_thousand_rows_preview_commit_export_and_verify(
    client, app, app_session, make_user, login
):
    login(client, make_user(app_session, role="admin", username="city-admin"))
    sheet = build_csv(ROWS)
    started = time.perf_counter()
    preview = client.post(
        "/imports",
        data={"file": (io.BytesIO(sheet), "2023汇总表.csv")},
        content_type="multipart/form-data",
    )
    preview_s = time.perf_counter() - started
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    # Every 500th row repeats the one above; every 997th has 2021-02-30: both named.
    assert "2021-02-30" in page
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)
    started = time.perf_counter()
    queued = client.post("/imports/commit", data={"sha256": sha, "filename": "2023汇总表.csv"})
    _, state = run_import_job(app, queued)
    commit_s = time.perf_counter() - started
    assert state == "done"
    buildings = app_session.exec(select(func.count()).select_from(Building)).one()
    records = app_session.exec(select(func.count()).select_from(Record)).one()
    duplicates, bad_dates = ROWS // 500, ROWS // 997
    assert records == ROWS - duplicates - bad_dates
    assert buildings == records
    print(f"\n{ROWS} rows via the web: preview {preview_s:.1f} s, commit {commit_s:.1f} s")

    exported = client.get("/buildings/export.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) - 1 == records  # one line per building with its one record

    client.post("/logout")
    label = app_session.exec(select(Record.label_number).limit(1)).one()
    verified = client.get(f"/verify/{label}")
    assert verified.status_code == 200
    assert "有效" in verified.get_data(as_text=True)
