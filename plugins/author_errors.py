"""One type for what an author must fix: where (path, line), what is wrong, how to fix it.

Every message an author reads about their files or settings has the same shape and one
format, `path, line N: problem. Fix.` (`path, entry: ...` when a table entry is the better
address, `problem. Fix.` when no file is involved). Code recognises these by type:
`AuthorError` for what is raised, `AuthorMessage` for anything with the shape (the checks'
Problem and the privacy check's Finding are records with a severity, not exceptions).

The fix is the sentence (or sentences) the author reads after the problem; a final full
stop is added when it has none.
"""

from __future__ import annotations

import os
import re

from plugins.author_text import printable


def shown_path(path):
    """PATH as an author would type it: relative to the current folder when inside it."""
    text = str(path)
    if text.startswith("<"):
        return text
    relative = os.path.relpath(os.path.abspath(text))
    return os.path.abspath(text) if relative.startswith("..") else relative


def where(path, line=None, entry=None):
    """'path, line N', 'path, entry' or 'path' (without the path when there is none)."""
    place = entry or (f"line {line}" if line else "")
    parts = [str(path) if path else "", place]
    return ", ".join(part for part in parts if part)


def author_message(path, line, problem, fix, entry=None):
    """The one line an author reads: 'path, line N: problem. Fix.' (control characters escaped)."""
    head = where(path, line, entry)
    fix = str(fix).strip()
    end = "" if not fix or fix.endswith((".", "?", "!")) else "."
    text = f"{head}: {problem}." if head else f"{problem}."
    if fix:
        text += f" {fix}{end}"
    return printable(text, one_line=True)


class AuthorMessage:
    """Anything that tells an author about one place: path, line (or entry), problem, fix.

    Subclasses provide the attributes `path`, `line`, `problem` and `fix`; `entry` (text such
    as "entry 2 (line 7) 'hcpc'") names the place more exactly than a line when it is set.
    """

    entry = None

    @property
    def where(self):
        """'path, line N' (or the entry) as the message shows it."""
        return where(self.path, self.line, self.entry)

    def __str__(self):
        return author_message(self.path, self.line, self.problem, self.fix, self.entry)


class AuthorError(AuthorMessage, ValueError):
    """Something an author wrote (a post, a table, a setting) cannot be used.

    PATH is shown as the author would type it; LINE is a 1-based line number or None; FIX is
    the sentence that says what to write instead.
    """

    def __init__(self, path, line, problem, fix, entry=None):
        self.path = shown_path(path) if path else None
        self.line, self.problem, self.fix, self.entry = line, problem, fix, entry or None
        super().__init__(str(self))

    def __reduce__(self):
        # Raised in a worker process and re-raised in the main one: rebuild from the fields.
        return (_rebuild, (type(self), self.__dict__.copy()))


class EntryError(AuthorError):
    """A malformed entry of a table an author keeps (themes, glossary, law): names the file,
    the entry, what is wrong and how to fix it.

    ENTRY is where in the file ('entry 2 (line 7) 'hcpc'', 'line 3' or ''); FIX is an
    instruction, shown as "Fix: ...".
    """

    def __init__(self, path, entry, problem, fix):
        super().__init__(path, entry_line(entry), problem, labelled_fix(fix), entry=entry)


class AuthorErrors(ValueError):
    """Several problems found together and refused at once, so one build lists them all.

    PROBLEM sums them up ("3 unsafe file(s) in the content folder"), CONSEQUENCE says what
    did not happen ("nothing was written"); each of PROBLEMS is one line naming its file.
    """

    fix = "each line says which file to change"

    def __init__(self, problem, consequence, problems):
        self.problem, self.problems = problem, list(problems)
        listed = "\n".join(f"  {printable(line, one_line=True)}" for line in self.problems)
        super().__init__(f"{problem}; {consequence}:\n{listed}")

    def __reduce__(self):
        return (_rebuild_many, (type(self), self.__dict__.copy(), self.args))


def _rebuild_many(cls, fields, args):
    error = cls.__new__(cls)
    error.__dict__.update(fields)
    ValueError.__init__(error, *args)
    return error


def _rebuild(cls, fields):
    error = cls.__new__(cls)
    error.__dict__.update(fields)
    ValueError.__init__(error, str(error))
    return error


_LINE = re.compile(r"\bline (\d+)\b")


def entry_line(entry):
    """The line number an entry label names ('line 3', "entry 2 (line 7) 'x'"), or None."""
    match = _LINE.search(str(entry or ""))
    return int(match.group(1)) if match else None


def labelled_fix(fix):
    """A fix written as an instruction ('add `date:`'), as the sentence 'Fix: add `date:`'."""
    return f"Fix: {fix}" if fix else ""


def first_author_error(error, depth=5):
    """ERROR, or the error it was raised while handling, that speaks to an author; or None."""
    seen = 0
    while error is not None and seen < depth:
        if isinstance(error, (AuthorError, AuthorErrors)):
            return error
        error = error.__context__
        seen += 1
    return None
