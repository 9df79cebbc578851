"""Fetching a page someone named (their website, to see that it links back): never from this
server's own network. The host's addresses are resolved here and every one must be public (no
loopback, private, link-local, reserved or multicast address: a person could otherwise make the
server read its own admin ports or a cloud's metadata service); the connection goes to the
address checked, so a second DNS answer cannot swap it (DNS rebinding). Each redirect is
checked the same way, at most FETCH_REDIRECTS of them; the whole fetch has FETCH_SECONDS and the
body at most FETCH_MAX_BYTES. urllib3 does the HTTP and TLS (certificates checked against the
host name, not the address).

FETCH_ALLOW_LOOPBACK lets tests fetch from servers they start on 127.0.0.1; never set it on a
site."""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

FETCH_SECONDS = 5
FETCH_MAX_BYTES = 1024 * 1024
FETCH_REDIRECTS = 3


class FetchRefused(Exception):
    """The address or the answer is not one this server may read."""


def fetch_page(url: str) -> tuple[str, str]:
    """The final URL and the start of the body (FETCH_MAX_BYTES at most, decoded as UTF-8 with
    replacement) of an http(s) page, or FetchRefused / urllib3's errors."""
    for _ in range(FETCH_REDIRECTS + 1):
        response = _get(url)
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchRefused(f"answered {response.status}")
            body = response.read(FETCH_MAX_BYTES, decode_content=True)
            return url, body.decode("utf-8", errors="replace")
        finally:
            response.release_conn()
    raise FetchRefused("too many redirects")


def _get(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused("not an http or https address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(parts.hostname, port)
    timeout = urllib3.Timeout(total=FETCH_SECONDS)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port=port,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            timeout=timeout,
            retries=False,
            maxsize=1,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            address, port=port, timeout=timeout, retries=False, maxsize=1
        )
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return pool.urlopen(
        "GET",
        path,
        headers={"Host": host, "User-Agent": f"{settings.SITE_NAME} link check"},
        redirect=False,
        preload_content=False,
    )


def _public_address(host: str, port: int) -> str:
    """One address of `host`, every one of which is public; else FetchRefused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"no such host: {error}") from None
    addresses = [ipaddress.ip_address(entry[4][0].split("%")[0]) for entry in found]
    allow_loopback = getattr(settings, "FETCH_ALLOW_LOOPBACK", False)
    for address in addresses:
        if allow_loopback and address.is_loopback:
            continue
        if not address.is_global or address.is_multicast:
            raise FetchRefused(f"{host} is not a public address")
    if not addresses:
        raise FetchRefused(f"no address for {host}")
    return str(addresses[0])
