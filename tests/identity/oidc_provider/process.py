"""Start the test OpenID provider (serve.py) as its own process for the length of a test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SERVE = Path(__file__).resolve().parent / "serve.py"


@dataclass(frozen=True)
class Provider:
    issuer: str  # what Twoway's configuration calls the issuer URL
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rsa_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@contextmanager
def openid_provider(
    *, folder: Path, redirect_uri: str, people: list[dict], claims: dict | None = None
) -> Iterator[Provider]:
    port = _free_port()
    provider = Provider(
        issuer=f"http://127.0.0.1:{port}/o",
        client_id="twoway-test-client",
        client_secret="twoway-test-secret-" + os.urandom(8).hex(),
    )
    env = {
        **os.environ,
        "OP_DB": str(folder / "op.sqlite3"),
        "OP_RSA_KEY": _rsa_key(),
        "OP_CLIENT": json.dumps(
            {
                "client_id": provider.client_id,
                "client_secret": provider.client_secret,
                "redirect_uri": redirect_uri,
            }
        ),
        "OP_PEOPLE": json.dumps(people),
        "OP_CLAIMS": json.dumps(claims or {}),
    }
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTEST_VERSION"):
        env.pop(name, None)
    log = (folder / "op.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (our own script, on the loopback)
        [sys.executable, str(SERVE), str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        discovery = f"{provider.issuer}/.well-known/openid-configuration"
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the OpenID provider stopped: {(folder / 'op.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(discovery, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
