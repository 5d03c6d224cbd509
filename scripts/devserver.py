"""Preview the blog: build, serve on 127.0.0.1:PORT, rebuild on save and reload the browser.

Usage: python scripts/devserver.py [--content content] [--output output] [-s pelican.conf.py]
                                   [--host 127.0.0.1] [--port 8000]

Builds with Pelican in this process, watches content/, theme/, plugins/ (and any folder in
PLUGIN_PATHS) and pelican.conf.py, and serves output/ with livereload, which makes the open
page reload after each rebuild (Pelican's own --autoreload rebuilds but leaves the browser
page stale). After each rebuild it prints, for every post saved since the last one, the
themes found and why. A saved plugin file restarts the devserver, saying so, so the next build
runs the new code (a Python module, once imported, is not read again).

The reload client is served as /livereload.js and each HTML page gets a `<script src>` for it
as it is served, so the pages' strict Content-Security-Policy (script-src 'self') lets it run
while the files in output/ stay exactly what `make html` writes. A missing address gets the
site's own 404 page; a busy port stops the devserver with one line before it builds.

A save that changes only the body of one post (published or draft) gets its page first
(scripts/preview.py) and a reload, then the full rebuild as always, in a thread while the page
is served, with a second reload if it changed that page (README, "Preview while you write").
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import logging
import os
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from pelican import signals  # noqa: E402
from pelican.log import LimitFilter  # noqa: E402

from plugins import post_model  # noqa: E402
from plugins.author_errors import AuthorMessage, shown_path  # noqa: E402
from plugins.content_checks import load_vocabulary_or_none  # noqa: E402
from plugins.themes.decision import exclusions, theme_options  # noqa: E402
from plugins.themes.report import theme_report  # noqa: E402
from scripts import preview  # noqa: E402
from scripts.publish import swap  # noqa: E402
from scripts.serve import NOT_FOUND_PAGE, bind_error_message  # noqa: E402

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


@preview.allow  # it changes no post: the preview may run while it is connected
def remember_articles(generators):
    """Keep the finished articles and drafts so the console report can describe them."""
    # all_generators_finalized: the themes plugin has set article.blog.themes by now.
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
            try:  # the link itself, not its target: a dangling link is the build's to report
                stamps[path] = os.lstat(path).st_mtime
            except OSError:  # removed while we looked
                continue
    return stamps


# What editors write beside the file being edited (backups, swap, lock and autosave files):
# no reader reads these names and Pelican's IGNORE_FILES skips '.#*', so they never change a
# build, and a save that comes with them is still the save of one post.
EDITOR_FILES = ("*~", ".*.sw?", ".#*", "#*#")


def editor_file(path):
    """Whether PATH is an editor's backup, swap, lock or autosave file (EDITOR_FILES)."""
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(name, pattern) for pattern in EDITOR_FILES)


def changed_since(before, after):
    """Paths added or modified between two snapshots."""
    return {path for path, stamp in after.items() if before.get(path) != stamp}


class RebuildFilter(logging.Filter):
    """After the first build, drop lines that repeat what an earlier build said."""

    # The first build says everything. A rebuild says the errors (the build needs them fixed)
    # and what concerns the posts saved since the last build; a warning about a post nobody
    # touched was said at the start and again at every save otherwise. The themes plugin's
    # line on a saved post without theme tags goes too: Builder.report says it, with why.
    # (A filter, not THEMES_REPORT_LEVEL: a changed setting would start a cold build cache.)
    saved = None  # absolute paths of the posts saved since the last build; None: first build

    def filter(self, record):
        if self.saved is None:
            return True
        if record.name == "plugins.themes" and not record.args:
            text = str(record.msg)
            return not (
                text.startswith("themes: ")
                and ("no theme tags" in text or "kept the themes detected" in text)
            )
        if record.name == "plugins.content_checks" and record.levelno == logging.WARNING:
            problem = record.args[0] if isinstance(record.args, tuple) and record.args else None
            if isinstance(problem, AuthorMessage):
                return os.path.abspath(problem.path) in self.saved
        return True


REBUILD_FILTER = RebuildFilter()


