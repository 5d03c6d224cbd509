"""Text helpers both parsers share: lines -> blocks -> paragraphs, lists and quotations.

Rules (the issue's words, made precise):

* A *block* is a run of non-blank lines; blank lines separate blocks.
* A block whose lines are all short (<= WRAP_WIDTH characters) was hard-wrapped: its lines
  join into one paragraph. A block with a long line is several paragraphs, one per line,
  except that a line that does not end a sentence continues onto the next one (a wrap at a
  width wider than WRAP_WIDTH).
* A line starting with a bullet (`●`, `•`, `▪`, `◦`, `‣`) starts a list item; the lines
  after it in the same block continue that item. Bullet items in consecutive blocks form one
  list.
* Marks that also occur in prose (`·`, `–`, `-`, `*` or `o` followed by a space, as word
  processors paste them) start items only in a run of at least two items with the same mark,
  each at the start of a block or after a line that ends a sentence or is an item itself
  (prose hard-wrapped before " - " puts "- " at the start of a line).
* Numbered items (`1.` or `1)`, then spaces) form an ordered list when at least two are
  numbered one after another from 1 (Markdown would renumber a list that starts at 3, so
  such lines stay paragraphs, their numbers kept).
* A paragraph that is wholly one double-quoted quotation (the quote opened by its first
  character closes at its end, or just before a parenthetical citation) is a Quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import Block, BulletList, Paragraph, Quote

WRAP_WIDTH = 80
BULLETS = "●•▪◦‣"
_BULLET = re.compile(rf"^\s*[{BULLETS}]\s*")
WEAK_BULLETS = "·–-*o"
_WEAK_BULLET = re.compile(rf"^\s*([{re.escape(WEAK_BULLETS)}])\s+(?=\S)")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(?=\S)")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
# What may end a sentence, possibly followed by closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")


@dataclass(frozen=True)
class RawBlock:
    """Non-blank lines as they were in the source, with the number of the first line."""

    lines: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        """The block's lines joined with spaces."""
        return " ".join(self.lines)


def clean_line(line: str) -> str:
    """Collapse runs of spaces (non-breaking ones included) and trim the ends."""
    # Speed: most lines have nothing to collapse, and `in` finds that far faster than a
    # regex that replaces every single space (a 20 MB import spent seconds there).
    if "  " in line or "\t" in line or "\u00a0" in line or "\u2007" in line or "\u202f" in line:
        return _SPACES.sub(" ", line).strip()
    return line.strip()


def split_blocks(lines, first_line=1) -> list[RawBlock]:
    """Group cleaned lines into blocks separated by blank lines."""
    blocks, current, start = [], [], first_line
    for number, raw in enumerate(lines, start=first_line):
        line = clean_line(raw)
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(RawBlock(tuple(current), start))
            current = []
    if current:
        blocks.append(RawBlock(tuple(current), start))
    return blocks


def is_hard_wrapped(lines) -> bool:
    """True when every line is short, i.e. the lines are one paragraph wrapped by width."""
    return all(len(line) <= WRAP_WIDTH for line in lines)


def paragraphs(lines) -> list[str]:
    """Split a block's lines into paragraph texts (see the module docstring)."""
    if is_hard_wrapped(lines):
        return [" ".join(lines)]
    result = [lines[0]]
    for line in lines[1:]:
        if SENTENCE_END.search(result[-1]):
            result.append(line)
        else:
            result[-1] = f"{result[-1]} {line}"
    return result


def is_bullet(line: str) -> bool:
    """True when the line starts a bullet item."""
    return bool(_BULLET.match(line))


def is_quotation(text: str) -> bool:
    """True when the paragraph is wholly one double-quoted quotation (+ optional citation)."""
    if text.lstrip()[:1] not in ("“", '"'):
        return False  # what the citation's removal leaves starts where the text starts
    body = re.sub(r"\s*\([^()]*\)$", "", text).strip()
    if len(body) < 2:
        return False
    if body[0] == "“":
        if body[-1] != "”":
            return False
        depth = 0
        for index, char in enumerate(body):
            if char == "“":
                depth += 1
            elif char == "”":
                depth -= 1
                if depth == 0 and index != len(body) - 1:
                    return False
        return depth == 0
    if body[0] == '"':
        return body[-1] == '"' and body.count('"') == 2
    return False


