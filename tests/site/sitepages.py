"""Helpers for the whole-site theme tests: paths, parsing, and the fixture posts' front matter."""

from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "tests" / "fixtures" / "site"
PROBE_PLUGINS = Path(__file__).parent / "probe_plugins"
PUBLISH_URL = "https://blog.example.org"


def read_post(path):
    """Front matter of one fixture post, plus the clean URL the theme must publish it at."""
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    date = str(front["date"])
    slug = front.get("slug") or path.stem
    return {
        **front,
        "slug": slug,
        "day": date[:10],
        "year": date[:4],
        "url": f"{date[:4]}/{date[5:7]}/{slug}/",
        "tags": front.get("tags") or [],
    }


def parse(path):
    """The HTML file at PATH as BeautifulSoup."""
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


def html_files(output):
    """Every HTML file in a built site, as paths relative to its root."""
    return sorted(path.relative_to(output).as_posix() for path in Path(output).rglob("*.html"))
