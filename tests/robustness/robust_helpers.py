"""Helpers for robustness tests: render Markdown as the site does, compare text, check posts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup

from plugins.yaml_metadata.engine import markdown_engine
from tests.sitebuild import build_site

__all__ = ["build_site", "make_check", "norm", "rendered_text", "split_article", "write_post"]

ROOT = Path(__file__).resolve().parents[2]

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)


def rendered_text(text: str) -> str:
    """Render Markdown as the site does; return what a reader sees."""
    html = markdown_engine().convert(text)
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


def write_post(tmp_path, text, name="odd.md"):
    """A content folder in TMP_PATH: the fixture site's pages and one post NAME holding TEXT."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "pages", content / "pages")
    path = content / "articles" / "2020" / name
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("utf-8"))
    return content


def make_check(content):
    """`make check` of CONTENT, as the author runs it: the finished process."""
    command = [sys.executable, str(ROOT / "scripts" / "check_content.py"), str(content)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
