"""Reports as bytes from plain context dicts: PDF (WeasyPrint) and XLSX.

Templates live in `reports/`. WeasyPrint fetches only local files under that folder and
`data:` URIs, so a value in the data can never make the renderer reach the network.
Chinese text needs a CJK font on the machine (Debian `fonts-noto-cjk`); the stylesheet
names "Noto Sans CJK SC" and WeasyPrint embeds a subset of it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path
from urllib.parse import unquote, urlparse

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup

from registry import i18n
from registry.config import PROJECT_ROOT
from registry.i18n import Locale, locale_of

REPORTS_DIR = PROJECT_ROOT / "reports"
PAGES_DIR = PROJECT_ROOT / "templates"


class RefusedFetch(ValueError):
    """A report asked for something other than a local report file or a data: URI."""


def _local_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to `data:` URIs and files inside `reports/`."""

        def __init__(self):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not (path.is_relative_to(REPORTS_DIR.resolve()) and path.is_file()):
                    raise RefusedFetch(f"reports may only load files in reports/, not {url!r}")
            elif parsed.scheme != "data":
                raise RefusedFetch(f"reports may only load local files, not {url!r}")
            return super().fetch(url, headers)

    return LocalFetcher


def local_url_fetcher():
    """A fresh fetcher that refuses the network and files outside `reports/`."""
    return _local_fetcher_class()()


def area_text(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _number(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def css_function(call: str) -> Markup:
    """A CSS function (counter(page), string(digest)) inside a translated `content` string:
    the sentence stays one catalogue entry, "Page %(page)s of %(pages)s"."""
    return Markup(f'" {call} "')


_environments: dict[Locale, Environment] = {}


def environment(locale: object) -> Environment:
    """The report templates' Jinja environment for `locale`: `_()` and `pgettext()` read the
    catalogue (new-style, as Flask-Babel's do in the pages)."""
    locale = locale_of(locale)
    env = _environments.get(locale)
    if env is None:
        env = Environment(
            # A section that a page shows and its PDF prints (a saving-rate check's tables) is
            # one file, the page's partial, which the reports include as "pages/<name>".
            loader=ChoiceLoader(
                [
                    FileSystemLoader(str(REPORTS_DIR)),
                    PrefixLoader({"pages": FileSystemLoader(str(PAGES_DIR))}),
                ]
            ),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        env.install_gettext_callables(
            gettext=lambda text: i18n.gettext(text, locale),
            ngettext=lambda one, many, n: i18n.ngettext(one, many, n, locale),
            pgettext=lambda context, text: i18n.pgettext(context, text, locale),
            newstyle=True,
        )
        env.filters["area"] = area_text
        env.filters["number"] = _number
        env.globals["css_function"] = css_function
        env.globals["colon"] = lambda: i18n.colon(locale)
        env.globals["bracketed"] = lambda text: i18n.bracketed(text, locale)
        env.globals["html_lang"] = i18n.html_lang(locale)
        _environments[locale] = env
    return env


# What every cached document is drawn with, beside its own template and module: this
# module, the charts, and the long tables' layout (`pdf_tables`, `text_widths`). Named by
# file, not imported: a version is asked for where matplotlib and fpdf2 are not loaded.
_SHARED_CODE = ("rendering.py", "charts.py", "pdf_tables.py", "text_widths.py")


def code_version(*files: Path) -> str:
    """What a cached document was made with: a digest of the files that decide its text and
    layout (`files`: its template, stylesheet and module; and `_SHARED_CODE`) and of the
    Chinese catalogue, so a file made by other code is never served as this code's."""
    here = Path(__file__).parent
    sha = hashlib.sha256()
    for path in (*files, *(here / name for name in _SHARED_CODE), i18n.po_path("zh_Hans_CN")):
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_html(template: str, context: dict) -> str:
    """A report template in the context's locale (`locale`: any form registry.i18n reads)."""
    return environment(context.get("locale")).get_template(template).render(**context)


def render_pdf(
    template: str, context: dict, attachments: list[tuple[str, bytes, str]] = ()
) -> bytes:
    """A PDF from a template in `reports/` and a plain context dict; `attachments` are
    (file name, bytes, description) embedded as PDF file attachments."""
    from weasyprint import HTML, Attachment

    html = render_html(template, context)
    document = HTML(string=html, base_url=str(REPORTS_DIR) + "/", url_fetcher=local_url_fetcher())
    return document.write_pdf(
        attachments=[
            Attachment(file_obj=io.BytesIO(data), name=name, description=description)
            for name, data, description in attachments
        ]
    )


def xlsx_bytes(
    tables: dict[str, tuple[list[str], list[list]]],
    meta: list[tuple[str, str]] = (),
    about_title: str = "about",
) -> bytes:
    """One sheet per table (and an about sheet of metadata such as the digest), every name
    and line in the reader's language as the caller gives them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    if meta:
        about = book.create_sheet(about_title[:31])
        for key, value in meta:
            about.append([key, value])
        about.column_dimensions["A"].width = 18
        about.column_dimensions["B"].width = 70
    for name, (headers, rows) in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            sheet.append(row)
            # Text that starts with "=" was read as a formula: keep it text. Only such cells
            # are looked up, by position: `sheet[sheet.max_row]` scanned every cell of the
            # sheet per row, 97 s for the quota list's 10,000 rows.
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    cell = sheet.cell(row=number, column=column)
                    if cell.data_type == "f":
                        cell.data_type = "s"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}
