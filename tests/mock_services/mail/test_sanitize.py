"""Showing a body safely: no script, style or handler survives, images are blocked and counted,
and every link goes through the room's rewriter with its visible text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from mock_services.mail.sanitize import html_to_text, linkify_text, sanitize_html


@dataclass
class Rewriter:
    """Records each (url, text) it is asked about and answers the room's tracked address."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, url: str, text: str) -> str:
        self.calls.append((url, text))
        return f"/thu/lien-ket?n={len(self.calls)}"


def test_scripts_styles_and_their_content_are_removed() -> None:
    html = (
        "<html><head><title>Tiêu đề</title><style>p { color: red }</style></head><body>"
        "<script>alert('xss')</script><p>Xin chào</p></body></html>"
    )
    cleaned = str(sanitize_html(html, Rewriter()).html)
    assert cleaned.strip() == "<p>Xin chào</p>"


def test_markup_hidden_in_noscript_is_shown_as_inert_text_at_most() -> None:
    cleaned = str(sanitize_html("<noscript><script>x()</script></noscript>", Rewriter()).html)
    assert "<script" not in cleaned
    assert "<noscript" not in cleaned


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="steal()">x</p>',
        '<img src="x" onerror="steal()">',
        '<body onload="steal()">x</body>',
        '<a href="https://a.vn" onmouseover="steal()">x</a>',
        '<div style="background:url(https://track.er/p)">x</div>',
        '<iframe src="https://evil.test"></iframe>',
        '<form action="https://evil.test"><input name="mat_khau"></form>',
        "<svg><script>steal()</script></svg>",
        '<object data="https://evil.test/x.swf"></object>',
        '<meta http-equiv="refresh" content="0;url=https://evil.test">',
        '<base href="https://evil.test/">',
        '<link rel="stylesheet" href="https://evil.test/a.css">',
    ],
)
def test_event_handlers_styles_and_active_content_never_survive(html: str) -> None:
    cleaned = str(sanitize_html(html, Rewriter()).html).lower()
    for gone in ("steal", " on", "style=", "iframe", "<form", "<input", "<svg", "<object", "<meta", "<base", "<link"):
        assert gone not in cleaned
    assert "evil.test" not in cleaned
    assert "track.er" not in cleaned


def test_images_lose_their_source_and_are_counted() -> None:
    html = (
        '<p>Ảnh:</p><img src="https://tracker.example/pixel.gif" alt="pixel" width="1" height="1">'
        '<img src="http://cdn.example/logo.png"><img src="//cdn.example/a.png"><img src="anh.png">'
    )
    safe = sanitize_html(html, Rewriter())
    assert safe.blocked_images == 4
    cleaned = str(safe.html)
    assert "src" not in cleaned
    assert "tracker.example" not in cleaned
    assert 'alt="pixel"' in cleaned  # the candidate still sees what was there


def test_no_image_source_survives_whatever_its_scheme() -> None:
    html = '<img src="cid:logo@x"><img src="data:image/png;base64,iVBORw0KGgo="><img src="javascript:x()">'
    assert "src" not in str(sanitize_html(html, Rewriter()).html)


def test_every_link_is_rewritten_through_the_callback_with_its_visible_text() -> None:
    html = (
        '<p><a href="https://dichvucong.gov.vn/p/home">Cổng <b>Dịch vụ</b>  công</a></p>'
        '<a href="http://evil.test/login" title="Đăng nhập">https://mail.egov.test</a>'
        '<a href="mailto:vanphong@cantho.egov.test">Văn phòng</a>'
        '<a href="/tuong-doi">tương đối</a>'
    )
    rewrite = Rewriter()
    cleaned = str(sanitize_html(html, rewrite).html)
    assert rewrite.calls == [
        ("https://dichvucong.gov.vn/p/home", "Cổng Dịch vụ công"),
        ("http://evil.test/login", "https://mail.egov.test"),
        ("mailto:vanphong@cantho.egov.test", "Văn phòng"),
        ("/tuong-doi", "tương đối"),
    ]
    for n in range(1, 5):
        assert f'href="/thu/lien-ket?n={n}"' in cleaned
    for original in ("dichvucong.gov.vn", "evil.test", "mailto:", 'href="/tuong-doi"'):
        assert original not in cleaned
    assert cleaned.count('rel="noopener noreferrer nofollow"') == 4