def input_stamps(settings, conf):
    """{path: mtime} of what a build reads besides content/ and plugins: the settings file
    CONF, the theme, the theme vocabulary and the glossary's tables."""
    stamps = snapshot(settings["THEME"])
    for path in (conf, *(settings.get(name) for name in INPUT_SETTINGS)):
        if path:
            with contextlib.suppress(OSError):
                stamps[str(path)] = os.stat(path).st_mtime
    return stamps


# The settings naming files a build reads outside the content folder.
INPUT_SETTINGS = ("THEMES_VOCABULARY", "GLOSSARY_FILE", "GLOSSARY_LAW_FILE")


def code_folders(settings):
    """The folders of the plugin code a build runs: our `plugins` package and PLUGIN_PATHS."""
    import plugins

    return [Path(plugins.__file__).parent, *(Path(p) for p in settings.get("PLUGIN_PATHS") or ())]


def code_stamps(folders):
    """{path: mtime} of every Python file under FOLDERS."""
    stamps = {}
    for folder in folders:
        for path in Path(folder).rglob("*.py"):
            try:
                stamps[str(path)] = path.stat().st_mtime_ns
            except OSError:  # removed while we looked
                continue
    return stamps


def restart(changed):
    """Say which plugin files changed, then start this devserver afresh (same arguments)."""
    shown = ", ".join(os.path.relpath(path, ROOT) for path in sorted(changed)[:3])
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    print(
        f"Plugin code changed ({shown}{more}): restarting the devserver to run the new code.",
        flush=True,
    )
    sys.stderr.flush()
    # The listening socket is not inherited (Python's sockets are close-on-exec), so the new
    # process binds the same port; the open page's reload client reconnects to it.
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


