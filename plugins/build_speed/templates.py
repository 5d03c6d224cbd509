"""Compile each theme template once, beside the reading of the posts, and keep the code.

Pelican gives every generator its own Jinja environment, and Jinja compiles a template the
first time an environment is asked for it: base.html was compiled once per environment, and
the templates a page includes (base.html, _macros.html, includes/...) once more in each
forked page writer, as they are first met while writing (0.74 s of CPU at 1,000 posts, of
which 0.35 s is compiling every theme template once; bench/README.md).

So a build's environments share one in-memory bytecode cache (Jinja's BytecodeCache: the
compiled code of a template, keyed by its name and checked against its source). As the posts
are read, a forked process compiles every theme template (compile_ahead) on the core the
reading leaves idle, and this process takes its code when the first page needs a template;
the page writers, forked later, inherit it. A large build whose code did not come so compiles
every template in this process before the writers fork (compile_theme_templates). The same
compiled code, so the same pages.

With BUILD_SPEED_TEMPLATE_CACHE the compiled code is also kept on disk, as Python keeps a
module's bytecode in __pycache__: a later build (a published one too) loads it instead of
compiling the theme again, which was a quarter of a small site's cold build (the real blog:
0.33 s of 1.2 s). It is code, not content: Jinja checks each file against the template's
source (a checksum) and the file's name covers everything else that shapes the code (Jinja's
and Python's versions, the environment's options, filters and tests), so an edited template
or setting is compiled afresh, and a file that cannot be read or written is only compiled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import weakref
from pathlib import Path

import jinja2
from jinja2.utils import _PassArg

from .pool import in_background


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates in memory, shared by the environments of one build that compile
    alike; kept in FOLDER too when one is given (see the module's docstring)."""

    def __init__(self, folder=None):
        # {(how the environment compiles, template key): code} this process compiled, and
        # what the process compiling ahead (compile_ahead) answered once asked.
        self.compiled = {}
        self.ahead = None  # compile_ahead's Background until its answer is first needed
        self.ahead_asked = False  # compile_ahead has decided for this build
        self.folder = Path(folder) if folder else None
        self._stable = {}

    def stable_key(self, environment):
        """A digest of _stable_compile_key(ENVIRONMENT), or None; worked out once per build for
        each environment and set of filters and tests."""
        # Speed: telling the filters and tests (sorting, how each takes the context) took
        # ~0.5 ms, and a build asks for each template it loads in each environment.
        seen = (
            id(environment),
            _compiles_like(environment),
            tuple(environment.filters),
            tuple(map(id, environment.filters.values())),
            tuple(environment.tests),
            tuple(map(id, environment.tests.values())),
        )
        if seen not in self._stable:
            stable = _stable_compile_key(environment)
            digest = None if stable is None else hashlib.sha256(repr(stable).encode()).hexdigest()
            self._stable[seen] = digest
        return self._stable[seen]

    def memory_key(self, environment):
        """How ENVIRONMENT compiles, as this build's memory keys it: its stable key, else
        its options with the ids of its callables (shared in this process and its forks)."""
        stable = self.stable_key(environment)
        return stable if stable is not None else _compiles_like(environment)

    def load_bytecode(self, bucket):
        key = (self.memory_key(bucket.environment), bucket.key)
        code = self.compiled.get(key)
        if code is None and self.ahead is not None:
            # The first template this process needs: wait for the theme compiled ahead (it
            # started as the posts were read). A process that failed leaves it to this one.
            done, answer = self.ahead.result()
            self.ahead = None
            if done and isinstance(answer, dict):
                self.compiled.update(answer)
            code = self.compiled.get(key)
        if code is None:
            code = self._read(self.stable_key(bucket.environment), bucket.key)
        if code is None:
            return
        try:
            # Jinja checks its mark, Python's version and the source's checksum, and ignores
            # the code if any differs.
            bucket.bytecode_from_string(code)
        except Exception:  # noqa: BLE001  a damaged file (a full disk, a copy cut short)
            bucket.reset()  # is only compiled again, and written whole

    def dump_bytecode(self, bucket):
        key = (self.memory_key(bucket.environment), bucket.key)
        self.compiled[key] = code = bucket.bytecode_to_string()
        self._write(self.stable_key(bucket.environment), bucket.key, code)

    def file_for(self, stable, key):
        """The file that keeps the code of template KEY compiled as STABLE says, or None."""
        if self.folder is None or stable is None:
            return None
        name = hashlib.sha256(f"{stable}\0{key}".encode()).hexdigest()
        return self.folder / f"{name}.jinja"

    def _read(self, stable, key):
        path = self.file_for(stable, key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:  # not compiled yet, or unreadable: compiled again, and written
            return None

    def _write(self, stable, key, code):
        path = self.file_for(stable, key)
        if path is None:
            return
        try:
            with contextlib.suppress(OSError):
                if path.read_bytes() == code:
                    return  # the same code already there (a forked writer after this process)
            path.parent.mkdir(parents=True, exist_ok=True)
            # Whole or not at all: a build stopped part-way, or two at once, never leave half
            # a file for the next build (Jinja would discard it, but need not be asked to).
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".jinja")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(code)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only or full disk: the build goes on; the next one compiles again


