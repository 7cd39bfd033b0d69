"""Matching rounds in the browser: the demo admin creates a round, runs it, moves one mentee by
hand, publishes, and the moved mentee finds the new mentorship with the reasons they were matched."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matching.models import MatchingRound, Mentorship, Proposal, RoundRule
from matching.rounds.selectors import latest_run, unmatched_mentees
from programs.models import Program
from tests.e2e.conftest import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _move_target(page) -> tuple[str, str]:
    """The first mentor on the swap page who may take this mentee and has room: name, score
    as the success message writes it."""
    rows = page.locator("#candidates tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        cells = row.locator("td")
        if row.locator("input[name=mentor]").is_disabled():
            continue  # the mentee's mentor now
        if (
            cells.nth(2).inner_text().startswith("Not allowed")
            or cells.nth(3).inner_text() == "full"
        ):
            continue
        # The table shows two decimals ("10.50"); the message after the move, "10.5".
        return row.locator("label").inner_text().strip(), f"{float(cells.nth(1).inner_text()):g}"
    raise AssertionError("no mentor with room on the swap page")  # pragma: no cover


def test_admin_runs_moves_and_publishes_a_round_and_the_mentee_sees_why(demo, page, new_page):
    program = Program.objects.get(slug="demo")
    waiting = unmatched_mentees(program).count()

    log_in(page, "admin@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/demo/manage/")
    page.get_by_role("link", name="Matching", exact=True).click()
    expect(page).to_have_url(re.compile(r"/programs/demo/matching/$"))
    expect(page.get_by_role("heading", name="Matching rounds")).to_be_visible()
    expect(page.locator("#rounds")).to_contain_text("Autumn round")

    # Every mentee still without a mentor is chosen already.
    form = page.locator("#round-form")
    boxes = form.locator("input[name=mentees]")
    expect(boxes).to_have_count(waiting)
    for index in range(waiting):
        expect(boxes.nth(index)).to_be_checked()
    # The demo's waiting mentees take every place its mentors have left; two are kept for a
    # later round so that a mentor has room to take a mentee moved by hand.
    form.locator("summary").click()
    kept_back = [boxes.nth(waiting - 1), boxes.nth(waiting - 2)]
    kept_back_ids = {int(box.get_attribute("value") or 0) for box in kept_back}
    for box in kept_back:
        box.uncheck()
    form.get_by_role("textbox", name=re.compile(r"^Name")).fill("Spring round")
    form.get_by_role("button", name="Create round").click()

    expect(page.get_by_text("Round “Spring round” created: run it when ready.")).to_be_visible()
    matching_round = MatchingRound.objects.get(program=program, name="Spring round")
    expect(page).to_have_url(re.compile(rf"/programs/demo/matching/{matching_round.pk}/$"))
    expect(page.locator("#round-status")).to_have_text("Draft")
    chosen = set(matching_round.mentees.values_list("pk", flat=True))
    assert len(chosen) == waiting - 2
    assert not chosen & kept_back_ids

    page.get_by_role("button", name="Run", exact=True).click()
    run = latest_run(matching_round)
    assert run is not None
    expect(
        page.get_by_text(f"Run 1: {run.matched} matched, {run.unmatched} unmatched")
    ).to_be_visible()
    expect(page.locator("#round-status")).to_have_text("Proposed")
    expect(page.locator("#proposals tbody tr")).to_have_count(waiting - 2)
    expect(page.locator("#round-summary")).to_contain_text(f"{run.matched} matched")
    proposals = list(
        run.proposals.filter(mentor__isnull=False)
        .select_related("mentee__user", "mentor__user")
        .order_by("mentee__user__full_name")
    )
    shown = proposals[0]
    row = page.locator(f"#proposal-{shown.pk}")
    expect(row).to_contain_text(shown.mentor.user.get_full_name())
    assert float(row.locator("td").nth(1).inner_text()) == shown.score
    expect(row).to_contain_text("; ".join(shown.reasons))

    # Move the first mentee: every mentor is listed with the score the pair would have.
    moved = proposals[0]
    mentee_name = moved.mentee.user.get_full_name()
    row.get_by_role("link", name=f"Move {mentee_name}").click()
    expect(page.get_by_role("heading", name=f"Move {mentee_name}")).to_be_visible()
    candidates = page.locator("#candidates tbody tr")
    expect(candidates.first.locator("td").nth(1)).to_have_text(re.compile(r"^-?\d+(\.\d+)?$"))
    assert candidates.count() > 1

    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("#mentor-errors")).to_have_text("Choose the mentor to move this mentee to.")
    moved.refresh_from_db()
    assert not moved.swapped

    mentor_name, score = _move_target(page)
    page.get_by_label(mentor_name, exact=True).check()
    page.get_by_role("button", name="Move", exact=True).click()
    expect(
        page.get_by_text(
            f"Moved {mentee_name} to {mentor_name} (score {score}); "
            "the pair is pinned for the next run."
        )
    ).to_be_visible()
    moved.refresh_from_db()
    assert moved.swapped
    assert moved.mentor.user.get_full_name() == mentor_name
    assert f"{moved.score:g}" == score
    assert RoundRule.objects.filter(
        round=matching_round, kind=RoundRule.Kind.PIN, mentee=moved.mentee, mentor=moved.mentor
    ).exists()
    row = page.locator(f"#proposal-{moved.pk}")
    expect(row).to_contain_text(mentor_name)
    expect(row.locator(".badge", has_text="moved by hand")).to_be_visible()
    expect(row.locator(".badge", has_text="pinned")).to_be_visible()

    # Publish starts every proposed pair, after saying how many people will be told.
    paired = run.proposals.filter(mentor__isnull=False)
    matched = paired.count()
    people = matched + paired.values("mentor_id").distinct().count()
    page.get_by_role("link", name=re.compile(r"^Publish \d+ mentorships?…$")).click()
    expect(page.locator("#publish-summary")).to_contain_text(f"tells {people} people")
    page.get_by_role("button", name=f"Publish and tell {people} people").click()
    expect(page.get_by_text(f"Published: {matched} mentorships started")).to_be_visible()
    expect(page.locator("#round-status")).to_have_text("Published")
    # Each started pair links to what the admin may see of it.
    page.locator(f"#proposal-{moved.pk}").get_by_role("link", name="Mentorship started").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(mentee_name)
    page.go_back()
    mentorship = Mentorship.objects.get(mentee=moved.mentee, status=Mentorship.Status.ACTIVE)
    assert mentorship.mentor_id == moved.mentor_id
    assert Proposal.objects.get(pk=moved.pk).mentorship_id == mentorship.pk
    assert (
        Mentorship.objects.filter(mentee__in=chosen, status=Mentorship.Status.ACTIVE).count()
        == matched
    )

    # The moved mentee, logged in elsewhere, is told who and why.
    why = "; ".join(moved.reasons) or "the program admins matched you"
    mentee_page = new_page()
    log_in(mentee_page, moved.mentee.user.email, DEMO_PASSWORD)
    expect(mentee_page).to_have_url(re.compile(r"/home/$"))
    mentee_page.locator("#nav-notifications").click()
    told = mentee_page.locator("#notifications li").filter(
        has=mentee_page.get_by_role("link", name=f"You are matched with {mentor_name}")
    )
    expect(told).to_have_count(1)
    expect(told).to_contain_text(f"Why: {why}.")
    mentee_page.goto("/mentorships/")
    expect(mentee_page.locator("#as-mentee").get_by_role("link", name=mentor_name)).to_be_visible()


def test_run_with_a_minimum_score_out_of_range_is_refused(demo, page):
    matching_round = MatchingRound.objects.get(program__slug="demo", name="Autumn round")
    before = matching_round.runs.count()

    log_in(page, "admin@example.com", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/$"))
    page.goto("/programs/demo/matching/")
    page.get_by_role("link", name="Autumn round").click()
    expect(page.get_by_role("heading", name="Proposals of run 1")).to_be_visible()
    page.get_by_label("Minimum score").fill("1000")
    page.get_by_role("button", name="Run again").click()

    expect(
        page.get_by_text("Minimum score: Ensure this value is less than or equal to 100.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Proposals of run 1")).to_be_visible()
    matching_round.refresh_from_db()
    assert matching_round.runs.count() == before
    assert matching_round.min_score == 1.0
