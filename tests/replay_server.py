"""A replay set served as the real site over real HTTP on loopback: the bench for the live crawl.

The crawler reaches it as an HTTP forward proxy, with Scrapy's own HttpProxyMiddleware
(`https_proxy=http://127.0.0.1:PORT`): a plain `GET http://host/path` is answered from the
manifest; a `CONNECT host:443` is accepted, the tunnel is wrapped in TLS with a certificate for
that host from a throwaway CA (trustme, a test dependency), and the requests inside it are
answered by Host header + path. Unknown URLs answer 404, as in crawler.fetch.replay.

Faults for tests, all off by default: gzip, validators and 304, 503 + Retry-After, slow answers,
dropped connections.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import socket
import ssl
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import trustme

from crawler.fetch.replay import SavedPage, load_manifest, replay_key

# Recomputed for each answer, never copied from a recorded response: a recorded
# "Transfer-Encoding: chunked" or a stale Content-Length would corrupt the stream.
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length"}
# What a page without a recorded Last-Modified claims, so If-Modified-Since has something to match.
_DEFAULT_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
# The status logged for a request answered by closing the connection.
DROPPED = 0

_Value = TypeVar("_Value", int, float)


@dataclass(frozen=True)
class Faults:
    """How the site misbehaves. URL mappings count requests per URL (compared as replay_key)."""

    gzip: bool = False  # gzip bodies when the request says Accept-Encoding: gzip
    validators: bool = False  # ETag + Last-Modified on 200s; 304 to a matching conditional GET
    unavailable: Mapping[str, int] = field(default_factory=dict)  # url -> 503 the first N times
    retry_after: int = 1  # seconds, in those 503s
    delay: float | Mapping[str, float] = 0.0  # seconds before answering: every URL, or per URL
    drop: Mapping[str, int] = field(default_factory=dict)  # url -> close without answer the first N times

    def delay_for(self, key: str) -> float:
        return _per_url(self.delay, key, 0.0) if isinstance(self.delay, Mapping) else self.delay


class Hit(NamedTuple):
    """One request the site answered; `started`/`finished` are time.monotonic() values."""

    method: str
    url: str
    status: int  # DROPPED when the connection was closed instead
    started: float
    finished: float
    user_agent: str = ""


@dataclass
class LiveSite:
    """What `serve()` yields: the proxy URL to give the crawler, and what the site saw."""

    url: str
    ca_file: Path  # PEM of the throwaway CA, for a client that verifies certificates
    log: list[Hit]
    tunnels: list[str]  # the host of each CONNECT

    def proxy_env(self) -> dict[str, str]:
        return {"http_proxy": self.url, "https_proxy": self.url, "HTTP_PROXY": self.url, "HTTPS_PROXY": self.url}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pages: dict[str, SavedPage], faults: Faults) -> None:
        super().__init__(address, _Handler)
        self.pages = pages
        self.faults = faults
        self.ca = trustme.CA()
        self.log: list[Hit] = []
        self.tunnels: list[str] = []
        self._seen: Counter[str] = Counter()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def tls_for(self, host: str) -> ssl.SSLContext:
        with self._lock:
            if host not in self._contexts:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                self.ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context
            return self._contexts[host]

    def count(self, key: str) -> int:
        """How many times `key` has been asked for, this request included."""
        with self._lock:
            self._seen[key] += 1
            return self._seen[key]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server: Scrapy reuses connections
    server: _Server
    tunnel_host: str | None = None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the request log is self.server.log

    def do_CONNECT(self) -> None:
        host = self.path.rsplit(":", 1)[0]
        self.server.tunnels.append(host)
        self.send_response(200, "Connection established")
        self.end_headers()
        try:
            tls = self.server.tls_for(host).wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        # From here on this handler reads and answers the requests inside the tunnel.
        self.connection = self.request = tls
        self.rfile = tls.makefile("rb")
        self.wfile = tls.makefile("wb", buffering=0)  # type: ignore[assignment]  # unbuffered: a SocketIO
        self.tunnel_host = host
        self.close_connection = False

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def finish(self) -> None:
        super().finish()
        if self.tunnel_host is not None:
            self.connection.close()

    def _requested_url(self) -> str:
        if urlsplit(self.path).scheme in ("http", "https"):
            return self.path  # plain proxy request: "GET http://host/path HTTP/1.1"
        scheme, default_port = ("https", ":443") if self.tunnel_host else ("http", ":80")
        host = self.headers.get("Host") or self.tunnel_host or "localhost"
        return f"{scheme}://{host.removesuffix(default_port)}{self.path}"

    def _lookup(self, url: str) -> tuple[str, SavedPage | None]:
        key = replay_key(url)
        scheme, rest = key.split("://", 1)
        other = ("http" if scheme == "https" else "https") + "://" + rest
        for candidate in (key, other):
            if candidate in self.server.pages:
                return candidate, self.server.pages[candidate]
        return key, None

    def _serve(self, *, body: bool) -> None:
        started = time.monotonic()
        url = self._requested_url()
        key, page = self._lookup(url)
        status = self._answer(key, page, body=body)
        agent = self.headers.get("User-Agent", "")
        self.server.log.append(Hit(self.command, url, status, started, time.monotonic(), agent))

    def _answer(self, key: str, page: SavedPage | None, *, body: bool) -> int:
        faults = self.server.faults
        nth = self.server.count(key)
        time.sleep(faults.delay_for(key))
        if nth <= _per_url(faults.drop, key, 0):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return DROPPED
        if nth <= _per_url(faults.unavailable, key, 0):
            return self._send(503, {"Retry-After": str(faults.retry_after)}, b"", body=body)
        if page is None:
            return self._send(404, {"Content-Type": "text/html; charset=utf-8"}, b"", body=body)
        content = page.file.read_bytes() if page.file is not None else b""
        headers = {name: value for name, value in page.headers.items() if name.lower() not in _HOP_BY_HOP}
        if faults.validators and page.status == 200:
            headers = _with_validators(headers, content)
            if self._not_modified(headers):
                return self._send(304, {"ETag": headers["ETag"], "Last-Modified": headers["Last-Modified"]}, b"")
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if faults.gzip and content and accepts_gzip and _header(headers, "Content-Encoding") is None:
            content = gzip.compress(content, mtime=0)
            headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
        return self._send(page.status, headers, content, body=body)

    def _not_modified(self, headers: dict[str, str]) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return headers["ETag"] in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*"
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None:
            return False
        try:
            return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, headers: Mapping[str, str], content: bytes, *, body: bool = True) -> int:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body and content:
            self.wfile.write(content)
        return status


def _per_url(mapping: Mapping[str, _Value], key: str, default: _Value) -> _Value:
    return next((value for url, value in mapping.items() if replay_key(url) == key), default)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), None)


def _with_validators(headers: dict[str, str], content: bytes) -> dict[str, str]:
    """The recorded validators when there are some, made up otherwise; spelled one way for _not_modified()."""
    etag = _header(headers, "ETag") or '"' + hashlib.sha256(content).hexdigest()[:16] + '"'
    last_modified = _header(headers, "Last-Modified") or _DEFAULT_LAST_MODIFIED
    kept = {key: value for key, value in headers.items() if key.lower() not in ("etag", "last-modified")}
    return kept | {"ETag": etag, "Last-Modified": last_modified}


@contextmanager
def serve(directory: str | Path, *, port: int = 0, **faults: Any) -> Iterator[LiveSite]:
    """Serve the replay set in `directory` on 127.0.0.1:`port` (0: any free port) until the block ends.

    Keyword arguments are Faults fields: serve(dir, gzip=True, unavailable={url: 2}).
    """
    server = _Server(("127.0.0.1", port), load_manifest(directory), Faults(**faults))
    thread = threading.Thread(target=server.serve_forever, name="replay-server", daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory(prefix="replay-ca-") as tmp:
            ca_file = Path(tmp) / "ca.pem"
            server.ca.cert_pem.write_to_path(str(ca_file))
            yield LiveSite(f"http://127.0.0.1:{server.server_port}", ca_file, server.log, server.tunnels)
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m crawler.replay_server",
        description="Serve a replay set as the live site, through an HTTP proxy on loopback.",
        epilog="Example: python -m crawler.replay_server fixtures/nghean --port 8899",
    )
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--gzip", action="store_true", help="gzip bodies for clients that accept it")
    parser.add_argument("--validators", action="store_true", help="ETag/Last-Modified and 304s")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before every answer")
    args = parser.parse_args(argv)
    with serve(args.directory, port=args.port, gzip=args.gzip, validators=args.validators, delay=args.delay) as site:
        print(f"proxy {site.url}, CA certificate {site.ca_file}", flush=True)
        print(f"  https_proxy={site.url} http_proxy={site.url} tinbai crawl nghean --db live.db", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print(f"\n{len(site.log)} request(s) answered")


if __name__ == "__main__":
    main()
