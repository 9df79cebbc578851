from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def stored_files():
    """The files under MEDIA_ROOT (a fresh temporary directory per test), as relative paths."""

    def files() -> list[str]:
        root = Path(settings.MEDIA_ROOT)
        if not root.exists():
            return []
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

    return files
