"""Preview the blog: build, serve on 127.0.0.1:PORT, rebuild on save and reload the browser.

Usage: python scripts/devserver.py [--content content] [--output output] [-s pelican.conf.py]
                                   [--host 127.0.0.1] [--port 8000]

Builds with Pelican in this process, watches content/, theme/, plugins/ and pelican.conf.py,
and serves output/ with livereload, which makes the open page reload after each rebuild
(Pelican's own --autoreload rebuilds but leaves the browser page stale). After each rebuild
it prints, for every post saved since the last one, the themes found and why.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from content_checks import load_vocabulary_or_none  # noqa: E402
from content_checks.report import theme_report  # noqa: E402
from pelican import signals  # noqa: E402
from yaml_metadata.reader import shown_path  # noqa: E402

# Pelican's content cache, as `make html` keeps it (pelican.conf.py), in a folder of its own:
# a rebuild re-reads only the posts saved since the last one. The build_speed plugin keys the
# folder by content folder and code, so an edited setting or plugin never meets stale posts.
# bench/warm.py times the devserver's rebuild with these same settings.
DEVSERVER_SETTINGS = {
    "CACHE_CONTENT": True,
    "LOAD_CONTENT_CACHE": True,
    "CHECK_MODIFIED_METHOD": "mtime",
    "GZIP_CACHE": False,  # compressing the cache after every save costs more than it saves
}
CACHE_ROOT = ROOT / "cache" / "devserver"  # gitignored


class _LastBuild:
    """The articles of the most recent build only (replaced, never accumulated)."""

    articles: list = []


def remember_articles(generators):
    """Keep the finished articles and drafts so the console report can describe them."""
    # all_generators_finalized: the themes plugin has set article.themes by now.
    found = []
    for generator in generators:
        if hasattr(generator, "drafts_translations"):
            found = [*generator.articles, *generator.drafts, *generator.hidden_articles]
    _LastBuild.articles = found


def snapshot(folder):
    """{path: mtime} of every file under FOLDER."""
    stamps = {}
    for base, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            stamps[path] = os.path.getmtime(path)
    return stamps


def changed_since(before, after):
    """Paths added or modified between two snapshots."""
    return {path for path, stamp in after.items() if before.get(path) != stamp}


class Builder:
    """Runs one Pelican build per call, in this process, with fresh settings each time."""

    def __init__(self, content, output, conf):
        self.content, self.output, self.conf = Path(content), Path(output), Path(conf)
        self.stamps = snapshot(self.content)

    def settings(self):
        from pelican.settings import read_settings

        return read_settings(
            str(self.conf),
            override={
                **DEVSERVER_SETTINGS,
                "CACHE_PATH": str(CACHE_ROOT),
                "PATH": str(self.content.resolve()),
                "OUTPUT_PATH": str(self.output),
            },
        )

    def build(self):
        """Build the site; print clean errors instead of stopping; return True when it built."""
        from pelican import Pelican
        from pelican.log import LimitFilter

        # Pelican hides a warning it has already shown in this process; a preview must show
        # the current problems on every rebuild, so forget the earlier ones.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        _LastBuild.articles = []
        try:
            settings = self.settings()
            Pelican(settings).run()
        except Exception as error:  # keep serving; the author fixes the post and saves again
            logging.getLogger("devserver").error("The build failed: %s", error)
            return False
        self.report(settings)
        return True

    def report(self, settings):
        stamps = snapshot(self.content)
        changed = changed_since(self.stamps, stamps)
        self.stamps = stamps
        if not changed:
            return
        vocabulary = load_vocabulary_or_none(settings)
        for article in _LastBuild.articles:
            if os.path.abspath(article.source_path) not in {os.path.abspath(p) for p in changed}:
                continue
            lines = theme_report(
                article.title,
                shown_path(article.source_path),
                getattr(article, "themes", None),
                getattr(article, "theme_evidence", None),
                text=f"{article.title} {article._content}",
                vocabulary=vocabulary,
                source=getattr(article, "theme_source", None),
            )
            print("\n".join(lines), flush=True)
        self.report_privacy(changed)

    def report_privacy(self, changed):
        """Privacy findings (plugins/privacy_check) for the posts just saved."""
        from privacy_check import saved_post_lines

        try:
            lines = saved_post_lines(self.content, sorted(changed))
        except Exception as error:  # a broken post is reported by the build already
            logging.getLogger("devserver").error("The privacy check failed: %s", error)
            return
        if lines:
            print("\n".join(lines), flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("-s", "--settings", default=str(ROOT / "pelican.conf.py"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--once", action="store_true", help="build once and exit (for tests)")
    args = parser.parse_args(argv)

    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING)
    signals.all_generators_finalized.connect(remember_articles)
    builder = Builder(args.content, args.output, args.settings)
    ok = builder.build()  # describes nothing: only posts saved after it are reported
    if args.once:
        return 0 if ok else 1

    from livereload import Server

    server = Server()
    logging.getLogger("livereload").propagate = False  # it prints its own lines already
    ignore = lambda path: "__pycache__" in path or path.endswith((".pyc", "~", ".swp"))  # noqa: E731
    for path in (args.content, ROOT / "theme", ROOT / "plugins", args.settings):
        server.watch(str(path), builder.build, ignore=ignore)
    print(f"Serving {args.output} at http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    server.serve(host=args.host, port=args.port, root=str(args.output), open_url_delay=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