class Builder:
    """Runs one Pelican build per call, in this process, with fresh settings each time."""

    def __init__(self, content, output, conf, cache=None):
        self.content, self.output, self.conf = Path(content), Path(output), Path(conf)
        self.cache = Path(cache) if cache is not None else CACHE_ROOT
        self.stamps = snapshot(self.content)
        self.built = False  # the first build describes nothing: only later saves are reported
        self.code = None  # the plugin files as they were when this process loaded them
        self.restart = restart
        self.indexing = None  # the thread making the search index of the last build
        self.inputs = None  # input_stamps of the last build that finished
        self.previews = True  # a body-only save gets its page before the full rebuild
        self.previewed = None  # what the last build's preview did (a preview.Preview)
        self.on_preview = None  # called with the page's path once a preview wrote it
        self.background = False  # the full rebuild after a preview runs in a thread
        self.after_full = None  # called (ok, page changed since the preview) after it
        self.full = None  # that thread
        self.privacy = None  # the thread reading the posts' privacy clues after the first build
        signals.all_generators_finalized.connect(preview.keep_last_build)

    def settings(self):
        from pelican.settings import read_settings

        return read_settings(
            str(self.conf),
            override={
                **DEVSERVER_SETTINGS,
                "CACHE_PATH": str(self.cache),
                "PATH": str(self.content.resolve()),
                "OUTPUT_PATH": str(self.output),
            },
        )

    def build(self):
        """Build the site; print clean errors instead of stopping; return True when it built.

        After the first build, a save that changed only the body of one post (published or
        draft) gets its page written first (scripts/preview.py; `on_preview` is told), then the full
        rebuild runs as always: in this call, or, with `background` set, in a thread of its
        own (`after_full` is told when it ends), so the browser can load the page meanwhile.
        The search index is made after the build (see index_later); `finish` waits for both.
        """
        self.finish()  # never two builds or index runs over one site at once
        # Pelican hides a warning it has already shown in this process; a preview must show
        # the current problems on every rebuild, so forget the earlier ones.
        LimitFilter._raised_messages.clear()
        LimitFilter._group_count.clear()
        _LastBuild.articles = []
        stamps = snapshot(self.content)
        saved = {os.path.abspath(path) for path in changed_since(self.stamps, stamps)}
        if self.built:
            REBUILD_FILTER.saved = saved
        last = preview.take_last_build()  # held only until the preview is done
        try:
            settings = self.settings()
            code = code_stamps(code_folders(settings))
            if self.code is None:
                self.code = code  # the first build imports the plugins as they are now
            elif code != self.code:
                changed = {
                    p for p in code.keys() | self.code.keys() if code.get(p) != self.code.get(p)
                }
                self.restart(changed)
                return False
            inputs = input_stamps(settings, self.conf)
        except Exception as error:  # keep serving; the author fixes the post and saves again
            logging.getLogger("devserver").error("The build failed: %s", error)
            return False
        self.previewed = None
        if self.built:
            self.previewed = self.preview(last, stamps, saved, inputs)
        del last
        if self.previewed and self.background:
            page = self.previewed.page
            shown = page.read_bytes()

            def full():
                ok = self.full_build(settings, stamps, saved, inputs)
                if self.after_full is not None:
                    self.after_full(ok, page.exists() and page.read_bytes() != shown)

            self.full = threading.Thread(target=full, name="full-rebuild", daemon=True)
            self.full.start()
            return True
        return self.full_build(settings, stamps, saved, inputs)

    def preview(self, last, stamps, saved, inputs):
        """Write the page of the one post saved, when only its body changed (preview.py)."""
        if not self.previews:
            return preview.Preview(reason="previews are off")
        saved = {path for path in saved if not editor_file(path)}
        removed = {path for path in set(self.stamps) - set(stamps) if not editor_file(path)}
        if len(saved) != 1 or removed:
            return preview.Preview(reason="not one file saved")
        if inputs != self.inputs:
            return preview.Preview(reason="settings, theme, vocabulary or glossary changed")
        path = os.path.realpath(next(iter(saved)))  # as Pelican names it (PATH is resolved)
        if self.privacy is not None:
            self.privacy.join()
            self.privacy = None
        try:
            # A privacy error in the saved post: its page waits for the full build, which
            # writes it with the console's lines about it (report_privacy), as always.
            from plugins.privacy_check import saved_post_lines

            if any(line.startswith("error:") for line in saved_post_lines(self.content, [path])):
                return preview.Preview(reason="a privacy error in the post")
        except Exception:  # a post that does not read: the build reports it
            return preview.Preview(reason="the privacy check failed")
        try:
            result = preview.preview(last, path, self.output.resolve())
        except Exception as error:  # never in the way of the full rebuild, which follows
            logging.getLogger("devserver").debug("The preview failed: %r", error)
            return preview.Preview(reason=f"the preview failed ({type(error).__name__})")
        if result and self.on_preview is not None:
            self.on_preview(result.page)
        return result

    def full_build(self, settings, stamps, saved, inputs):
        """The full build (Pelican's run), as `build` describes; True when it built."""
        from pelican import Pelican

        try:
            pelican = Pelican(settings)
            with index_later(settings) as later:
                pelican.run()
        except Exception as error:  # keep serving; the author fixes the post and saves again
            preview.take_last_build()  # a build that stopped is no base for a preview
            logging.getLogger("devserver").error("The build failed: %s", error)
            return False  # self.stamps stays: the next build still counts these posts as saved
        self.stamps, self.inputs = stamps, inputs
        if later.wanted:
            self.indexing = threading.Thread(target=later.run, name="search-index", daemon=True)
            self.indexing.start()
        if self.built:
            self.report(settings, saved)
        elif self.previews:
            # The privacy check a preview makes judges the saved post with every other one:
            # read them all now, while the author reads the site, not at the first save.
            self.privacy = threading.Thread(target=self.read_privacy, name="privacy", daemon=True)
            self.privacy.start()
        self.built = True
        return True

    def read_privacy(self):
        """Read every post's privacy clues into the check's cache (saved_post_lines)."""
        from plugins.privacy_check import saved_post_lines

        with contextlib.suppress(Exception):  # a post that does not read: said at its save
            saved_post_lines(self.content, [])

    def finish(self):
        """Wait until the last build's full rebuild and search index are in place."""
        if self.full is not None:
            self.full.join()
            self.full = None
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def report(self, settings, saved):
        """Print what SAVE_REPORTS say about each post in SAVED (absolute paths)."""
        if not saved:
            return
        build = SavedBuild(settings)
        for article in _LastBuild.articles:
            if os.path.abspath(article.source_path) not in saved:
                continue
            for report in SAVE_REPORTS:
                lines = report(article, build)
                if lines:
                    print("\n".join(lines), flush=True)
        self.report_privacy(saved)

    def report_privacy(self, saved):
        """Privacy findings (plugins/privacy_check) for the posts just saved."""
        # Not one of SAVE_REPORTS: it judges the saved files together with every other post,
        # and a saved comments file belongs to no article of the build.
        from plugins.privacy_check import saved_post_lines

        try:
            lines = saved_post_lines(self.content, sorted(saved))
        except Exception as error:  # a broken post is reported by the build already
            logging.getLogger("devserver").error("The privacy check failed: %s", error)
            return
        if lines:
            print("\n".join(lines), flush=True)


