"""Every HTML file of the built site passes the Nu HTML Checker (vnu) with no error."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(directory):
    """Run vnu over DIRECTORY; return its error messages as 'file:line: message' strings."""
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `make test-deps` (npm ci)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: run `make test-deps` (installs default-jre-headless)")
    command = [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html"]
    process = subprocess.run(
        [*command, str(directory)], capture_output=True, text=True, timeout=300
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(process.stderr or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).as_posix().split(str(directory))[-1]}:{m.get('lastLine', '?')}: "
        f"{m.get('message')}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]


@pytest.mark.slow
@pytest.mark.parametrize("site", ["fixture_site", "real_site"])
def test_whole_site_has_no_html_errors(request, site):
    errors = vnu_errors(request.getfixturevalue(site))
    assert not errors, f"{len(errors)} vnu errors:\n" + "\n".join(errors[:40])


@pytest.mark.slow
def test_vnu_finds_a_real_error(tmp_path):
    """The checker itself works here: a page with a stray end tag is reported."""
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html lang=en><title>x</title><p>text</div>", encoding="utf-8"
    )
    assert vnu_errors(tmp_path)
