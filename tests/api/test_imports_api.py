"""Import and export over the API, and the anonymous verify endpoint."""

from __future__ import annotations

import csv
import io

from registry.domain.buildings.credit_code import make_credit_code

CODE = make_credit_code("91370200MA3C0001X")


def _csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


SHEET = _csv(
    [
        [
            "项目名称",
            "所在区（市）",
            "统一社会信用代码",
            "建筑类型",
            "建筑面积",
            "星级",
            "评价阶段",
            "标识编号",
            "发证日期",
        ],
        ["甲楼", "市南区", CODE, "办公", "12000", "二星级", "评价", "API-1", "2021-06-01"],
        ["乙楼", "崂山区", CODE, "办公", "12000", "二星级", "评价", "API-2", "2021-06-01"],
        ["丙楼", "市南区", "123", "办公", "12000", "二星级", "评价", "API-3", "2021-06-01"],
    ]
)


def _post(api, token, query="", data=SHEET, name="sheet.csv", lang="en"):
    return api.call(
        "POST",
        f"/api/v1/imports{query}",
        token,
        lang=lang,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_dry_run_then_commit_then_idempotent(api_both):
    token = api_both.token(role="officer", districts=("370202",))
    dry = _post(api_both, token, "?dry_run=1")
    assert dry.status_code == 200
    body = dry.get_json()
    assert body["dry_run"] and body["batch"] is None
    assert [r["outcome"] for r in body["rows"]] == ["new_building", "rejected", "rejected"]
    assert body["rows"][1]["problems"][0]["code"] == "permission.district"
    assert body["rows"][2]["problems"][0]["field"] == "owner_credit_code"
    done = _post(api_both, token)
    assert done.status_code == 201
    assert done.get_json()["batch"]["new_buildings"] == 1
    again = _post(api_both, token)
    body = again.get_json()
    assert again.status_code == 200 and body["repeated"] is True
    assert body["batch"]["id"] == done.get_json()["batch"]["id"]
    assert again.get_json()["counts"]["duplicate"] == 1


def test_imports_need_an_officer_and_a_file(api):
    assert _post(api, None).status_code == 401
    assert _post(api, api.token(role="designer")).status_code == 403
    response = api.call("POST", "/api/v1/imports", api.token(role="admin"), data={})
    assert response.status_code == 422 and "file" in response.get_json()["errors"]


def test_export_csv_and_xlsx(api):
    token = api.token(role="admin")
    assert _post(api, token).status_code == 201
    response = api.get("/api/v1/buildings/export?format=csv&lang=en", token)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Project name" and {r[0] for r in rows[1:]} == {"甲楼", "乙楼"}
    filtered = api.get("/api/v1/buildings/export?district_code=崂山区", token)
    assert [r[0] for r in csv.reader(io.StringIO(filtered.get_data(as_text=True)))][1:] == ["乙楼"]
    xlsx = api.get("/api/v1/buildings/export?format=xlsx", token)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert api.get("/api/v1/buildings/export?format=pdf", token).status_code == 422


def test_verify_is_anonymous_and_says_nothing_about_owners(api):
    token = api.token(role="admin")
    _post(api, token)
    response = api.get("/api/v1/verify/API-1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "valid" and body["building_name"] == "甲楼"
    assert body["url"].endswith("/verify/API-1")
    assert not {"owner_name", "owner_credit_code", "address"} & set(body)
    assert CODE not in response.get_data(as_text=True)
    missing = api.get("/api/v1/verify/NOPE", lang="en")
    assert missing.status_code == 404 and missing.get_json()["code"] == "verify.not_found"


def test_the_openapi_document_lists_the_new_routes(api):
    paths = api.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/imports", "/api/v1/buildings/export", "/api/v1/verify/{label}"} <= set(paths)
    assert paths["/api/v1/verify/{label}"]["get"]["security"] == []


def test_the_report_shows_each_columns_field_and_the_refused_rows_download(api):
    import json

    import openpyxl

    token = api.token(role="officer", districts=("370202",))
    sheet = _csv(
        [
            ["项目名称", "所在区（市）", "建筑类型", "建筑面积", "星级", "标识类型", "评价阶段"]
            + ["标识编号", "发证日期", "备注栏"],
            [
                "甲楼",
                "市南区",
                "办公",
                "12000",
                "二星级",
                "绿色建筑标识",
                "评价",
                "M-1",
                "2021-06-01",
            ],
            ["乙楼", "市南区", "办公", "-1", "二星级", "绿色建筑标识", "评价", "M-2", "2021-06-01"],
        ]
    )
    body = _post(api, token, "?dry_run=1", data=sheet).get_json()
    read = {c["header"]: (c["field"], c["status"]) for c in body["mapping"]}
    assert read["标识类型"] == read["评价阶段"] == ("stage", "shared")
    assert read["备注栏"] == ("ignore", "unknown")
    assert len(body["warnings"]) == 2
    remapped = api.call(
        "POST",
        "/api/v1/imports?dry_run=1",
        token,
        lang="en",
        data={"file": (io.BytesIO(sheet), "s.csv"), "mapping": json.dumps({"标识类型": "ignore"})},
        content_type="multipart/form-data",
    ).get_json()
    assert [(r["outcome"], r["name"], r["label_number"]) for r in remapped["rows"]] == [
        ("new_building", "甲楼", "M-1"),
        ("rejected", "乙楼", "M-2"),
    ]
    assert remapped["rows"][1]["problems"][0]["column"] == "建筑面积"
    errors = api.call(
        "POST",
        "/api/v1/imports/errors",
        token,
        data={"file": (io.BytesIO(sheet), "s.csv"), "mapping": json.dumps({"标识类型": "ignore"})},
        content_type="multipart/form-data",
    )
    assert errors.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(errors.data)).worksheets[0].values)
    assert [row[0] for row in rows] == ["项目名称", "乙楼"] and rows[0][-1] == "导入问题"
    template = api.get("/api/v1/imports/template", token)
    assert template.status_code == 200 and template.data[:2] == b"PK"
    bad = api.call(
        "POST",
        "/api/v1/imports?dry_run=1",
        token,
        data={"file": (io.BytesIO(sheet), "s.csv"), "mapping": json.dumps({"标识类型": "nope"})},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422


def test_an_async_commit_is_a_job_with_progress_and_a_report(api_both):
    """async=1 (and any file over 1 MB) answers 202 with the job at once; the worker's run
    (`run_import`, as the task calls it) then gives the report at the job's URL."""
    from pathlib import Path

    from registry.services.imports.jobs import run_import

    token = api_both.token(role="officer", districts=("370202",))
    queued = _post(api_both, token, "?async=1")
    assert queued.status_code == 202
    job = queued.get_json()
    assert job["state"] == "queued" and job["kind"] == "commit" and job["report"] is None
    assert queued.headers["Location"] == job["status_url"]
    state = run_import(
        engine=api_both.app.extensions["registry.engine"],
        folder=Path(api_both.app.config["UPLOAD_DIR"]) / "imports",
        job_id=job["id"],
        worker="test",
    )
    assert state == "done"
    done = api_both.call("GET", job["status_url"], token, lang="en").get_json()
    assert done["state"] == "done" and done["fraction"] == 1.0
    assert done["report"]["batch"]["new_buildings"] == 1 and "Imported" in done["message"]
    other = api_both.token(role="officer", districts=("370202",))
    assert api_both.call("GET", job["status_url"], other).status_code == 403
    cancelled = api_both.call("POST", job["status_url"] + "/cancel", token).get_json()
    assert cancelled["state"] == "done"  # over already: nothing to cancel
