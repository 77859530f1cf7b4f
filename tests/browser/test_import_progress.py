"""An officer imports a city-scale sheet in a real browser and watches its jobs (issue 23).

The sheet (`bench.bench_import.build_csv`, 25,000 rows, over the 1 MB that a request may
preview itself) is checked and then committed by a real Celery worker; the browser stays on
the job page, whose bar is moved by its own polling of the job's progress. The test samples
the bar as a reader would see it: it must move (values between empty and full, never going
back), the counts must carry thousands separators, and the end must be the stored result.

The server (a thread here) and the worker (a subprocess) share one SQLite database, broker
file and instance folder, as a deployment on one machine would.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select

from bench.bench_import import build_csv
from registry.models import ImportJob, Record
from registry.services.notice import calendar as holiday_calendar
from registry.services.users import create_user
from tests.browser.conftest import served_with_worker

pytestmark = [pytest.mark.requires_chromium, pytest.mark.slow]

ROWS = 25_000
PASSWORD = "officer-password-1"
# The bar as the page shows it, read in the page: its state, fraction and rows read.
SAMPLE = """() => {
  const box = document.getElementById("import-job");
  if (!box) { return null; }
  return [box.dataset.state, document.getElementById("import-bar").value,
          document.getElementById("import-state").textContent,
          document.getElementById("rows-read").textContent];
}"""


@pytest.fixture
def stack(tmp_path):
    def seed(session):
        holiday_calendar.seed(session)  # notices are counted in working days
        create_user(
            session=session,
            actor=None,
            username="qd-officer",
            password=PASSWORD,
            role="admin",
            districts=[],
            display_name="市住建局 王科长",
        )

    with served_with_worker(tmp_path, seed) as stack:
        yield stack


def _watch(page, seconds: float = 240) -> list[tuple[str, float, str, str]]:
    """Sample the job page every 100 ms until the job has ended and the page shows so."""
    from playwright.sync_api import Error

    seen: list[tuple[str, float, str, str]] = []
    for _ in range(int(seconds * 10)):
        try:
            sample = page.evaluate(SAMPLE)
        except Error:  # the page is being reloaded by its script: sample the next one
            page.wait_for_timeout(100)
            continue
        if sample is None:  # the job's end: its page shows the preview or the result
            return seen
        seen.append(tuple(sample))
        if sample[0] not in ("queued", "running"):
            return seen
        page.wait_for_timeout(100)
    raise AssertionError(f"the job did not end in {seconds} s: {seen[-3:]}")


def _moved(seen: list[tuple[str, float, str, str]]) -> list[float]:
    running = [value for state, value, _, _ in seen if state == "running"]
    assert running == sorted(running), f"the bar went back: {running}"
    assert any(0 < value < 1 for value in running), f"the bar never moved: {seen}"
    return running


def test_an_officer_watches_a_25000_row_import_move_and_finish(stack, page, tmp_path, shot):
    from playwright.sync_api import expect

    sheet = tmp_path / "2023年绿色建筑标识汇总.csv"
    sheet.write_bytes(build_csv(ROWS))
    assert sheet.stat().st_size > 1024 * 1024  # checked by the worker, not in the request

    page.goto(f"{stack.url}/login")
    page.fill("#username", "qd-officer")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{stack.url}/imports")
    page.set_input_files("#file", str(sheet))
    page.get_by_role("button", name="预览导入").click()

    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+$"))
    shot(page, "dry-run")
    try:
        checking = _watch(page)
        expect(page.locator("#confirm-import")).to_be_visible()
    except AssertionError:
        print(stack.log.read_text(errors="replace")[-4000:])
        raise
    assert checking, "the dry run's page showed no progress"
    shot(page, "preview", full_page=False)  # 2,000 rows listed

    page.locator("#confirm-import").click()
    expect(page).to_have_url(re.compile(r"/imports/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    try:
        writing = _watch(page)
        expect(page.locator("#import-message")).to_be_visible()
    except AssertionError:
        print(stack.log.read_text(errors="replace")[-4000:])
        raise
    shot(page, "done", full_page=False)
    _moved(writing)
    # The words beside the bar say what the worker is doing, in the order it does it.
    said = []
    for state, _, name, _ in writing:
        if state == "running" and (not said or said[-1] != name):
            said.append(name)
    steps = ["正在读取文件", "正在校验各行", "正在写入各行", "正在写入审计记录并更新统计索引"]
    assert "正在写入各行" in said, said
    assert said == sorted(said, key=steps.index), said
    counts = [text for _, _, _, text in writing]
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", text) for text in counts), counts

    with Session(stack.engine) as session:
        job = session.get(ImportJob, job_id)
        stored = session.exec(select(func.count()).select_from(Record)).one()
    assert job.state == "done" and job.kind == "commit"
    assert stored == job.result["counts"]["new_building"] + job.result["counts"]["new_record"]
    assert stored > ROWS * 0.9
