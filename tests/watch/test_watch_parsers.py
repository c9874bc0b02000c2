"""The watched-source parsers: page bytes -> posts, on fixture pages written for the project."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from screener.errors import DataError
from screener.watch import guess_kind, older_page_url, parse_feed, parse_html, parse_page, parse_telegram
from screener.watch.html import check_selector

DATA = Path(__file__).resolve().parents[1] / "data" / "watch"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_telegram_preview_posts_with_text_in_page_order() -> None:
    posts = parse_telegram(page("telegram_preview.html"), "https://t.me/s/loker_demo")
    assert [p.id for p in posts] == ["loker_demo/40", "loker_demo/42"]  # 41 is a photo without text
    first = posts[0]
    assert first.link == "https://t.me/loker_demo/40"
    assert first.text.splitlines() == [
        "🔥 DICARI admin chat untuk kantor di Phnom Penh",
        "Gaji 18 juta, tanpa pengalaman",
        "Minat? japri @rekrut_demo",
    ]
    assert first.posted_at == datetime(2026, 11, 28, 9, 15, tzinfo=UTC)
    assert posts[1].posted_at == datetime(2026, 11, 29, 0, 30, tzinfo=UTC)  # +07:00 read as UTC


def test_telegram_older_page_is_before_the_smallest_post_number() -> None:
    posts = parse_telegram(page("telegram_preview.html"), "https://t.me/s/loker_demo")
    assert older_page_url("https://t.me/s/loker_demo", posts) == "https://t.me/s/loker_demo?before=40"
    assert older_page_url("https://t.me/s/loker_demo?before=90&x=1", posts) == (
        "https://t.me/s/loker_demo?x=1&before=40"
    )
    assert older_page_url("https://t.me/s/loker_demo", []) is None


def test_rss_items_cdata_and_escaped_html() -> None:
    posts = parse_feed(page("feed.rss"), "https://loker.example/feed")
    assert [p.id for p in posts] == [
        "loker-7",
        "https://loker.example/lowongan/6",
    ]  # the empty item is left out
    assert posts[0].text == (
        "Admin online luar negeri\nDicari admin online untuk perusahaan di Bavet.\nGaji 16 juta, tiket ditanggung."
    )
    assert posts[0].link == "https://loker.example/lowongan/7"
    assert posts[0].posted_at == datetime(2026, 11, 28, 21, 5, tzinfo=UTC)
    assert (
        posts[1].text == "Kasir toko bangunan di Solo, gaji UMK & makan siang."
    )  # the title is in the text already


def test_atom_entries_prefer_the_alternate_link() -> None:
    posts = parse_feed(page("feed.atom"), "https://harian.example/atom")
    assert [p.id for p in posts] == ["urn:loker-harian-demo:9", "urn:loker-harian-demo:8"]
    assert posts[0].link == "https://harian.example/loker/9"
    assert posts[0].text == "Operator produksi pabrik di Cikarang, kontrak 1 tahun.\nTanpa biaya."
    assert posts[0].posted_at == datetime(2026, 11, 30, 5, 0, tzinfo=UTC)  # published, not updated
    assert posts[1].link == "https://harian.example/loker/8"
    assert posts[1].posted_at == datetime(2026, 11, 29, 15, 0, tzinfo=UTC)


def test_a_web_page_is_not_a_feed() -> None:
    with pytest.raises(DataError, match="selector"):
        parse_feed(page("board.html"), "https://papan.example/")


def test_html_page_blocks_by_selector() -> None:
    posts = parse_html(page("board.html"), "https://papan.example/terbaru", "div.iklan")
    assert len(posts) == 3  # the blank block is left out
    assert posts[0].id == "511"
    assert posts[0].link == "https://papan.example/iklan/511"
    assert posts[0].text.splitlines()[1:3] == [
        "Terapis spa untuk Kuala Lumpur, gaji 12 juta,",
        "tidak perlu pengalaman, paspor dibuatkan.",
    ]
    assert posts[1].id == posts[1].link == "https://papan.example/iklan/510"
    assert posts[2].link is None and len(posts[2].id) == 64  # no id, no link: a content hash
    assert posts[2].posted_at is None


def test_a_selector_matching_nothing_gives_no_posts() -> None:
    # A page that changed layout: no error here; the service counts the empty fetches.
    assert parse_html(page("board.html"), "https://papan.example/", "article.post") == []
    assert parse_telegram(page("board.html"), "https://t.me/s/x") == []


@pytest.mark.parametrize("selector", ["", "   ", "div[", "::nope"])
def test_bad_selectors_are_refused(selector: str) -> None:
    with pytest.raises(DataError):
        check_selector(selector)


@pytest.mark.parametrize(
    ("url", "selector", "kind"),
    [
        pytest.param("https://t.me/s/loker_demo", None, "telegram", id="t.me"),
        pytest.param("http://127.0.0.1:8080/s/loker_demo", None, "telegram", id="preview-layout"),
        pytest.param("https://loker.example/feed.xml", None, "feed", id="feed"),
        pytest.param("https://loker.example/s/x?before=3", None, "feed", id="short-name"),
        pytest.param("https://papan.example/", "div.iklan", "html", id="selector"),
    ],
)
def test_guess_kind(url: str, selector: str | None, kind: str) -> None:
    assert guess_kind(url, selector) == kind


def test_parse_page_dispatches_and_needs_a_selector_for_html() -> None:
    assert parse_page("feed", page("feed.atom"), "u")[0].id == "urn:loker-harian-demo:9"
    with pytest.raises(DataError):
        parse_page("html", page("board.html"), "u")
    with pytest.raises(DataError):
        parse_page("gopher", b"", "u")


def test_hostile_nesting_does_not_recurse() -> None:
    deep = b"<div class='iklan'>" + b"<div>" * 5000 + b"teks" + b"</div>" * 5001
    assert parse_html(deep, "https://x.example/", "div.iklan")[0].text.startswith("teks")


def test_public_names() -> None:
    import screener.watch

    assert sorted(screener.watch.__all__) == [
        "KINDS", "Post", "guess_kind", "older_page_url", "parse_feed", "parse_html", "parse_page",
        "parse_telegram", "post_hash",
    ]  # fmt: skip
