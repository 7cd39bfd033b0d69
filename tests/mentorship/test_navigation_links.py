"""The navigation's links that take no argument are reversed once per script prefix, not on
every page: each is the URL `reverse` gives, and a site served under a sub-path links there."""

from __future__ import annotations

import re

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client, RequestFactory
from django.urls import reverse, set_script_prefix

from mentorship.context_processors import NAV_LINKS, nav_links
from tests.accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_each_kept_link_is_the_reversed_url():
    links = nav_links()
    assert links == {name.replace(":", "_"): reverse(name) for name in NAV_LINKS}


def test_a_signed_in_page_links_every_kept_link_it_shows(client: Client, mentee):
    client.login(email=mentee.email, password=TEST_PASSWORD)
    html = client.get(reverse("notifications:list")).content.decode()
    shown = {"home", "goals:list", "matching:requests", "conversations:list", "api:tokens"}
    assert {reverse(name) for name in shown} <= _hrefs(html)
    assert "{{" not in html and 'href=""' not in html  # no link left empty


def test_an_anonymous_page_links_log_in_and_sign_up(client: Client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert {reverse("account_login"), reverse("account_signup")} <= _hrefs(html)
    assert 'href=""' not in html


def test_under_a_sub_path_the_links_follow_the_script_prefix(db):
    """Through Django's own WSGI handler, which sets the prefix from SCRIPT_NAME (the test
    client does not): a site served at /twoway links under /twoway, and the site at / after it
    still links at /."""
    app = get_wsgi_application()

    def page(script_name: str) -> str:
        environ = RequestFactory().get("/accounts/login/").environ
        environ.update(SCRIPT_NAME=script_name, PATH_INFO="/accounts/login/")
        started: list[str] = []
        body = b"".join(app(environ, lambda status, headers: started.append(status)))
        assert started == ["200 OK"]
        return body.decode()

    try:
        hrefs = _hrefs(page("/twoway"))
        assert {"/twoway/accounts/login/", "/twoway/accounts/signup/"} <= hrefs
        assert "/accounts/signup/" not in hrefs  # not the prefix-less link kept before
    finally:
        set_script_prefix("/")
    assert {"/accounts/login/", "/accounts/signup/"} <= _hrefs(page(""))
    set_script_prefix("/")
