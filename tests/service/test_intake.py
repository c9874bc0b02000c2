"""Tests for ``service.intake``: address checks, redirects, limits, decoding and extraction.

Nothing leaves the machine: every fetch goes through a stub resolver and an ``httpx.MockTransport``,
or to a real server on 127.0.0.1 (with ``allow_private=True``).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bench.bench_intake import drip_body, drip_headers  # one slow-drip server for test and benchmark
from service import intake
from service.errors import ApiError
from service.intake import (
    FetchedPage,
    FetchTimeout,
    IntakeError,
    UnsupportedContent,
    UpstreamError,
    UrlRefused,
    extract_text,
    fetch_page,
)

PUBLIC_IP = "93.184.216.34"
DNS = {
    "example.com": [PUBLIC_IP],
    "www.example.com": [PUBLIC_IP],
    "internal.example": ["10.1.2.3"],
    "mixed.example": [PUBLIC_IP, "192.168.0.7"],
    "mapped.example": ["::ffff:10.0.0.1"],
    "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
}


async def stub_resolver(host: str, port: int) -> list[str]:
    try:
        return list(DNS[host])
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


Handler = Callable[[httpx.Request], httpx.Response]


class Site:
    """A mock transport serving pages by (Host header, path), recording every request."""

    def __init__(self, pages: dict[tuple[str, str], httpx.Response | Handler] | None = None) -> None:
        self.pages = pages or {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        page = self.pages.get((request.headers["host"], request.url.path))
        if page is None:
            return httpx.Response(404, text="not found")
        return page(request) if callable(page) else page

    def fetch(self, url: str, **kwargs: object) -> FetchedPage:
        kwargs.setdefault("resolver", stub_resolver)
        return asyncio.run(fetch_page(url, transport=self.transport, **kwargs))  # type: ignore[arg-type]


def html_page(
    body: str, *, content_type: str = "text/html; charset=utf-8", status: int = 200
) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": content_type}, content=body.encode("utf-8"))


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": location})


# --------------------------------------------------------------------------------------------------
# Refusals: nothing may be requested


@pytest.mark.parametrize(
    ("url", "code"),
    [
        pytest.param("http://127.0.0.1/", "url_private", id="loopback"),
        pytest.param("http://localhost/", "url_private", id="localhost"),
        pytest.param("HTTP://LOCALHOST./admin", "url_private", id="localhost-upper-dot"),
        pytest.param("http://api.localhost/", "url_private", id="sub-localhost"),
        pytest.param("http://10.0.0.5/", "url_private", id="rfc1918-10"),
        pytest.param("http://192.168.1.1:8080/", "url_private", id="rfc1918-192-port"),
        pytest.param("http://172.16.0.1/", "url_private", id="rfc1918-172"),
        pytest.param("http://169.254.169.254/latest/meta-data", "url_private", id="cloud-metadata"),
        pytest.param("http://100.64.0.1/", "url_private", id="shared-cgnat"),
        pytest.param("http://0.0.0.0/", "url_private", id="unspecified"),
        pytest.param("http://0.1.2.3/", "url_private", id="this-network"),
        pytest.param("http://224.0.0.1/", "url_private", id="multicast"),
        pytest.param("http://240.0.0.1/", "url_private", id="reserved"),
        pytest.param("http://[::1]/", "url_private", id="ipv6-loopback"),
        pytest.param("http://[::]/", "url_private", id="ipv6-unspecified"),
        pytest.param("http://[fe80::1]/", "url_private", id="ipv6-link-local"),
        pytest.param("http://[fe80::1%25eth0]/", "url_private", id="ipv6-link-local-zone"),
        pytest.param("http://[fc00::1]/", "url_private", id="ipv6-unique-local"),
        pytest.param("http://[fec0::1]/", "url_private", id="ipv6-site-local"),
        pytest.param("http://[::ffff:127.0.0.1]/", "url_private", id="ipv4-mapped"),
        pytest.param("http://[::ffff:a9fe:a9fe]/", "url_private", id="ipv4-mapped-hex-metadata"),
        pytest.param("http://[2002:7f00:1::]/", "url_private", id="6to4-loopback"),
        pytest.param("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "url_private", id="teredo-loopback"),
        pytest.param("http://[64:ff9b::a00:1]/", "url_private", id="nat64-private"),
        pytest.param("http://0x7f000001/", "url_private", id="hex-int"),
        pytest.param("http://2130706433/", "url_private", id="decimal-int"),
        # httpx itself rejects dotted quads with leading zeros.
        pytest.param("http://0177.0.0.1/", "url_invalid", id="octal-dotted"),
        pytest.param("http://0177.1/", "url_private", id="octal-short"),
        pytest.param("http://0x7f.1/", "url_private", id="hex-short"),
        pytest.param("http://127.1/", "url_private", id="short-dotted"),
        pytest.param("http://017700000001/", "url_private", id="octal-int"),
        pytest.param("http://internal.example/", "url_private", id="resolves-private"),
        pytest.param("http://mixed.example/", "url_private", id="one-of-several-private"),
        pytest.param("http://mapped.example/", "url_private", id="resolves-ipv4-mapped"),
        pytest.param("ftp://example.com/file", "url_scheme", id="ftp"),
        pytest.param("file:///etc/passwd", "url_scheme", id="file"),
        pytest.param("javascript:alert(1)", "url_scheme", id="javascript"),
        pytest.param("data:text/html,<b>x</b>", "url_scheme", id="data"),
        pytest.param("gopher://example.com/", "url_scheme", id="gopher"),
        pytest.param("example.com/lowongan", "url_scheme", id="no-scheme"),
        pytest.param("http://user:pass@example.com/", "url_credentials", id="credentials"),
        pytest.param("http://user@example.com/", "url_credentials", id="user-only"),
        pytest.param("http:///path", "url_invalid", id="no-host"),
        pytest.param("http://[not-an-ip]/", "url_invalid", id="bad-ipv6"),
        pytest.param("http://256.1.1.1/", "url_invalid", id="bad-ipv4"),
        pytest.param("", "url_scheme", id="empty"),
        pytest.param("http://no-such-host.example/", "url_unresolvable", id="unresolvable"),
    ],
)
def test_refused_urls_make_no_request(url: str, code: str) -> None:
    site = Site()
    with pytest.raises(UrlRefused) as info:
        site.fetch(url)
    assert info.value.code == code
    assert info.value.status == 422
    assert info.value.message_en and info.value.message_id
    assert site.requests == []


def test_resolver_failure_of_any_kind_is_unresolvable() -> None:
    async def broken(host: str, port: int) -> list[str]:
        return ["not an address"]

    with pytest.raises(UrlRefused) as info:
        Site().fetch("http://example.com/", resolver=broken)
    assert info.value.code == "url_unresolvable"


@pytest.mark.parametrize(
    ("location", "code"),
    [
        pytest.param("http://127.0.0.1/", "url_private", id="to-loopback"),
        pytest.param("http://169.254.169.254/latest/meta-data", "url_private", id="to-metadata"),
        pytest.param("http://internal.example/admin", "url_private", id="to-private-resolving-host"),
        pytest.param("http://[::ffff:10.0.0.1]/", "url_private", id="to-ipv4-mapped"),
        pytest.param("file:///etc/passwd", "url_scheme", id="to-file"),
        pytest.param("http://user:pw@example.com/", "url_credentials", id="to-credentials"),
    ],
)
def test_redirect_to_refused_url_is_not_followed(location: str, code: str) -> None:
    site = Site({("example.com", "/post"): redirect(location)})
    with pytest.raises(UrlRefused) as info:
        site.fetch("http://example.com/post")
    assert info.value.code == code
    assert len(site.requests) == 1


def test_too_many_redirects() -> None:
    site = Site({("example.com", "/loop"): redirect("/loop", 301)})
    with pytest.raises(UpstreamError) as info:
        site.fetch("http://example.com/loop", max_redirects=3)
    assert info.value.code == "too_many_redirects"
    assert info.value.status == 502
    assert len(site.requests) == 4  # the first request and three redirects


def test_redirect_without_location_is_upstream_error() -> None:
    site = Site({("example.com", "/"): httpx.Response(302)})
    with pytest.raises(UpstreamError) as info:
        site.fetch("http://example.com/")
    assert info.value.code == "bad_redirect"


# --------------------------------------------------------------------------------------------------
# Successful fetches

POST = """<!doctype html>
<html><head>
<title>  Lowongan   Kerja Malaysia </title>
<meta property="og:title" content="OG title">
<meta property="og:description" content="Dicari TKW, gaji 10 juta, tanpa biaya, paspor diurus agen.">
<style>body { color: red }</style>
<script>var secret = "do not show";</script>
</head>
<body>
<nav>Beranda | Masuk | Daftar</nav>
<header>Site banner</header>
<article>
  <header>Posted by Agen Sukses</header>
  <p>Berangkat   minggu depan.<br>Hubungi <b>0812-3456-7890</b>.</p>
  <!-- a comment -->
  <div hidden>hidden text</div>
  <noscript>enable js</noscript>
