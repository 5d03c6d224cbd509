"""Make the glossary plugin importable without Pelican, and share the project's tables."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from plugins.glossary import load_glossary, load_law  # noqa: E402


@pytest.fixture(scope="session")
def glossary():
    """The blog's own glossary, content/glossary.yaml."""
    return load_glossary(ROOT / "content" / "glossary.yaml")


@pytest.fixture(scope="session")
def law():
    """The blog's own law table, content/law.yaml."""
    return load_law(ROOT / "content" / "law.yaml")
