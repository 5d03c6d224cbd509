"""The project is one installable package: no sys.path edits, plugin names nobody can shadow."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from pelican.settings import read_settings

from tests.sitebuild import FIXTURES, ROOT, run_pelican

PYTHON_FOLDERS = ("plugins", "importer", "scripts", "bench", "tests")
# The pelican-plugins package whose namespace name ("pelican.plugins.sitemap") matched the bare
# plugin name "sitemap" that PLUGINS used before the project became a package.


def _python_files():
    for folder in PYTHON_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "fixtures" not in path.relative_to(ROOT).parts:
                yield path


def _edits_sys_path(node):
    """True for `sys.path` in code, or in a string of code run by `python -c`."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "sys" and node.attr == "path"
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and SYS_PATH in node.value


SYS_PATH = "sys" + ".path."  # spelt in two so that this file does not name it


def test_no_module_edits_sys_path():
    edits = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if _edits_sys_path(node)
    ]
    assert edits == [], "modules must import by package name, not edit sys.path: " + str(edits)


def test_every_plugin_is_named_by_its_package_path():
    plugins = read_settings(str(ROOT / "pelican.conf.py"))["PLUGINS"]
    assert plugins and all(name.startswith("plugins.") for name in plugins), plugins
    for name in plugins:
        assert (ROOT / Path(*name.split("."))).is_dir(), f"{name} is not a folder of plugins/"


def _files(folder):
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def test_installing_pelican_sitemap_changes_nothing_in_the_site(tmp_path, pelican_sitemap):
    environment = {**os.environ, "PYTHONPATH": str(pelican_sitemap)}
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pelican.plugins._utils import get_namespace_plugins as g;"
            "import json; print(json.dumps(sorted(g())))",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    namespace = json.loads(found.stdout)
    # The environment does shadow a bare "sitemap": Pelican looks namespace plugins up first.
    assert "pelican.plugins.sitemap" in namespace, namespace
    plugins = read_settings(str(ROOT / "pelican.conf.py"))["PLUGINS"]
    assert not {name for name in plugins} & {n.removeprefix("pelican.plugins.") for n in namespace}

    def build(name, env):
        # The `pelican` command itself: PYTHONPATH only reaches a new process.
        output = tmp_path / name
        process = run_pelican(FIXTURES / "site", output, env=env, cache=tmp_path / f"cache-{name}")
        assert process.returncode == 0, process.stdout + process.stderr
        return output

    plain, with_sitemap = build("plain", None), build("with-sitemap", environment)
    assert _files(plain) == _files(with_sitemap)
    assert (with_sitemap / "sitemap.xml").read_bytes().startswith(b"<?xml")
