"""Fixtures for the publishing tests."""

import pytest
from publishing_helpers import FIXTURES, make


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """The drafts fixture published once with `make publish`: (output folder, process)."""
    output = tmp_path_factory.mktemp("published") / "output"
    process = make("publish", f"INPUTDIR={FIXTURES / 'drafts'}", f"OUTPUTDIR={output}")
    assert process.returncode == 0, process.stdout + process.stderr
    return output
