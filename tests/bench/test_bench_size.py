"""The long-post benchmark builds and imports one long post at two sizes and writes its figures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_size_benchmark_builds_and_imports_each_size_whole(tmp_path):
    results = tmp_path / "results"
    command = [sys.executable, str(ROOT / "bench" / "size.py"), "--sizes", "0.05,0.1"]
    command += ["--results", str(results)]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    (report_file,) = results.glob("*-size.json")
    rows = json.loads(report_file.read_text())
    # Each size is built, built by plain Pelican and imported, in that order, and the harness
    # checked the last sentence of each reached the page or the article (it exits non-zero
    # otherwise).
    steps = ["build", "plain build", "import"]
    assert [row["step"] for row in rows] == steps * 2
    assert all(row["mb"] >= 0.05 for row in rows)
    assert all(rows[n + 3]["mb"] > rows[n]["mb"] for n in range(3))
    for row in rows:
        assert row["seconds"] > 0 and row["cpu_seconds"] > 0 and row["peak_mb"] > 0
    assert "| build | " in process.stdout and "CPU s per 10 MB" in process.stdout
    assert "| plain build | " in process.stdout and "against plain Pelican" in process.stdout
