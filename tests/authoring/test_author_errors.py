"""One author-error type: every source of a file-and-line problem raises it and words it one way."""

import pickle
import re
from pathlib import Path

import pytest

from importer import SourceError
from importer.decode import decode
from plugins.author_errors import (
    AuthorError,
    AuthorMessage,
    author_message,
    first_author_error,
)
from plugins.console import CleanContentErrors
from plugins.content_checks import Problem
from plugins.glossary.tables import TableError, parse_glossary
from plugins.imported_comments import CommentsError, load_comments
from plugins.old_addresses import OldAddressError
from plugins.privacy_check.core import Finding
from plugins.themes.vocabulary import VocabularyError, parse_vocabulary
from plugins.yaml_metadata.bounded import YAMLLimitError, check_yaml_bounds
from plugins.yaml_metadata.reader import FrontMatterError, parse_front_matter

ROOT = Path(__file__).resolve().parents[2]

PATH, LINE, PROBLEM = "content/articles/x.md", 4, "the date is not a date"
FIX = "Write it as YYYY-MM-DD."
EXPECTED = "content/articles/x.md, line 4: the date is not a date. Write it as YYYY-MM-DD."


@pytest.mark.parametrize(
    "make",
    [
        lambda: FrontMatterError(PATH, LINE, PROBLEM, FIX),
        lambda: CommentsError(PATH, LINE, PROBLEM, FIX),
        lambda: OldAddressError(PATH, LINE, PROBLEM, FIX),
        lambda: AuthorError(PATH, LINE, PROBLEM, FIX),
        lambda: Problem(PATH, LINE, "error", PROBLEM, FIX),
        lambda: Finding(PATH, LINE, "warning", (), (), PROBLEM, FIX),
    ],
    ids=["reader", "comments", "old_addresses", "author_error", "checks", "privacy"],
)
def test_the_same_error_from_each_source_reads_the_same(make):
    error = make()
    assert isinstance(error, AuthorMessage)
    assert str(error) == EXPECTED
    assert (error.path, error.line, error.problem, error.fix) == (PATH, LINE, PROBLEM, FIX)


@pytest.mark.parametrize(
    "cls", [SourceError, VocabularyError, TableError], ids=["importer", "vocabulary", "tables"]
)
def test_sources_that_take_an_instruction_label_it_the_same_way(cls):
    """The importer and the tables take the fix as an instruction: it reads 'Fix: ...'."""
    where = 4 if cls is SourceError else "line 4"  # the tables name an entry or a line
    error = cls(PATH, where, PROBLEM, "write it as YYYY-MM-DD")
    assert isinstance(error, AuthorError)
    assert str(error) == (
        "content/articles/x.md, line 4: the date is not a date. Fix: write it as YYYY-MM-DD."
    )
    assert error.line == 4


def test_a_table_entry_is_named_and_its_line_kept():
    error = TableError(PATH, "entry 2 (line 7) 'hcpc'", "has no definition", "add `definition:`")
    assert str(error) == (
        "content/articles/x.md, entry 2 (line 7) 'hcpc': has no definition. Fix: add `definition:`."
    )
    assert error.line == 7
    assert str(Problem.from_error(error)) == str(error)


def real_errors(tmp_path):
    """One error raised by each real source, from real bad input."""
    found = []
    with pytest.raises(FrontMatterError) as caught:
        parse_front_matter("title: x\n\tdate: 2018", path=PATH)
    found.append(caught.value)
    with pytest.raises(SourceError) as caught:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", path="picture.txt")
    found.append(caught.value)
    with pytest.raises(VocabularyError) as caught:
        parse_vocabulary("- slug: x\n", path="content/themes.yaml")
    found.append(caught.value)
    with pytest.raises(TableError) as caught:
        parse_glossary("terms:\n  - slug: hcpc\n    term: HCPC\n", path="content/glossary.yaml")
    found.append(caught.value)
    with pytest.raises(YAMLLimitError) as caught:
        check_yaml_bounds("a: " + "[" * 100 + "]" * 100 + "\n")
    found.append(caught.value)
    comments = tmp_path / "post.comments.yaml"
    comments.write_text("comments:\n- name: A\n  date: someday\n  text: hi\n")
    with pytest.raises(CommentsError) as caught:
        load_comments(comments)
    found.append(caught.value)
    return found


def test_every_real_source_raises_an_author_error_worded_one_way(tmp_path):
    errors = real_errors(tmp_path)
    for error in errors:
        assert isinstance(error, AuthorError), type(error)
        assert first_author_error(error) is error
    for error in errors:
        if isinstance(error, YAMLLimitError):
            continue  # a YAMLError first: its callers name the file and word it (below)
        assert str(error) == author_message(
            error.path, error.line, error.problem, error.fix, error.entry
        )
        assert str(Problem.from_error(error)) == str(error)


def test_an_error_raised_in_a_worker_process_arrives_whole():
    error = VocabularyError("content/themes.yaml", "entry 1 (line 2) 'x'", "has no name", "add it")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is VocabularyError and str(copy) == str(error)
    assert (copy.path, copy.line, copy.entry) == (error.path, error.line, error.entry)


def test_control_characters_never_reach_the_console():
    error = AuthorError("a.md", 2, "the title 'x\x1b[2J' is odd", "Retype it.\nNow.")
    assert "\x1b" not in str(error) and "\n" not in str(error)
    assert "\\x1b[2J" in str(error)


class LooksLikeOne(ValueError):
    """Has the fields of an author error, but is not one."""

    path, line, problem, fix = "a.md", 1, "looks like an author error", "It is not."


def test_errors_are_recognised_by_type_not_by_their_attributes():
    assert first_author_error(LooksLikeOne("boom")) is None
    inner = FrontMatterError("a.md", 2, "the post has no title", "Add one.")
    try:
        try:
            raise inner
        except FrontMatterError:
            raise RuntimeError("Warning or error encountered") from None
    except RuntimeError as outer:
        assert first_author_error(outer) is inner


def test_the_log_filter_shows_an_author_error_and_the_type_name_of_anything_else():
    import logging
    import sys

    def filtered(error):
        record = logging.LogRecord(
            "pelican", logging.ERROR, "", 0, "Could not process %s", ("a",), None
        )
        try:
            raise error
        except Exception:
            assert sys.exc_info()[1] is error
            CleanContentErrors().filter(record)
        return record.getMessage()

    assert filtered(FrontMatterError("a.md", 2, "x is wrong", "Fix it.")) == (
        "a.md, line 2: x is wrong. Fix it."
    )
    assert filtered(LooksLikeOne("boom")) == "Could not process a: LooksLikeOne: boom"


SNIFFING = re.compile(r"""hasattr\([^)]*["'](fix|problem|problems|entry)["']""")


def test_no_code_recognises_an_author_error_by_its_attributes():
    sources = [
        path
        for folder in ("plugins", "importer", "scripts", "bench")
        for path in (ROOT / folder).rglob("*.py")
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SNIFFING.search(line)
    ]
    assert not found, "recognise author errors with isinstance(..., AuthorError): " + ", ".join(
        found
    )
