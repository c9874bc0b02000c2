# Long on purpose: the SSRF checks, the per-hop fetch loop and page-to-text are one security boundary.
"""Link intake: fetch a public web page an officer pasted, safely, and extract its readable text.

The service fetches URLs chosen by users, which makes it a server-side request forgery (SSRF) target.
The rules, in order of application:

* only ``http`` and ``https``; no user name or password in the URL;
* the host is resolved once per hop and *every* resolved address must be public (no private,
  loopback, link-local, multicast, reserved, unspecified, shared 100.64.0.0/10 or 0.0.0.0/8 address,
  and none hidden inside IPv4-mapped, 6to4, Teredo or NAT64 IPv6 addresses); numeric host forms
  such as ``0x7f000001``, ``2130706433``, ``0177.1`` are read the way ``inet_aton`` reads them;
* the connection goes to the address that was checked (the request URL's host is replaced with that
  IP, the original name travels in the ``Host`` header and, for https, as the TLS SNI / certificate
  host name), so a DNS answer cannot change between the check and the connection (DNS rebinding);
* redirects are followed here, not by httpx, and every hop is checked the same way;
* one overall deadline covers resolution, redirects and the body, so a slow-drip server cannot hold a
  worker; the body is streamed and cut at ``max_bytes``.

Errors are :class:`~service.errors.ApiError` subclasses (the service's one tree: an HTTP status, a
machine code and a message in English and Bahasa Indonesia)::

    ApiError
    └── IntakeError             400
        ├── UrlRefused          422  bad scheme, credentials, invalid URL, unresolvable or non-public host
        ├── UnsupportedContent  422  not HTML / plain text, or no readable text
        ├── FetchTimeout        504  the site did not answer within the deadline
        └── UpstreamError       502  connection failure, HTTP status >= 400, bad or too many redirects
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from service.errors import ApiError

__all__ = [
    "SOURCE_TYPES",
    "USER_AGENT",
    "FetchTimeout",
    "FetchedPage",
    "IntakeError",
    "LinkFetcher",
    "RawPage",
    "UnsupportedContent",
    "UpstreamError",
    "UrlRefused",
    "check_address",
    "extract_text",
    "fetch_page",
    "fetch_raw",
]

USER_AGENT = "tppo-screener/0.1 (+link check)"
MAX_TEXT_CHARS = 100_000

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# --------------------------------------------------------------------------------------------------
# Errors


class IntakeError(ApiError):
    """Base of the intake errors: an :class:`~service.errors.ApiError` (status, code, both languages)."""

    status = 400
    code = "intake_error"
    default_en = "The link could not be checked."
    default_id = "Tautan tidak dapat diperiksa."


class UrlRefused(IntakeError):
    """The URL is not one the service will fetch."""

    status = 422
    code = "url_refused"
    default_en = "This link cannot be checked."
    default_id = "Tautan ini tidak dapat diperiksa."


class UnsupportedContent(IntakeError):
    """The page is not HTML or plain text, or has no readable text."""

    status = 422
    code = "unsupported_content"
    default_en = "The link does not point to a web page or plain text."
    default_id = "Tautan tidak mengarah ke halaman web atau teks biasa."


class FetchTimeout(IntakeError):
    """The site did not answer within the deadline."""

    status = 504
    code = "timeout"
    default_en = "The site took too long to respond."
    default_id = "Situs terlalu lama merespons."


class UpstreamError(IntakeError):
    """The site could not be reached or answered with an error."""

    status = 502
    code = "upstream_error"
    default_en = "The site could not be reached."
    default_id = "Situs tidak dapat dihubungi."

    def __init__(
        self,
        message_en: str | None = None,
        message_id: str | None = None,
        *,
        code: str | None = None,
        upstream_status: int | None = None,
    ) -> None:
        super().__init__(message_en, message_id, code=code)
        self.upstream_status = upstream_status


def _refuse_private() -> UrlRefused:
    return UrlRefused(
        "The link points to a private or internal network address and will not be fetched.",
        "Tautan mengarah ke alamat jaringan privat atau internal dan tidak akan diambil.",
        code="url_private",
    )


def _refuse_invalid() -> UrlRefused:
    return UrlRefused(
        "The link is not a valid web address.",
        "Tautan bukan alamat web yang valid.",
        code="url_invalid",
    )


# --------------------------------------------------------------------------------------------------
# Addresses


_SHARED_V4 = (ipaddress.IPv4Network("100.64.0.0/10"), ipaddress.IPv4Network("0.0.0.0/8"))
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _is_public(ip: IPAddress) -> bool:
    """True when ``ip`` and every IPv4 address embedded in it are publicly routable."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if ip.ipv4_mapped is not None:
            embedded.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            embedded.append(ip.sixtofour)
        if ip.teredo is not None:
            embedded.extend(ip.teredo)
        if ip in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.is_site_local or not all(_is_public(v4) for v4 in embedded):
            return False
    elif any(ip in net for net in _SHARED_V4):
        return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


