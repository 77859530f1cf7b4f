"""Browser tests read the Chinese pages, so they need the compiled catalogue too."""

from tests.web.conftest import compiled_translations  # noqa: F401  (autouse fixture)
