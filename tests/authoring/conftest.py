"""Fixtures for the authoring tests."""

import pytest
from authoring_helpers import FIXTURES, PELICAN, ROOT, flat, run


@pytest.fixture
def build_messages(tmp_path):
    """Build a fixture tree as `make html` does; return (exit code, console text on one line)."""

    def build(name, conf="pelican.conf.py"):
        command = [str(PELICAN), str(FIXTURES / name), "-o", str(tmp_path / "out")]
        command += ["-s", str(ROOT / conf), "--fatal", "errors"]
        process = run(command)
        return process.returncode, flat(process.stdout + process.stderr)

    return build
