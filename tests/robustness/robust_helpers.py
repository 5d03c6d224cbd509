"""Helpers for robustness tests: render Markdown as the site does and compare text."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import markdown
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)


def rendered_text(text: str) -> str:
    """Render Markdown with the site's extensions; return what a reader sees."""
    html = markdown.markdown(
        text,
        extensions=["markdown.extensions.extra", "markdown.extensions.smarty"],
        output_format="html5",
    )
    return BeautifulSoup(html, "html.parser").get_text("\n")


def norm(text: str) -> str:
    """Normalise Unicode form, quotes, dashes, bullets and whitespace for comparing text."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[●•▪◦‣]", " ", text)
    return " ".join(text.split())


def split_article(text: str) -> tuple[str, str]:
    """Return (front matter, body) of an emitted article."""
    assert text.startswith("---\n"), text[:80]
    front, body = text[4:].split("\n---\n", 1)
    return front, body


def build_site(content, output, conf="pelican.conf.py", extra_settings=None, check=True):
    """Build CONTENT into OUTPUT as `make html` does (tests/conftest.py's helper, importable
    here: `conftest` is an ambiguous module name when several test folders have one)."""
    import os
    import subprocess

    pelican = Path(sys.executable).with_name("pelican")
    command = [str(pelican), str(content), "-o", str(output), "-s", str(ROOT / conf)]
    command += ["--fatal", "errors"]
    if extra_settings:
        command += ["-e", *(f"{name}={value}" for name, value in extra_settings.items())]
    env = {**os.environ, "COLUMNS": "1000"}  # one log message per line, unwrapped
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if check and process.returncode != 0:
        raise AssertionError(f"build of {content} failed:\n{process.stdout}\n{process.stderr}")
    return process
