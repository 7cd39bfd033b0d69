"""Run the test OpenID provider: ``python serve.py PORT`` with its settings in the environment
(OP_DB, OP_RSA_KEY, OP_CLIENT (JSON: client_id, client_secret, redirect_uri), OP_PEOPLE (JSON:
username, password, email, first and last name), OP_CLAIMS). It migrates its own SQLite file,
makes the client and the people, and serves until killed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.identity.oidc_provider.settings"


def main(port: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    client = json.loads(os.environ["OP_CLIENT"])
    Application.objects.create(
        name="Twoway",
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        hash_client_secret=False,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for person in json.loads(os.environ.get("OP_PEOPLE", "[]")):
        User.objects.create_user(**person)
    run("127.0.0.1", port, get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main(int(sys.argv[1]))
