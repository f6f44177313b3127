"""HTML -> plain text: what must never survive, and what must."""

from __future__ import annotations

from feeds.text import fold_line, html_to_text


def test_script_style_and_embeds_leave_no_text() -> None:
    html = (
        "<p>Keep me</p><script>alert('pwned')</script><style>p{color:red}</style>"
        "<noscript>NOSCRIPT</noscript><iframe src=x>IFRAME</iframe><svg><text>SVG</text></svg>"
        "<img src='https://t.example/pixel.gif' alt='PIXEL'><template>TPL</template>"
    )
    text = html_to_text(html)
    assert text == "Keep me"


def test_uppercase_and_unclosed_script_is_dropped() -> None:
    assert "evil" not in html_to_text("<div>ok</div><SCRIPT type='text/javascript'>evil()")


def test_blocks_become_lines_and_inline_stays_inline() -> None:
    html = "<h1>Title</h1><p>One <b>bold</b> <a href='x'>link</a>.</p><ul><li>a</li><li>b</li></ul>x<br>y"
    assert html_to_text(html) == "Title\nOne bold link.\na\nb\nx\ny"


def test_entities_are_decoded_on_both_paths() -> None:
    assert html_to_text("<p>AT&amp;T &eacute; &#8364; &lt;tag&gt;</p>") == "AT&T é € <tag>"
    assert html_to_text("Fish &amp; chips") == "Fish & chips"


def test_whitespace_is_folded() -> None:
    assert html_to_text("<p>  a \t\u00a0 b\n\n\n c  </p><p></p><p> d</p>") == "a b\nc\nd"
    assert fold_line("  a\n b\t\tc  ") == "a b c"


def test_control_bidi_zero_width_and_nul_are_removed() -> None:
    hostile = "A\x00B\x1b[31mC\x07\x9bD\u202eE\u2066F\u200bG\ufeffH\u00adI\x1b]8;;https://x\x07J"
    text = html_to_text(hostile)
    assert text == "AB[31mCDEFGHI]8;;https://xJ"
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


def test_tags_in_plain_text_are_treated_as_markup() -> None:
    # A feed that mislabels HTML as text must not smuggle a script through.
    assert html_to_text("hello <script>bad()</script> world") == "hello world"


def test_lone_surrogates_are_removed() -> None:
    assert html_to_text("a\ud800b") == "ab"
