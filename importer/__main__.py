"""Command line: python -m importer SOURCES OUT [--force] (text posts or a Blogger export)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from .pipeline import ImportFailed, import_sources

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_VOCABULARY = PROJECT / "content" / "themes.yaml"


def theme_tagger(vocabulary_path):
    """A tagger that adds the themes the `themes` plugin detects to each post's tags."""
    from themes import load_vocabulary, tags_for_import

    vocabulary = load_vocabulary(vocabulary_path)
    return functools.partial(tags_for_import, vocabulary=vocabulary)


def main(argv=None, tagger=None) -> int:
    """Run the import and print what happened; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m importer",
        description=(
            "Turn raw posts (*.txt + manifest.yaml), or Blogger's export (its .xml backup or "
            "Takeout's feed.atom), into Markdown articles OUT/YYYY/slug.md."
        ),
    )
    parser.add_argument(
        "sources",
        help="folder with the raw *.txt posts and manifest.yaml, or a Blogger export "
        "(a file, or a folder that holds one)",
    )
    parser.add_argument("out", help="folder for the articles, e.g. content/articles")
    parser.add_argument(
        "--force", action="store_true", help="overwrite articles an author has edited since import"
    )
    parser.add_argument(
        "--vocabulary",
        default=str(DEFAULT_VOCABULARY),
        help="themes YAML whose detected themes are added to each post's tags "
        "(default: content/themes.yaml)",
    )
    parser.add_argument(
        "--no-themes", action="store_true", help="write only the source's own labels as tags"
    )
    parser.add_argument(
        "--site-url",
        default=os.environ.get("SITEURL", ""),
        help="the new site's address, for the 'This post has moved' notices (default: $SITEURL)",
    )
    parser.add_argument(
        "--blog-url",
        default="",
        help="the old blog's address (https://NAME.blogspot.com), if the export does not say it",
    )
    parser.add_argument(
        "--image-host",
        action="append",
        default=[],
        help="also download pictures from this host[:port], as if Blogger hosted them",
    )
    args = parser.parse_args(argv)
    if tagger is None and not args.no_themes:
        try:
            tagger = theme_tagger(args.vocabulary)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            print("Nothing was written.", file=sys.stderr)
            return 1
    try:
        report = import_sources(
            args.sources,
            args.out,
            force=args.force,
            tagger=tagger,
            site_url=args.site_url,
            extra_hosts=tuple(args.image_host),
            blog_url=args.blog_url,
        )
    except ImportFailed as failure:
        for error in failure.errors:
            print(f"error: {error}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    for line in report.summary:
        print(line)
    for note in report.notes:
        print(f"note: {note}")
    root = (report.root or args.out).rstrip("/")
    for relative in report.written:
        print(f"wrote {root}/{relative}")
    for relative, reason in report.skipped:
        print(f"skipped {root}/{relative}: {reason}; run with --force to overwrite it")
    what = "posts and pages" if report.root else "posts"
    print(
        f"{len(report.posts)} {what}: {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
