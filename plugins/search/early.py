"""Index the posts in the background as soon as the part of them the search reads is final.

Pagefind reads of an article page only its `data-pagefind-body` element, the page's
`<html lang>`, its `<title>` and its path (plus attributes and headings it would pick up
anywhere: `frame_view` refuses a page whose frame holds any). That part of every post is final
once Pelican's article generator has finished (themes, glossary marks, reading time), long
before the pages are written: what comes later (topics, related posts, "read next") lies
outside it. So a forked child renders each post's page with the theme's own template, minus
the blocks that follow the article, into a folder of its own and runs Pagefind there, while
the build goes on; at `finalized` the search plugin takes its bundle only when every page the
site would have indexed shows the very same part, path for path (`EarlyIndex.check`), and
indexes the written site as before when it does not.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import pickle
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from plugins.build_speed.keys import key

logger = logging.getLogger(__name__)

_MARK = b"data-pagefind-body"
# Put in place of what follows the article (comments, "read next"): where the part ends.
_END = "<!-- search: end of the indexed part -->"
# The theme's article template (whichever a post names), with the blocks after the article
# left empty: the same markup, from the same file, as the page the site will have.
STUB_TEMPLATE = (
    "{% extends search_page_template %}"
    "{% block head %}{% endblock head %}{% block description %}{% endblock description %}"
    "{% block after_article %}" + _END + "{% endblock after_article %}"
    "{% block read_next %}{% endblock read_next %}"
)
_LANG = re.compile(rb"<html\b[^>]*?\slang=\"([^\"]*)\"", re.IGNORECASE)
_TITLE = re.compile(rb"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# Outside the indexed element Pagefind still reads every data-pagefind-* attribute but a bare
# data-pagefind-ignore, the first non-empty <h1> and the first <img> after it.
_PAGEFIND_ATTRIBUTE = re.compile(rb"data-pagefind-(?!ignore[\s>/])", re.IGNORECASE)
_H1 = re.compile(rb"<h1[\s>]", re.IGNORECASE)
_IMG = re.compile(rb"<img[\s>/]", re.IGNORECASE)


def element_start(data):
    """Where the element marked data-pagefind-body starts in DATA (a page's bytes), or -1."""
    mark = data.find(_MARK)
    if mark < 0 or data.find(_MARK, mark + 1) >= 0:
        return -1
    start = data.rfind(b"<", 0, mark)
    return start if start >= 0 and data.find(b">", start, mark) < 0 else -1


def frame_view(head, tail):
    """(lang, title) of a page whose indexed element lies between HEAD and TAIL, or None when
    something there would reach the index (Pagefind attributes, an h1, an image after it)."""
    if _PAGEFIND_ATTRIBUTE.search(head) or _PAGEFIND_ATTRIBUTE.search(tail):
        return None
    if _H1.search(head) or _H1.search(tail) or _IMG.search(tail):
        return None
    lang, title = _LANG.search(head), _TITLE.search(head)
    return (lang.group(1) if lang else None, title.group(1) if title else None)


def stub_view(data):
    """What the search reads of a page rendered with STUB_TEMPLATE: (lang, title, length of
    the element, its key), or None when that cannot be told apart from the rest."""
    start, end = element_start(data), data.find(_END.encode())
    if start < 0 or end < start:
        return None
    close = data.rfind(b"</article>", start, end)
    if close < 0 or data[close + len(b"</article>") : end].strip():
        return None
    end = close + len(b"</article>")
    frame = frame_view(data[:start], data[end:].replace(_END.encode(), b"", 1))
    return None if frame is None else (*frame, end - start, key(data[start:end]))


def page_view(data, length):
    """The same as stub_view for a written page whose element is LENGTH bytes long."""
    start = element_start(data)
    if start < 0:
        return None
    end = start + length
    frame = frame_view(data[:start], data[end:])
    return None if frame is None else (*frame, length, key(data[start:end]))


class _Stub:
    """A page template that renders the theme's TEMPLATE through STUB, for Pelican's Writer."""

    def __init__(self, template, stub):
        self.template, self.stub = template, stub

    def render(self, context):
        return self.stub.render({**context, "search_page_template": self.template})


# What Pagefind is given of each post: the part of its page it reads (see frame_view).
_PAGE = "<!DOCTYPE html>\n<html{lang}>\n<head>\n{title}</head>\n<body>\n{element}\n</body>\n</html>"


def indexed_page(data):
    """The page Pagefind is given for a stub page DATA: its lang, title and indexed element,
    and (lang, title, length, key) of that part; (None, None) when it cannot be told apart."""
    view = stub_view(data)
    if view is None:
        return None, None
    lang, title, length, _ = view
    start = element_start(data)
    page = _PAGE.format(
        lang="" if lang is None else f' lang="{lang.decode()}"',
        title="" if title is None else f"<title>{title.decode()}</title>\n",
        element=data[start : start + length].decode(),
    )
    return page, view


class _File:
    """A file Pelican's Writer writes a stub page to: the indexed page is written on close."""

    def __init__(self, path, views):
        self.path, self.views, self.parts = path, views, []

    def write(self, text):
        self.parts.append(text)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        data = "".join(self.parts).encode()
        if exc[0] is None and _MARK in data:  # a page the search leaves out is not written
            page, view = indexed_page(data)
            self.views[self.path] = view
            if page is not None:
                Path(self.path).write_text(page, encoding="utf-8")


def _stub_writer(folder, settings, views):
    """Pelican's Writer, its files kept as indexed pages (_File) and their VIEWS noted."""
    from pelican.writers import Writer

    class StubWriter(Writer):
        def _open_w(self, filename, encoding, override=False):
            return _File(filename, views)

    return StubWriter(str(folder), settings=settings)


def render_stubs(generator, folder):
    """Write each post of GENERATOR (an ArticlesGenerator) into FOLDER as the page Pagefind is
    given of it, with Pelican's own Writer and the calls Pelican makes for the real pages;
    return {relative path: view} of the pages marked for the search (view None when a page
    cannot be indexed early)."""
    views = {}
    writer = _stub_writer(folder, generator.settings, views)
    stub = generator.env.from_string(STUB_TEMPLATE)

    def write(name, template, context, **kwargs):
        relative = generator.settings.get("RELATIVE_URLS")
        writer.write_file(name, _Stub(template, stub), context, relative_urls=relative, **kwargs)

    generator.generate_articles(write)
    generator.generate_drafts(write)
    return {Path(path).relative_to(folder).as_posix(): view for path, view in views.items()}


def make(generator, folder, bundle_dir, part_most, executable=None):
    """Render the posts' indexed pages into FOLDER/site and index them; move the bundle to
    FOLDER/bundle_dir; return (views of the pages indexed, their count), (None, 0) if not."""
    from .index import build_index, pages_to_index

    site = Path(folder) / "site"
    site.mkdir()
    views = render_stubs(generator, site)
    if not views or None in views.values() or set(pages_to_index(site, bundle_dir)) != set(views):
        return None, 0
    count = build_index(site, bundle_dir, executable=executable, part_most=part_most)
    os.replace(site / bundle_dir, Path(folder) / bundle_dir)
    return views, count


class EarlyIndex:
    """The background index of one build: a forked child and the folder it works in."""

    def __init__(self, pid, folder, bundle_dir):
        self.pid, self.folder = pid, Path(folder)
        self.bundle_dir = bundle_dir
        self.views, self.count, self.failure = None, 0, None
        self._mismatch = None

    @property
    def bundle(self):
        """The bundle the child made, beside the site (taken by a rename)."""
        return self.folder / self.bundle_dir

    def wait(self):
        """Wait for the child; True when it made a bundle (else `failure` says why not)."""
        if self.pid is not None:
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
            try:
                report = pickle.loads((self.folder / "result.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError):
                code = os.waitstatus_to_exitcode(status)
                report = ("failed", f"the indexing process ended ({code}) before it finished")
            if report[0] == "made":
                self.views, self.count = report[1], report[2]
            else:
                self.failure = report[1]
        return self.views is not None

    def check(self, name, data):
        """Note whether the written page NAME (its bytes DATA) shows what its stub showed."""
        if self._mismatch is not None or self.views is None:
            return
        expected = self.views.get(name)
        if expected is None:
            self._mismatch = f"{name} was not among the pages indexed early"
        elif page_view(data, expected[2]) != expected:
            self._mismatch = f"{name} differs from the page indexed early"

    def usable(self, pages):
        """True when PAGES (the site's pages to index, each checked) are the ones indexed."""
        if self.views is None:
            return False
        if self._mismatch is None and set(pages) != set(self.views):
            self._mismatch = "the site indexes other pages than those indexed early"
        if self._mismatch is not None:
            logger.debug("search: the early index is not used: %s", self._mismatch)
        return self._mismatch is None

    def cancel(self):
        """Stop the child (and its Pagefind) if it still runs; remove its folders."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
        shutil.rmtree(self.folder, ignore_errors=True)


_running = None  # the EarlyIndex of the build under way, if any


def start(generator, output_path, bundle_dir, part_most):
    """Fork a child that indexes GENERATOR's posts; its bundle lands beside OUTPUT_PATH."""
    global _running
    cancel()
    output = Path(output_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Beside the site, on its disk: Pagefind numbers pages in the order it finds them, and
    # that order (a directory's on some file systems) is the site's only on the same disk.
    folder = tempfile.mkdtemp(prefix=".search-early-", dir=output.parent)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as error:
        logger.debug("search: no process for the early index (%s)", error)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    if pid == 0:  # the child: index, report, never return
        _child(generator, folder, bundle_dir, part_most)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first
    _running = EarlyIndex(pid, folder, bundle_dir)
    return _running


def _child(generator, folder, bundle_dir, part_most):
    status = 1
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # Pagefind joins this group: cancel() stops both at once
        # Nothing said twice on the console: the build says what it has to about each post.
        logging.disable(logging.CRITICAL)
        # A collection would touch every object of the heap shared with the build, and so
        # copy its memory; this short-lived process frees nothing worth it.
        gc.disable()
        try:
            try:
                views, count = make(generator, folder, bundle_dir, part_most)
            finally:
                shutil.rmtree(Path(folder, "site"), ignore_errors=True)
            if views is None:
                report = ("failed", "a page shows more to the search than its article")
            else:
                report = ("made", views, count)
            status = 0
        except BaseException as error:
            report = ("failed", f"{type(error).__name__}: {error}")
        temporary = Path(folder, "result.pickle.tmp")
        temporary.write_bytes(pickle.dumps(report))
        os.replace(temporary, Path(folder, "result.pickle"))
    finally:
        os._exit(status)  # never Pelican's run, nor the parent's exit handlers


def take():
    """The EarlyIndex of this build (the caller now owns it), or None."""
    global _running
    job, _running = _running, None
    return job


def cancel():
    """Stop the early index of a build that did not reach `finalized` (it failed)."""
    job = take()
    if job is not None:
        job.cancel()


# A build that stops with an error never reaches `finalized`: its child is stopped and its
# folder removed when the process ends (or when the next build starts, see start()).
atexit.register(cancel)
