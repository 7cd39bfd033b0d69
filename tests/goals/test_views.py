"""Goal pages: forms, htmx partials with full-page fallbacks, the guided start, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goals.models import Goal, GoalStep
from programs.models import Participant, Role
from tests.goals.factories import (
    GoalFactory,
    GoalShareFactory,
    GoalStepFactory,
    ProgressUpdateFactory,
)
from tests.helpers import assert_flat_queries
from tests.programs.factories import ParticipantFactory, ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def goals(owner) -> list[Goal]:
    return [GoalFactory(owner=owner, title=title) for title in ("Alpha", "Bravo", "Charlie")]


@pytest.fixture
def signed_in(client, mentee):
    client.force_login(mentee)
    return client


def _titles(owner: Participant) -> list[str]:
    return list(
        Goal.objects.filter(owner=owner).order_by("position").values_list("title", flat=True)
    )


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


def _in_order(content: str, *needles: str) -> bool:
    indexes = [content.index(needle) for needle in needles]
    return indexes == sorted(indexes)


# ---------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------
def test_create_with_an_empty_title_shows_the_field_error(signed_in):
    response = signed_in.post(
        reverse("goals:create"), {"title": "  ", "horizon": "short", "status": "active"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert "This field is required." in response.content.decode()
    assert not Goal.objects.exists()


def test_create_adds_the_goal_at_the_end_and_opens_it(signed_in, owner, goals, program):
    topic = TopicFactory(organization=program.organization)
    response = signed_in.post(
        reverse("goals:create"),
        {"title": "Delta", "horizon": "long", "status": "active", "topics": [topic.pk]},
    )
    goal = Goal.objects.get(title="Delta")
    assert response.status_code == 302
    assert response["Location"] == goal.get_absolute_url()
    assert goal.owner == owner
    assert goal.horizon == Goal.Horizon.LONG
    assert list(goal.topics.all()) == [topic]
    assert _titles(owner) == ["Alpha", "Bravo", "Charlie", "Delta"]


def test_create_does_not_offer_another_organizations_topics(signed_in):
    foreign = TopicFactory(name="Forklift safety")
    response = signed_in.post(
        reverse("goals:create"),
        {"title": "Delta", "horizon": "short", "status": "active", "topics": [foreign.pk]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["topics"]
    assert not Goal.objects.exists()


def test_create_is_404_for_someone_who_is_not_a_mentee(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("goals:create")).status_code == 404


def test_edit_saves_the_owners_changes(signed_in, goals):
    response = signed_in.post(
        reverse("goals:edit", args=[goals[0].pk]),
        {
            "title": "Alpha, sharper",
            "horizon": "long",
            "status": "active",
            "timeframe": "by summer",
        },
    )
    assert response.status_code == 302
    goals[0].refresh_from_db()
    assert (goals[0].title, goals[0].horizon, goals[0].timeframe) == (
        "Alpha, sharper",
        Goal.Horizon.LONG,
        "by summer",
    )


def test_status_makes_a_draft_active(signed_in, owner):
    goal = GoalFactory(owner=owner, status=Goal.Status.DRAFT)
    response = signed_in.post(reverse("goals:status", args=[goal.pk]), {"status": "active"})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE


def test_progress_of_101_is_refused_on_the_page(signed_in, goals):
    response = signed_in.post(
        reverse("goals:progress_add", args=[goals[0].pk]), {"note": "Wow", "progress": "101"}
    )
    assert response.status_code == 400
    assert response.context["progress_form"].errors["progress"]
    goals[0].refresh_from_db()
    assert goals[0].progress == 0
    assert not goals[0].updates.exists()


def test_progress_is_recorded_and_shown_on_the_timeline(signed_in, goals):
    response = signed_in.post(
        reverse("goals:progress_add", args=[goals[0].pk]),
        {"note": "Gave my first talk", "progress": "35"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Gave my first talk" in response.content.decode()
    goals[0].refresh_from_db()
    assert goals[0].progress == 35


# ---------------------------------------------------------------------------
# Order: move and reorder
# ---------------------------------------------------------------------------
def test_htmx_move_returns_the_group_partial_in_the_new_order(signed_in, owner, goals):
    response = signed_in.post(
        reverse("goals:move", args=[goals[2].pk]), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 200
    assert "goals/_goal_group.html" in _templates(response)
    assert "base.html" not in _templates(response)
    content = response.content.decode()
    assert content.lstrip().startswith(f'<div id="goal-group-{owner.pk}">')
    assert _in_order(content, "Alpha", "Charlie", "Bravo")
    assert _titles(owner) == ["Alpha", "Charlie", "Bravo"]


def test_plain_move_redirects_to_the_list(signed_in, owner, goals):
    response = signed_in.post(reverse("goals:move", args=[goals[0].pk]), {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:list")
    assert _titles(owner) == ["Bravo", "Alpha", "Charlie"]


def test_move_with_a_get_is_not_allowed(signed_in, owner, goals):
    response = signed_in.get(reverse("goals:move", args=[goals[0].pk]), {"direction": "down"})
    assert response.status_code == 405
    assert _titles(owner) == ["Alpha", "Bravo", "Charlie"]


def test_reorder_puts_the_goals_in_the_posted_order(signed_in, program, owner, goals):
    alpha, bravo, charlie = goals
    response = signed_in.post(
        reverse("goals:reorder", args=[program.slug]),
        {"order": f"{charlie.pk},{alpha.pk},{bravo.pk}"},
    )
    assert response.status_code == 302
    assert _titles(owner) == ["Charlie", "Alpha", "Bravo"]


def test_htmx_reorder_returns_the_group_partial(signed_in, program, owner, goals):
    alpha, bravo, charlie = goals
    response = signed_in.post(
        reverse("goals:reorder", args=[program.slug]),
        {"order": f"{bravo.pk},{charlie.pk},{alpha.pk}"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "base.html" not in _templates(response)
    assert _in_order(response.content.decode(), "Bravo", "Charlie", "Alpha")


def test_reorder_missing_a_goal_changes_nothing_and_says_so(signed_in, program, owner, goals):
    alpha, bravo, _charlie = goals
    response = signed_in.post(
        reverse("goals:reorder", args=[program.slug]),
        {"order": f"{bravo.pk},{alpha.pk}"},
        follow=True,
    )
    assert "each of your goals" in response.content.decode()
    assert _titles(owner) == ["Alpha", "Bravo", "Charlie"]


def test_reorder_that_cannot_be_read_changes_nothing(signed_in, program, owner, goals):
    response = signed_in.post(
        reverse("goals:reorder", args=[program.slug]), {"order": "first,second"}, follow=True
    )
    assert "could not be read" in response.content.decode()
    assert _titles(owner) == ["Alpha", "Bravo", "Charlie"]


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------
def test_htmx_step_add_returns_the_steps_partial(signed_in, goals):
    response = signed_in.post(
        reverse("goals:step_add", args=[goals[0].pk]), {"title": "Book a room"}, **HTMX
    )
    assert response.status_code == 200
    assert "goals/_steps.html" in _templates(response)
    assert "base.html" not in _templates(response)
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="goal-steps"')
    assert "Book a room" in content
    assert list(goals[0].steps.values_list("title", flat=True)) == ["Book a room"]


def test_plain_step_add_redirects_to_the_goal(signed_in, goals):
    response = signed_in.post(
        reverse("goals:step_add", args=[goals[0].pk]), {"title": "Book a room"}
    )
    assert response.status_code == 302
    assert response["Location"] == goals[0].get_absolute_url()
    assert goals[0].steps.count() == 1


def test_htmx_step_add_with_an_empty_title_shows_the_error_in_the_partial(signed_in, goals):
    response = signed_in.post(reverse("goals:step_add", args=[goals[0].pk]), {"title": ""}, **HTMX)
    assert response.status_code == 200
    assert response.context["step_form"].errors["title"]
    assert "base.html" not in _templates(response)
    assert not GoalStep.objects.exists()


def test_plain_step_add_with_an_empty_title_is_a_bad_request(signed_in, goals):
    response = signed_in.post(reverse("goals:step_add", args=[goals[0].pk]), {"title": ""})
    assert response.status_code == 400
    assert not GoalStep.objects.exists()


def test_htmx_step_toggle_returns_the_steps_partial_with_the_step_done(signed_in, goals):
    step = GoalStepFactory(goal=goals[0], title="Book a room")
    response = signed_in.post(reverse("goals:step_toggle", args=[step.pk]), **HTMX)
    assert response.status_code == 200
    assert "goals/_steps.html" in _templates(response)
    assert "base.html" not in _templates(response)
    assert "Mark “Book a room” not done" in response.content.decode()
    step.refresh_from_db()
    assert step.is_done


def test_htmx_step_delete_returns_the_steps_partial_without_the_step(signed_in, goals):
    keep = GoalStepFactory(goal=goals[0], title="Keep me")
    drop = GoalStepFactory(goal=goals[0], title="Drop me")
    response = signed_in.post(reverse("goals:step_delete", args=[drop.pk]), **HTMX)
    content = response.content.decode()
    assert "Keep me" in content
    assert "Drop me" not in content
    assert list(GoalStep.objects.all()) == [keep]


# ---------------------------------------------------------------------------
# The guided start
# ---------------------------------------------------------------------------
def test_goal_list_sends_a_mentee_without_goals_to_the_guided_start(signed_in):
    response = signed_in.get(reverse("goals:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:start")


def test_goal_list_shows_a_mentee_their_goals(signed_in, goals):
    response = signed_in.get(reverse("goals:list"))
    assert response.status_code == 200
    assert _in_order(response.content.decode(), "Alpha", "Bravo", "Charlie")


def test_goal_list_shows_shared_goals_to_a_mentor_who_has_no_goals_as_mentee(signed_in, mentee):
    elsewhere = ProgramFactory()
    ParticipantFactory(program=elsewhere, user=mentee, role=Role.MENTOR)
    theirs = GoalFactory(owner__program=elsewhere, title="Shared with Mia")
    GoalShareFactory(goal=theirs, mentor=mentee)
    response = signed_in.get(reverse("goals:list"))
    assert response.status_code == 200
    assert "Shared with Mia" in response.content.decode()


def test_guided_start_page_asks_the_questions(signed_in):
    response = signed_in.get(reverse("goals:start"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "A skill to develop" in content
    assert "A career path for the next three to five years" in content


def test_guided_start_turns_answers_into_drafts_and_goes_to_the_list(signed_in, owner):
    response = signed_in.post(
        reverse("goals:start"),
        {"skill": "Present with confidence", "career": "Move into product", "network": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("goals:list")
    goals = list(Goal.objects.filter(owner=owner).order_by("position"))
    assert [(g.title, g.status, g.horizon) for g in goals] == [
        ("Present with confidence", Goal.Status.DRAFT, Goal.Horizon.SHORT),
        ("Move into product", Goal.Status.DRAFT, Goal.Horizon.LONG),
    ]
    assert signed_in.get(reverse("goals:list")).status_code == 200


def test_guided_start_with_no_answers_shows_an_error_and_creates_nothing(signed_in):
    response = signed_in.post(reverse("goals:start"), {"skill": " ", "career": ""})
    assert response.status_code == 200
    assert "Write at least one answer" in response.content.decode()
    assert not Goal.objects.exists()


def test_guided_start_is_404_for_someone_who_is_not_a_mentee(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("goals:start")).status_code == 404


# ---------------------------------------------------------------------------
# Query counts: small data, then large
# ---------------------------------------------------------------------------


def _goals_with_details(owner: Participant, n: int, steps: int, topics: int) -> list[Goal]:
    organization_topics = TopicFactory.create_batch(topics, organization=owner.program.organization)
    goals = []
    for _ in range(n):
        goal = GoalFactory(owner=owner, topics=organization_topics)
        GoalStepFactory.create_batch(steps, goal=goal)
        GoalShareFactory(goal=goal)
        goals.append(goal)
    return goals


def test_goal_list_query_count_does_not_grow_with_goals(
    signed_in, django_assert_num_queries, owner
):
    _goals_with_details(owner, n=2, steps=1, topics=1)
    assert_flat_queries(
        signed_in,
        django_assert_num_queries,
        reverse("goals:list"),
        lambda: _goals_with_details(owner, n=38, steps=5, topics=3),
    )


def test_goal_list_query_count_does_not_grow_with_goals_shared_with_a_mentor(
    client, django_assert_num_queries, program, mentor
):
    client.force_login(mentor)

    def share(n: int) -> None:
        for goal in _goals_with_details(
            ParticipantFactory(program=program, role=Role.MENTEE),
            n=n,
            steps=3,
            topics=2,
        ):
            GoalShareFactory(goal=goal, mentor=mentor)

    share(1)
    assert_flat_queries(client, django_assert_num_queries, reverse("goals:list"), lambda: share(30))


def test_goal_detail_query_count_does_not_grow_with_steps_topics_and_updates(
    signed_in, django_assert_num_queries, owner, program
):
    goal = GoalFactory(owner=owner, topics=[TopicFactory(organization=program.organization)])
    GoalStepFactory(goal=goal)
    ProgressUpdateFactory(goal=goal)
    GoalShareFactory(goal=goal)

    def grow() -> None:
        goal.topics.add(*TopicFactory.create_batch(5, organization=program.organization))
        GoalStepFactory.create_batch(30, goal=goal)
        ProgressUpdateFactory.create_batch(20, goal=goal)
        GoalShareFactory.create_batch(4, goal=goal)
        _goals_with_details(owner, n=38, steps=5, topics=3)

    assert_flat_queries(signed_in, django_assert_num_queries, goal.get_absolute_url(), grow)