def _compiles_like(environment):
    """What shapes the code Jinja compiles from a template's source in ENVIRONMENT."""
    # The autoescape, finalize and optimisation change the code made from the parsed template.
    return (
        *_parse_options(environment),
        id(environment.autoescape) if callable(environment.autoescape) else environment.autoescape,
        id(environment.finalize),
        environment.optimized,
        environment.is_async,
    )


def _parse_options(environment):
    """ENVIRONMENT's options that shape how a template's source is read: plain values."""
    # Jinja keys its lexers by these same options (jinja2.lexer.get_lexer), and the
    # extensions add to the parser.
    return (
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        tuple(sorted(environment.extensions)),
    )


def _stable_compile_key(environment):
    """What shapes the code Jinja compiles in ENVIRONMENT, told the same way in every process
    (names, not ids); None when something that shapes it cannot be told so."""
    # The compiler reads the environment's options, its filters' and tests' names and how
    # each is passed the context (jinja2/compiler.py: _filter_test_common), finalize and
    # autoescape (called at compile time), the intercepted operators and whether it is
    # sandboxed (its class).
    described = [
        jinja2.__version__,
        sys.version_info[:2],
        _described(type(environment)),
        _described(environment.code_generator_class),
        *_parse_options(environment),
        _described(environment.autoescape),
        _described(environment.finalize),
        environment.optimized,
        environment.is_async,
        tuple(sorted(getattr(environment, "intercepted_binops", ()))),
        tuple(sorted(getattr(environment, "intercepted_unops", ()))),
        tuple(sorted((name, str(_PassArg.from_obj(f))) for name, f in environment.filters.items())),
        tuple(sorted((name, str(_PassArg.from_obj(f))) for name, f in environment.tests.items())),
    ]
    return None if _UNKNOWN in repr(described) else tuple(described)


_UNKNOWN = "<not-stable>"


def _described(value):
    """VALUE told by what it is, not where it lives: plain values as they are; a class by its
    name; a function by its name, its code and the plain values its closure holds."""
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, (tuple, list, frozenset, set)):
        items = [_described(item) for item in value]
        return tuple(sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items)
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    code = getattr(value, "__code__", None)
    if code is not None:
        cells = getattr(value, "__closure__", None) or ()
        body = hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()
        name = f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
        return (name, body, tuple(_described(cell.cell_contents) for cell in cells))
    return _UNKNOWN


# The fewest pages queued for which compiling every template here first paid (1,000 posts:
# ~2,500 pages; the real blog's ~60 did not).
COMPILE_FIRST_MIN = 500
# The fewest templates missing from the kept cache worth compiling ahead in a forked process
# (compile_ahead); BUILD_POOL_MIN overrides it. One compiles in a few milliseconds.
COMPILE_AHEAD_MIN = 4
# The environments of this build's generators, and the cache they share (share_templates).
_build = {"environments": weakref.WeakSet(), "bytecode": None}


def start_build(pelican=None):
    """A new build: a new, empty cache in memory (a template edited between devserver builds
    is read again; its checksum would tell anyway), kept on disk with
    BUILD_SPEED_TEMPLATE_CACHE."""
    _build["environments"] = weakref.WeakSet()
    _build["bytecode"] = SharedBytecode(template_cache_folder(getattr(pelican, "settings", {})))


