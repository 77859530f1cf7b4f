"""A 100,000-row CSV through `commit_import` on a fresh SQLite database, against the 30 s goal.

The sheet is built here the way district offices send them: Chinese headers, a title row,
legacy district names, areas in 万平方米 for some rows, one green label per building, and
a sprinkling of duplicates and bad rows. Prints rows/s for the dry run and the commit.
"""

from __future__ import annotations

import csv
import io
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import Session, SQLModel

import registry.models  # noqa: F401
from registry.db import make_engine
from registry.domain.buildings.credit_code import make_credit_code
from registry.services import users as user_service
from registry.services.imports.commit import commit_import
from registry.services.imports.preview import preview_import

ROWS = 100_000
GOAL_S = 30.0
HEADERS = [
    "序号",
    "项目名称",
    "项目地址",
    "所在区（市）",
    "建设单位",
    "统一社会信用代码",
    "建筑类型",
    "建筑面积（㎡）",
    "星级",
    "评价阶段",
    "标识编号",
    "发证日期",
]
DISTRICTS = ["市南区", "市北区", "即墨市", "胶南市", "四方区", "370282", "崂山区", "城阳区"]
TYPES = ["办公", "写字楼", "酒店", "商场", "学校", "住宅", "医院"]


def build_csv(rows: int = ROWS) -> bytes:
    """A CSV of `rows` data rows under a title row; every 500th row repeats the previous."""
    codes = [make_credit_code(f"91370200MA3C{n:05d}") for n in range(200)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["2023年青岛市绿色建筑标识项目汇总表"])
    writer.writerow(HEADERS)
    for n in range(1, rows + 1):
        number = n - 1 if n % 500 == 0 else n  # a duplicate of the row above
        area = f"{(number % 90 + 1) / 10}万平方米" if n % 7 == 0 else str(5000 + number % 40000)
        issued = "2021-02-30" if n % 997 == 0 else f"2022-{number % 12 + 1:02d}-15"
        writer.writerow(
            [
                n,
                f"测试项目{number}号楼",
                f"青岛市某路{number}号",
                DISTRICTS[number % 8],
                "青岛某建设有限公司",
                codes[number % 200],
                TYPES[number % 7],
                area,
                ["一星级", "二星级", "★★★"][number % 3],
                "评价",
                f"QD-{number:07d}",
                issued,
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    data = build_csv()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        SQLModel.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            admin = user_service.create_user(
                session=session,
                actor=None,
                username="bench",
                password="load-test-secret-1",
                role="admin",
                districts=[],
            )
            started = time.perf_counter()
            preview = preview_import(
                session=session,
                actor=admin,
                data=data,
                filename="bench.csv",
                today=date(2024, 6, 1),
            )
            dry_run_s = time.perf_counter() - started
            session.rollback()
            started = time.perf_counter()
            result = commit_import(
                session=session,
                actor=admin,
                data=data,
                filename="bench.csv",
                today=date(2024, 6, 1),
            )
            commit_s = time.perf_counter() - started
        engine.dispose()
    counts = result.preview.counts
    print(f"rows: {ROWS:,}  ({len(data) / 1e6:.1f} MB CSV)  outcomes: {counts}")
    print(
        f"dry run: {dry_run_s:6.1f} s  {ROWS / dry_run_s:9,.0f} rows/s  ({preview.accepted:,} "
        f"accepted)"
    )
    verdict = "within" if commit_s <= GOAL_S else "OVER"
    print(
        f"commit:  {commit_s:6.1f} s  {ROWS / commit_s:9,.0f} rows/s  "
        f"{verdict} the {GOAL_S:.0f} s goal"
    )


if __name__ == "__main__":
    main()
