"""Goals are private: the owner, and only the mentors a goal is shared with, may see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goals.models import Goal, GoalShare
from matching.models import Mentorship
from matching.services.profiles import goal_share_with_mentors
from mentorship.errors import DomainError
from programs.models import Participant, Role
from programs.services import participant_withdraw
from tests.goals.factories import GoalFactory, GoalStepFactory
from tests.matching.factories import MentorshipFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

GOAL_TITLE = "Become a staff engineer by 2027"

# Pages that change a goal, as (url name, method); the argument is the goal's pk
# except for the step pages, which take the step's.
WRITE_PAGES = [
    ("goals:edit", "get"),
    ("goals:edit", "post"),
    ("goals:move", "post"),
    ("goals:status", "post"),
    ("goals:step_add", "post"),
    ("goals:progress_add", "post"),
    ("goals:step_toggle", "post"),
    ("goals:step_delete", "post"),
    ("matching:goal_sharing", "get"),
    ("matching:goal_sharing", "post"),
]
WRITE_DATA = {
    "goals:edit": {"title": "Hijacked", "horizon": "short", "status": "active"},
    "goals:move": {"direction": "down"},
    "goals:status": {"status": "dropped"},
    "goals:step_add": {"title": "Sneaky step"},
    "goals:progress_add": {"note": "Sneaky note", "progress": "90"},
}


@pytest.fixture
def goal(owner) -> Goal:
    goal = GoalFactory(owner=owner, title=GOAL_TITLE)
    GoalFactory(owner=owner, title="A second goal, to have somewhere to move")
    GoalStepFactory(goal=goal, title="Read the staff engineer book")
    return goal


@pytest.fixture
def my_mentor(program, mentor, owner):
    """The `mentor` fixture, mentoring the goal's owner."""
    MentorshipFactory(mentor=Participant.objects.get(user=mentor, program=program), mentee=owner)
    return mentor


@pytest.fixture
def second_mentor(program, owner):
    participant = ParticipantFactory(
        program=program, role=Role.MENTOR, user__full_name="Sam Second"
    )
    MentorshipFactory(mentor=participant, mentee=owner)
    return participant.user


@pytest.fixture
def shared_goal(goal, mentee, my_mentor, second_mentor) -> Goal:
    goal_share_with_mentors(goal=goal, owner=mentee, mentor_ids=[my_mentor.pk])
    return goal


def _url(name: str, goal: Goal) -> str:
    if name in ("goals:step_toggle", "goals:step_delete"):
        return reverse(name, args=[goal.steps.get().pk])
    return reverse(name, args=[goal.pk])


def _request(client, name: str, method: str, goal: Goal):
    url = _url(name, goal)
    if method == "get":
        return client.get(url)
    return client.post(url, WRITE_DATA.get(name, {}))


def _assert_untouched(goal: Goal) -> None:
    fresh = Goal.objects.get(pk=goal.pk)
    assert fresh.title == GOAL_TITLE
    assert fresh.status == goal.status
    assert fresh.position == goal.position
    assert fresh.progress == goal.progress
    assert [s.title for s in fresh.steps.all()] == ["Read the staff engineer book"]
    assert not fresh.steps.filter(done_at__isnull=False).exists()
    assert not fresh.updates.exists()


def test_owner_sees_their_goal(client, mentee, goal):
    client.force_login(mentee)
    response = client.get(goal.get_absolute_url())
    assert response.status_code == 200
    assert GOAL_TITLE in response.content.decode()


def test_a_mentor_the_goal_is_not_shared_with_gets_404(client, goal, my_mentor):
    client.force_login(my_mentor)
    assert client.get(goal.get_absolute_url()).status_code == 404


def test_a_mentor_does_not_see_an_unshared_goal_in_their_list(client, goal, my_mentor):
    client.force_login(my_mentor)
    response = client.get(reverse("goals:list"))
    assert response.status_code == 200
    assert GOAL_TITLE not in response.content.decode()


def test_the_mentor_a_goal_is_shared_with_sees_it(client, shared_goal, my_mentor):
    client.force_login(my_mentor)
    response = client.get(shared_goal.get_absolute_url())
    assert response.status_code == 200
    assert GOAL_TITLE in response.content.decode()