def template_cache_folder(settings):
    """Where SETTINGS keep compiled templates: .templates in the cache's root; or None."""
    if not settings.get("BUILD_SPEED_TEMPLATE_CACHE"):
        return None
    # The root, not the content cache's keyed folder: the same theme's code serves every
    # content folder and setting (its own key covers what shapes it), and a build that keeps
    # no content cache (make publish) still finds it.
    root = settings.get("BUILD_SPEED_CACHE_ROOT") or settings.get("CACHE_PATH")
    return Path(root) / ".templates" if root else None


def share_templates(generator):
    """Give GENERATOR's environment the build's shared cache of compiled templates."""
    environment = getattr(generator, "env", None)
    if not isinstance(environment, jinja2.Environment) or environment.bytecode_cache:
        return  # no templates, or a cache chosen in JINJA_ENVIRONMENT: left as it is
    if _build["bytecode"] is None:
        start_build()
    environment.bytecode_cache = _build["bytecode"]
    # A build's environment is made for that build (Pelican makes new generators each time),
    # so the template files need not be looked at again each time a page asks for one.
    environment.auto_reload = False
    _build["environments"].add(environment)


def compile_ahead(generator):
    """Compile the theme in a forked process while this one reads the posts (on a core that
    would idle); its code is taken when the first page's template is needed."""
    # article_generator_preread: every generator, so every Jinja environment, is made and
    # set up (filters included), and no template is loaded yet. A template kept on disk
    # from an earlier build is read, not compiled, so when all are kept nothing is started.
    # Pelican sends it before each post it reads: decided at the first.
    bytecode = _build["bytecode"]
    if bytecode is None or bytecode.ahead_asked:
        return
    bytecode.ahead_asked = True
    environments = _compiling_differently(bytecode, _build["environments"])
    missing = sum(
        1
        for stable, environment in environments
        for name in theme_template_names(environment)
        if not _kept(bytecode, stable, environment, name)
    )
    bytecode.ahead = in_background(
        generator.settings,
        lambda: _compile_all(bytecode, [environment for _, environment in environments]),
        missing,
        COMPILE_AHEAD_MIN,
    )


def _compiling_differently(bytecode, environments):
    """[(stable key, environment)]: one of ENVIRONMENTS for each way of compiling."""
    distinct = {}
    for environment in environments:
        stable = bytecode.stable_key(environment)
        if stable is not None:
            distinct.setdefault(stable, environment)
    return list(distinct.items())


def _kept(bytecode, stable, environment, name):
    """Whether template NAME's code for ENVIRONMENT is kept on disk (not whether it is current)."""
    try:
        _, filename, _ = environment.loader.get_source(environment, name)
    except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
        return True  # nothing to compile ahead: left for the page that needs it to report
    path = bytecode.file_for(stable, bytecode.get_cache_key(name, filename))
    return path is not None and path.exists()


def _compile_all(bytecode, environments):
    """(In the forked process) {(stable key, template key): code} of every theme template."""
    bytecode.ahead = None  # this process compiles; it waits for no one
    for environment in environments:
        _load_every_template(environment)
    return bytecode.compiled


def compile_theme_templates(writer=None, **_kwargs):
    """Compile every theme template in each environment of the build, once, here."""
    # pages_writing: before the page writers fork. A small site's few pages are written
    # sooner by writers that each compile what they meet, side by side (content/: 1.82 s
    # against 1.87 s with this; 4 alternating cold builds).
    if len(getattr(writer, "pages_queued", ())) < COMPILE_FIRST_MIN:
        return
    # Only the environments that write pages: those that have loaded a page's template.
    for environment in [env for env in _build["environments"] if len(env.cache or ())]:
        _load_every_template(environment)


def _load_every_template(environment):
    """Load (compile, or take the code of) every theme template of ENVIRONMENT."""
    # A template that does not compile is left for the page that uses it to report.
    for name in theme_template_names(environment):
        with contextlib.suppress(jinja2.TemplateError, OSError, UnicodeDecodeError):
            environment.get_template(name)


def theme_template_names(environment):
    """The names of ENVIRONMENT's templates, without Pelican's prefixed copies ("!simple/")."""
    try:
        names = environment.list_templates()
    except TypeError:  # a loader that cannot list its templates
        return []
    return [name for name in names if not name.startswith("!") and name.endswith(".html")]
