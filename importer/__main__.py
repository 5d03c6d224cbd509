"""Command line: python -m importer SOURCES OUT [--force] (text posts or a Blogger export)."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from .pipeline import ImportFailed, import_sources
from .report import render_report

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_VOCABULARY = PROJECT / "content" / "themes.yaml"
DEFAULT_SETTINGS = PROJECT / "pelican.conf.py"


def theme_tagger(vocabulary_path, settings_path=DEFAULT_SETTINGS):
    """A tagger that adds the themes the build would detect (THEMES_* options of the
    settings at SETTINGS_PATH) to each post's tags."""
    from pelican.settings import read_settings

    from plugins.themes import load_vocabulary, tags_for_import, theme_options

    options = theme_options(read_settings(str(settings_path)))
    vocabulary = load_vocabulary(vocabulary_path)
    return functools.partial(tags_for_import, vocabulary=vocabulary, **options)


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
        "-s",
        "--settings",
        default=str(DEFAULT_SETTINGS),
        help="the build's settings, whose THEMES_* options detect themes as the build does "
        "(default: pelican.conf.py)",
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
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="also write the import report (posts, lists, removed lines, decisions) to FILE",
    )
    args = parser.parse_args(argv)
    if args.report and (Path(args.report).is_dir() or not Path(args.report).parent.is_dir()):
        print(
            f"error: {args.report}: cannot write the report there (a folder, or in a folder "
            "that does not exist). Fix: give a file name in an existing folder",
            file=sys.stderr,
        )
        print("Nothing was written.", file=sys.stderr)
        return 1
    if tagger is None and not args.no_themes:
        try:
            tagger = theme_tagger(args.vocabulary, args.settings)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            print("Nothing was written.", file=sys.stderr)
            return 1
    from plugins.author_text import printable  # plugins/ is on the path (importer/__init__)

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
            # Source text may hold escape sequences: never print them raw.
            print(printable(f"error: {error}"), file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return 1
    for note in report.notes:
        print(printable(f"note: {note}"))
    # A Blogger import writes beside OUT too (pages, pictures): its paths are under its root.
    root = (report.root or args.out).rstrip("/")
    for relative in report.written:
        print(f"wrote {root}/{relative}")
    for relative, reason in report.skipped:
        print(f"skipped {root}/{relative}: {reason}; run with --force to overwrite it")
    if report.root:
        print("\n".join(report.summary))
    else:
        print(render_report(report.posts, report.decisions))
    if args.report:
        if report.root:
            text = "\n".join([*report.summary, *(f"note: {n}" for n in report.notes)]) + "\n"
        else:
            text = render_report(report.posts, report.decisions, report.notes)
        try:
            Path(args.report).write_text(text, encoding="utf-8")
        except OSError as error:
            print(
                f"error: {args.report}: cannot write the report ({error.strerror})", file=sys.stderr
            )
            return 1
        print(f"report: {args.report}")
    what = "posts and pages" if report.root else "posts"
    print(
        f"{len(report.posts)} {what}: {len(report.written)} written, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
