"""What people typed, as the pages show it: escaped, line breaks kept, http(s) links only."""

from __future__ import annotations

import pytest

from mentorship.templatetags.user_text import sentence, user_text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("plain", "plain"),
        ("two\nlines\r\nthree", "two<br>lines<br>three"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        (
            "See https://example.org/a?b=1&c=2.",
            'See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">'
            "https://example.org/a?b=1&amp;c=2</a>.",
        ),
        (
            "(docs: http://x.org/wiki/A_(b))",
            '(docs: <a href="http://x.org/wiki/A_(b)" rel="nofollow noopener noreferrer">'
            "http://x.org/wiki/A_(b)</a>)",
        ),
        ("javascript:alert(1) data:text/html,x", "javascript:alert(1) data:text/html,x"),
        (
            'https://e.org/"onmouseover="x',
            '<a href="https://e.org/" rel="nofollow noopener noreferrer">https://e.org/</a>'
            "&quot;onmouseover=&quot;x",
        ),
        ("www.example.org and me@example.org", "www.example.org and me@example.org"),
        (None, ""),
    ],
)
def test_user_text_escapes_keeps_lines_and_links_only_web_addresses(typed, shown):
    assert user_text(typed) == shown


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Helped a lot.", "Helped a lot."),
        ("helped a lot", "helped a lot."),
        ("Why?", "Why?"),
        ("", ""),
    ],
)
def test_sentence_ends_with_one_full_stop(typed, shown):
    assert sentence(typed) == shown
