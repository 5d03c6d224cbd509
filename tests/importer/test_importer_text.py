"""Text in, text out: blocks, lists, quotations, decoding and Markdown escaping."""

import codecs

import pytest
from importer_helpers import norm, render, rendered_text

from importer.blocks import build_body, is_quotation, paragraphs, split_blocks
from importer.decode import decode
from importer.emit import escape, slugify
from importer.records import BulletList, Paragraph, Quote, SourceError


def body(text):
    return build_body(split_blocks(text.split("\n")))


def test_hard_wrapped_lines_join_into_one_paragraph():
    text = (
        "More confidence needs to be placed in child protection "
        "social\nworkers so they can take risks."
    )
    assert body(text) == (
        Paragraph(
            "More confidence needs to be placed in child protection social workers "
            "so they can take risks."
        ),
    )


def test_long_lines_separated_by_single_newlines_are_separate_paragraphs():
    first = (
        "You only need to skim the account of a presentation to see that "
        "policy makers have lost the plot."
    )
    second = (
        "Hardest to swallow in the report of the speech is the claim that the "
        "test would help supervision."
    )
    assert paragraphs([first, second]) == [first, second]


def test_long_line_that_does_not_end_a_sentence_continues_on_the_next():
    first = "A paragraph wrapped at a wider width than eighty characters keeps going on the next"
    assert len(first) > 80
    assert paragraphs([first, "line until it ends."]) == [f"{first} line until it ends."]


def test_bullets_become_one_list_and_continuation_lines_join_their_item():
    text = (
        "Respondents raised:\n\n● The role of Ofsted\n  in decision "
        "making\n\n• The impact of caseloads\n\nAfter the list."
    )
    assert body(text) == (
        Paragraph("Respondents raised:"),
        BulletList(("The role of Ofsted in decision making", "The impact of caseloads")),
        Paragraph("After the list."),
    )


def test_bullet_list_markdown_renders_as_a_list():
    from importer.emit import render_body
    from importer.records import Post

    post = Post("T", None, (BulletList(("One *a*", "# Two")),), "News", "x.txt")
    html = render(render_body(post))
    assert html.count("<li>") == 2 and "<em>" not in html and "<h1>" not in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Many contributors expressed unease.” (Paragraph 2.8, page 18)", True),
        ("“What we do definitely support is better summaries. There needs to be more.”", True),
        ('"A straight-quoted remark."', True),
        ("“The system encourages risk avoidance,” said report author Rachael Hetherington.", False),
        ("“a flatter structure”, “a 33% increase” and “a strong culture”", False),
        ("Joanna asks: “when will we learn?”", False),
    ],
)
def test_only_a_paragraph_that_is_wholly_a_quotation_is_a_quote(text, expected):
    assert is_quotation(text) is expected
    assert isinstance(body(text)[0], Quote) is expected


def test_utf8_with_bom_and_crlf_decodes_to_clean_text():
    text, encoding = decode(codecs.BOM_UTF8 + "Café\r\n\r\nBody\r\n".encode())
    assert (text, encoding) == ("Café\n\nBody\n", "utf-8-sig")


def test_windows_1252_decodes_and_says_so():
    text, encoding = decode("Children’s “rights” – £5\r\n".encode("cp1252"))
    assert (text, encoding) == ("Children’s “rights” – £5\n", "windows-1252")


def test_utf16_with_bom_decodes():
    text, encoding = decode("Caf\u00e9\n".encode("utf-16"))
    assert (text, encoding) == ("Caf\u00e9\n", "utf-16")


def test_binary_bytes_are_refused_with_the_file_name_and_fix():
    with pytest.raises(
        SourceError, match=r"x\.txt: the file is binary .*Fix: export the post as plain text"
    ):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00", "x.txt")


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused():
    with pytest.raises(SourceError, match="neither UTF-8 nor Windows-1252"):
        decode(b"abc \x81\x8d", "x.txt")


@pytest.mark.parametrize(
    "text",
    [
        "Use *care* and _judgement_ with `code`",
        "A <b>bold</b> claim & &amp; an &copy; entity",
        "[not a link](http://example.org) and ![no image](x.png)",
        "# not a heading",
        "> not a quote",
        "- not a list",
        "+ not a list",
        "* not a list",
        "1. not an ordered list",
        "2017. A year that starts a paragraph.",
        "---",
        "***",
        "C:\\Users\\path\\*",
        "snake_case_word stays readable",
        "a -- b --- c",
        "{: .class} attribute list",
        "[^1] footnote marker",
        # A line break inside a paragraph: in CommonMark a list can interrupt a paragraph.
        "Intro line\n- not a list\n+ nor this\n1. nor this",
        "Intro line\n# not a heading\n> not a quote\n***",
    ],
)
def test_escaped_text_renders_as_exactly_the_source_words(text):
    shown = rendered_text(escape(text)).strip()
    assert norm(shown) == norm(text)


def test_escaping_leaves_ordinary_prose_alone():
    prose = (
        "Ofsted’s report (pp. 16 – 18) found a 33% increase; children’s social_care? Yes: 1 in 3."
    )
    assert escape(prose) == prose
    assert escape("snake_case") == "snake_case"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("No Blame Culture", "no-blame-culture"),
        (
            "Accreditation - take a bad idea and make it dafter",
            "accreditation-take-a-bad-idea-and-make-it-dafter",
        ),
        ("Will ye no come back again?", "will-ye-no-come-back-again"),
        ("Social workers urged to ‘take risks’", "social-workers-urged-to-take-risks"),
        ("Children’s Services: Café £5", "childrens-services-cafe-5"),
        ("???", "untitled"),
    ],
)
def test_slugs_are_ascii_lower_case_hyphenated(title, slug):
    assert slugify(title) == slug
