"""Cut a post file (and its comments file) into Blocks, find their clues, judge every post."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import yaml

from plugins.build_speed.pool import pooled

from .core import ERROR, Block, Finding, across_posts, drop_public, find_clues, judge

COMMENT_SUFFIXES = (".comments.yaml", ".comments.yml")
_FIELD = re.compile(r"([A-Za-z_][\w-]*)\s*:")


def _front_matter(source_text, path):
    """(fields, {field: line}, body, body's first line) of a post; fields {} without YAML.

    Reads the front matter as yaml_metadata.reader does (same fences, bounded YAML) but without
    its checks, which the build and `make check` make: importing the reader imports Pelican,
    which would cost `make publish` a tenth of a second more than the whole check of 1,000
    posts is allowed. Raises ValueError (YAMLError) on YAML that cannot be read."""
    from plugins.yaml_metadata.bounded import load_bounded

    text = source_text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, {}, text, 1
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            front, body, body_line = (
                "\n".join(lines[1:index]),
                "\n".join(lines[index + 1 :]),
                index + 2,
            )
            break
    else:
        raise ValueError(f"{path}: the front matter is never closed")
    data = load_bounded(front)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the front matter is not a list of fields")
    fields = {str(key).lower(): value for key, value in data.items()}
    numbers = {}
    for number, line in enumerate(front.split("\n"), start=2):
        match = _FIELD.match(line)
        if match:
            numbers.setdefault(match.group(1).lower(), number)
    return fields, numbers, body, body_line


def public_items(fields):
    """The names and facts a post's 'public_record:' lists (each with its source)."""
    items = []
    entries = fields.get("public_record")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict):
            items.append(str(entry.get("name") or entry.get("fact") or ""))
        else:
            items.append(str(entry))
    return [item for item in items if item.strip()]


def _paragraphs(body, first_line):
    """(line, text) of each blank-line-separated paragraph of BODY."""
    out, start, chunk = [], None, []
    in_fence = False
    for number, line in enumerate(body.split("\n"), start=first_line):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            line = ""
        if in_fence:
            line = ""
        if line.strip():
            if start is None:
                start = number
            chunk.append(line)
        elif chunk:
            out.append((start, "\n".join(chunk)))
            start, chunk = None, []
    if chunk:
        out.append((start, "\n".join(chunk)))
    return out


def comments_file(post_path):
    """The comments file imported beside a post (post.comments.yaml), or None."""
    stem = os.path.splitext(post_path)[0]
    for suffix in COMMENT_SUFFIXES:
        if os.path.exists(stem + suffix):
            return stem + suffix
    return None


def comment_blocks(path, text):
    """A Block per comment of a comments file: a list of {text|body|content: ...} entries,
    or a mapping with such a list under 'comments'."""
    from plugins.yaml_metadata.bounded import load_bounded

    data = load_bounded(text) or []
    if isinstance(data, dict):
        data = data.get("comments") or []
    lines = text.split("\n")
    blocks, cursor = [], 0
    for entry in data if isinstance(data, list) else ():
        body = (
            entry.get("text") or entry.get("body") or entry.get("content")
            if isinstance(entry, dict)
            else entry
        )
        if not isinstance(body, str) or not body.strip():
            continue
        # The line where the comment's first words are, searched from the previous comment on.
        probe = body.strip().split("\n")[0][:40]
        line = next((n for n in range(cursor, len(lines)) if probe and probe in lines[n]), cursor)
        cursor = line
        blocks.append(Block(path, line + 1, body, "comment"))
    return blocks


def post_blocks(source_text, path, public=None, comments_text=None, comments_path=None):
    """The Blocks of one post (title, summary, body paragraphs, comments) with their clues."""
    fields, lines, body, body_line = _front_matter(source_text, path)
    if public is None:
        public = public_items(fields)
    blocks = []
    for name in ("title", "summary"):
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            blocks.append(Block(path, lines.get(name, 2), value, name))
    blocks += [Block(path, line, text) for line, text in _paragraphs(body, body_line)]
    if comments_text is not None:
        blocks += comment_blocks(comments_path, comments_text)
    seen = set()
    for block in blocks:
        block.clues = find_clues(block.text, public, seen)
    if seen:  # a public speaker named in full once is public in the whole post
        for block in blocks:
            block.clues = drop_public(block.text, block.clues, sorted(seen))
    return blocks, fields