</article>
<aside>Related posts</aside>
<footer>© 2024</footer>
</body></html>"""


def test_fetch_extracts_title_description_and_text() -> None:
    site = Site({("example.com", "/post/1"): html_page(POST)})
    page = site.fetch("http://example.com/post/1")
    assert page == FetchedPage(
        url="http://example.com/post/1",
        final_url="http://example.com/post/1",
        title="Lowongan Kerja Malaysia",
        description="Dicari TKW, gaji 10 juta, tanpa biaya, paspor diurus agen.",
        text=(
            "Dicari TKW, gaji 10 juta, tanpa biaya, paspor diurus agen.\n"
            "Posted by Agen Sukses\nBerangkat minggu depan.\nHubungi 0812-3456-7890."
        ),
        content_type="text/html",
        truncated=False,
    )


def test_request_goes_to_checked_ip_with_original_host() -> None:
    site = Site({("example.com:8080", "/p"): html_page("<p>hai</p>")})
    site.fetch("http://example.com:8080/p?x=1#frag")
    (request,) = site.requests
    assert request.url.host == PUBLIC_IP
    assert request.url.port == 8080
    assert request.url.query == b"x=1"
    assert request.headers["host"] == "example.com:8080"
    assert request.headers["user-agent"] == "tppo-screener/0.1 (+link check)"
    assert "sni_hostname" not in request.extensions


def test_https_sends_sni_hostname_and_ipv6_is_bracketed() -> None:
    site = Site({("v6.example", "/"): html_page("<p>hai</p>")})
    site.fetch("https://v6.example/")
    (request,) = site.requests
    assert request.url.host == "2606:2800:220:1:248:1893:25c8:1946"
    assert request.extensions["sni_hostname"] == "v6.example"
    assert request.headers["host"] == "v6.example"


def test_relative_redirect_is_followed_and_final_url_reported() -> None:
    site = Site(
        {
            ("example.com", "/p/1"): redirect("https://www.example.com/posts/1"),
            ("www.example.com", "/posts/1"): redirect("../story/1", 307),
            ("www.example.com", "/story/1"): html_page("<main><p>isi</p></main>"),
        }
    )
    page = site.fetch("http://example.com/p/1")
    assert page.url == "http://example.com/p/1"
    assert page.final_url == "https://www.example.com/story/1"
    assert page.text == "isi"
    assert len(site.requests) == 3


def test_opengraph_description_is_the_text_of_a_script_only_page() -> None:
    body = """<html><head><title>Facebook</title>
    <meta name="twitter:description" content="twitter text">
    <meta property="og:description" content="Lowongan pabrik di Taiwan,
       usia 18-35, DP 5 juta."></head>
    <body><div id="root"></div><script>render()</script></body></html>"""
    page = Site({("example.com", "/"): html_page(body)}).fetch("http://example.com/")
    assert page.description == "Lowongan pabrik di Taiwan, usia 18-35, DP 5 juta."
    assert page.text == page.description


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        pytest.param('<meta name="twitter:description" content="tw">', "tw", id="twitter"),
        pytest.param('<meta name="Description" content="plain meta">', "plain meta", id="meta-description"),
        pytest.param('<meta name="og:description" content="og by name">', "og by name", id="og-by-name"),
        pytest.param('<meta property="og:description" content="   ">', "", id="blank"),
    ],
)
def test_description_sources(meta: str, expected: str) -> None:
    _, description, _ = extract_text(f"<head>{meta}</head><body><p>body</p></body>", "http://x/")
    assert description == expected


def test_title_falls_back_to_og_title() -> None:
    title, _, _ = extract_text('<meta property="og:title" content="Judul"><p>x</p>', "http://x/")
    assert title == "Judul"


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        pytest.param(
            b"<html><head><meta charset='iso-8859-1'><title>Caf\xe9</title></head>"
            b"<body><p>Gaji \x80 500, caf\xe9 \x93enak\x94</p></body></html>",
            "text/html",
            "Gaji € 500, café “enak”",
            id="latin1-meta-read-as-windows-1252",
        ),
        pytest.param(
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>na\xefve</p>',
            "text/html",
            "naïve",
            id="http-equiv-meta",
        ),
        pytest.param(
            "<meta charset='iso-8859-1'><p>café</p>".encode(),
            "text/html; charset=UTF-8",
            "café",
            id="header-beats-meta",
        ),
        pytest.param(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "text/html; charset=latin-1", "café", id="bom-wins"),
        pytest.param(b"<p>caf\xe9</p>", "text/html", "caf\ufffd", id="no-charset-utf8-replace"),
        pytest.param(b"<p>caf\xc3\xa9</p>", "text/html; charset=no-such-codec", "café", id="unknown-charset"),
        pytest.param(
            b"Dicari   TKW\r\n\r\n\tgaji \xa3",
            "text/plain; charset=latin-1",
            "Dicari TKW\ngaji £",
            id="plain",
        ),
    ],
)
def test_charset_handling(content: bytes, content_type: str, expected: str) -> None:
    response = httpx.Response(200, headers={"content-type": content_type}, content=content)
    page = Site({("example.com", "/"): response}).fetch("http://example.com/")
    assert page.text == expected


def test_latin1_title() -> None:
    content = b"<html><head><meta charset='iso-8859-1'><title>Caf\xe9 Lowongan</title></head><p>x</p></html>"
    response = httpx.Response(200, headers={"content-type": "text/html"}, content=content)
    page = Site({("example.com", "/"): response}).fetch("http://example.com/")
    assert page.title == "Café Lowongan"


def test_xhtml_is_accepted() -> None:
    body = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>isi</p></body></html>'
    response = html_page(body, content_type="application/xhtml+xml")
    page = Site({("example.com", "/"): response}).fetch("http://example.com/")
    assert (page.content_type, page.text) == ("application/xhtml+xml", "isi")


def test_big_body_is_cut_at_the_cap_and_not_read_further() -> None:
    chunk = b"<p>" + b"a" * (64 * 1024 - 7) + b"</p>\n"
    total = 20 * 1024 * 1024 // len(chunk)
    served = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal served
        for _ in range(total):
            served += 1
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/html"}, content=body())

    cap = 1_000_000
    page = Site({("example.com", "/big"): handler}).fetch("http://example.com/big", max_bytes=cap)
    assert page.truncated is True
    assert served <= cap // len(chunk) + 2  # stopped reading near the cap, not at 20 MB
    assert page.text.startswith("aaaa")
    assert len(page.text) <= cap


def test_small_body_is_not_truncated() -> None:
    page = Site({("example.com", "/"): html_page("<p>kecil</p>")}).fetch("http://example.com/", max_bytes=13)
    assert page.truncated is False


# --------------------------------------------------------------------------------------------------
# Content and upstream errors


@pytest.mark.parametrize(
    ("response", "code"),
    [
        pytest.param(
            httpx.Response(200, headers={"content-type": "image/png"}, content=b"\x89PNG"),
            "unsupported_content_type",
            id="png",
        ),
        pytest.param(
            httpx.Response(200, headers={"content-type": "application/json"}, content=b"{}"),
            "unsupported_content_type",
            id="json",
        ),
        pytest.param(
            httpx.Response(200, headers={"content-type": "application/pdf"}, content=b"%PDF"),
            "unsupported_content_type",
            id="pdf",
        ),
        pytest.param(
            httpx.Response(200, content=b"<p>no type</p>"), "unsupported_content_type", id="missing-type"
        ),
        pytest.param(
            html_page("<html><head><title>t</title></head><body> </body></html>"),
            "empty_text",
            id="empty-html",
        ),
        pytest.param(html_page("", content_type="text/plain"), "empty_text", id="empty-plain"),
    ],
)
def test_unsupported_content(response: httpx.Response, code: str) -> None:
    with pytest.raises(UnsupportedContent) as info:
        Site({("example.com", "/"): response}).fetch("http://example.com/")
    assert (info.value.code, info.value.status) == (code, 422)


@pytest.mark.parametrize("status", [400, 403, 404, 410, 429, 500, 503])
def test_upstream_http_error(status: int) -> None:
    site = Site({("example.com", "/"): html_page("<p>error page</p>", status=status)})
    with pytest.raises(UpstreamError) as info:
        site.fetch("http://example.com/")
    assert (info.value.status, info.value.code, info.value.upstream_status) == (
        502,
        "upstream_status",
        status,
    )
    assert str(status) in info.value.message_en and str(status) in info.value.message_id


def test_transport_error_is_upstream_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(UpstreamError) as info:
        asyncio.run(
            fetch_page("http://example.com/", transport=httpx.MockTransport(handler), resolver=stub_resolver)
        )
    assert info.value.code == "connection_failed"


def test_transport_timeout_is_fetch_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(FetchTimeout) as info:
        asyncio.run(
            fetch_page("http://example.com/", transport=httpx.MockTransport(handler), resolver=stub_resolver)
        )
    assert info.value.status == 504


# --------------------------------------------------------------------------------------------------
# A real local server


async def _serve(handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], object]) -> asyncio.Server:
    return await asyncio.start_server(handler, "127.0.0.1", 0)  # type: ignore[arg-type]


def _url(server: asyncio.Server, path: str = "/") -> str:
    host, port = server.sockets[0].getsockname()[:2]
    return f"http://{host}:{port}{path}"


async def _with_server(handler, fetch):  # type: ignore[no-untyped-def]
    tasks: set[asyncio.Task[None]] = set()

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await reader.readuntil(b"\r\n\r\n")
            await handler(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await _serve(tracked)
    try:
        return await fetch(_url(server))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        server.close()
        await server.wait_closed()


async def quick_page(writer: asyncio.StreamWriter) -> None:
    body = b"<title>Lokal</title><p>halo</p>"
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()


@pytest.mark.parametrize("dripper", [drip_body, drip_headers], ids=["body", "headers"])
def test_slow_drip_server_times_out(dripper) -> None:  # type: ignore[no-untyped-def]
    # How soon it gives up (under twice the timeout) is measured by bench/bench_intake.py.
    with pytest.raises(FetchTimeout):
        asyncio.run(_with_server(dripper, lambda url: fetch_page(url, timeout=0.3, allow_private=True)))


def test_real_local_server_with_allow_private() -> None:
    page = asyncio.run(_with_server(quick_page, lambda url: fetch_page(url, allow_private=True)))
    assert (page.title, page.text) == ("Lokal", "halo")


def test_local_server_refused_without_allow_private() -> None:
    async def never(writer: asyncio.StreamWriter) -> None:
        raise AssertionError("the server must not be contacted")

    with pytest.raises(UrlRefused):
        asyncio.run(_with_server(never, lambda url: fetch_page(url)))


def test_connection_refused_is_upstream_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(UpstreamError) as info:
        asyncio.run(fetch_page(f"http://127.0.0.1:{port}/", allow_private=True, timeout=2))
    assert info.value.code == "connection_failed"


# --------------------------------------------------------------------------------------------------
# Extraction on its own


def test_main_element_preferred_over_body() -> None:
    html = "<body><div>menu stuff</div><main><h1>Judul</h1><p>Isi <i>iklan</i></p></main><div>x</div></body>"
    assert extract_text(html, "http://x/") == ("", "", "Judul\nIsi iklan")


def test_nested_articles_are_not_repeated() -> None:
    html = "<article><p>satu</p><article><p>dua</p></article></article><article>tiga</article>"
    assert extract_text(html, "http://x/")[2] == "satu\ndua\ntiga"


def test_description_not_repeated_when_already_in_text() -> None:
    html = '<meta name="description" content="Kerja di Dubai"><body><p>Kerja di Dubai</p><p>lagi</p></body>'
    assert extract_text(html, "http://x/")[2] == "Kerja di Dubai\nlagi"


def test_text_is_capped() -> None:
    html = "<p>" + "kata " * 50_000 + "</p>"
    assert len(extract_text(html, "http://x/")[2]) == intake.MAX_TEXT_CHARS


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<div>" * 20_000 + "dalam", id="deep-nesting"),
        pytest.param("<article>" * 5_000 + "dalam", id="deep-articles"),
        pytest.param("<p>unclosed " * 5_000, id="unclosed"),
        pytest.param(
            '<div title="<script>alert(1)</script>" onclick="steal()">ok</div>', id="script-in-attr"
        ),
        pytest.param("<!-- comment <p>hidden</p> --><p>ok</p>", id="comment"),
        pytest.param("<!-- never closed <p>x</p>", id="unclosed-comment"),
        pytest.param("<![CDATA[<p>cdata</p>]]><p>ok</p>", id="cdata"),
        pytest.param("<script>" + "x" * 10_000, id="unclosed-script"),
        pytest.param("<" * 10_000, id="many-lt"),
        pytest.param('<a href="' + "x" * 10_000, id="unclosed-attr"),
        pytest.param(
            "<?php echo 1 ?><!DOCTYPE x [<!ENTITY a 'b'>]>&a;&#0;&#x110000;&amp;", id="pi-doctype-entities"
        ),
        pytest.param("\x00\x01<p>\ud800</p>", id="control-and-surrogate"),
        pytest.param(
            "<svg><script>x</script><text>svg text</text></svg><iframe srcdoc='<p>x</p>'></iframe>",
            id="svg-iframe",
        ),
        pytest.param("", id="empty"),
    ],
)
def test_hostile_html_does_not_crash(html: str) -> None:
    title, description, text = extract_text(html, "http://x/")
    assert isinstance(title, str) and isinstance(description, str) and isinstance(text, str)
    assert "alert" not in text and "steal" not in text and "svg text" not in text
    assert "hidden</p>" not in text and "cdata" not in text


# --------------------------------------------------------------------------------------------------
# The module's surface


def test_public_names() -> None:
    assert set(intake.__all__) == {
        "USER_AGENT",
        "FetchTimeout",
        "FetchedPage",
        "IntakeError",
        "LinkFetcher",
        "UnsupportedContent",
        "UpstreamError",
        "UrlRefused",
        "extract_text",
        "fetch_page",
        "RawPage",
        "SOURCE_TYPES",
        "check_address",
        "fetch_raw",
    }


# -- fetch_raw: watched sources (feeds, conditional requests) ---------------------------------------


def _feed_site() -> Site:
    def feed(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(
            200,
            headers={
                "content-type": "application/rss+xml",
                "etag": '"v1"',
                "last-modified": "Mon, 30 Nov 2026 08:00:00 GMT",
            },
            content=b"<rss><channel><item><title>x</title></item></channel></rss>",
        )

    return Site(
        {
            ("example.com", "/feed"): feed,
            ("example.com", "/304"): httpx.Response(304),
            ("example.com", "/png"): httpx.Response(200, headers={"content-type": "image/png"}, content=b"x"),
            ("example.com", "/to-private"): redirect("http://internal.example/feed"),
        }
    )


def _raw(site: Site, url: str, **kwargs: object) -> intake.RawPage:
    kwargs.setdefault("resolver", stub_resolver)
    return asyncio.run(intake.fetch_raw(url, transport=site.transport, **kwargs))  # type: ignore[arg-type]


def test_fetch_raw_returns_feed_bytes_and_validators() -> None:
    site = _feed_site()
    page = _raw(site, "http://example.com/feed")
    assert (page.status, page.content_type, page.etag) == (200, "application/rss+xml", '"v1"')
    assert page.last_modified == "Mon, 30 Nov 2026 08:00:00 GMT" and page.body.startswith(b"<rss>")
    again = _raw(site, "http://example.com/feed", headers={"If-None-Match": '"v1"'})
    assert (again.status, again.body) == (304, b"")
    assert site.requests[-1].headers["if-none-match"] == '"v1"'


def test_fetch_raw_refuses_what_fetch_page_refuses() -> None:
    site = _feed_site()
    with pytest.raises(UpstreamError):  # 304 without having asked for one
        _raw(site, "http://example.com/304")
    with pytest.raises(UnsupportedContent):
        _raw(site, "http://example.com/png")
    with pytest.raises(UrlRefused) as refused:
        _raw(site, "http://example.com/to-private")
    assert refused.value.code == "url_private"
    with pytest.raises(UrlRefused):
        asyncio.run(intake.check_address("http://internal.example/feed", resolver=stub_resolver))
    asyncio.run(intake.check_address("http://example.com/feed", resolver=stub_resolver))


@pytest.mark.parametrize(
    ("cls", "status"),
    [(UrlRefused, 422), (UnsupportedContent, 422), (FetchTimeout, 504), (UpstreamError, 502)],
)
def test_error_tree(cls: type[IntakeError], status: int) -> None:
    error = cls()
    assert isinstance(error, IntakeError) and isinstance(error, ApiError)  # one tree
    assert error.status == status
    assert error.code and error.message_en and error.message_id
    assert str(error) == f"{error.message_id} / {error.message_en}"
