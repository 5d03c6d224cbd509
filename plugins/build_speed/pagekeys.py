"""Keys of written pages: everything a page's template can read, so an unchanged page is kept.

Part of the build memo (memo.py), not a second cache: ParallelWriter asks the memo
"RenderedPages" for a page under `PageKeys.key(template, localcontext)`. The key covers:

- the source of the template and of every template it extends, includes or imports;
- the value of every context name those templates use (found in their syntax trees), with the
  page's own arguments (article, articles_page, ...); a name used only as a condition
  (`{% if tags %}`, `x is defined`, `not x`) counts by its truth and presence only;
- each post (Pelican Content) in those values by all its own attributes, and each post it
  refers to (neighbours, related posts) by that post's own attributes: a template reads a
  post and the posts it links to, never a third step on (`article.related[0].newer_post.title`
  would not be covered; tests/bench/test_render_memo.py compares whole sites with cold builds);
- every post's and static file's URL, which links inside a post's body are made from.

A value of a kind it does not know is keyed by a fresh random key: that page is always
rendered again. Settings, plugin code and package versions key the cache folder (cache.py).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import io
import os
import pickle
import types
from pathlib import PurePath

from jinja2 import Undefined, meta, nodes
from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.urlwrappers import URLWrapper

from .keys import key

# Attributes that never shape a page of their own: the settings (they key the cache folder)
# and the build's whole context, which every post keeps a reference to.
_SKIPPED = frozenset({"settings", "_context"})
_SIMPLE = (str, bytes, int, float, bool, type(None), complex)
# How many objects deep a page's values are followed (article -> its blog -> a theme -> its
# name; a listing page -> a post -> its blog -> a theme); the objects one step further count by
# their plain fields (text, numbers) only. A template reading further than that would not be
# covered: tests/bench/test_render_memo.py compares whole sites with cold builds.
STEPS = 4


class TemplateUse:
    """The context names a template and the templates it uses read (deep) or only test."""

    def __init__(self, environment, name):
        self.deep, self.tested, self.sources = set(), set(), []
        self.reads_paginator_lists = False
        self.dynamic = False
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source, _filename, _uptodate = environment.loader.get_source(environment, current)
            self.sources.append((current, source))
            deep, tested, paginator_lists, referenced = _read_template(environment, source)
            self.deep |= deep
            self.tested |= tested
            self.reads_paginator_lists |= paginator_lists
            for other in referenced:
                if other is None:  # a template named at run time: assume it reads everything
                    self.dynamic = True
                else:
                    todo.append(other)
        self.tested -= self.deep
        self.sources.sort()


# (template source) -> what _read_template found: a devserver parses each template once, not
# once per build (Jinja's analysis compiles the template).
_READ = {}


def _read_template(environment, source):
    """(names read, names only tested, whether a paginator's posts are read, templates used)."""
    found = _READ.get(source)
    if found is not None:
        return found
    tree = environment.parse(source)
    names = meta.find_undeclared_variables(tree)
    deep, tested, lists = set(), set(), [False]

    def walk(node, testing):
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in names:
            (tested if testing else deep).add(node.name)
            return
        if isinstance(node, nodes.Getattr) and node.attr in ("object_list", "paginator"):
            target = node.node
            if node.attr == "paginator" or not (
                isinstance(target, nodes.Name) and target.name.endswith("_page")
            ):
                lists[0] = True
        for field, child in node.iter_fields():
            children = child if isinstance(child, list) else [child]
            for item in children:
                if isinstance(item, nodes.Node):
                    walk(item, _tests(node, field, testing))

    walk(tree, False)
    found = (
        frozenset(deep),
        frozenset(tested),
        lists[0],
        tuple(meta.find_referenced_templates(tree)),
    )
    if len(_READ) > 500:
        _READ.clear()
    _READ[source] = found
    return found


def _tests(parent, field, testing):
    """True when the child in FIELD of PARENT is used only for its truth (or presence)."""
    if isinstance(parent, (nodes.If, nodes.CondExpr)) and field == "test":
        return True
    if isinstance(parent, nodes.Not):
        return True
    if isinstance(parent, (nodes.And, nodes.Or)):
        return testing  # `a or b` gives a value; only in a condition is it a truth test
    if isinstance(parent, nodes.Test) and field == "node":
        return parent.name in ("defined", "undefined", "none")
    return False


class PageKeys:
    """Keys for the pages of one build (fingerprints of posts worked out once per build)."""

    def __init__(self, context):
        self.context = context
        self._uses = {}
        self._kept = {}  # id -> (object, fingerprint): the object is held so its id stays its own
        self._links = None
        self._open = set()
        self._cut = 0  # how many times a walk has stopped at the last step
        self._free = {}  # place -> (object, key, depth) of keys that no step limit cut

    def use(self, template):
        """The TemplateUse of TEMPLATE (worked out once per build)."""
        name = template.name
        if name not in self._uses:
            self._uses[name] = TemplateUse(template.environment, name)
        return self._uses[name]

    def key(self, template, localcontext):
        """The key of the page TEMPLATE renders from LOCALCONTEXT; None: always render it."""
        name = getattr(template, "name", None)
        if not name or getattr(template, "environment", None) is None:
            return None
        use = self.use(template)
        if use.dynamic:
            return None
        parts = [name, use.sources, self.links(), localcontext.get("output_file")]
        for variable in sorted(use.deep):
            parts.append((variable, self.value(localcontext.get(variable, _ABSENT), 0, use)))
        for variable in sorted(use.tested):
            value = localcontext.get(variable, _ABSENT)
            if value is _ABSENT or isinstance(value, Undefined):
                parts.append((variable, "absent"))
            else:
                parts.append((variable, value is None, bool(value)))
        return key(*parts)

    def links(self):
        """Every post's and static file's URL: links in a post's body are made from them."""
        if self._links is None:
            parts = []
            for name in ("generated_content", "static_content"):
                for path, content in (self.context.get(name) or {}).items():
                    parts.append((name, str(path), str(getattr(content, "url", ""))))
            self._links = key(sorted(parts))
        return self._links

    def value(self, value, depth, use):
        """A fingerprint of VALUE as a page reads it (DEPTH: objects stepped through so far)."""
        if isinstance(value, str):
            return (type(value).__name__, str.__str__(value))  # Markup too, as plain text
        if isinstance(value, _SIMPLE):
            return (type(value).__name__, value)
        if value is _ABSENT or isinstance(value, Undefined):
            return "absent"
        place = (id(value), use.reads_paginator_lists)
        # A value's key depends on DEPTH only where its walk reached the last step: one that
        # did not is the same key at any depth up to the one it was worked out at.
        free = self._free.get(place)
        if free is not None and depth <= free[2]:
            return free[1]
        kept = self._kept.get((place, depth))
        if kept is not None:
            self._cut += 1
            return kept[1]
        if (place, depth) in self._open:
            # A list or dict that holds itself: no fingerprint, so the page is always rendered.
            return ("cycle", os.urandom(16))
        self._open.add((place, depth))
        cut = self._cut
        try:
            # Hashed at once: a value met on many pages is hashed once, and a key holds no
            # copy of the text it covers. The result depends only on the value and DEPTH (the
            # steps are bounded, so no cycle of objects is followed), never on the page order.
            result = _digest(self._work_out(value, depth, use))
        finally:
            self._open.discard((place, depth))
        if self._cut == cut:
            if free is None or depth > free[2]:
                self._free[place] = (value, result, depth)
        else:
            self._kept[(place, depth)] = (value, result)
        return result

    def _work_out(self, value, depth, use):
        kind = type(value).__qualname__
        if isinstance(value, (list, tuple)):
            # A template reads a list and a tuple alike (a cached post may hold either).
            return ("sequence", [self.value(item, depth, use) for item in value])
        if isinstance(value, dict):
            return (
                kind,
                [(self.value(k, depth, use), self.value(v, depth, use)) for k, v in value.items()],
            )
        if isinstance(value, (set, frozenset)):
            return (kind, sorted(self.value(item, depth, use) for item in value))
        if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
            return (
                kind,
                value.isoformat() if hasattr(value, "isoformat") else str(value),
                str(getattr(value, "tzinfo", None)),
            )
        if isinstance(value, dt.tzinfo):
            return (kind, str(value))
        if isinstance(value, (enum.Enum, PurePath)):
            return (kind, repr(value))
        if isinstance(value, URLWrapper):
            # Its slug is worked out when first read, and as_dict() copies name and slug into
            # its __dict__: by what it is, not by what has been read of it so far.
            return (kind, str(value.name), str(value.slug))
        if isinstance(value, types.MethodType):
            return (kind, value.__func__.__qualname__, self.value(value.__self__, depth, use))
        if isinstance(
            value, (types.FunctionType, types.BuiltinFunctionType, type, types.ModuleType)
        ):
            # Code: keyed by the cache folder (plugin code, package versions).
            return (
                kind,
                getattr(value, "__module__", ""),
                getattr(value, "__qualname__", repr(value)),
            )
        if not (hasattr(value, "__dict__") or hasattr(type(value), "__slots__")):
            return (kind, os.urandom(16))  # unknown: never the same key, so always rendered
        if depth >= STEPS:
            self._cut += 1
            # The last step: the object by its plain fields (a post by its title, address...).
            return (kind, _url(value), self._plain_fields(value))
        if isinstance(value, Paginator) and not use.reads_paginator_lists:
            # Templates read a paginator's counts and page addresses, not its posts: each post
            # by its address, so an edit to a post does not change every page of its listing.
            shape = [(str(getattr(p, "source_path", "")), _url(p)) for p in value.object_list]
            fields = {k: v for k, v in vars(value).items() if k != "object_list"}
            return (kind, shape, self._fields(fields, depth + 1, use))
        return (kind, self._attributes(value, depth + 1, use))

    def _plain_fields(self, value):
        fields = getattr(value, "__dict__", {})
        derived = _derived(type(value))
        return [
            (name, field)
            for name, field in sorted(fields.items())
            if isinstance(field, (str, int, float, bool, type(None)))
            and name not in _SKIPPED
            and name not in derived
        ]

    def _attributes(self, value, depth, use):
        fields = dict(getattr(value, "__dict__", {}))
        for slot in getattr(type(value), "__slots__", ()):
            if hasattr(value, slot):
                fields[slot] = getattr(value, slot)
        return self._fields(fields, depth, use, type(value))

    def _fields(self, fields, depth, use, kind=None):
        derived = _derived(kind) if kind is not None else ()
        return [
            (name, self.value(field, depth, use))
            for name, field in sorted(fields.items())
            if name not in _SKIPPED and name not in derived
        ]


_DERIVED = {}


def _derived(kind, known=_DERIVED):
    """The attributes of KIND that cache a value worked out from the others (cached_property):
    there or not depending on whether something has read them yet, so never part of a key."""
    if kind not in known:
        known[kind] = frozenset(
            name
            for klass in kind.__mro__
            for name, member in vars(klass).items()
            if isinstance(member, functools.cached_property)
        )
    return known[kind]


_ABSENT = object()


def _digest(parts):
    """A 16-byte key of PARTS: tuples and lists of text, bytes, numbers, None (pickle is exact
    and deterministic for these, and much faster than walking them in Python)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: pickle writes a second reference to one object as a back-reference, so equal
    # text would give different bytes depending on whether it is one object or two.
    pickler.fast = True
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


def _url(value):
    if not isinstance(value, Content):
        return ""
    try:
        return str(value.url)
    except Exception:  # a post without an address
        return ""
