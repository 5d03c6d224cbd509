"""The Blogger import benchmark runs end to end on a tiny export and writes its figures."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_benchmark_writes_time_memory_and_report(tmp_path):
    results = tmp_path / "results"
    command = [sys.executable, str(ROOT / "bench" / "import_blogger.py"), "--n", "30"]
    command += ["--results", str(results), "--workdir", str(tmp_path / "work")]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    (report_file,) = results.glob("*-import-N30.json")
    figures = json.loads(report_file.read_text())
    assert figures["n"] == 30 and figures["articles"] == 30  # pages go to content/pages
    assert figures["pictures"] == 3  # one post in ten has a picture, all served locally
    assert figures["seconds"] > 0 and figures["peak_mb"] > 0 and figures["cpu_seconds"] > 0
    assert "  posts: 30 (1 draft or scheduled)" in figures["summary"][0]