def test_the_mentor_a_goal_is_shared_with_finds_it_in_their_list(client, shared_goal, my_mentor):
    client.force_login(my_mentor)
    response = client.get(reverse("goals:list"))
    assert GOAL_TITLE in response.content.decode()


def test_a_shared_goal_page_offers_the_mentor_no_edit_controls(client, shared_goal, my_mentor):
    client.force_login(my_mentor)
    content = client.get(shared_goal.get_absolute_url()).content.decode()
    assert reverse("goals:edit", args=[shared_goal.pk]) not in content
    assert reverse("goals:step_add", args=[shared_goal.pk]) not in content


@pytest.mark.parametrize(("name", "method"), WRITE_PAGES)
def test_the_mentor_a_goal_is_shared_with_cannot_change_it(
    client, shared_goal, my_mentor, name, method
):
    client.force_login(my_mentor)
    assert _request(client, name, method, shared_goal).status_code == 403
    _assert_untouched(shared_goal)
    assert list(GoalShare.objects.values_list("mentor", flat=True)) == [my_mentor.pk]


def test_another_mentor_of_the_owner_not_included_gets_404(client, shared_goal, second_mentor):
    client.force_login(second_mentor)
    assert client.get(shared_goal.get_absolute_url()).status_code == 404


def test_the_program_admin_cannot_open_a_goal(client, shared_goal, admin_user):
    client.force_login(admin_user)
    assert client.get(shared_goal.get_absolute_url()).status_code == 404


