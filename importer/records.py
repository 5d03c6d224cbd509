"""Records that parsers yield and the emitter writes: one frozen Post per article."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from plugins.author_errors import AuthorError, labelled_fix


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain source text (not Markdown)."""

    text: str


@dataclass(frozen=True)
class BulletList:
    """A list whose items were bullet lines (`●`, `•`, `- ` ...) or, if ordered, `1.` lines."""

    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Quote:
    """A paragraph that is wholly a quotation, optionally followed by a citation."""

    text: str


Block = Paragraph | BulletList | Quote


@dataclass(frozen=True)
class Removed:
    """Source text the importer did not put in the body, and the named rule that took it."""

    rule: str
    text: str
    line: int


@dataclass(frozen=True)
class Post:
    """One article: everything the emitter needs, nothing it has to guess."""

    title: str
    date: datetime
    body: tuple[Block, ...]
    category: str
    source_file: str
    author: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    source_url: str | None = None
    date_estimated: bool = False
    note: str | None = None
    line: int = 1
    removed: tuple[Removed, ...] = field(default=(), compare=False)
    # "text": body blocks hold plain source text; "html": one Paragraph holding the HTML.
    markup: str = "text"
    status: str | None = None
    modified: datetime | None = None
    original_url: str | None = None


class SourceError(AuthorError):
    """A source file cannot be imported; the message names the file, line, problem and fix.

    FIX is an instruction ("put the post's text in it"), shown as "Fix: ...".
    """

    def __init__(self, path, line, problem, fix):
        super().__init__(path, line, problem, labelled_fix(fix))
