"""Helpers for importer tests: render Markdown as the site does and normalise text."""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup

from plugins.yaml_metadata.engine import markdown_engine

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)


def render(text: str) -> str:
    """Render Markdown as the site does and return the HTML."""
    return markdown_engine().convert(text)


def rendered_text(text: str) -> str:
    """Render Markdown and return what a reader sees, blocks separated by newlines."""
    return BeautifulSoup(render(text), "html.parser").get_text("\n")


def norm(text: str) -> str:
    """Normalise whitespace, quotes, dashes and bullets so source and page text compare."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[●•▪◦‣]", " ", text)
    return " ".join(text.split())


def sentences(source_text: str) -> list[str]:
    """Split a source text into normalised sentences, paragraph by paragraph."""
    result = []
    for block in re.split(r"\n\s*\n", source_text):
        joined = norm(block)
        if not joined:
            continue
        parts = re.split(r"(?<=[.!?…])\s+|(?<=[.!?…][\"')\]])\s+", joined)
        result.extend(part for part in parts if part.strip())
    return result


def split_article(text: str) -> tuple[str, str]:
    """Return (front matter, body) of an emitted article."""
    assert text.startswith("---\n")
    front, body = text[4:].split("\n---\n", 1)
    return front, body