_INET_ATON_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _parse_inet_aton(host: str) -> ipaddress.IPv4Address | None:
    """Read ``host`` as ``inet_aton`` (and so ``getaddrinfo``) would: ``127.1``, ``0x7f000001``,
    ``2130706433``, ``0177.0.0.1``. Returns None when ``host`` is not a numeric IPv4 form."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_INET_ATON_PART.fullmatch(p) for p in parts):
        return None
    values = []
    for part in parts:
        if part[:2].lower() == "0x":
            values.append(int(part[2:] or "0", 16))
        elif part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def _literal_address(host: str) -> IPAddress | None:
    """The IP address written in ``host`` (any IPv4 numeric form, or IPv6), else None."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise _refuse_invalid() from None
    return _parse_inet_aton(host)


async def _default_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def _check_url(url: httpx.URL, *, allow_private: bool, resolver: Resolver) -> IPAddress:
    """Validate one hop's URL and return the checked address to connect to."""
    if url.scheme not in ("http", "https"):
        raise UrlRefused(
            "Only http and https links can be checked.",
            "Hanya tautan http dan https yang dapat diperiksa.",
            code="url_scheme",
        )
    if url.userinfo:
        raise UrlRefused(
            "Links containing a user name or password are not accepted.",
            "Tautan yang berisi nama pengguna atau kata sandi tidak diterima.",
            code="url_credentials",
        )
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    if not host:
        raise _refuse_invalid()
    # RFC 6761: these names are loopback whatever a resolver says.
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise _refuse_private()

    literal = _literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            answers = await resolver(host, port)
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answers]
        except (OSError, UnicodeError, ValueError):
            addresses = []
        if not addresses:
            raise UrlRefused(
                "The link's host name could not be found.",
                "Nama host pada tautan tidak dapat ditemukan.",
                code="url_unresolvable",
            )
    if not allow_private and not all(_is_public(a) for a in addresses):
        raise _refuse_private()
    return addresses[0]


# --------------------------------------------------------------------------------------------------
# Fetching


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every hop (certifi's roots, as httpx's default; none of SSL_CERT_* from the
    environment). Loading the CA bundle takes about 0.1 s, which each fresh transport paid before; a
    context holds no connection, so sharing it keeps each hop's fresh connection pool."""
    return httpx.create_ssl_context(trust_env=False)


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page: the URL asked for, where it ended up, and its extracted text."""

    url: str
    final_url: str
    title: str
    text: str
    description: str
    content_type: str
    truncated: bool


_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = _HTML_TYPES | {"text/plain"}
# What a watched source may answer with: web pages and feeds (``fetch_raw``).
SOURCE_TYPES = _HTML_TYPES | {
    "application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml",
}  # fmt: skip
_CONDITIONAL = ("if-none-match", "if-modified-since")


@dataclass(frozen=True)
class RawPage:
    """A fetched body as bytes (``fetch_raw``): ``status`` is 200, or 304 for a conditional request
    whose page has not changed (then ``body`` is empty)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class _Body:
    status: int
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class LinkFetcher:
    """:func:`fetch_page` with the service's limits and seams bound (one per app)."""

    timeout: float = 5.0
    max_bytes: int = 2_000_000
    max_redirects: int = 5
    allow_private: bool = False
    transport: httpx.AsyncBaseTransport | None = None
    resolver: Resolver | None = None

    async def fetch(self, url: str) -> FetchedPage:
        return await fetch_page(
            url,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            max_redirects=self.max_redirects,
            allow_private=self.allow_private,
            transport=self.transport,
            resolver=self.resolver,
        )

    async def fetch_raw(self, url: str, *, headers: dict[str, str] | None = None) -> RawPage:
        return await fetch_raw(
            url,
            headers=headers,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            max_redirects=self.max_redirects,
            allow_private=self.allow_private,
            transport=self.transport,
            resolver=self.resolver,
        )

    async def check_address(self, url: str) -> None:
        await check_address(url, allow_private=self.allow_private, resolver=self.resolver)


