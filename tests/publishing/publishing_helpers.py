"""Shared helpers of the publishing tests (a unique module name: every conftest is `conftest`)."""

import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SITEURL = "https://blog.example.org"


def make(target, *variables, env=None):
    """Run `make TARGET VAR=value...` in the project folder; return the finished process."""
    environment = {**os.environ, "COLUMNS": "400", "SITEURL": SITEURL, **(env or {})}
    return subprocess.run(
        ["make", "-s", target, *variables],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )


def tree_hashes(folder):
    """{relative path: sha256} for every file under FOLDER."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