class LaterIndex:
    """The search index of one build, made after the build: `run` makes it and swaps it in."""

    def __init__(self, settings):
        self.settings = settings
        self.wanted = False

    def run(self):
        """Index the built site into a folder of its own, then put it in place of the old one.

        Until then the site keeps the last build's index, so a search made during the gap
        works; a page added by this build is found once the swap is done.
        """
        from plugins.build_speed.memo import folder_memo_for
        from plugins.search import build_index, search_settings

        site = Path(self.settings["OUTPUT_PATH"])
        bundle = search_settings(self.settings)["SEARCH_BUNDLE_DIR"]
        # Beside the bundle, so the swap is a rename within one folder.
        parent, _, name = bundle.rpartition("/")
        fresh = f"{parent}/.{name}.next" if parent else f".{name}.next"
        try:
            build_index(site, fresh, memo=folder_memo_for(self.settings, "SearchIndex"))
            swap_folder(site / fresh, site / bundle)
        except Exception as error:  # keep serving: the pages are written, the old index stays
            logging.getLogger("devserver").error("The search index failed: %s", error)


def swap_folder(fresh, target):
    """Put the folder FRESH at TARGET, replacing what is there, then remove the old one."""
    # publish's swap exchanges the two in one step where the file system can, so a search made
    # at that moment never finds the index missing. The old index is the devserver's own
    # scratch (no publish marker), and waits under a hidden name where two renames are needed.
    swap(
        fresh,
        target,
        remove=lambda folder: shutil.rmtree(folder, ignore_errors=True),
        old=target.with_name(f".{target.name}.old"),
    )


@contextlib.contextmanager
def index_later(settings):
    """Run a build with the search plugin's index step held back; yield its LaterIndex."""
    # The search plugin indexes at `finalized`, the last step of a build: in a preview that
    # is time the author waits before the browser reloads, for a search they may not make.
    from plugins import search

    later = LaterIndex(settings)
    connected = search.index_site in signals.finalized.receivers_for(signals.finalized.ANY)
    enabled = settings.get("SEARCH_ENABLED", search.DEFAULTS["SEARCH_ENABLED"])
    if not connected or not enabled:
        yield later
        return
    signals.finalized.disconnect(search.index_site)
    try:
        yield later
        later.wanted = True
    finally:
        signals.finalized.connect(search.index_site)


class SavedBuild:
    """What the on-save reports may share: the build's settings, and things read once."""

    def __init__(self, settings):
        self.settings = settings
        self._vocabulary = ...

    @property
    def vocabulary(self):
        """The theme vocabulary (None without one), read at most once per report."""
        if self._vocabulary is ...:
            self._vocabulary = load_vocabulary_or_none(self.settings)
        return self._vocabulary


def themes_lines(article, build):
    """The themes the saved ARTICLE got and why, or themes that might fit it."""
    return theme_report(
        article.title,
        shown_path(article.source_path),
        post_model.get(article, "themes"),
        post_model.get(article, "theme_evidence"),
        # Suggestions for a post without themes come from the build's own decision, with its
        # options; such a post has no cross-links and its text is as the build read it.
        text=article._content,
        vocabulary=build.vocabulary,
        source=post_model.get(article, "theme_source"),
        options=theme_options(build.settings),
        exclude=exclusions(article.metadata),
    )


# What the console says about each post saved, in this order: each function takes the article
# and the SavedBuild and returns lines to print (or none). Add one here to report more on save.
SAVE_REPORTS = [themes_lines]


# A file of the site's own origin, so "script-src 'self'" allows it (an inline loader, which
# livereload injects by default, is blocked by the CSP). The client takes the host and port
# to connect back to from this script's own address.
RELOAD_SCRIPT = b'<script src="/livereload.js"></script>'
INDEX = "index.html"


