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
    return _SPACES.sub(" ", line).strip()


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


def build_body(blocks) -> tuple[Block, ...]:
    """Turn raw blocks into paragraphs, bullet lists and quotations."""
    body: list[Block] = []
    for block in blocks:
        pending: list[str] = []
        items: list[str] = []
        for line in block.lines:
            if is_bullet(line):
                if pending:
                    body.extend(_paragraph(text) for text in paragraphs(pending))
                    pending = []
                items.append(_BULLET.sub("", line, count=1))
            elif items:
                items[-1] = f"{items[-1]} {line}"
            else:
                pending.append(line)
        if pending:
            body.extend(_paragraph(text) for text in paragraphs(pending))
        if items:
            # Bullet items in consecutive blocks (blank lines between them) form one list.
            if body and isinstance(body[-1], BulletList) and is_bullet(block.lines[0]):
                body[-1] = BulletList(body[-1].items + tuple(items))
            else:
                body.append(BulletList(tuple(items)))
    return tuple(body)


def _paragraph(text: str) -> Block:
    return Quote(text) if is_quotation(text) else Paragraph(text)
