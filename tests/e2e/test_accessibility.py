"""axe-core on every main page, as each role of the demo: no serious or critical violation.

axe is the copy vendored in tests/e2e/vendor/axe-core/ (see its README): a test tool, so it is
not among the static files the site serves. Each page loads it as a same-origin <script src>
whose answer the browser takes from that file (a Playwright route), which the site's
Content-Security-Policy (script-src 'self') already allows: no CSP bypass and no inline script,
so the pages are checked exactly as they are served. (Playwright's add_script_tag(path=...)
would insert the file's text as an inline script, which the CSP rightly blocks.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Q

from accounts.models import User
from matching.models import MatchingRound, Mentorship, MentorshipGroup, MentorshipRequest
from meetings.models import Meeting
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}

AXE_FILE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# Same origin as the page, answered by the browser from AXE_FILE: the server never sees it.
AXE_URL = "/__tests__/axe.min.js"

# Every violation, reduced to what a person fixing it needs: rule, impact, and a few nodes.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    count: v.nodes.length,
  }));
}"""

PARTICIPANT_PAGES = [
    "/home/",
    "/programs/",
    "/programs/demo/",
    "/goals/",
    "/requests/",
    "/mentorships/",
    "/meetings/",
    "/checkins/",
    "/notifications/",
    "/notifications/settings/",
    "/accounts/profile/",
    "/calendar/",
    "/messages/",
]
# The account pages of the person menu, drawn by allauth's templates (audited once).
ACCOUNT_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]


def audit(page, path: str) -> list[str]:
    """Open `path`, run axe, print every finding, return the serious and critical ones."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    # A redirect would audit some other page under this one's name.
    assert page.url.endswith(path), f"{path} went to {page.url}"
    page.wait_for_load_state("load")
    page.add_script_tag(url=AXE_URL)
    blocking = []
    for violation in page.evaluate(RUN_AXE):
        line = (
            f"{path}: {violation['impact']} {violation['id']} ({violation['help']}) "
            f"x{violation['count']}: {', '.join(violation['nodes'])}"
        )
        print(line)
        if violation["impact"] in BLOCKING:
            blocking.append(line)
    return blocking


def audit_all(page, paths: list[str]) -> None:
    page.route(
        f"**{AXE_URL}",
        lambda route: route.fulfill(path=AXE_FILE, content_type="text/javascript"),
    )
    blocking = [line for path in paths for line in audit(page, path)]
    assert blocking == [], "serious or critical axe violations:\n" + "\n".join(blocking)


def party_pages(email: str) -> list[str]:
    """The person's first mentorship, one of its meetings, and a request of theirs."""
    user = User.objects.get(email=email)
    mentorship = (
        Mentorship.objects.filter(Q(mentee__user=user) | Q(mentor__user=user), program__slug="demo")
        .order_by("pk")
        .first()
    )
    assert mentorship is not None, f"{email} has no mentorship in the demo"
    meeting = Meeting.objects.filter(mentorship_id=mentorship.pk).order_by("pk").first()
    assert meeting is not None, f"{email}'s mentorship has no meeting in the demo"
    request = (
        MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))
        .order_by("pk")
        .first()
    )
    assert request is not None, f"{email} has no request in the demo"
    return [
        f"/mentorships/{mentorship.pk}/",
        f"/mentorships/{mentorship.pk}/messages/",
        f"/meetings/{meeting.pk}/",
        f"/requests/{request.pk}/",
    ]


def test_circle_pages_have_no_serious_axe_violations(demo, page):
    """The demo's circle as its mentor sees it: the circle, a circle meeting, its messages,
    and the page that sets a circle meeting."""
    circle = MentorshipGroup.objects.select_related("mentor__user").get()
    membership = Mentorship.objects.filter(group=circle).order_by("pk").first()
    meeting = Meeting.objects.filter(group=circle).order_by("pk").first()
    assert membership is not None and meeting is not None
    log_in(page, circle.mentor.user.email, DEMO_PASSWORD)
    audit_all(
        page,
        [
            f"/circles/{circle.pk}/",
            f"/circles/{circle.pk}/meetings/new/",
            f"/meetings/{meeting.pk}/",
            f"/mentorships/{membership.pk}/messages/",
        ],
    )


def test_anonymous_pages_have_no_serious_axe_violations(demo, page):
    audit_all(page, ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])


def test_mentee_pages_have_no_serious_axe_violations(demo, page):
    log_in(page, "mentee1@example.com", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    audit_all(page, [*PARTICIPANT_PAGES, *party_pages("mentee1@example.com"), *ACCOUNT_PAGES])


def test_mentor_search_pages_have_no_serious_axe_violations(demo, page):
    # mentee30 has goals and no mentor yet: the directory, a mentor's page and the request form.
    log_in(page, "mentee30@example.com", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    mentor = User.objects.get(email="mentor2@example.com")  # person pages are by user id
    mentor_seat = mentor.participations.get(program__slug="demo")
    audit_all(
        page,
        [
            "/goals/",
            "/programs/demo/mentors/",
            f"/programs/demo/people/{mentor.pk}/",
            f"/programs/demo/mentors/{mentor_seat.pk}/request/",
        ],
    )


def test_mentor_pages_have_no_serious_axe_violations(demo, page):
    log_in(page, "mentor1@example.com", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    audit_all(page, [*PARTICIPANT_PAGES, *party_pages("mentor1@example.com")])


def test_admin_pages_have_no_serious_axe_violations(demo, page):
    log_in(page, "admin@example.com", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    # Every tab of the program's admin area, read from the page itself, so a new tab is
    # audited without a change here (dashboard, exports, summary and matching among them).
    page.goto("/programs/demo/manage/")
    tabs = page.locator(".nav-tabs a.nav-link").evaluate_all(
        "links => links.map((a) => a.getAttribute('href'))"
    )
    for expected in (
        "/programs/demo/dashboard/",
        "/programs/demo/exports/",
        "/programs/demo/summary/",
        "/programs/demo/matching/",
    ):
        assert expected in tabs, f"{expected} is not a tab of the admin area: {tabs}"
    matching_round = MatchingRound.objects.filter(program__slug="demo").order_by("pk").first()
    assert matching_round is not None
    audit_all(
        page,
        [*PARTICIPANT_PAGES, *tabs, f"/programs/demo/matching/{matching_round.pk}/"],
    )


def test_organization_admin_pages_have_no_serious_axe_violations(demo, page):
    # seed_demo makes admin@example.com the demo organization's organization admin.
    log_in(page, "admin@example.com", DEMO_PASSWORD)
    page.wait_for_url("**/home/")
    audit_all(
        page,
        [
            "/organizations/demo-org/",
            "/organizations/demo-org/topics/",
            "/organizations/demo-org/audit/",
        ],
    )
