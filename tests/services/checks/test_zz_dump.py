from registry.services.checks import report as check_report
from tests.services.checks.test_report import context_for, pdf_text, scene  # noqa: F401


def test_dump(session, scene, tmp_path):  # noqa: F811
    for lang in ("zh", "en"):
        text = pdf_text(check_report.check_pdf(context_for(session, scene, lang)), tmp_path)
        open(f"/tmp/out19/check_{lang}.txt", "w").write(text)
