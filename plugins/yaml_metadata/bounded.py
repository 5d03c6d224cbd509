"""Load YAML with bounded size and depth, so that hostile or broken YAML fails fast."""

from __future__ import annotations

import yaml

from plugins.author_errors import AuthorError

# A few hundred bytes of nested aliases ("billion laughs") expand to billions of nodes, and
# YAML nested tens of thousands of levels deep exhausts the stack of any recursive loader.
# Nothing the blog reads (front matter, themes.yaml, the importer's manifest, the glossary)
# comes anywhere near these numbers.
MAX_NODES = 200_000
MAX_DEPTH = 64

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLLimitError(yaml.MarkedYAMLError, AuthorError):
    """YAML that would expand beyond MAX_NODES or nest beyond MAX_DEPTH.

    A YAMLError (loaders' callers catch it as one) and an AuthorError without a path:
    `problem` completes a sentence about the file ("... is refused because PROBLEM"); `fix`
    says what to write instead. Callers that know the file raise their own AuthorError.
    """

    def __init__(self, problem, problem_mark, fix):
        yaml.MarkedYAMLError.__init__(self, problem=problem, problem_mark=problem_mark)
        self.path, self.entry, self.fix = None, None, fix
        self.line = problem_mark.line + 1 if problem_mark else None


def yaml_error_parts(error, invalid_fix):
    """(where, problem, fix) of a YAMLError, for a message '<file>, <where>: <problem>. <fix>'.

    WHERE is 'line N' or ''; a limit error says why the file is refused and what to write
    instead, any other error that the file is not valid YAML, with INVALID_FIX.
    """
    mark = getattr(error, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark else ""
    if isinstance(error, YAMLLimitError):
        return where, f"is refused because {error.problem}", error.fix[0].lower() + error.fix[1:]
    problem = getattr(error, "problem", None) or str(error)
    return where, f"is not valid YAML ({problem})", invalid_fix


def _limit_error(event, problem, fix):
    return YAMLLimitError(problem, event.start_mark, fix)


def check_yaml_bounds(text, max_nodes=MAX_NODES, max_depth=MAX_DEPTH):
    """Raise YAMLLimitError if TEXT nests too deep or its aliases expand too far.

    Walks the event stream once, without building anything: each collection's expanded size
    is the sum of its children's, and an alias counts as the size of the node it repeats, so
    the expanded size of the whole document is known in time linear in the text. YAML that is
    malformed before any limit is reached passes: the loader that reads it next reports the
    problem in its own words.
    """
    try:
        _walk(text, max_nodes, max_depth)
    except YAMLLimitError:
        raise
    except yaml.YAMLError:
        return False
    return True


def _walk(text, max_nodes, max_depth):
    """Raise YAMLLimitError at the first event past a limit."""
    sizes = {}  # anchor -> expanded size of the node it names
    stack = []  # [anchor, size] of each open collection
    expanded = 0  # values in the document as it would be once every alias is expanded
    for event in yaml.parse(text, Loader=_PARSER):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= max_depth:
                raise _limit_error(
                    event,
                    f"it nests more than {max_depth} levels deep",
                    f"Write the values at most {max_depth} levels deep (nothing the blog reads "
                    "needs more than three)",
                )
            stack.append([event.anchor, 1])
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size
            if stack:
                stack[-1][1] += size
            continue
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            expanded += 1
            if stack:
                stack[-1][1] += 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor, 1)
            expanded += size
            if stack:
                stack[-1][1] += size
        if expanded > max_nodes:
            raise _limit_error(
                event,
                f"its aliases (*name) would repeat their values more than {max_nodes:,} times",
                "Write each value out where it is used, without anchors (&name) and aliases "
                "(*name)",
            )


def load_bounded(text, loader=None):
    """Check TEXT's bounds, then load it with LOADER (a SafeLoader by default)."""
    check_yaml_bounds(text)
    return yaml.load(text, Loader=loader or _PARSER)


def compose_and_load(text, loader, fast_loader):
    """(node tree, data) of TEXT, its bounds checked once: read with FAST_LOADER (libyaml:
    the same constructors, so the same data), and on bad YAML again with LOADER (pure
    Python), whose error words the problem as the project's messages expect."""
    check_yaml_bounds(text)
    try:
        return yaml.compose(text, Loader=fast_loader), yaml.load(text, Loader=fast_loader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)


def compose_bounded(text, loader=None):
    """Check TEXT's bounds, then compose its node tree with LOADER."""
    check_yaml_bounds(text)
    return yaml.compose(text, Loader=loader or _PARSER)
