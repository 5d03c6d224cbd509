"""Command line: python -m importer SOURCES OUT [--force]."""

from __future__ import annotations

import argparse
import functools
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
            "Turn raw posts (*.txt + manifest.yaml) into Markdown articles OUT/YYYY/slug.md."
        ),
    )
    parser.add_argument("sources", help="folder with the raw *.txt posts and manifest.yaml")
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
    args = parser.parse_args(argv)
    if tagger is None and not args.no_themes:
        try:
            tagger = theme_tagger(args.vocabulary)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            print("Nothing was written.", file=sys.stderr)
            return 1
    try:
        report = import_sources(args.sources, args.out, force=args.force, tagger=tagger)
    except ImportFailed as failure:
        for error in failure.errors:
            print(f"error: {error}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    for note in report.notes:
        print(f"note: {note}")
    for relative in report.written:
        print(f"wrote {args.out.rstrip('/')}/{relative}")
    for relative, reason in report.skipped:
        print(
            f"skipped {args.out.rstrip('/')}/{relative}: {reason}; run with --force to overwrite it"
        )
    print(
        f"{len(report.posts)} posts: {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