async def check_address(url: str, *, allow_private: bool = False, resolver: Resolver | None = None) -> None:
    """Refuse ``url`` (:class:`UrlRefused`) unless it is http(s) and resolves to public addresses only."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise _refuse_invalid() from None
    await _check_url(parsed, allow_private=allow_private, resolver=resolver or _default_resolver)


async def fetch_raw(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> RawPage:
    """Fetch ``url`` under the same rules as :func:`fetch_page` and return the body's bytes.

    For watched sources: web pages and feeds (:data:`SOURCE_TYPES`) are accepted; ``headers`` may
    carry ``If-None-Match`` / ``If-Modified-Since``, and then a ``304`` answer is a :class:`RawPage`
    with ``status=304`` (the page has not changed). The response's ``ETag`` and ``Last-Modified``
    are returned for the next conditional request.
    """
    try:
        async with asyncio.timeout(timeout):
            final, got = await _fetch_body(
                url,
                timeout=timeout,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                allow_private=allow_private,
                transport=transport,
                resolver=resolver or _default_resolver,
                headers=headers or {},
                content_types=SOURCE_TYPES,
            )
    except (TimeoutError, httpx.TimeoutException):
        raise FetchTimeout() from None
    return RawPage(
        url=url,
        final_url=str(final),
        status=got.status,
        content_type=got.content_type,
        body=got.body,
        truncated=got.truncated,
        etag=got.etag,
        last_modified=got.last_modified,
    )


async def fetch_page(
    url: str,
    *,
    timeout: float = 5.0,
    max_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
) -> FetchedPage:
    """Fetch ``url`` and extract its title, description and main text.

    Parameters
    ----------
    url : str
        An http(s) link to a public page.
    timeout : float
        Seconds allowed for connecting and for each read, and for the whole fetch (resolution,
        redirects and body together).
    max_bytes : int
        Body bytes kept (after content decoding); a longer body is cut and ``truncated`` is set.
    max_redirects : int
        Redirect hops followed before giving up.
    allow_private : bool
        Allow non-public addresses. For tests against a local server only.
    transport : httpx.AsyncBaseTransport, optional
        The httpx transport (a seam for tests).
    resolver : callable, optional
        ``async (host, port) -> [ip, ...]``; defaults to the event loop's ``getaddrinfo``.

    Raises
    ------
    UrlRefused, UnsupportedContent, FetchTimeout, UpstreamError
    """
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(
                url,
                timeout=timeout,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                allow_private=allow_private,
                transport=transport,
                resolver=resolver or _default_resolver,
            )
    except (TimeoutError, httpx.TimeoutException):
        raise FetchTimeout() from None


async def _fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    transport: httpx.AsyncBaseTransport | None,
    resolver: Resolver,
) -> FetchedPage:
    current, got = await _fetch_body(
        url,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        allow_private=allow_private,
        transport=transport,
        resolver=resolver,
        headers={},
        content_types=_TEXT_TYPES,
    )
    # Parsing is CPU-bound (seconds for a hostile 2 MB page): keep it off the event loop.
    return await asyncio.to_thread(
        _build_page, url, current, got.content_type, got.charset, got.body, got.truncated
    )


async def _fetch_body(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    transport: httpx.AsyncBaseTransport | None,
    resolver: Resolver,
    headers: dict[str, str],
    content_types: frozenset[str],
) -> tuple[httpx.URL, _Body]:
    try:
        current = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise _refuse_invalid() from None

    for hop in range(max_redirects + 1):
        address = await _check_url(current, allow_private=allow_private, resolver=resolver)
        # A fresh connection pool for every hop: a pooled TLS connection to the same IP was verified
        # for the previous host name and must not carry a request for another one.
        # trust_env=False: no proxy from the environment (it would connect for us, to wherever the
        # name resolves for it) and no .netrc credentials sent to arbitrary sites.
        hop_transport = transport or httpx.AsyncHTTPTransport(verify=_tls_context(), trust_env=False)
        try:
            result = await _request_once(
                hop_transport,
                current,
                address,
                timeout=timeout,
                max_bytes=max_bytes,
                extra_headers=headers,
                content_types=content_types,
            )
        finally:
            if transport is None:
                await hop_transport.aclose()
        if isinstance(result, httpx.URL):
            if hop == max_redirects:
                raise UpstreamError(
                    "The link redirected too many times.",
                    "Tautan dialihkan terlalu banyak kali.",
                    code="too_many_redirects",
                )
            current = result
            continue
        return current, result
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


async def _request_once(
    transport: httpx.AsyncBaseTransport,
    url: httpx.URL,
    address: IPAddress,
    *,
    timeout: float,
    max_bytes: int,
    extra_headers: dict[str, str],
    content_types: frozenset[str],
) -> httpx.URL | _Body:
    """GET ``url`` from the checked ``address``: the redirect target, or the body."""
    # Not closed here: closing a client closes its transport, which may be the caller's.
    client = httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
            "Accept-Language": "id,en;q=0.8",
        },
    )
    # Connect to the address we checked; the name goes in Host and in the TLS SNI (which is also the
    # name the certificate is verified against).
    target = url.copy_with(host=str(address))
    headers = {**extra_headers, "Host": url.netloc.decode("ascii")}
    conditional = any(name.lower() in _CONDITIONAL for name in extra_headers)
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    try:
        async with client.stream("GET", target, headers=headers, extensions=extensions) as response:
            status = response.status_code
            if status in _REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise _bad_redirect()
                try:
                    return url.join(location)
                except httpx.InvalidURL:
                    raise _bad_redirect() from None
            etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
            if status == 304 and conditional:
                return _Body(304, "", None, b"", False, etag, modified)
            if status >= 400:
                raise UpstreamError(
                    f"The site answered with an error (HTTP {status}).",
                    f"Situs menjawab dengan kesalahan (HTTP {status}).",
                    code="upstream_status",
                    upstream_status=status,
                )
            if not 200 <= status < 300:
                raise UpstreamError(
                    f"The site gave an unexpected answer (HTTP {status}).",
                    f"Situs memberi jawaban yang tidak terduga (HTTP {status}).",
                    code="upstream_status",
                    upstream_status=status,
                )
            content_type, charset = _parse_content_type(response.headers.get("content-type", ""))
            if content_type not in content_types:
                shown = content_type or "unknown"
                raise UnsupportedContent(
                    f"The link does not point to a web page or plain text (content type: {shown}).",
                    f"Tautan tidak mengarah ke halaman web atau teks biasa (jenis konten: {shown}).",
                    code="unsupported_content_type",
                )
            body, truncated = await _read_capped(response, max_bytes)
            return _Body(status, content_type, charset, body, truncated, etag, modified)
    except httpx.TimeoutException:
        raise
    except httpx.RequestError:
        raise UpstreamError(
            "Could not connect to the site.",
            "Tidak dapat terhubung ke situs.",
            code="connection_failed",
        ) from None


def _bad_redirect() -> UpstreamError:
    return UpstreamError(
        "The site sent an invalid redirect.",
        "Situs mengirim pengalihan yang tidak valid.",
        code="bad_redirect",
    )


async def _read_capped(response: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        if size + len(chunk) > max_bytes:
            chunks.append(chunk[: max_bytes - size])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False


def _build_page(
    url: str, final: httpx.URL, content_type: str, charset: str | None, body: bytes, truncated: bool
) -> FetchedPage:
    is_html = content_type in _HTML_TYPES
    text = _decode(body, charset, sniff_meta=is_html)
    if is_html:
        title, description, main = extract_text(text, str(final))
    else:
        title, description, main = "", "", _fold_whitespace(text)[:MAX_TEXT_CHARS]
    if not main:
        raise UnsupportedContent(
            "The page contains no readable text.",
            "Halaman tidak berisi teks yang dapat dibaca.",
            code="empty_text",
        )
    return FetchedPage(
        url=url,
        final_url=str(final),
        title=title,
        text=main,
        description=description,
        content_type=content_type,
        truncated=truncated,
    )


# --------------------------------------------------------------------------------------------------
# Decoding


def _parse_content_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media.strip().lower(), charset


_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# As browsers do (WHATWG Encoding): a page labelled latin-1 or ascii is decoded as windows-1252.
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode(body: bytes, charset: str | None, *, sniff_meta: bool) -> str:
    """Decode with the byte-order mark, else the header charset, else a ``<meta>`` charset, else utf-8."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    codec = _codec(charset)
    if codec is None and sniff_meta:
        match = _META_CHARSET.search(body[:4096])
        if match:
            codec = _codec(match.group(1).decode("ascii"))
            # A utf-16 label in a page that was readable as ASCII is a lie (WHATWG does the same).
            if codec and codec.startswith("utf-16"):
                codec = "utf-8"
    return body.decode(codec or "utf-8", errors="replace")