def waits_for_rebuild(builder, path):
    """Whether a request for PATH (below the site) waits for BUILDER's full rebuild: a page
    other than the one the preview wrote while the full rebuild after it is running."""
    # Pelican writes pages in place: one asked for while the rebuild writes it could come
    # half written. Before previews every request waited for the build (it ran in the
    # server's thread); now only the previewed page, and files that are not pages (its
    # stylesheet...), are served at once.
    full, shown = builder.full, builder.previewed
    if full is None or not full.is_alive() or not shown:
        return False
    target = (builder.output / path).resolve()
    if target.is_dir() or not target.suffix:
        target = target / INDEX
    return target.suffix == ".html" and target != shown.page


def preview_server_class(builder=None):
    """livereload's Server, loading its client as a file and answering misses with 404.html;
    with BUILDER, a page asked for while its rebuild writes the site waits for it."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
    from livereload.server import LiveScriptInjector
    from tornado import gen, httpserver, web

    class InjectReloadScript(LiveScriptInjector):
        script = RELOAD_SCRIPT

    class SiteFileHandler(StaticFileHandler):
        async def get(self, path, include_body=True):
            while builder is not None and waits_for_rebuild(builder, path):
                await gen.sleep(0.05)
            return await super().get(path, include_body)

        def write_error(self, status_code, **kwargs):
            page = os.path.join(self.root, NOT_FOUND_PAGE)
            if status_code != 404 or not os.path.isfile(page):
                return super().write_error(status_code, **kwargs)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            with open(page, "rb") as handle:
                return self.finish(handle.read())

    def log_request(handler):
        # Tornado logs every request; only a miss says something (a broken link, a stale tab).
        if handler.get_status() >= 400:
            print(f"{handler.get_status()} {handler.request.uri}", file=sys.stderr, flush=True)

    class PreviewServer(Server):
        sockets = ()  # bound before the first build (bind_sockets), so a busy port fails fast

        def application(self, port, host, liveport=None, debug=None, live_css=True):
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            # livereload drops a change that comes within 3 s of the server's start or of the
            # last reload ("many files changed at once"): a second save soon after the first,
            # or a first save soon after `make devserver`, left the page stale. Here each poll
            # runs one build for every file saved since the last, so each one earns its reload.
            LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
            app = web.Application(
                handlers=[
                    (r"/livereload", LiveReloadHandler),
                    (r"/livereload.js", LiveReloadJSHandler),
                    (
                        r"/(.*)",
                        SiteFileHandler,
                        {"path": self.root, "default_filename": INDEX},
                    ),
                ],
                transforms=[InjectReloadScript],
                log_function=log_request,
            )
            httpserver.HTTPServer(app).add_sockets(self.sockets)

        def _setup_logging(self):
            pass  # livereload's lines ("Start watching changes"...) tell an author nothing

    return PreviewServer


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--output", default=str(ROOT / "output"))
    parser.add_argument("-s", "--settings", default=str(ROOT / "pelican.conf.py"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--once", action="store_true", help="build once and exit (for tests)")
    args = parser.parse_args(argv)

    sockets = ()
    if not args.once:
        from tornado.netutil import bind_sockets

        try:
            sockets = bind_sockets(args.port, address=args.host)
        except OSError as error:
            print(
                bind_error_message(error, args.host, args.port, "make devserver"), file=sys.stderr
            )
            return 1

    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(REBUILD_FILTER)
    signals.all_generators_finalized.connect(remember_articles)
    builder = Builder(args.content, args.output, args.settings)
    ok = builder.build()
    if args.once:
        return 0 if ok else 1

    server = preview_server_class(builder)()
    server.sockets = sockets
    # A save that changed only a post's body: livereload reloads the browser when build()
    # returns, with the post's page written (the preview); the full rebuild then runs in a
    # thread while the page is served, and the browser reloads again if it changed the page.
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()

    def after_full(ok, page_changed):
        if ok and page_changed:
            loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    builder.background, builder.after_full = True, after_full
    logging.getLogger("livereload").propagate = False  # its errors still reach stderr
    ignore = lambda path: "__pycache__" in path or path.endswith((".pyc", "~", ".swp"))  # noqa: E731
    try:
        code = code_folders(builder.settings())
    except Exception:  # a settings file that does not load: the build has said why
        code = code_folders({})
    for path in (args.content, ROOT / "theme", *code, args.settings):
        server.watch(str(path), builder.build, ignore=ignore)
    print(f"Serving {args.output} at http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    server.serve(host=args.host, port=args.port, root=str(args.output), open_url_delay=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