def _front_matter_readable(text, path):
    try:
        _front_matter(text, path)
    except (ValueError, yaml.YAMLError):
        return False
    return True


def _signature(*paths):
    return tuple((os.stat(p).st_mtime_ns, os.stat(p).st_size) if p else None for p in paths)


def _read_post(path, shown):
    """(findings about the files themselves, blocks, fields) of one post, or None when its
    front matter cannot be read (the build and `make check` report that in their words)."""
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    extra = comments_file(path)
    comments = Path(extra).read_text(encoding="utf-8") if extra else None
    try:
        blocks, fields = post_blocks(
            text, shown(path), comments_text=comments, comments_path=extra and shown(extra)
        )
    except yaml.YAMLError as error:
        if extra is None or not _front_matter_readable(text, path):
            return None
        # A broken comments file: say so, and check the post.
        mark = getattr(error, "problem_mark", None)
        why = getattr(error, "problem", None) or error
        problem = Finding(
            shown(extra),
            mark.line + 1 if mark else 1,
            "warning",
            (),
            (),
            f"privacy: the comments file is not valid YAML ({why}), so its "
            "comments were not checked",
            "Fix the YAML (one '- name:, date:, text:' entry per comment)",
        )
        blocks, fields = post_blocks(text, shown(path))
        return [problem], blocks, fields
    except ValueError:
        return None
    return [], blocks, fields


# A cold check of many posts (make check, make publish) reads and judges them in the build's
# pool (plugins/build_speed/pool.py, BUILD_WORKERS processes): the work per post is
# independent, and alone it was a tenth of a cold build.
POOL_MIN = 200


def _read_and_judge(path, shown):
    """(_read_post's answer, the post's own findings) for one post file."""
    read = _read_post(path, shown)
    return read, ([] if read is None else judge(read[1]))


def _read_all(paths, shown, cache, pool_min):
    """(path, read, own findings) for each of PATHS, in order."""
    if cache is None:
        work = functools.partial(_read_and_judge, shown=shown)
        answers = pooled({}, work, paths, pool_min)
        if answers is not None:
            return [(path, *answer) for path, answer in zip(paths, answers, strict=True)]
    results = []
    for path in paths:
        key = str(path)
        signature = _signature(path, comments_file(path))
        known = cache.get(key) if cache is not None else None
        if known is not None and known[0] == signature:
            read = known[1]
        else:
            read = _read_post(path, shown)
            if cache is not None:
                cache[key] = (signature, read)
        results.append((path, read, [] if read is None else judge(read[1])))
    return results


def check_files(paths, shown=str, cache=None, pool_min=POOL_MIN):
    """Findings for the post files PATHS: each post judged alone, then across posts.

    Drafts are judged too (an author wants to know before publishing); SHOWN turns a path
    into the form messages use; CACHE (a dict kept between calls, as the devserver does)
    keeps each post's clues until its file or comments file changes; POOL_MIN posts or more
    without a cache are read in a pool of processes (the same findings).
    Returns (findings, {shown path: status})."""
    findings, by_post, statuses = [], {}, {}
    for path, read, own in _read_all(list(paths), shown, cache, pool_min):
        if read is None:
            continue
        problems, blocks, fields = read
        findings += problems
        statuses[shown(path)] = str(fields.get("status") or "published")
        by_post[shown(path)] = blocks
        findings += own
    recurring = across_posts(by_post)
    covered = {(f.path, f.line, f.words) for f in recurring}
    findings = [f for f in findings if (f.path, f.line, f.words) not in covered] + recurring
    order = {ERROR: 0, "warning": 1, "note": 2}
    findings.sort(key=lambda f: (f.path, f.line, order[f.severity]))
    return findings, statuses
