"""Browser tests read the Chinese pages, so they need the compiled catalogue too."""

import re
from pathlib import Path

import pytest

from tests.web.conftest import compiled_translations  # noqa: F401  (autouse fixture)

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "journeys"


@pytest.fixture
def shot(request):
    """Save a numbered full-page screenshot of each journey step under test-output/."""
    folder = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