# --------------------------------------------------------------------------------------------------
# Extraction


_DROP_TAGS = (
    "head", "title", "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset",
    "object", "embed", "canvas", "nav", "aside", "button", "select", "textarea", "input", "dialog",
)  # fmt: skip
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog"})
_BLOCK_TAGS = (
    "address", "article", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "td", "th", "tr", "ul",
)  # fmt: skip
_SPACES = re.compile(r"[^\S\n]+")


def _fold_whitespace(text: str) -> str:
    """Collapse runs of spaces within lines; keep one line break between non-empty lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _meta_content(soup: BeautifulSoup, *names: str) -> str:
    """The first non-empty ``<meta>`` content for ``names``, in order of preference."""
    found: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or ""
        content = meta.get("content")
        if isinstance(key, str) and isinstance(content, str):
            key = key.strip().lower()
            if key in names and key not in found and content.strip():
                found[key] = _fold_whitespace(content.replace("\n", " "))
    return next((found[n] for n in names if n in found), "")


def _is_boilerplate(tag: Tag, *, in_content: bool) -> bool:
    if tag.name in _DROP_TAGS or tag.has_attr("hidden"):
        return True
    role = tag.get("role")
    if isinstance(role, str) and role.strip().lower() in _DROP_ROLES:
        return True
    # A page-level header/footer is boilerplate; inside an article it holds the post's own lines.
    return tag.name in ("header", "footer") and not in_content


def _walk(root: Tag, *, in_content: bool, collect_roots: list[Tag] | None = None) -> str:
    """Visible text under ``root``, skipping boilerplate subtrees, with a line break around blocks.

    Iterative (an explicit stack), so deeply nested hostile HTML cannot exhaust the recursion limit.
    With ``collect_roots``, outermost ``<article>``/``<main>`` elements are collected, not entered.
    """
    parts: list[str] = []
    stack: list[PageElement | str] = list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, str) and not isinstance(node, NavigableString):
            parts.append(node)  # a line-break marker pushed below
        elif type(node) is NavigableString:
            # Exactly NavigableString: skips Comment, CData, Doctype, Declaration,
            # ProcessingInstruction and the Script/Stylesheet/TemplateString subclasses.
            parts.append(str(node))
        elif isinstance(node, Tag) and not _is_boilerplate(node, in_content=in_content):
            if collect_roots is not None and node.name in ("article", "main"):
                collect_roots.append(node)
                continue
            if node.name == "br":
                parts.append("\n")
            elif node.name in _BLOCK_TAGS:
                parts.append("\n")
                stack.append("\n")
            stack.extend(reversed(node.contents))
    return _fold_whitespace("".join(parts))


def extract_text(html: str, base_url: str) -> tuple[str, str, str]:
    """Return ``(title, description, main_text)`` of an HTML document.

    The title comes from ``<title>`` (else ``og:title`` / ``twitter:title``); the description from
    ``og:description``, ``twitter:description`` or ``<meta name="description">`` (social posts often
    carry their text only there). The main text is the description followed by the visible text of
    ``<article>`` / ``<main>`` when present, else of the body, without scripts, styles, navigation
    and similar boilerplate; whitespace is folded and the result capped at 100,000 characters. The
    description is not repeated when the visible text already contains it.

    ``base_url`` is the page's address; it is part of the interface for resolving relative links
    and is not needed by the current extraction. Nothing in the document is executed.
    """
    del base_url  # see docstring
    soup = BeautifulSoup(html, "html.parser")

    title_tag = soup.find("title")
    title = _fold_whitespace(title_tag.get_text(" ")) if title_tag else ""
    title = title or _meta_content(soup, "og:title", "twitter:title")
    description = _meta_content(soup, "og:description", "twitter:description", "description")

    start = soup.body or soup
    roots: list[Tag] = []
    page_text = _walk(start, in_content=False, collect_roots=roots)
    body_text = "\n".join(t for t in (_walk(r, in_content=True) for r in roots) if t) if roots else page_text

    if description and description not in body_text:
        main = f"{description}\n{body_text}" if body_text else description
    else:
        main = body_text
    return title, description, main[:MAX_TEXT_CHARS]
