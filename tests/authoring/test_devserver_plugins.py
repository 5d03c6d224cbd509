"""`make devserver` runs an edited plugin's new code: it restarts itself and says so."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from authoring_helpers import FIXTURES, PYTHON, ROOT

from scripts.devserver import Builder, code_folders, code_stamps

pytestmark = pytest.mark.slow

PROBE = '''
"""Says which version of its code the build runs."""
from pelican import signals

VERSION = {version}


def say(pelican):
    print(f"probe plugin version {{VERSION}}", flush=True)


def register():
    signals.initialized.connect(say)
'''


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def _setup(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "drafts", content)
    shutil.copy(FIXTURES / "site" / "pages" / "404.md", content / "pages" / "404.md")
    extra = tmp_path / "extra"
    extra.mkdir()
    probe = extra / "probe_version.py"
    probe.write_text(PROBE.format(version=1), encoding="utf-8")
    conf = tmp_path / "devserver.conf.py"
    conf.write_text(
        "import runpy\n"
        f"_base = runpy.run_path({str(ROOT / 'pelican.conf.py')!r})\n"
        "globals().update({k: v for k, v in _base.items() if k.isupper()})\n"
        f"PLUGIN_PATHS = [{str(extra)!r}]\n"
        'PLUGINS = [*PLUGINS, "probe_version"]\n',
        encoding="utf-8",
    )
    return content, probe, conf


def _edit(probe, version):
    probe.write_text(PROBE.format(version=version), encoding="utf-8")
    later = time.time() + 5  # a new time stamp even on a coarse file system clock
    os.utime(probe, (later, later))


def test_the_code_in_use_is_our_plugins_package_and_plugin_paths(tmp_path):
    folders = code_folders({"PLUGIN_PATHS": [str(tmp_path)]})
    assert folders == [ROOT / "plugins", tmp_path]
    (tmp_path / "p.py").write_text("X = 1\n")
    assert str(tmp_path / "p.py") in code_stamps(folders)


def test_a_build_after_a_plugin_edit_restarts_instead_of_running_the_old_code(tmp_path):
    content, probe, conf = _setup(tmp_path)
    builder = Builder(content, tmp_path / "output", conf)
    restarts = []
    builder.restart = restarts.append
    assert builder.build()
    assert restarts == []
    assert builder.build() and restarts == []  # nothing changed: an ordinary rebuild
    _edit(probe, 2)
    assert builder.build() is False
    assert restarts == [{str(probe)}]


def test_the_devserver_restarts_on_a_plugin_edit_and_serves_the_new_codes_site(tmp_path):
    content, probe, conf = _setup(tmp_path)
    output = tmp_path / "output"
    port = _free_port()
    log_path = tmp_path / "devserver.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                PYTHON,
                "scripts/devserver.py",
                "--content",
                str(content),
                "--output",
                str(output),
                "-s",
                str(conf),
                "--port",
                str(port),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"},
        )
        try:

            def said(text):
                return lambda: text in log_path.read_text()

            assert _wait_for(said("Serving")), log_path.read_text()
            assert "probe plugin version 1" in log_path.read_text()
            _edit(probe, 2)
            assert _wait_for(said("probe plugin version 2")), log_path.read_text()
            text = log_path.read_text()
            assert "probe_version.py): restarting the devserver to run the new code." in text
            assert _wait_for(lambda: log_path.read_text().count("Serving") == 2)
            url = f"http://127.0.0.1:{port}/"
            assert urllib.request.urlopen(url, timeout=10).status == 200
            assert process.poll() is None
        finally:
            process.terminate()
            process.wait(timeout=10)
