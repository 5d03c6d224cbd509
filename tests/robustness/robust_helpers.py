"""Helpers for robustness tests: render Markdown as the site does and compare text."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup

from plugins.yaml_metadata.engine import markdown_engine
from tests.sitebuild import build_site

__all__ = ["build_site", "norm", "rendered_text", "split_article"]

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