def test_query_strings_reach_the_rewriter_unescaped() -> None:
    rewrite = Rewriter()
    sanitize_html('<a href="https://a.vn/x?b=1&amp;c=2">x</a>', rewrite)
    assert rewrite.calls == [("https://a.vn/x?b=1&c=2", "x")]


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html,<b>x</b>"]
)
def test_script_and_data_links_are_dropped(href: str) -> None:
    rewrite = Rewriter()
    cleaned = str(sanitize_html(f'<a href="{href}">Bấm vào đây</a>', rewrite).html)
    assert "href" not in cleaned
    assert "Bấm vào đây" in cleaned
    assert rewrite.calls == []


def test_a_dropped_link_does_not_shift_the_text_of_the_links_after_it() -> None:
    rewrite = Rewriter()
    sanitize_html(
        '<a href="javascript:alert(1)">Xem ngay</a> <a href="http://evil.test/login">https://mail.egov.test</a>',
        rewrite,
    )
    assert rewrite.calls == [("http://evil.test/login", "https://mail.egov.test")]


def test_a_link_around_an_image_has_empty_text_and_blocks_the_image() -> None:
    rewrite = Rewriter()
    safe = sanitize_html('<a href="https://a.vn"><img src="https://a.vn/banner.png"></a>', rewrite)
    assert rewrite.calls == [("https://a.vn", "")]
    assert safe.blocked_images == 1


def test_linkify_escapes_html_and_rewrites_every_address() -> None:
    text = 'Xem <b>tại</b> https://a.vn/x?y=1&z=2. Hoặc www.cantho.gov.vn, (http://c.vn/d) "javascript:x()" <script>'
    rewrite = Rewriter()
    shown = str(linkify_text(text, rewrite))
    assert rewrite.calls == [
        ("https://a.vn/x?y=1&z=2", "https://a.vn/x?y=1&z=2"),
        ("http://www.cantho.gov.vn", "www.cantho.gov.vn"),
        ("http://c.vn/d", "http://c.vn/d"),
    ]
    assert "&lt;b&gt;tại&lt;/b&gt;" in shown
    assert "&lt;script&gt;" in shown
    assert "<script>" not in shown
    assert (
        '<a href="/thu/lien-ket?n=1" rel="noopener noreferrer nofollow">https://a.vn/x?y=1&amp;z=2</a>. Hoặc' in shown
    )
    assert "(<a " in shown
    assert "</a>) &quot;javascript:x()&quot;" in shown


def test_linkify_escapes_what_the_rewriter_returns() -> None:
    shown = str(linkify_text("https://a.vn", lambda url, text: '/x?a=1&b="2"'))
    assert 'href="/x?a=1&amp;b=&quot;2&quot;"' in shown


def test_linkify_leaves_text_without_addresses_escaped_only() -> None:
    rewrite = Rewriter()
    assert str(linkify_text("Không có liên kết <> & ' \"", rewrite)) == (
        "Không có liên kết &lt;&gt; &amp; &#x27; &quot;"
    )
    assert rewrite.calls == []


def test_html_to_text_keeps_readable_text_and_line_breaks_only() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><script>x()</script>"
        "<p>Kính gửi:   các đồng chí</p><div>Dòng&nbsp;hai &amp; ba</div>"
        "<ul><li>Một</li><li>Hai</li></ul></body></html>"
    )
    assert html_to_text(html) == "Kính gửi: các đồng chí\n\nDòng hai & ba\n\nMột\n\nHai"
