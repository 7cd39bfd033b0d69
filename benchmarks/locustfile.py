"""Journeys through Twoway for locust, started by load.py (it writes the plan this reads).

Each simulated person is a real account of the seeded program, logged in with a session load.py
made. Mentees browse and filter the directory, open profiles, ask mentors, open their mentorship
and propose a meeting at one of the free times offered; mentors read their inbox and requests
and answer them (a question, a kind no, sometimes a yes); admins read the dashboard. DirectoryOnly, LightestPage and BareView are the throughput comparison: the same
settings, no think time, one page each.

Every answer must be exactly what a browser would get for that step (200, or the redirect after
a form); a redirect to the login page, an error page or a timeout is a failure.

Not run by `make bench` on its own: load.py starts it as
    locust -f benchmarks/locustfile.py --headless ... <user classes>
with TWOWAY_LOAD_PLAN naming the plan.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import Cookie, DefaultCookiePolicy
from typing import Any
from urllib.parse import quote_plus

from locust import FastHttpUser, between, constant, events, task
from urllib3 import encode_multipart_formdata

PLAN: dict[str, Any] = {}
if os.environ.get("TWOWAY_LOAD_PLAN"):
    with open(os.environ["TWOWAY_LOAD_PLAN"]) as plan_file:
        PLAN = json.load(plan_file)

THINK = tuple(PLAN.get("think", (1.0, 3.0)))
BARE_PATH = PLAN.get("bare_path", "/__bare__/")
SLUG = PLAN.get("slug", "demo")

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PEOPLE = re.compile(rf'href="/programs/{SLUG}/people/(\d+)/"')
ASK = re.compile(rf'href="/programs/{SLUG}/mentors/(\d+)/request/"')
GOAL = re.compile(
    r'<input[^>]*name="goals"[^>]*value="(\d+)"|<input[^>]*value="(\d+)"[^>]*name="goals"'
)
TOPIC_SELECT = re.compile(r'<select[^>]*name="topic".*?</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
SLOT = re.compile(r'name="slot"[^>]*value="([^"]+)"')

ATTACHMENT = re.compile(r'href="/attachments/(\d+)/"')
# A small PDF, told by its content (the app never trusts a file's name).
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# Which server answered each request (the balancer's X-Served-By), written where load.py reads
# it when locust stops (TWOWAY_SERVED_BY): with two servers behind it, the run shows both served.
SERVED_BY: dict[str, int] = {}


@events.request.add_listener
def _served_by(response: Any = None, **_: Any) -> None:
    server = (getattr(response, "headers", None) or {}).get("X-Served-By") or "-"
    SERVED_BY[server] = SERVED_BY.get(server, 0) + 1


@events.quitting.add_listener
def _write_served_by(**_: Any) -> None:
    if os.environ.get("TWOWAY_SERVED_BY"):
        with open(os.environ["TWOWAY_SERVED_BY"], "w") as served_file:
            json.dump(SERVED_BY, served_file)


_rng = random.Random()  # noqa: S311 (simulated people's choices, not secrets)
_next = {kind: itertools.count() for kind in ("mentees", "mentors", "admins")}


def _identity(kind: str) -> dict[str, Any]:
    people = PLAN[kind]
    return people[next(_next[kind]) % len(people)]


class _LoopbackCookiePolicy(DefaultCookiePolicy):
    """Send Secure cookies (production sets them: CSRF, session) over plain HTTP on loopback, as
    a browser does over the TLS a proxy would terminate in front of gunicorn."""

    def return_ok_secure(self, cookie: Cookie, request: Any) -> bool:
        return True


class _Person(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    kind = ""

    def on_start(self) -> None:
        self.me = _identity(self.kind)
        host = self.host.split("://", 1)[1].split(":", 1)[0]
        self.client.cookiejar.set_policy(_LoopbackCookiePolicy())
        self.client.cookiejar.set_cookie(
            Cookie(
                version=0,
                name="sessionid",
                value=self.me["session"],
                port=None,
                port_specified=False,
                domain=host,
                domain_specified=False,
                domain_initial_dot=False,
                path="/",
                path_specified=True,
                secure=False,
                expires=None,
                discard=False,
                comment=None,
                comment_url=None,
                rest={},
            )
        )

    def page(
        self, url: str, name: str, *, expect: tuple[int, ...] = (200,), redirect_to: str = ""
    ) -> Any:
        """GET a page as a browser would, without following a redirect: a redirect to the login
        page would otherwise pass for a 200. Only a redirect to ``redirect_to`` is an answer."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") or ""
            if response.status_code not in expect:
                response.failure(f"{response.status_code} for {url}")
            elif response.status_code in (301, 302) and not (
                redirect_to and location.endswith(redirect_to)
            ):
                response.failure(f"{response.status_code} to {location} for {url}")
            return response

    def send(
        self,
        url: str,
        name: str,
        token: str,
        data: dict[str, Any],
        *,
        expect: tuple[int, ...],
        referer: str = "",
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> None:
        """POST a form as a browser would (its CSRF token, a Referer of its page, no redirect
        followed; with ``files``, as multipart/form-data); any status outside ``expect`` is a
        failure."""
        fields: Any = {"csrfmiddlewaretoken": token, **data}
        headers = {"Referer": self.host + (referer or url)}
        if files:
            fields, headers["Content-Type"] = encode_multipart_formdata({**fields, **files})
        with self.client.post(
            url,
            data=fields,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                response.failure(f"{response.status_code} for POST {url}")


class _Writes(_Person):
    """Someone in a mentorship who writes now and then and has the conversation open, which
    polls for news every few seconds (204 when there is none)."""

    abstract = True

    @task(1)
    def write_a_message(self) -> None:
        if not self.me.get("mentorship"):
            return
        url = f"/mentorships/{self.me['mentorship']}/messages/"
        page = self.page(url, "messages")
        text = page.text or ""
        token = CSRF.search(text)
        if token:
            # One message in four carries a file: stored in the shared bucket by whichever
            # server takes it, downloaded later from whichever answers then.
            files = (
                {"attachments": (f"notes-{_rng.randint(1, 10**6)}.pdf", PDF, "application/pdf")}
                if _rng.random() < 0.25
                else None
            )
            # 302: posted; 200: the form again with the reason (a limit, say).
            self.send(
                url,
                "message send" + (" with a file" if files else ""),
                token.group(1),
                {"text": f"A note from the load test, {_rng.randint(1, 10**6)}."},
                expect=(200, 302),
                files=files,
            )
        found = ATTACHMENT.findall(text)
        if found:
            with self.client.get(
                f"/attachments/{_rng.choice(found)}/", name="attachment", catch_response=True
            ) as response:
                if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF"):
                    response.failure(f"{response.status_code}, not the PDF sent")

    @task(4)
    def poll_messages(self) -> None:
        if self.me.get("mentorship"):
            self.page(
                f"/mentorships/{self.me['mentorship']}/messages/poll/?after={10**12}",
                "message poll",
                expect=(204,),
            )


class MenteeJourney(_Writes):
    weight = 6
    kind = "mentees"

    def on_start(self) -> None:
        super().on_start()
        self.seen_people: list[int] = list(PLAN["people"][:20])
        self.askable: list[int] = list(PLAN["askable"][:20])

    @task(5)
    def browse_directory(self) -> None:
        choice = _rng.random()
        params: list[str] = []
        if choice < 0.3:
            params.append(f"q={quote_plus(_rng.choice(PLAN['search_words']))}")
        elif choice < 0.55:
            params.append(f"topic={_rng.choice(PLAN['topics'])}")
        elif choice < 0.7:
            params.append("room=all")
        elif choice < 0.8:
            params += [f"topic={_rng.choice(PLAN['topics'])}", "room=all"]
        if _rng.random() < 0.15:
            params.append("page=2")
        url = f"/programs/{SLUG}/mentors/" + ("?" + "&".join(params) if params else "")
        response = self.page(url, "directory")
        text = response.text or ""
        people = [int(pk) for pk in PEOPLE.findall(text)]
        ask = [int(pk) for pk in ASK.findall(text)]
        if people:
            self.seen_people = people
        if ask:
            self.askable = ask

    @task(3)
    def open_profile(self) -> None:
        pk = _rng.choice(self.seen_people)
        self.page(f"/programs/{SLUG}/people/{pk}/", "profile")

    @task(1)
    def ask_a_mentor(self) -> None:
        """Open the request form of a mentor with room and send it; a refusal is an answer."""
        pk = _rng.choice(self.askable)
        form = self.page(
            f"/programs/{SLUG}/mentors/{pk}/request/",
            "request form",
            expect=(200, 302),
            redirect_to="/goals/start/",  # no active goal yet: the page sends them to write one
        )
        text = form.text or ""
        if form.status_code != 200 or 'id="request-refusal"' in text:
            return  # the page says why not, and its button is disabled
        token, goals = CSRF.search(text), [a or b for a, b in GOAL.findall(text)]
        select = TOPIC_SELECT.search(text)
        topics = OPTION.findall(select.group(0)) if select else []
        if not (token and goals and topics):
            return  # no active goal: the page asked for one instead
        # 302: sent; 200: the form again with the reason (a limit reached meanwhile).
        self.send(
            f"/programs/{SLUG}/mentors/{pk}/request/",
            "request send",
            token.group(1),
            {
                "goals": goals[0],
                "topic": _rng.choice(topics),
                "why_this_mentor": "Your work on the onboarding project is what I want to learn.",
                "first_step": "A 30-minute intro conversation",
                "advisor_role": "",
            },
            expect=(200, 302),
        )

    @task(2)
    def open_mentorship(self) -> None:
        if self.me.get("mentorship"):
            self.page(f"/mentorships/{self.me['mentorship']}/", "mentorship")

    @task(2)
    def look_for_a_time(self) -> None:
        """Open the slot picker and leave without choosing (the mentor's calendar is connected:
        its busy times are left out)."""
        if self.me.get("mentorship"):
            self.page(f"/mentorships/{self.me['mentorship']}/meetings/new/", "propose meeting")

    @task(1)
    def propose_a_meeting(self) -> None:
        """Open the scheduling page and propose one of the free times it offers (a refusal,
        say the slot was taken meanwhile, is an answer too)."""
        if not self.me.get("mentorship"):
            return
        url = f"/mentorships/{self.me['mentorship']}/meetings/new/"
        form = self.page(url, "propose meeting")
        text = form.text or ""
        token, slots = CSRF.search(text), SLOT.findall(text)
        if not (token and slots):
            return  # no free time in the next two weeks: the page says so
        # 302: proposed; 200: the form again with the reason.
        self.send(
            url,
            "meeting send",
            token.group(1),
            {"slot": _rng.choice(slots), "minutes": "30"},
            expect=(200, 302),
        )


class MentorJourney(_Writes):
    weight = 2
    kind = "mentors"

    @task(3)
    def inbox(self) -> None:
        self.page("/requests/", "inbox")

    @task(3)
    def read_a_request(self) -> None:
        self.page(f"/requests/{_rng.choice(self.me['requests'])}/", "request (mentor)")

    @task(1)
    def answer_a_request(self) -> None:
        """Answer one of their open requests: mostly a question or a kind no, sometimes yes (a
        yes starts a mentorship, which makes every kept directory ranking be worked out again)."""
        pk = _rng.choice(self.me["requests"])
        page = self.page(f"/requests/{pk}/", "request (mentor)")
        token = CSRF.search(page.text or "")
        if not token or f'action="/requests/{pk}/accept/"' not in (page.text or ""):
            return  # answered already: the page shows its history
        roll = _rng.random()
        if roll < 0.2:
            action, data = "accept", {}
        elif roll < 0.6:
            action, data = "ask", {"question": "What would you like to work on first?"}
        else:
            action, data = "decline", {"reason": "no_time", "note": "Try Ann, she has room."}
        # 302: answered (or refused with a message, e.g. no room left to accept).
        self.send(
            f"/requests/{pk}/{action}/",
            "request answer",
            token.group(1),
            data,
            expect=(302,),
            referer=f"/requests/{pk}/",
        )

    @task(1)
    def open_mentorship(self) -> None:
        if self.me.get("mentorship"):
            self.page(f"/mentorships/{self.me['mentorship']}/", "mentorship")


class AdminJourney(_Person):
    weight = 1
    kind = "admins"

    @task(3)
    def dashboard(self) -> None:
        self.page(f"/programs/{SLUG}/dashboard/", "dashboard")

    @task(1)
    def dashboard_filtered(self) -> None:
        health = _rng.choice(["stalled", "at_risk"])
        self.page(f"/programs/{SLUG}/dashboard/?health={health}", "dashboard (filtered)")

    @task(2)
    def read_the_api(self) -> None:
        """An HR system reads the program's mentorships through the API with the admin's
        token: pages of 100, following ``next``, three pages at most."""
        url = "/api/v1/mentorships/?page_size=100"
        for _ in range(3):
            with self.client.get(
                url,
                name="api list",
                headers={"Authorization": f"Bearer {self.me['api_key']}"},
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} for {url}")
                    return
                following = response.json()["next"]
            if not following:
                return
            url = "/" + following.split("://", 1)[1].split("/", 1)[1]


class DirectoryOnly(_Person):
    """The directory as it first opens for a mentee, back to back."""

    kind = "mentees"
    wait_time = constant(0)

    @task
    def directory(self) -> None:
        self.page(f"/programs/{SLUG}/mentors/", "directory")


class LightestPage(_Person):
    """The lightest signed-in page (the notification centre), back to back: what any page of
    Twoway costs before its own work (session, user, navigation), beside the bare view."""

    kind = "mentees"
    wait_time = constant(0)

    @task
    def notifications(self) -> None:
        self.page("/notifications/", "notifications")


class BareView(FastHttpUser):
    """One Django view that only says "ok", served by the same gunicorn, back to back."""

    wait_time = constant(0)

    @task
    def bare(self) -> None:
        with self.client.get(BARE_PATH, name="bare view", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")


if __name__ == "__main__":
    print("locustfile.py: the journeys benchmarks/load.py runs under locust; run load.py instead.")
