"""YAML that would exhaust memory or the stack: alias bombs ("billion laughs") and deep nesting,
in each of the three YAML files the project reads (front matter, content/themes.yaml and the
importer's manifest.yaml), through every command that reads them.

Each is refused in bounded time and memory, with the file, the line and a fix. The commands
run with an address-space limit far below what the unbounded loaders reached (15 GB), so a
regression fails here rather than filling the machine.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time

import pytest
import yaml
from robust_helpers import ROOT

from importer import ImportFailed, read_sources
from plugins.yaml_metadata.bounded import MAX_DEPTH, YAMLLimitError, check_yaml_bounds, load_bounded

MEMORY = 1_500 * 1024 * 1024  # bytes of address space each command may use
SECONDS = 120  # a bound against hangs, not a speed test


def laughs(levels=9, width=9, indent=""):
    """A billion-laughs document: each anchor repeats the one before WIDTH times."""
    lines = [f'{indent}a0: &a0 ["lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"{indent}a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep(levels, style):
    """YAML nested LEVELS deep: flow lists, block lists or block mappings."""
    if style == "flow":
        return "[" * levels + "]" * levels + "\n"
    if style == "block-list":
        return "".join(f"{'  ' * n}- \n" for n in range(levels)).rstrip() + " x\n"
    return "".join(f"{'  ' * n}k{n}:\n" for n in range(levels)) + f"{'  ' * levels}end\n"


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(command, **kwargs):
    start = time.monotonic()
    process = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        preexec_fn=_limited,
        env={"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin", "COLUMNS": "1000"},
        **kwargs,
    )
    output = " ".join((process.stdout + process.stderr).split())
    return process.returncode, output, time.monotonic() - start


# ---- the bounds themselves --------------------------------------------------------------------


def _list_bomb():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(6):
        previous = "a" if n == 0 else f"b{n - 1}"
        lines.append(f"b{n}: &b{n} [{', '.join([f'*{previous}'] * 10)}]")
    return "\n".join(lines) + "\n"


def _mapping_bomb():
    lines = ["a: &a {k1: v, k2: v, k3: v}"]
    for n in range(6):
        previous = "a" if n == 0 else f"m{n - 1}"
        pairs = ", ".join(f"k{i}: *{previous}" for i in range(10))
        lines.append(f"m{n}: &m{n} {{{pairs}}}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        laughs(),
        laughs(levels=20, width=2),  # narrow but tall
        laughs(levels=4, width=200),  # wide but short
        _list_bomb(),
        _mapping_bomb(),
    ],
)
def test_alias_bombs_are_refused_quickly(text):
    start = time.monotonic()
    with pytest.raises(YAMLLimitError) as caught:
        check_yaml_bounds(text)
    assert time.monotonic() - start < 2
    assert "aliases (*name) would repeat their values" in caught.value.problem
    assert caught.value.problem_mark.line >= 1
    assert "without anchors (&name) and aliases" in caught.value.fix


@pytest.mark.parametrize(
    ("style", "levels"),
    [
        ("flow", MAX_DEPTH + 1),
        ("flow", 50_000),  # the C loader used to crash the build on this
        ("block-list", MAX_DEPTH + 1),
        ("block-list", 1_000),
        ("block-mapping", MAX_DEPTH + 1),
        ("block-mapping", 1_000),
    ],
)
def test_deep_nesting_is_refused_without_recursion(style, levels):
    with pytest.raises(YAMLLimitError) as caught:
        load_bounded(deep(levels, style))
    assert f"more than {MAX_DEPTH} levels deep" in caught.value.problem


def test_ordinary_anchors_and_nesting_still_load():
    text = "base: &b {a: 1}\nuse: *b\nlist: [[1, [2, [3]]]]\n"
    assert load_bounded(text)["use"] == {"a": 1}


# ---- front matter: make check and the build ---------------------------------------------------

FRONT = "---\ntitle: Bomb\ndate: 2020-03-01 12:00\n{yaml}---\nBody.\n"
BOMBS = {
    "alias bomb": (laughs(), "aliases (*name) would repeat their values"),
    "deep flow list": ("x: " + deep(20_000, "flow"), "levels deep"),
    "deep block mapping": ("x:\n" + deep(200, "block-mapping").replace("\n", "\n  "), "deep"),
}


def _content(tmp_path, front_yaml):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    path = content / "articles" / "2020" / "bomb.md"
    path.parent.mkdir(parents=True)
    path.write_text(FRONT.format(yaml=front_yaml), encoding="utf-8")
    return content


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_make_check_refuses_a_front_matter_bomb(tmp_path, name):
    front_yaml, words = BOMBS[name]
    content = _content(tmp_path, front_yaml)
    status, out, seconds = run([sys.executable, "scripts/check_content.py", str(content)])
    assert status == 1, out[-1500:]
    assert "articles/2020/bomb.md, line " in out and "the front matter is refused because" in out
    assert words in out and "Traceback" not in out
    assert seconds < SECONDS


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BOMBS))
def test_the_build_refuses_a_front_matter_bomb(tmp_path, name):
    front_yaml, words = BOMBS[name]
    content = _content(tmp_path, front_yaml)
    pelican = ROOT / ".venv" / "bin" / "pelican"
    command = [str(pelican), str(content), "-o", str(tmp_path / "out"), "-s", "pelican.conf.py"]
    status, out, _ = run([*command, "--fatal", "errors"])
    assert status != 0
    assert "articles/2020/bomb.md, line " in out and words in out
    assert "Traceback" not in out and "Segmentation" not in out


# ---- content/themes.yaml ----------------------------------------------------------------------

THEME = "themes:\n  - slug: supervision\n    name: Supervision\n    scope: s\n    description: d\n"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("    synonyms: " + deep(5_000, "flow"), "levels deep"),
        ("    note:\n" + laughs(indent="      "), "would repeat their values"),
    ],
)
def test_a_themes_yaml_bomb_stops_the_build(tmp_path, extra, words):
    vocabulary = tmp_path / "themes.yaml"
    vocabulary.write_text(THEME + extra, encoding="utf-8")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    pelican = ROOT / ".venv" / "bin" / "pelican"
    command = [str(pelican), str(content), "-o", str(tmp_path / "out"), "-s", "pelican.conf.py"]
    setting = ["-e", f"THEMES_VOCABULARY={json.dumps(str(vocabulary))}"]
    status, out, _ = run([*command, "--fatal", "errors", *setting])
    assert status != 0
    assert f"{vocabulary}, line " in out and "is refused because" in out and words in out
    assert "Traceback" not in out


def test_make_check_refuses_a_themes_yaml_bomb(tmp_path):
    vocabulary = tmp_path / "themes.yaml"
    vocabulary.write_text(THEME + "    note:\n" + laughs(indent="      "), encoding="utf-8")
    conf = tmp_path / "conf.py"
    conf.write_text(
        "import runpy\n"
        f"_conf = runpy.run_path({str(ROOT / 'pelican.conf.py')!r})\n"
        "globals().update({k: v for k, v in _conf.items() if k.isupper()})\n"
        f"THEMES_VOCABULARY = {str(vocabulary)!r}\n"
    )
    content = ROOT / "tests" / "fixtures" / "site"
    status, out, _ = run(
        [sys.executable, "scripts/check_content.py", str(content), "-s", str(conf)]
    )
    assert status == 1
    assert f"error: {vocabulary}, line " in out and "is refused because its aliases" in out
    assert "Fix: write each value out where it is used" in out


def test_the_vocabulary_loader_refuses_each_bomb():
    from plugins.themes.vocabulary import VocabularyError, parse_vocabulary

    bombs = (
        THEME + "    note:\n" + laughs(indent="      "),
        THEME + "    x: " + deep(3_000, "flow"),
    )
    for text in bombs:
        with pytest.raises(VocabularyError) as caught:
            parse_vocabulary(text, "content/themes.yaml")
        message = str(caught.value)
        assert message.startswith("content/themes.yaml, line ")
        assert "is refused because" in message and "Fix: " in message


# ---- the importer's manifest.yaml --------------------------------------------------------------


@pytest.mark.parametrize(
    "manifest",
    [
        "hostile.txt:\n" + laughs(indent="  "),
        "hostile.txt:\n  note: " + deep(30_000, "flow"),
        laughs(),
    ],
)
def test_a_manifest_bomb_stops_the_import_with_its_line(tmp_path, manifest):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "tests" / "fixtures" / "hostile-content" / "sources", sources)
    (sources / "manifest.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        read_sources(sources)
    message = str(caught.value)
    assert "manifest.yaml, line " in message and "the manifest is refused because" in message
    assert "Fix: " in message


@pytest.mark.slow
def test_the_import_command_refuses_a_manifest_bomb_in_bounded_memory(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(ROOT / "tests" / "fixtures" / "hostile-content" / "sources", sources)
    (sources / "manifest.yaml").write_text(laughs(levels=12), encoding="utf-8")
    command = [sys.executable, "-m", "importer", str(sources), str(tmp_path / "out"), "--no-themes"]
    status, out, seconds = run(command)
    assert status == 1
    assert "manifest.yaml, line " in out and "Nothing was written." in out
    assert not (tmp_path / "out").exists()


def test_unbounded_loading_really_is_the_danger():
    # The reason for all of the above: the same bomb, expanded by PyYAML, is exponential.
    small = laughs(levels=5, width=9)
    data = yaml.safe_load(small)
    assert len(json.dumps(data)) > 9**4 * 5