def test_the_program_admin_sees_goal_figures_without_goal_content(
    client, program, shared_goal, admin_user
):
    client.force_login(admin_user)
    response = client.get(reverse("goals:figures", args=[program.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    assert GOAL_TITLE not in content
    assert "Read the staff engineer book" not in content
    figures = response.context["figures"]
    assert figures["total"] == 2
    assert figures["active"] == 2
    assert figures["mentees"] == 1
    assert figures["mentees_without_goals"] == 0


def test_goal_figures_count_only_this_programs_goals(client, program, goal, admin_user):
    GoalFactory(title="Elsewhere")
    client.force_login(admin_user)
    figures = client.get(reverse("goals:figures", args=[program.slug])).context["figures"]
    assert figures["total"] == 2


def test_a_mentee_may_not_see_goal_figures(client, program, goal, mentee):
    client.force_login(mentee)
    assert client.get(reverse("goals:figures", args=[program.slug])).status_code == 403


def test_a_mentor_may_not_see_goal_figures(client, program, goal, my_mentor):
    client.force_login(my_mentor)
    assert client.get(reverse("goals:figures", args=[program.slug])).status_code == 403


def test_an_outsider_cannot_open_a_goal(client, goal, outsider):
    client.force_login(outsider)
    assert client.get(goal.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(("name", "method"), WRITE_PAGES)
def test_an_outsider_cannot_change_a_goal(client, shared_goal, outsider, name, method):
    client.force_login(outsider)
    assert _request(client, name, method, shared_goal).status_code == 404
    _assert_untouched(shared_goal)


def test_an_outsider_cannot_see_goal_figures(client, program, goal, outsider):
    client.force_login(outsider)
    assert client.get(reverse("goals:figures", args=[program.slug])).status_code == 404


def test_an_outsider_cannot_reorder_someone_elses_goals(client, program, goal, owner, outsider):
    ids = list(Goal.objects.filter(owner=owner).order_by("-position").values_list("pk", flat=True))
    client.force_login(outsider)
    response = client.post(
        reverse("goals:reorder", args=[program.slug]), {"order": ",".join(map(str, ids))}
    )
    assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.position == 0


def test_an_outsider_does_not_see_a_goal_in_their_list(client, shared_goal, outsider):
    client.force_login(outsider)
    response = client.get(reverse("goals:list"))
    assert GOAL_TITLE not in response.content.decode()


def test_sharing_refuses_someone_who_is_not_the_owners_mentor(goal, mentee, program):
    stranger = ParticipantFactory(program=program, role=Role.MENTOR).user
    with pytest.raises(DomainError) as error:
        goal_share_with_mentors(goal=goal, owner=mentee, mentor_ids=[stranger.pk])
    assert error.value.field == "mentors"
    assert not GoalShare.objects.exists()


def test_sharing_refuses_a_mix_of_own_mentor_and_stranger(goal, mentee, my_mentor, outsider):
    with pytest.raises(DomainError):
        goal_share_with_mentors(goal=goal, owner=mentee, mentor_ids=[my_mentor.pk, outsider.pk])
    assert not GoalShare.objects.exists()


def test_sharing_refuses_a_mentor_whose_mentorship_has_ended(goal, mentee, my_mentor):
    Mentorship.objects.update(status=Mentorship.Status.COMPLETED)
    with pytest.raises(DomainError):
        goal_share_with_mentors(goal=goal, owner=mentee, mentor_ids=[my_mentor.pk])
    assert not GoalShare.objects.exists()


def test_only_the_owner_may_share_a_goal(goal, my_mentor):
    with pytest.raises(DomainError):
        goal_share_with_mentors(goal=goal, owner=my_mentor, mentor_ids=[my_mentor.pk])
    assert not GoalShare.objects.exists()


def test_unsharing_takes_access_away_again(client, shared_goal, mentee, my_mentor):
    goal_share_with_mentors(goal=shared_goal, owner=mentee, mentor_ids=[])
    assert not GoalShare.objects.exists()
    client.force_login(my_mentor)
    assert client.get(shared_goal.get_absolute_url()).status_code == 404


def test_resharing_with_another_mentor_unshares_the_first(
    client, shared_goal, mentee, my_mentor, second_mentor
):
    goal_share_with_mentors(goal=shared_goal, owner=mentee, mentor_ids=[second_mentor.pk])
    client.force_login(my_mentor)
    assert client.get(shared_goal.get_absolute_url()).status_code == 404
    client.force_login(second_mentor)
    assert client.get(shared_goal.get_absolute_url()).status_code == 200


def test_sharing_page_shares_with_the_ticked_mentors(
    client, goal, mentee, my_mentor, second_mentor
):
    client.force_login(mentee)
    response = client.post(
        reverse("matching:goal_sharing", args=[goal.pk]), {"mentors": [str(second_mentor.pk)]}
    )
    assert response.status_code == 302
    assert list(GoalShare.objects.values_list("mentor", flat=True)) == [second_mentor.pk]


def test_sharing_page_can_share_with_all_mentors(client, goal, mentee, my_mentor, second_mentor):
    client.force_login(mentee)
    client.post(reverse("matching:goal_sharing", args=[goal.pk]), {"all": "1"})
    assert set(GoalShare.objects.values_list("mentor", flat=True)) == {
        my_mentor.pk,
        second_mentor.pk,
    }


def test_sharing_page_with_nothing_ticked_makes_the_goal_private(
    client, shared_goal, mentee, my_mentor
):
    client.force_login(mentee)
    # A browser sends the CSRF token even when no box is ticked.
    response = client.post(
        reverse("matching:goal_sharing", args=[shared_goal.pk]), {"csrfmiddlewaretoken": "x"}
    )
    assert response.status_code == 302
    assert not GoalShare.objects.exists()


def test_sharing_page_does_not_offer_a_stranger(client, goal, mentee, my_mentor, outsider):
    client.force_login(mentee)
    response = client.post(
        reverse("matching:goal_sharing", args=[goal.pk]), {"mentors": [str(outsider.pk)]}
    )
    assert response.status_code == 200
    assert "mentors" in response.context["form"].errors
    assert not GoalShare.objects.exists()


def test_a_mentor_withdrawn_from_the_program_no_longer_sees_shared_goals(
    client, program, shared_goal, my_mentor, admin_user
):
    participant_withdraw(
        participant=Participant.objects.get(user=my_mentor, program=program), actor=admin_user
    )
    client.force_login(my_mentor)
    assert client.get(shared_goal.get_absolute_url()).status_code == 404
