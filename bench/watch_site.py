"""A local web site in the layout of the sources the screener watches, for tests and the benchmark.

It serves, from posts held in memory (tests add, edit and remove them between polls):

- ``/s/<channel>``: a Telegram channel web preview (the newest ``page_size`` posts, oldest first;
  ``?before=<n>`` for older ones, with the "more" link t.me puts at the top);
- ``/feed/<channel>.rss`` and ``/feed/<channel>.atom``: the same posts as RSS 2.0 and Atom;
- ``/page/<channel>``: a plain HTML page whose posts are ``article.post`` blocks;
- ``/error/500``, ``/slow`` (answers after ``slow_seconds``), ``/huge`` (a page of ``huge_bytes``).

Every page sends an ``ETag`` and ``Last-Modified`` and answers ``304`` to a matching conditional
request. Requests are counted per path. All texts are written for this project.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["SAMPLE_POSTS", "FixturePost", "WatchSite"]

# Recruitment posts written for the fixtures: risky offers and ordinary ones.
SAMPLE_POSTS = (
    "DIBUTUHKAN SEGERA admin chat untuk perusahaan di Phnom Penh, gaji 18 juta/bulan, tanpa pengalaman, "
    "tiket pesawat ditanggung, berangkat pakai visa kunjungan. Minat japri WA +855 97 210 4410",
    "Lowongan operator komputer di Myawaddy, gaji 22 juta, mess gratis, paspor diurus, lewat Mae Sot. "
    "Telegram @kerja_luar_cepat",
    "PT Sinar Abadi membuka lowongan staf administrasi di Semarang. Syarat minimal D3, usia maksimal 30 "
    "tahun. Gaji sesuai UMK, BPJS. Lamaran ke alamat kantor, tanpa dipungut biaya.",
    "Dicari pelayan restoran di Sihanoukville, gaji 15 juta, kerja langsung, umur 18-35, tidak perlu "
    "ijazah. Visa turis dulu nanti diurus di sana. Hubungi +62 812 7000 3321",
    "Loker kasir minimarket area Bandung, shift pagi/malam, gaji UMK + insentif, lulusan SMA/SMK. "
    "Kirim CV ke email rekrutmen kantor cabang.",
    "Kerja di Malaysia jadi pekerja kebun sawit, gaji 7 juta, berangkat tanpa visa kerja, potong gaji "
    "untuk biaya agen 6 bulan. Info WA 0813 2200 9145",
    "Lowongan customer service online Laos, gaji 20 juta, tanpa pengalaman, tiket dan visa dibantu, "
    "bisa berangkat minggu ini. DM @rekrut_cepat_laos",
    "Dibutuhkan guru les matematika SD-SMP wilayah Yogyakarta, jadwal fleksibel, honor per pertemuan, "
    "pengalaman mengajar diutamakan.",
    "Peluang kerja di Dubai sebagai ART, gaji 9 juta, semua biaya ditanggung sponsor, paspor ditahan "
    "majikan selama kontrak. Daftar via WA +62 857 1100 4432",
    "Rekrutmen operator produksi pabrik garmen di Cikarang, kontrak 1 tahun, gaji UMK Bekasi, mess "
    "tersedia, tanpa biaya penempatan.",
    "Dicari marketing online untuk kantor di Bavet, gaji 16 juta + bonus, tanpa pengalaman, "
    "berangkat dari Batam lewat jalur tikus. WA +855 88 301 2290",
    "Lowongan sopir pribadi di Jakarta Selatan, SIM A aktif, usia 25-45, gaji 5 juta, tinggal di luar.",
)

BASE_TIME = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@dataclass
class FixturePost:
    number: int
    text: str
    posted_at: datetime


@dataclass
class Channel:
    name: str
    posts: list[FixturePost] = field(default_factory=list)
    modified: datetime = BASE_TIME

    def add(self, text: str) -> FixturePost:
        number = (self.posts[-1].number + 1) if self.posts else 101
        post = FixturePost(number, text, BASE_TIME + timedelta(minutes=10 * number))
        self.posts.append(post)
        self.touch()
        return post

    def touch(self) -> None:
        self.modified = max(self.modified + timedelta(seconds=1), datetime.now(UTC).replace(microsecond=0))


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


def telegram_page(channel: Channel, before: int | None, page_size: int) -> str:
    posts = [p for p in channel.posts if before is None or p.number < before][-page_size:]
    more = (
        f'<div class="tgme_widget_messages_more_wrap"><a href="/s/{channel.name}?before={posts[0].number}" '
        f'class="tme_messages_more js-messages_more" data-before="{posts[0].number}"></a></div>'
        if posts and posts[0].number > channel.posts[0].number
        else ""
    )
    blocks = []
    for p in posts:
        blocks.append(
            f'<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
            f'data-post="{channel.name}/{p.number}" data-view="x{p.number}">'
            f'<div class="tgme_widget_message_user"><a href="https://t.me/{channel.name}"></a></div>'
            f'<div class="tgme_widget_message_bubble">'
            f'<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
            f'href="https://t.me/{channel.name}"><span dir="auto">Info Loker {channel.name}</span></a></div>'
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{_escape(p.text)}</div>'
            f'<div class="tgme_widget_message_footer compact js-message_footer">'
            f'<div class="tgme_widget_message_info short js-message_info">'
            f'<span class="tgme_widget_message_views">1.{p.number % 10}K</span>'
            f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
            f'href="https://t.me/{channel.name}/{p.number}"><time datetime="{p.posted_at.isoformat()}" '
            f'class="time">{p.posted_at:%H:%M}</time></a></span></div></div></div></div></div>'
        )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Info Loker</title>'
        f'<meta property="og:title" content="Info Loker {channel.name}"></head>'
        '<body class="widget_frame_base tgme_webpreview_body"><header class="tgme_header"><a '
        f'class="tgme_header_link" href="https://t.me/{channel.name}">Info Loker</a></header>'
        '<main class="tgme_main"><section class="tgme_channel_history js-message_history">'
        f"{more}{''.join(blocks)}</section></main></body></html>"
    )


def rss_feed(channel: Channel) -> str:
    items = "".join(
        f"<item><title>{html.escape(p.text.split(',')[0])}</title>"
        f"<link>http://loker.example/{channel.name}/{p.number}</link>"
        f'<guid isPermaLink="false">{channel.name}-{p.number}</guid>'
        f"<pubDate>{format_datetime(p.posted_at)}</pubDate>"
        f"<description>{html.escape('<p>' + html.escape(p.text) + '</p>')}</description></item>"
        for p in reversed(channel.posts)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Loker {channel.name}</title><link>http://loker.example/</link>"
        f"<description>Info lowongan</description>{items}</channel></rss>"
    )


def atom_feed(channel: Channel) -> str:
    entries = "".join(
        f"<entry><title>Lowongan {p.number}</title><id>urn:loker:{channel.name}:{p.number}</id>"
        f'<link rel="alternate" href="http://loker.example/{channel.name}/{p.number}"/>'
        f"<published>{p.posted_at.isoformat()}</published><updated>{p.posted_at.isoformat()}</updated>"
        f'<content type="html">{html.escape("<div>" + html.escape(p.text) + "</div>")}</content></entry>'
        for p in reversed(channel.posts)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Loker {channel.name}</title><id>urn:loker:{channel.name}</id>"
        f"<updated>{channel.modified.isoformat()}</updated>{entries}</feed>"
    )


def html_page(channel: Channel) -> str:
    blocks = "".join(
        f'<article class="post" id="post-{p.number}"><h2><a href="/page/{channel.name}/{p.number}">'
        f"Lowongan #{p.number}</a></h2><p>{_escape(p.text)}</p>"
        f'<time datetime="{p.posted_at.isoformat()}">{p.posted_at:%d-%m-%Y}</time></article>'
        for p in reversed(channel.posts)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Papan Loker</title></head><body>'
        f'<nav><a href="/">Beranda</a></nav><main><h1>Papan Loker {channel.name}</h1>{blocks}</main>'
        "<footer>Kontak redaksi</footer></body></html>"
    )


class WatchSite:
    """The site on ``127.0.0.1:<port>`` in a thread; use as a context manager."""

    def __init__(
        self, *, page_size: int = 20, slow_seconds: float = 3.0, huge_bytes: int = 3_000_000
    ) -> None:
        self.channels: dict[str, Channel] = {}
        self.page_size = page_size
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.broken: set[str] = set()  # paths (or path?query) answering 500 for now
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- content ------------------------------------------------------------------------------------

    def channel(self, name: str) -> Channel:
        with self.lock:
            return self.channels.setdefault(name, Channel(name))

    def add_posts(self, name: str, texts: list[str] | tuple[str, ...]) -> list[FixturePost]:
        channel = self.channel(name)
        with self.lock:
            return [channel.add(t) for t in texts]

    def edit_post(self, name: str, number: int, text: str) -> None:
        channel = self.channel(name)
        with self.lock:
            next(p for p in channel.posts if p.number == number).text = text
            channel.touch()

    def remove_post(self, name: str, number: int) -> None:
        channel = self.channel(name)
        with self.lock:
            channel.posts = [p for p in channel.posts if p.number != number]
            channel.touch()

    # -- serving ------------------------------------------------------------------------------------

    def render(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, datetime | None]:
        """(status, content type, body, last modified) for a GET of ``path``."""
        parts = path.strip("/").split("/")
        with self.lock:
            if path == "/error/500" or path in self.broken:
                return 500, "text/html", b"<h1>Internal Server Error</h1>", None
            if path == "/huge":
                filler = "<p>" + "isi halaman panjang " * 50 + "</p>"
                body = ("<html><body>" + filler * (self.huge_bytes // len(filler) + 1)).encode()
                return 200, "text/html; charset=utf-8", body, None
            if len(parts) == 2 and parts[0] == "s" and parts[1] in self.channels:
                channel = self.channels[parts[1]]
                before = query.get("before", [""])[0]
                page = telegram_page(channel, int(before) if before.isdigit() else None, self.page_size)
                return 200, "text/html; charset=utf-8", page.encode(), channel.modified
            if len(parts) == 2 and parts[0] == "feed":
                name, _, ext = parts[1].rpartition(".")
                if name in self.channels and ext in ("rss", "atom"):
                    channel = self.channels[name]
                    body_text = rss_feed(channel) if ext == "rss" else atom_feed(channel)
                    kind = "application/rss+xml" if ext == "rss" else "application/atom+xml"
                    return 200, kind, body_text.encode(), channel.modified
            if len(parts) == 2 and parts[0] == "page" and parts[1] in self.channels:
                channel = self.channels[parts[1]]
                return 200, "text/html; charset=utf-8", html_page(channel).encode(), channel.modified
        return 404, "text/html", b"<h1>Tidak ditemukan</h1>", None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                site.hits[parts.path] += 1
                if parts.path == "/slow":
                    time.sleep(site.slow_seconds)
                if self.path in site.broken:
                    status, kind, body, modified = 500, "text/html", b"<h1>Internal Server Error</h1>", None
                else:
                    status, kind, body, modified = site.render(parts.path, parse_qs(parts.query))
                etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"'
                last_modified = format_datetime(modified, usegmt=True) if modified else None
                if status == 200 and (
                    self.headers.get("If-None-Match") == etag
                    or (
                        last_modified
                        and self.headers.get("If-Modified-Since") == last_modified
                        and not self.headers.get("If-None-Match")
                    )
                ):
                    site.not_modified[parts.path] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if status == 200:
                    self.send_header("ETag", etag)
                    if last_modified:
                        self.send_header("Last-Modified", last_modified)
                self.end_headers()
                # A client that stops reading (a size cap) is the normal end.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> WatchSite:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="watch-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> WatchSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
