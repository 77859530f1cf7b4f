"""Every message a service or domain rule can show a user, in Chinese and English.

Kept out of Flask so the CLI, the API, the web pages and the PDF reports render the
same words. Domain modules keep their own MESSAGES dicts; they are merged here.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

CORE_MESSAGES: dict[str, tuple[str, str]] = {
    "validation.failed": ("提交的信息有误，请按提示修改。", "Some fields need correcting."),
    "field.required": ("此项为必填项。", "This field is required."),
    "field.too_long": ("最多 {max} 个字符。", "At most {max} characters."),
    "field.not_a_number": ("“{value}”不是数字。", "“{value}” is not a number."),
    "field.not_an_integer": ("“{value}”不是整数。", "“{value}” is not a whole number."),
    "field.out_of_range": ("应在 {low} 到 {high} 之间。", "Must be between {low} and {high}."),
    "field.not_boolean": ("“{value}”应为“是”或“否”。", "“{value}” should be yes or no."),
    "field.choice_unknown": ("“{value}”不是可选项。", "“{value}” is not one of the choices."),
    "field.not_a_date": (
        "“{value}”不是有效日期（格式 YYYY-MM-DD）。",
        "“{value}” is not a valid date (use YYYY-MM-DD).",
    ),
    "area.not_a_number": (
        "面积“{value}”不是数字，请填写平方米数。",
        "Area “{value}” is not a number; enter square metres.",
    ),
    "area.not_positive": ("面积必须大于 0。", "Area must be greater than 0."),
    "area.too_large": (
        "面积超过 {max} 平方米，可能是单位错误（万平方米？）。",
        "Area exceeds {max} m²; is it in 10,000 m² (万平方米) by mistake?",
    ),
    "district.unknown": (
        "“{value}”不是青岛市的区（市）。请选择十个区（市）之一。",
        "“{value}” is not one of Qingdao's ten districts.",
    ),
    "building.type_unknown": ("未知的建筑类型“{value}”。", "Unknown building type “{value}”."),
    "building.sub_type_unknown": (
        "“{value}”不是该建筑类型的细分类别。",
        "“{value}” is not a sub-type of this building type.",
    ),
    "building.assembly_rate_without_prefab": (
        "非装配式建筑不应填写装配率。",
        "An assembly rate is only for prefabricated buildings.",
    ),
    "building.coordinates_pair": (
        "经度和纬度需同时填写。",
        "Give both latitude and longitude, or neither.",
    ),
    "building.heated_area_exceeds_floor": (
        "供暖面积不能大于建筑面积（{floor} m²）。",
        "The heated area cannot exceed the floor area ({floor} m²).",
    ),
    "building.persons_and_area_per_person": (
        "请只填写人数或人均面积中的一项。",
        "Give the number of persons or the area per person, not both.",
    ),
    "building.persons_need_area": (
        "按人数计算人均面积需要同时填写建筑面积。",
        "The area per person is worked out from the floor area: give it with the persons.",
    ),
    "building.not_found": ("找不到编号为 {id} 的建筑。", "No building with id {id}."),
    "building.has_records": (
        "该建筑已有认证记录，不能删除。",
        "The building has records and cannot be deleted.",
    ),
    "record.not_found": ("找不到编号为 {id} 的记录。", "No record with id {id}."),
    "record.kind_unknown": ("未知的记录类别“{value}”。", "Unknown record kind “{value}”."),
    "record.level_unknown": (
        "“{value}”不是该类别的等级。",
        "“{value}” is not a level of this kind.",
    ),
    "record.stage_required": (
        "绿色建筑标识需选择评价阶段（预评价或评价）。",
        "A green label needs a stage (pre-evaluation or evaluation).",
    ),
    "record.stage_only_for_labels": (
        "只有绿色建筑标识有评价阶段。",
        "Only green labels have a stage.",
    ),
    "record.issued_on_required": ("请填写发证日期。", "Enter the issue date."),
    "record.label_number_required": ("请填写标识编号。", "Enter the label number."),
    "record.label_number_malformed": (
        "标识编号最多 64 个字符，且不能含控制字符。",
        "A label number has at most 64 characters and no control characters.",
    ),
    "record.label_number_taken": (
        "标识编号“{label_number}”已被记录 {other_id} 使用，标识编号不能重复。",
        "Label number “{label_number}” is already used by record {other_id}.",
    ),
    "record.started_on_required": ("请填写改造开始日期。", "Enter the start date."),
    "record.completed_before_started": (
        "完成日期早于开始日期。",
        "The completion date is before the start date.",
    ),
    "record.date_in_future": ("日期 {date} 晚于今天。", "The date {date} is in the future."),
    "record.counted_area_exceeds_building": (
        "计入面积 {area} m² 大于建筑面积 {building_area} m²。",
        "Counted area {area} m² exceeds the building's floor area {building_area} m².",
    ),
    "record.bad_transition": (
        "当前状态为“{status}”，不能执行“{action}”。",
        "A record that is “{status}” cannot be “{action}”.",
    ),
    "record.not_editable": (
        "已批准的记录不能直接修改，请使用“更正”（需说明原因）。",
        "An approved record cannot be edited; use a correction with a reason.",
    ),
    "record.reason_required": ("请说明原因。", "Give a reason."),
    "record.revoked_before_issue": (
        "撤销日期 {date} 早于发证（生效）日期 {issued}。",
        "The revocation date {date} is before the issue date {issued}.",
    ),
    "permission.denied": ("您没有权限执行此操作。", "You are not allowed to do this."),
    "permission.district": (
        "您只能处理所辖区（市）的建筑（{districts}）。",
        "You can only act on buildings in your districts ({districts}).",
    ),
    "permission.designer_cannot_review": (
        "设计人员不能审批记录。",
        "Designers cannot approve or reject records.",
    ),
    "permission.own_buildings_only": (
        "设计人员只能为自己登记的建筑提交记录。",
        "Designers can only submit records for buildings they registered.",
    ),
    "user.username_taken": ("用户名“{username}”已存在。", "Username “{username}” is taken."),
    "user.role_unknown": ("未知角色“{role}”。", "Unknown role “{role}”."),
    "user.officer_needs_district": (
        "审核人员至少需要一个所辖区（市）。",
        "An officer needs at least one district.",
    ),
    "user.password_too_short": (
        "密码至少需要 {min} 个字符。",
        "The password needs at least {min} characters.",
    ),
    "auth.invalid": ("用户名或密码错误。", "Wrong username or password."),
    "auth.invalid_current_password": ("当前密码不正确。", "The current password is wrong."),
    "user.password_unchanged": ("新密码不能与当前密码相同。", "Choose a new password."),
    "user.passwords_differ": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "auth.locked": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed logins; try again in {minutes} minutes.",
    ),
    "auth.token_invalid": ("API 令牌无效或已停用。", "The API token is invalid or disabled."),
    "auth.required": ("请先登录。", "Please log in."),
    "server.database_unavailable": (
        "数据库暂时不可用，请稍后重试。未保存任何数据。",
        "The database is unavailable; try again shortly. Nothing was saved.",
    ),
    "server.error": (
        "服务器出错，未保存任何数据。请稍后重试或联系管理员。",
        "Server error; nothing was saved. Try again or contact the administrator.",
    ),
    "request.not_json": ("请求正文必须是 JSON 对象。", "The request body must be a JSON object."),
    "request.csrf_failed": (
        "表单已过期或来源无效，请刷新页面后重试。未保存任何数据。",
        "The form expired or did not come from this site; reload the page and try again. "
        "Nothing was saved.",
    ),
    "request.nul_character": (
        "提交的内容含有空字符（\\0），无法保存。未保存任何数据。",
        "The request contains a NUL character (\\0), which cannot be stored. Nothing was saved.",
    ),
    "request.invalid_value": (
        "提交的某个值无法保存（文本过长或数字超出范围）。未保存任何数据。",
        "A value in the request cannot be stored (text too long or a number out of range). "
        "Nothing was saved.",
    ),
    "field.control_characters": (
        "不能含有控制字符或改变文字方向的字符。",
        "Must not contain control characters or text-direction overrides.",
    ),
    "http.400": ("请求无效。", "The request was not valid."),
    "http.403": ("您没有权限访问此页面。", "You are not allowed to see this page."),
    "http.404": ("找不到该页面。", "Page not found."),
    "http.405": ("不支持此操作方式。", "This action is not allowed here."),
    "http.413": ("上传的文件太大。", "The uploaded file is too large."),
}

# Domain modules that carry their own (zh, en) message tables. The IDF messages are read
# from idf_messages, not idf: that one imports eppy and numpy (~0.2 s), which a process
# that only shows a message (the CLI, a web page) never needs.
_DOMAIN_MESSAGE_MODULES = (
    "registry.domain.buildings.credit_code",
    "registry.domain.buildings.districts",
    "registry.domain.imports.normalise",
    "registry.domain.imports.rows",
    "registry.services.imports.preview",
    "registry.services.buildings.verify",
    "registry.domain.checks.messages",
    "registry.domain.checks.errfile",
    "registry.domain.checks.results",
    "registry.domain.checks.validity",
    "registry.domain.quotas.verdict",
    "registry.domain.checks.weather",
    "registry.domain.tally.targets",
    "registry.services.checks.messages",
    "registry.cli.checks.remote",
)

_catalogue: dict[str, tuple[str, str]] | None = None


def catalogue() -> dict[str, tuple[str, str]]:
    global _catalogue
    if _catalogue is None:
        merged = dict(CORE_MESSAGES)
        for name in _DOMAIN_MESSAGE_MODULES:
            module = importlib.import_module(name)
            for code, pair in getattr(module, "MESSAGES", {}).items():
                merged.setdefault(code, tuple(pair))
        _catalogue = merged
    return _catalogue


def render(code: str, params: dict | None = None, locale: str = "zh") -> str:
    """The message for `code` in `locale` ('zh…' or 'en'), with params filled in."""
    zh, en = catalogue().get(code, (code, code))
    template = zh if str(locale).lower().startswith("zh") else en
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        log.warning("message %s rendered without all params %s", code, params)
        return template
