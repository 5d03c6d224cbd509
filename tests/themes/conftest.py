"""Make the themes plugin importable without Pelican, and share the project's vocabulary."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from plugins.themes import load_vocabulary  # noqa: E402


@pytest.fixture(scope="session")
def vocabulary():
    """The blog's own vocabulary, content/themes.yaml."""
    return load_vocabulary(ROOT / "content" / "themes.yaml")
