"""The tally PDF (Chinese text, page numbers, embedded CJK font), charts, CSV and XLSX."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime

import pytest

from registry.documents import charts, rendering, tally_report
from registry.domain.tally.replay import compute_tally
from registry.domain.tally.targets import BuildingFact, RecordFact
from registry.services.tally.presented import context as tally_context
from tests.conftest import poppler

BUILDINGS = [
    BuildingFact(1, "青岛市民健身中心", "370212", "venue", 12_000, True, 2021, True),
    BuildingFact(2, "西海岸实验学校", "370211", "school", 8_000, True, 2021, False),
]
RECORDS = [
    RecordFact(
        1,
        1,
        "green_label",
        "3",
        "published",
        12_000,
        stage="evaluation",
        label_number="NO.2021-3701",
        approved_on=date(2021, 5, 1),
        issued_on=date(2021, 4, 1),
        published_on=date(2021, 5, 13),
    ),
    RecordFact(
        2,
        2,
        "energy",
        "nearly_zero",
        "revoked",
        8_000,
        label_number="NZ-2021-02",
        approved_on=date(2021, 5, 1),
        issued_on=date(2021, 4, 1),
        revoked_on=date(2022, 3, 1),
        published_on=date(2021, 5, 13),
    ),
]


def make_context(locale="zh"):
    tally = compute_tally(
        BUILDINGS, RECORDS, start=date(2021, 1, 1), end=date(2021, 12, 31), as_of=date(2023, 1, 10)
    )
    return tally_context(tally, generated_at=datetime(2023, 1, 10, 8, 0, tzinfo=UTC), locale=locale)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "tally-2021.pdf"
    path.write_bytes(tally_report.tally_pdf(make_context()))
    return path


def test_pdf_has_the_chinese_text_page_numbers_and_digest(pdf_file):
    text = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf_file), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for phrase in (
        "青岛市绿色城市建设发展试点",
        "年度建筑领域目标统计",
        "生成时间",
        "数据截至",
        "一、目标完成情况",
        "二、分区（市）统计",
        "三、分建筑类型统计",
        "附录一",
        "青岛市民健身中心",
        "NO.2021-3701",
        "期后撤销说明",
        "NZ-2021-02",
        "莱西市",
    ):
        assert phrase in text, phrase
    numbers = re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", text)
    total = int(numbers[0][1])
    assert total >= 3 and [int(n) for n, _ in numbers] == list(range(1, total + 1))
    assert all(int(t) == total for _, t in numbers)
    digest = make_context()["digest"]
    assert text.count(digest) >= total  # on the cover and in every footer


def test_pdf_embeds_a_cjk_font(pdf_file):
    fonts = subprocess.run(
        [poppler("pdffonts"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # emb column


def test_the_fetcher_loads_only_report_files_and_data_uris(tmp_path):
    fetcher = rendering.local_url_fetcher()
    assert fetcher((rendering.REPORTS_DIR / "tally.css").as_uri()).read()
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    for url in (
        "http://example.com/x.css",
        secret.as_uri(),
        (rendering.REPORTS_DIR / ".." / "pyproject.toml").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher(url)


def test_a_remote_image_in_the_data_is_never_fetched(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    pdf = rendering.render_pdf(
        "tally.html",
        {
            **make_context(),
            "charts": {"progress": "http://example.com/a.svg", "by_year": "", "by_district": ""},
        },
    )
    assert pdf.startswith(b"%PDF")


def test_charts_are_deterministic_svg_with_text_as_paths():
    ctx = make_context()
    first, second = charts.tally_charts(ctx), charts.tally_charts(ctx)
    assert first == second
    ids = []
    for svg in first.values():
        assert svg.startswith("<svg") and "<text" not in svg and "<path" in svg
        ids += re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))  # three charts can share one page


def test_tally_filename():
    ctx = make_context()
    assert tally_report.tally_filename(ctx, "pdf") == "tally-2021.pdf"


def test_english_pdf_renders(tmp_path):
    pdf = tally_report.tally_pdf(
        make_context("en"), charts={"progress": "", "by_year": "", "by_district": ""}
    )
    assert pdf.startswith(b"%PDF")


def test_pdf_cover_carries_a_qr_code_of_the_verification_page(tmp_path):
    context = tally_context(
        compute_tally(
            BUILDINGS,
            RECORDS,
            start=date(2021, 1, 1),
            end=date(2021, 12, 31),
            as_of=date(2023, 1, 10),
        ),
        generated_at=datetime(2023, 1, 10, 8, 0, tzinfo=UTC),
        locale="zh",
        public_base_url="https://registry.example.gov.cn/",
    )
    assert context["verify_url"] == "https://registry.example.gov.cn/verify"
    pdf = tmp_path / "tally.pdf"
    pdf.write_bytes(
        tally_report.tally_pdf(context, charts={"progress": "", "by_year": "", "by_district": ""})
    )
    text = subprocess.run(
        [poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "扫码查验本报告所列任一标识编号" in text
    assert "https://registry.example.gov.cn/verify" in text
    # WeasyPrint draws the SVG as vectors (no raster image to list), so check the page source.
    from registry.documents.qr import url_qr_svg

    html = rendering.render_html(
        "tally.html",
        {
            **context,
            "charts": {},
            "verify_qr": rendering.svg_data_uri(url_qr_svg(context["verify_url"])),
        },
    )
    assert 'class="verify-qr"' in html and "data:image/svg+xml" in html


def test_a_long_appendix_prints_every_row_on_numbered_pages_with_the_header_repeated(tmp_path):
    context = make_context()
    template = context["rows"][0]
    rows = [
        {**template, "building_id": n, "label_number": f"QD-LONG-{n:04d}", "area_m2": 1000.0 + n}
        for n in range(300)
    ]
    pdf = tmp_path / "tally-2021.pdf"
    pdf.write_bytes(
        tally_report.tally_pdf(
            {**context, "rows": rows}, charts={"progress": "", "by_year": "", "by_district": ""}
        )
    )
    pages = subprocess.run(
        [poppler("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\f")[:-1]
    text = "\f".join(pages)
    assert all(f"QD-LONG-{n:04d}" in text for n in range(300))  # every row, none cut
    assert "共 300 条" in text
    numbers = [re.findall(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页", page) for page in pages]
    assert [n for found in numbers for n in found] == [
        (str(n), str(len(pages))) for n in range(1, len(pages) + 1)
    ]  # one footer on each page, the summary's included, numbered in one run
    listing = [page for page in pages if "QD-LONG-" in page]
    assert len(listing) >= 3 and all("标识编号" in page for page in listing)  # header repeated
    assert all(context["digest"] in page for page in pages)
    fonts = subprocess.run(
        [poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines() if "CJK" in line)
