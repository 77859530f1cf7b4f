"""The registry's one text mechanism: the gettext catalogue, in the reader's locale.

English is the source language: every page string, code message and vocabulary name is
written in English in the code, and `registry/translations/zh_Hans_CN/LC_MESSAGES/messages.po`
holds its Chinese. Flask-Babel reads the same compiled catalogue for the templates; this
module reads it for everything else (services, the CLI, the API, PDFs and spreadsheets),
with the standard library's `gettext`, so it loads without Flask or SQLAlchemy and the
remote CLI stays fast.

- `Locale` is the one locale type; `locale_of` turns whatever a user or client sends
  (`zh`, `zh-CN`, `en-US`, an Accept-Language header, None) into one.
- `gettext` / `pgettext` / `ngettext` translate a string.
- `render(code, params, locale)` turns a message code (the API's `code` field) into its
  sentence: the code's English template from the feature's `MESSAGES` dict, translated
  with the code as msgctxt (so two codes may share English and differ in Chinese), then
  formatted with `params`.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import threading
from pathlib import Path
from typing import Literal, cast

from registry.domain.text import N_, NC_

log = logging.getLogger(__name__)

Locale = Literal["zh_Hans_CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh_Hans_CN", "en")
DEFAULT_LOCALE: Locale = "zh_Hans_CN"
# The short names the CLI's --lang and the API's ?lang= use, and BCP 47 tags for <html lang>.
LANG_CODES: dict[Locale, str] = {"zh_Hans_CN": "zh", "en": "en"}
HTML_LANGS: dict[Locale, str] = {"zh_Hans_CN": "zh-CN", "en": "en"}
# Each locale's name, in English here and shown in the locale itself (see `locale_name`).
_LOCALE_NAMES: dict[Locale, str] = {"zh_Hans_CN": N_("Chinese"), "en": N_("English")}

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"

# Separators for a list of names as one message parameter (see registry.domain.text.names).
LIST_SEPARATOR = ("list separator", NC_("list separator", ", "))
# The mark between a label and its value ("Status: done"): Chinese takes the full-width
# colon with no space after it (状态：已完成), as the catalogue's own sentences do.
COLON = ("punctuation", NC_("punctuation", ": "))
_JOINS = {
    "list": LIST_SEPARATOR,
    "or": ("list separator", NC_("list separator", " or ")),
}


# A language tag's primary subtag -> our locale (zh-TW and zh-HK read Simplified Chinese too:
# the catalogue has no other Chinese).
_LANGUAGES: dict[str, Locale] = {"zh": "zh_Hans_CN", "en": "en"}


def parse_locale(value: object) -> Locale | None:
    """The locale `value` names, or None: `zh`, `zh-CN`, `zh_Hans_CN`, `en`, `en-US`, or an
    Accept-Language header (its most preferred language we have)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    choices = []
    for position, part in enumerate(text.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        choices.append((-weight, position, tag.strip().lower().replace("_", "-")))
    for weight, _position, tag in sorted(choices):
        found = _LANGUAGES.get(tag.split("-", 1)[0])
        if found is not None and weight < 0:  # q=0 means "not this one"
            return found
    return None


def locale_of(value: object) -> Locale:
    """`parse_locale`, with the default (Chinese) for anything else."""
    if value in LOCALES:
        return cast(Locale, value)
    return parse_locale(value) or DEFAULT_LOCALE


def lang_code(locale: object) -> str:
    """'zh' or 'en': the locale as the CLI's --lang and the API's ?lang= write it."""
    return LANG_CODES[locale_of(locale)]


def html_lang(locale: object) -> str:
    return HTML_LANGS[locale_of(locale)]


def locale_name(locale: object) -> str:
    """The locale's own name for itself (中文, English), as a language switch shows it."""
    target = locale_of(locale)
    return gettext(_LOCALE_NAMES[target], target)


# -- the compiled catalogue ------------------------------------------------------------

_lock = threading.Lock()
_translations: dict[Locale, _gettext.NullTranslations] = {}


def po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(po: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as po_file:
        catalog = read_po(po_file)
    out = io.BytesIO()
    write_mo(out, catalog)  # fuzzy entries left out, as `pybabel compile` does
    return out.getvalue()


def compile_catalogues() -> dict[str, bytes]:
    """Compile every `.po` whose `.mo` is missing or older, so a fresh checkout (or an edited
    catalogue) never silently shows English. Returns the compiled bytes it could not write
    (a read-only install), by locale, for the caller to load from memory."""
    unwritten = {}
    for po in sorted(TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        data = _compiled(po)
        locale = po.parent.parent.name
        try:
            # A name of our own, then an atomic rename: two processes may compile at once.
            tmp = mo.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(mo)
        except OSError:
            log.warning("cannot write %s; using the catalogue compiled in memory", mo)
            unwritten[locale] = data
    return unwritten


def translations(locale: object) -> _gettext.NullTranslations:
    """The catalogue of `locale` (English: the msgids themselves)."""
    target = locale_of(locale)
    found = _translations.get(target)
    if found is not None:
        return found
    with _lock:
        if target not in _translations:
            _translations[target] = _load(target)
        return _translations[target]


def _load(locale: Locale) -> _gettext.NullTranslations:
    if not po_path(locale).exists():
        return _gettext.NullTranslations()
    unwritten = compile_catalogues()
    if locale in unwritten:
        return _gettext.GNUTranslations(io.BytesIO(unwritten[locale]))
    with po_path(locale).with_suffix(".mo").open("rb") as mo_file:
        return _gettext.GNUTranslations(mo_file)


def gettext(text: str, locale: object) -> str:
    """`text` (English) in `locale`; unchanged when the catalogue lacks it."""
    if not text:
        return text
    return translations(locale).gettext(text)


def pgettext(context: str, text: str, locale: object) -> str:
    """`gettext` for a string whose translation depends on `context` (a vocabulary, a code)."""
    if not text:
        return text
    return translations(locale).pgettext(context, text)


def ngettext(singular: str, plural: str, count: int, locale: object) -> str:
    return translations(locale).ngettext(singular, plural, count)


# -- message codes ---------------------------------------------------------------------

_messages: dict[str, str] | None = None


def _collect() -> dict[str, str]:
    """Every feature's code -> English template, from the modules that raise them.

    Imported here, when the first message is rendered, not with this module: a command that
    prints no message should not pay for the tables. Each is a plain dict module (or a
    small domain module), so this stays light enough for the remote CLI.
    """
    from registry.cli.checks.messages import MESSAGES as cli_checks
    from registry.domain.buildings.credit_code import MESSAGES as credit_code
    from registry.domain.buildings.districts import MESSAGES as districts
    from registry.domain.buildings.messages import MESSAGES as buildings
    from registry.domain.checks.accounting import MESSAGES as accounting
    from registry.domain.checks.errfile import MESSAGES as errfile
    from registry.domain.checks.messages import MESSAGES as idf
    from registry.domain.checks.results import MESSAGES as results
    from registry.domain.checks.validity import MESSAGES as validity
    from registry.domain.checks.weather import MESSAGES as weather
    from registry.domain.imports.messages import MESSAGES as import_rows
    from registry.domain.imports.normalise_messages import MESSAGES as import_cells
    from registry.domain.imports.template_messages import MESSAGES as import_template
    from registry.domain.metered.messages import MESSAGES as metered
    from registry.domain.parcels.messages import MESSAGES as parcels
    from registry.domain.quotas.messages import MESSAGES as quotas
    from registry.domain.saving.consistency_messages import MESSAGES as saving_consistency
    from registry.domain.saving.messages import MESSAGES as saving
    from registry.domain.settings import MESSAGES as settings
    from registry.domain.tally.targets import MESSAGES as tally
    from registry.domain.users.login import MESSAGES as login
    from registry.domain.users.messages import MESSAGES as users
    from registry.domain.users.names import MESSAGES as usernames
    from registry.domain.users.passwords import MESSAGES as passwords
    from registry.messages import MESSAGES as core
    from registry.services.buildings.messages import MESSAGES as verify
    from registry.services.checks.messages import MESSAGES as checks
    from registry.services.imports.messages import MESSAGES as imports
    from registry.services.notice.messages import MESSAGES as notice
    from registry.services.tally.messages import MESSAGES as tally_report

    merged: dict[str, str] = {}
    for table in (
        core,
        buildings,
        credit_code,
        districts,
        verify,
        import_cells,
        import_rows,
        import_template,
        imports,
        idf,
        errfile,
        results,
        weather,
        accounting,
        checks,
        cli_checks,
        quotas,
        metered,
        tally,
        login,
        usernames,
        passwords,
        users,
        settings,
        notice,
        tally_report,
        validity,
        parcels,
        saving,
        saving_consistency,
    ):
        for code, english in table.items():
            if code in merged:
                raise RuntimeError(f"message code {code!r} is defined twice")
            merged[code] = english
    return merged


def messages() -> dict[str, str]:
    """Every message code and its English template."""
    global _messages
    if _messages is None:
        _messages = _collect()
    return _messages


def has_message(code: str) -> bool:
    return code in messages()


def template(code: str, locale: object) -> str:
    """The code's template in `locale`, placeholders unfilled; the code itself if unknown."""
    english = messages().get(code)
    if english is None:
        return code
    return pgettext(code, english, locale)


def _param(value, locale: object):
    """A parameter as shown: a list of names (registry.domain.text.names) translated and
    joined with the locale's separator; anything else as it is."""
    if isinstance(value, dict) and "names" in value:
        context = value.get("context")
        words = [
            pgettext(context, n, locale) if context else gettext(n, locale) for n in value["names"]
        ]
        separator = pgettext(*_JOINS.get(value.get("join", "list"), _JOINS["list"]), locale)
        return separator.join(words)
    return value


def colon(locale: object) -> str:
    """The mark between a label and its value in `locale` (`COLON`)."""
    return pgettext(*COLON, locale)


def bracketed(text: object, locale: object) -> str:
    """`text` in the locale's brackets, as an aside after a word: " (synthetic)" in English,
    "（合成数据）" in Chinese (full-width, no space before)."""
    return f"{pgettext('punctuation', ' (', locale)}{text}{pgettext('punctuation', ')', locale)}"


def labelled(label: str, value: object, locale: object) -> str:
    """ "label: value" as `locale` writes it (状态：已完成)."""
    return f"{label}{colon(locale)}{value}"


def render(code: str, params: dict | None = None, locale: object = DEFAULT_LOCALE) -> str:
    """The sentence for message `code` in `locale`, with `params` filled in."""
    text = template(code, locale)
    if code not in messages():
        log.warning("unknown message code %s", code)
        return text
    values = {name: _param(value, locale) for name, value in (params or {}).items()}
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        log.warning("message %s rendered without all params %s", code, params)
        return text
