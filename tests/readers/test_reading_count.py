"""Reading time's word count gives what counting each word match gives, on any text."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.reading_time import reading_minutes
from plugins.reading_time.count import word_count

# The count as first written (plugins/reading_time before it counted on long text faster).
REFERENCE = re.compile(r"\w+(?:[’'-]\w+)*")


def reference_count(text):
    return len(REFERENCE.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_count_equals_the_reference_on_any_text(text):
    assert word_count(text) == reference_count(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "don’t",
                "rock'n'roll",
                "multi-agency",
                "café",
                "Σ",
                "x²",
                "٣",
                "_",
                "-",
                "’",
                " ",
                "\n",
                "<b>",
                "İ",
                "\u0301",
                "ǅ",
                "a",
            ]
        ),
        max_size=30,
    )
)
def test_the_count_equals_the_reference_on_words_and_joiners(parts):
    text = "".join(parts)
    assert word_count(text) == reference_count(text)


def test_the_count_equals_the_reference_with_any_one_character_of_the_basic_plane():
    for point in range(0x80, 0x10000):
        if 0xD800 <= point < 0xE000:
            continue
        char = chr(point)
        text = f"ab{char}cd {char}{char} ef-{char} {char}’gh {char}-{char} x{char}y’z"
        assert word_count(text) == reference_count(text), hex(point)


def test_reading_minutes_count_the_words_of_a_long_post():
    paragraph = "<p>Victoria Climbié’s case: multi-agency work, don’t blame — learn.</p>\n"
    html = paragraph * 5000  # 8 words a paragraph
    assert reading_minutes(html, 200) == 200
    assert reading_minutes("", 200) == 1
