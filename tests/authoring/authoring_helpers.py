"""Shared helpers of the authoring tests (a unique module name: every conftest is `conftest`)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PYTHON = sys.executable
PELICAN = Path(sys.executable).with_name("pelican")


def flat(text):
    """TEXT on one line with single spaces, so wrapped console output compares plainly."""
    return " ".join(text.split())


def run(command, **kwargs):
    """Run COMMAND from the project folder with a wide console; return the finished process."""
    # A wide console keeps Rich from wrapping Pelican's messages mid-word.
    env = {**os.environ, "COLUMNS": "400", **kwargs.pop("env", {})}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, **kwargs)
