"""Fixtures for the authoring tests."""

import pytest
from authoring_helpers import FIXTURES, flat

from tests.sitebuild import build_site


@pytest.fixture
def build_messages(tmp_path):
    """Build a fixture tree as `make html` does; return (exit code, its messages on one line)."""

    def build(name, conf="pelican.conf.py"):
        result = build_site(FIXTURES / name, tmp_path / "out", conf=conf, check=False)
        return result.exit_code, flat(result.log)

    return build
