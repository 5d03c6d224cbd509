"""Compile each theme template once per build, before the page writers fork.

Pelican gives every generator its own Jinja environment, and Jinja compiles a template the
first time an environment is asked for it: base.html was compiled once per environment, and
the templates a page includes (base.html, _macros.html, includes/...) once more in each
forked page writer, as they are first met while writing (0.74 s of CPU at 1,000 posts, of
which 0.35 s is compiling every theme template once; bench/README.md).

So a build's environments share one in-memory bytecode cache (Jinja's BytecodeCache: the
compiled code of a template, keyed by its name and checked against its source), and before
the writers fork every theme template is compiled in this process, which the writers inherit.
The same compiled code, so the same pages.
"""

from __future__ import annotations

import contextlib
import weakref

import jinja2


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates in memory, shared by the environments of one build that compile alike."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        code = self._code.get((_compiles_like(bucket.environment), bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)  # ignored by Jinja if the source changed since

    def dump_bytecode(self, bucket):
        key = (_compiles_like(bucket.environment), bucket.key)
        self._code[key] = bucket.bytecode_to_string()


def _compiles_like(environment):
    """What shapes the code Jinja compiles from a template's source in ENVIRONMENT."""
    # Jinja keys its lexers by these same options (jinja2.lexer.get_lexer); the extensions,
    # autoescape, finalize and optimisation change the code made from the parsed template.
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
        id(environment.autoescape) if callable(environment.autoescape) else environment.autoescape,
        id(environment.finalize),
        environment.optimized,
        environment.is_async,
    )


# The fewest pages queued for which compiling every template here first paid (1,000 posts:
# ~2,500 pages; the real blog's ~60 did not).
COMPILE_FIRST_MIN = 500
# The environments of this build's generators, and the cache they share (share_templates).
_build = {"environments": weakref.WeakSet(), "bytecode": None}


def start_build(*_args):
    """A new build: a new, empty cache (a template edited between devserver builds is read
    again; its checksum would tell anyway)."""
    _build["environments"] = weakref.WeakSet()
    _build["bytecode"] = SharedBytecode()


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


def compile_theme_templates(writer=None, **_kwargs):
    """Compile every theme template in each environment of the build, once, here."""
    # pages_writing: before the page writers fork. A template that does not compile is
    # left for the page that uses it to report, as it would have been. A small site's few
    # pages are written sooner by writers that each compile what they meet, side by side
    # (content/: 1.82 s against 1.87 s with this; 4 alternating cold builds).
    if len(getattr(writer, "pages_queued", ())) < COMPILE_FIRST_MIN:
        return
    # Only the environments that write pages: those that have loaded a page's template.
    for environment in [env for env in _build["environments"] if len(env.cache or ())]:
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