def _may_start(block, n) -> bool:
    # Prose hard-wrapped before " - " puts "- " at a line start: an item of a weak or numbered
    # list starts a block or follows a line that ends a sentence or an item (pasted lists).
    if n == 0:
        return True
    before = block.lines[n - 1]
    return bool(
        SENTENCE_END.search(before)
        or is_bullet(before)
        or _WEAK_BULLET.match(before)
        or _NUMBERED.match(before)
    )


def _marks(blocks) -> dict[tuple[int, int], tuple[str, str, int]]:
    """{(block, line): (list kind, item text, run)} for the lines that start list items."""
    candidates = []
    for b, block in enumerate(blocks):
        for n, line in enumerate(block.lines):
            if is_bullet(line):
                candidates.append((b, n, ("bullet", ""), None, _BULLET.sub("", line, count=1)))
            elif (match := _WEAK_BULLET.match(line)) and _may_start(block, n):
                candidates.append((b, n, ("bullet", match[1]), None, line[match.end() :]))
            elif (match := _NUMBERED.match(line)) and _may_start(block, n):
                candidates.append((b, n, ("ordered", ""), int(match[1]), line[match.end() :]))
    marks: dict[tuple[int, int], tuple[str, str, int]] = {}
    run: list = []

    def close():
        if not run:
            return
        kind, mark = run[0][2]
        strong = kind == "bullet" and mark == ""
        if (strong or len(run) >= 2) and (kind == "bullet" or run[0][3] == 1):
            for b, n, _, _, text in run:
                marks[b, n] = (kind, text, id(run[0]))
        run.clear()

    for candidate in candidates:
        b, n, key, number, _ = candidate
        if run:
            last_b, _, last_key, last_number, _ = run[-1]
            # The run goes on in the same block (lines between continue the item) or at the
            # first line of the next block.
            adjacent = b == last_b or (b == last_b + 1 and n == 0)
            if key == last_key and adjacent and (number is None or number == last_number + 1):
                run.append(candidate)
                continue
            close()
        run.append(candidate)
    close()
    return marks


def build_body(blocks) -> tuple[Block, ...]:
    """Turn raw blocks into paragraphs, bullet and numbered lists and quotations."""
    blocks = list(blocks)
    marks = _marks(blocks)
    body: list[Block] = []
    last_run = None
    for b, block in enumerate(blocks):
        pending: list[str] = []
        items: list[str] = []
        kind = run = first_run = None
        for n, line in enumerate(block.lines):
            mark = marks.get((b, n))
            if mark:
                if pending:
                    body.extend(_paragraph(text) for text in paragraphs(pending))
                    pending = []
                if items and mark[2] != run:
                    body.append(BulletList(tuple(items), ordered=kind == "ordered"))
                    items = []
                kind, run = mark[0], mark[2]
                first_run = run if first_run is None else first_run
                items.append(mark[1])
            elif items:
                items[-1] = f"{items[-1]} {line}"
            else:
                pending.append(line)
        if pending:
            body.extend(_paragraph(text) for text in paragraphs(pending))
        if items:
            ordered = kind == "ordered"
            # Items of one list in consecutive blocks (blank lines between them) stay one list.
            if body and isinstance(body[-1], BulletList) and (b, 0) in marks and run == last_run:
                body[-1] = BulletList(body[-1].items + tuple(items), ordered=ordered)
            else:
                body.append(BulletList(tuple(items), ordered=ordered))
            last_run = run
        else:
            last_run = None
    return tuple(body)


def _paragraph(text: str) -> Block:
    return Quote(text) if is_quotation(text) else Paragraph(text)
