"""The API's fixtures: an API client with a person's token, of the scopes asked; a webhook
receiver on the loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from accounts.models import User
from api.scopes import Scope
from api.services import token_create


@pytest.fixture
def api() -> Callable[..., Client]:
    """``api(user, *scopes)``: a client that sends ``user``'s new token (all scopes if none)."""

    def client_for(user: User, *scopes: str) -> Client:
        _, key = token_create(user=user, name="test", scopes=list(scopes or Scope.values))
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    return client_for


# A webhook receiver on the loopback ------------------------------------------------------------
@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A real HTTP server in a thread that records each POST and answers ``status`` (a list:
    the answers in turn, the last one repeated), after ``delay`` seconds."""

    url: str
    port: int
    got: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0

    def ids(self) -> list[str]:
        return [item.headers["webhook-id"] for item in self.got]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            found = state["receiver"]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if found.delay:
                time.sleep(found.delay)
            found.got.append(
                Received(headers={k.lower(): v for k, v in self.headers.items()}, body=body)
            )
            status = found.statuses[min(len(found.got), len(found.statuses)) - 1]
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"thanks" if status < 300 else b"down for maintenance")

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{port}/hooks/twoway", port=port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
