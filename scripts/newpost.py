"""Start a new draft post: content/articles/YYYY/slug.md with its front matter filled in.

Usage: python scripts/newpost.py "Why supervision matters"   (or: make newpost TITLE="...")
Refuses to overwrite a post; prints the new file's path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = ROOT / "pelican.conf.py"


def site_settings(path=SETTINGS_FILE):
    """The site's settings as the build reads them (AUTHOR, DEFAULT_CATEGORY, slug rules)."""
    from pelican.settings import read_settings

    return read_settings(str(path))


def slugify(title, settings=None):
    """The URL name the build gives TITLE (e.g. 'why-supervision-matters').

    Pelican's own slugify with the site's SLUG_REGEX_SUBSTITUTIONS and SLUGIFY_* settings, as
    pelican.contents does for a post without `slug:`. (The importer has a slugify of its own
    on purpose: it writes `slug:` into every imported post, ASCII-only and at most 80
    characters, and keys its import state by it, so it must not follow a settings change.)
    """
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify as pelican_slugify

    settings = settings or DEFAULT_CONFIG
    return pelican_slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


# A URL name: lower-case letters and digits in words joined by single hyphens or underscores.
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def slug_problem(slug):
    """Why SLUG cannot be a post's URL name (one sentence with the fix), or None."""
    if _SLUG.fullmatch(slug):
        return None
    suggestion = slugify(slug.replace("/", " ").replace(".", " ").lower())
    example = f"SLUG={suggestion}" if suggestion else "SLUG=why-supervision-matters"
    return (
        f"SLUG {slug!r} is not a URL name: use lower-case letters, digits and hyphens only "
        f"(no slashes, dots, spaces or quotes), e.g. {example}"
    )


def yaml_text(value):
    """VALUE as a YAML scalar that reads back as exactly the same text."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def front_matter(title, when, author, category, slug=None):
    """The text of a new draft post (with `slug:` when the author chose the URL name)."""
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        + (f"slug: {slug}\n" if slug else "")
        + f"date: {when:%Y-%m-%d %H:%M}\n"
        f"author: {yaml_text(author)}\n"
        f"category: {category}\n"
        "tags: []\n"
        "status: draft\n"
        "---\n"
        "\n"
        "<!-- Write the post here in Markdown. Change 'status: draft' to 'status: published'\n"
        "     when it is ready; until then it shows only in the local preview. -->\n"
    )


# make newpost MODEL=...: a draft laid out as a reflective model, one heading per stage.
MODELS = {
    "driscoll": [
        ("What?", "What happened, or what did you read? Describe it plainly."),
        ("So what?", "What does it mean for you, the child and the family? What did you learn?"),
        ("Now what?", "What will you do differently, and what would help you do it?"),
    ],
    "gibbs": [
        ("Description", "What happened?"),
        ("Feelings", "What were you thinking and feeling?"),
        ("Evaluation", "What was good and bad about the experience?"),
        ("Analysis", "What sense can you make of it? What do research and theory say?"),
        ("Conclusion", "What else could you have done?"),
        ("Action plan", "If it arose again, what would you do?"),
    ],
}


def model_body(model):
    """The headings of reflective MODEL, each with its question as a private note."""
    return "".join(
        f"\n## {heading}\n\n<!-- {question} -->\n" for heading, question in MODELS[model]
    )


class NewPostError(Exception):
    """Why a new post cannot be created, in words for the author."""


def create_post(title, content=ROOT / "content", when=None, slug=None, model=None, settings=None):
    """Write the new draft and return its path; never overwrite an existing post.

    The author and category come from SETTINGS (AUTHOR, DEFAULT_CATEGORY), by default the
    site's pelican.conf.py.
    """
    settings = settings or site_settings()
    if model and model.lower() not in MODELS:
        raise NewPostError(
            f"MODEL={model} is not a reflective model here; use one of {', '.join(MODELS)}"
        )
    title = " ".join((title or "").split())
    if not title:
        raise NewPostError('Give the post a title: make newpost TITLE="Why supervision matters"')
    when = when or dt.datetime.now().replace(second=0, microsecond=0)
    chosen = slug
    if chosen is not None and slug_problem(chosen):
        raise NewPostError(slug_problem(chosen))
    slug = chosen or slugify(title, settings)
    if not slug:
        raise NewPostError(f"'{title}' gives an empty URL name; add SLUG=some-words")
    articles = Path(content) / "articles"
    path = articles / f"{when:%Y}" / f"{slug}.md"
    if path.exists():
        raise NewPostError(f"{path} already exists; it was left untouched. Pick another title.")
    clash = sorted(articles.glob(f"*/{slug}.md"))
    if clash:
        raise NewPostError(
            f"{clash[0]} already uses the URL name '{slug}'; pick another title or add SLUG=..."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        author, category = settings.get("AUTHOR") or "", settings["DEFAULT_CATEGORY"]
        body = front_matter(title, when, author, category, slug=chosen)
        handle.write(body + (model_body(model.lower()) if model else ""))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("title", nargs="?", default=os.environ.get("TITLE", ""))
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--settings", default=str(SETTINGS_FILE), help="the site's settings file")
    parser.add_argument("--slug", default=os.environ.get("SLUG") or None)
    parser.add_argument("--date", help="YYYY-MM-DD HH:MM (default: now)")
    parser.add_argument("--model", default=os.environ.get("MODEL") or None, help="driscoll, gibbs")
    args = parser.parse_args(argv)
    when = dt.datetime.strptime(args.date, "%Y-%m-%d %H:%M") if args.date else None
    try:
        settings = site_settings(args.settings)
        path = create_post(args.title, Path(args.content), when, args.slug, args.model, settings)
    except NewPostError as error:
        print(f"newpost: {error}", file=sys.stderr)
        return 1
    shown = os.path.relpath(path)
    print(shown if not shown.startswith("..") else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
