"""The one text mechanism: locales, the compiled catalogue, message codes, vocabularies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from registry import i18n, vocabulary
from registry.domain.text import names
from registry.i18n import gettext, locale_of, pgettext, render
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("value", "locale"),
    [
        ("zh", "zh_Hans_CN"),
        ("zh-CN", "zh_Hans_CN"),
        ("zh_Hans_CN", "zh_Hans_CN"),
        ("zh-Hans", "zh_Hans_CN"),
        ("en", "en"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh-CN;q=0.5, en;q=0.8", "en"),
        ("fr-FR, en;q=0.2", "en"),
        ("en;q=0, zh", "zh_Hans_CN"),
        ("*", "zh_Hans_CN"),
        ("fr", "zh_Hans_CN"),
        ("", "zh_Hans_CN"),
        (None, "zh_Hans_CN"),
    ],
)
def test_locale_of_reads_what_users_and_clients_send(value, locale):
    assert locale_of(value) == locale
    assert locale in i18n.LOCALES


def test_parse_locale_says_when_it_does_not_know():
    assert i18n.parse_locale("fr") is None and i18n.parse_locale(None) is None
    assert i18n.parse_locale("en-GB") == "en"


def test_short_codes_and_language_tags_round_trip():
    for locale in i18n.LOCALES:
        assert locale_of(i18n.lang_code(locale)) == locale
    assert i18n.html_lang("zh") == "zh-CN" and i18n.html_lang("en") == "en"
    assert i18n.locale_name("zh") == "中文" and i18n.locale_name("en") == "English"


def test_gettext_reads_the_catalogue_in_each_locale():
    assert gettext("Buildings", "zh") == "建筑"
    assert gettext("Buildings", "en") == "Buildings"
    assert gettext("A sentence nobody wrote", "zh") == "A sentence nobody wrote"
    assert gettext("", "zh") == ""
    # One English word, two things: the context decides.
    assert pgettext("record status", "Approved", "zh") == "已批准"
    assert pgettext("role", "Designer", "zh") == "设计人员"


def test_render_translates_by_code_and_fills_params():
    assert render("record.not_found", {"id": 7}, "zh") == "找不到编号为 7 的记录。"
    assert render("record.not_found", {"id": 7}, "en-US") == "No record with id 7."
    # Two codes with the same English keep their own Chinese (the code is the msgctxt).
    assert i18n.messages()["field.not_a_number"] == i18n.messages()["number.unreadable"]


def test_render_translates_and_joins_a_list_of_names():
    choices = names("building type", ["Residential", "Shopping mall"], join="or")
    params = {"value": "商住楼", "choices": choices}
    zh = render("building.type_ambiguous", params, "zh")
    en = render("building.type_ambiguous", params, "en")
    assert "居住建筑、商场建筑" in zh
    assert "Residential or Shopping mall" in en


def test_render_of_an_unknown_code_or_missing_params_is_never_a_traceback():
    assert render("no.such.code", {}, "zh") == "no.such.code"
    assert "{id}" in render("record.not_found", {}, "en")


def test_every_vocabulary_code_has_a_name_in_both_languages():
    for context, table in vocabulary.VOCABULARIES.items():
        for code, english in table.items():
            zh = vocabulary.name(context, code, "zh")
            assert zh and zh != english, (context, code)
            assert vocabulary.name(context, code, "en") == english
    assert vocabulary.district("370211", "zh") == "黄岛区"
    assert vocabulary.sub_type(None, "star_5", "zh") == "五星级"
    assert vocabulary.record_level(None, "3", "en") == "Three star"
    assert vocabulary.building_type("no_such_type", "zh") == "no_such_type"
    assert vocabulary.building_type(None, "zh") == ""


def test_a_stale_or_missing_compiled_catalogue_is_compiled(tmp_path, monkeypatch):
    translations = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS_DIR, translations, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", translations)
    monkeypatch.setattr(i18n, "_translations", {})
    mo = translations / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"
    assert not mo.exists()
    assert gettext("Buildings", "zh") == "建筑"  # a fresh checkout never shows English
    assert mo.exists()
    # An edited .po (newer than its .mo) is compiled again.
    po = mo.with_suffix(".po")
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgid "Log out"\nmsgstr "退出登录"', 'msgid "Log out"\nmsgstr "登出"'
        ),
        encoding="utf-8",
    )
    old = po.stat().st_mtime - 10
    os.utime(mo, (old, old))
    monkeypatch.setattr(i18n, "_translations", {})
    assert gettext("Log out", "zh") == "登出"


def test_a_read_only_install_compiles_in_memory(tmp_path, monkeypatch):
    translations = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS_DIR, translations, ignore=shutil.ignore_patterns("*.mo"))
    folder = translations / "zh_Hans_CN" / "LC_MESSAGES"
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anyway: make the write fail instead
            monkeypatch.setattr(i18n.Path, "replace", _refuse)
        monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", translations)
        monkeypatch.setattr(i18n, "_translations", {})
        assert gettext("Buildings", "zh") == "建筑"
    finally:
        folder.chmod(0o755)


def _refuse(*_args, **_kwargs):
    raise PermissionError("read-only")


def test_text_needs_neither_flask_nor_the_database():
    # The remote CLI renders messages and names; it must not pay for Flask or SQLAlchemy.
    code = (
        "import sys\n"
        "from registry import i18n, vocabulary\n"
        "i18n.render('cli.token_required', {}, 'zh')\n"
        "vocabulary.check_state('done', 'zh')\n"
        "print(sorted(m for m in ('flask', 'flask_babel', 'sqlalchemy', 'sqlmodel', 'jinja2')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
