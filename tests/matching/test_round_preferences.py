"""The preference page of a stable matching round: who may reach it, and what it saves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import MatchingRound, RoundPreference
from matching.rounds.services import mentee_preferences_save, round_create
from programs.models import Program, Role
from tests.matching.factories import mentee_in, mentor_in
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stable(program: Program, admin_user):
    program.matching_mode = Program.MatchingMode.BOTH
    program.save()
    mentors = [mentor_in(program, capacity=1) for _ in range(3)]
    ana, ben = mentee_in(program), mentee_in(program)
    matching_round = round_create(
        program=program, actor=admin_user, name="Stable", method=MatchingRound.Method.STABLE
    )
    url = reverse(
        "matching:round_preferences", kwargs={"slug": program.slug, "pk": matching_round.pk}
    )
    return {"round": matching_round, "mentors": mentors, "ana": ana, "ben": ben, "url": url}


def _as(client, user):
    client.force_login(user)
    return client


def test_a_mentee_of_the_round_chooses_mentors_in_order(client, stable):
    m1, m2, _ = stable["mentors"]
    page = _as(client, stable["ana"].user).get(stable["url"])
    assert page.status_code == 200
    assert m1.user.get_full_name() in page.content.decode()
    response = client.post(stable["url"], {"choice_1": m2.pk, "choice_2": m1.pk})
    assert response.status_code == 302
    assert list(
        RoundPreference.objects.filter(chooser=stable["ana"]).values_list("chosen_id", "rank")
    ) == [(m2.pk, 1), (m1.pk, 2)]


def test_choosing_the_same_mentor_twice_is_refused_next_to_the_field(client, stable):
    m1 = stable["mentors"][0]
    response = _as(client, stable["ana"].user).post(
        stable["url"], {"choice_1": m1.pk, "choice_2": m1.pk}
    )
    assert response.status_code == 200
    assert "Each mentor can be chosen once." in response.content.decode()
    assert not RoundPreference.objects.exists()


def test_no_first_choice_is_refused(client, stable):
    response = _as(client, stable["ana"].user).post(stable["url"], {"choice_1": ""})
    assert "Choose at least your first mentor." in response.content.decode()
    assert not RoundPreference.objects.exists()


def test_a_mentor_orders_those_who_chose_them_and_can_leave_one_out(client, stable):
    m1 = stable["mentors"][0]
    for mentee in (stable["ana"], stable["ben"]):
        mentee_preferences_save(matching_round=stable["round"], mentee=mentee, mentor_ids=[m1.pk])
    page = _as(client, m1.user).get(stable["url"])
    assert stable["ben"].user.get_full_name() in page.content.decode()
    response = client.post(
        stable["url"], {f"place_{stable['ben'].pk}": "1", f"place_{stable['ana'].pk}": ""}
    )
    assert response.status_code == 302
    assert list(RoundPreference.objects.filter(chooser=m1).values_list("chosen_id", flat=True)) == [
        stable["ben"].pk
    ]
    assert stable["round"].mentors_ranked.filter(pk=m1.pk).exists()


def test_a_mentor_giving_two_mentees_one_place_is_refused(client, stable):
    m1 = stable["mentors"][0]
    for mentee in (stable["ana"], stable["ben"]):
        mentee_preferences_save(matching_round=stable["round"], mentee=mentee, mentor_ids=[m1.pk])
    response = _as(client, m1.user).post(
        stable["url"], {f"place_{stable['ben'].pk}": "1", f"place_{stable['ana'].pk}": "1"}
    )
    assert "Give each mentee a different place." in response.content.decode()
    assert not RoundPreference.objects.filter(chooser=m1).exists()


def test_people_outside_the_round_get_404(client, stable, admin_user, outsider):
    program = stable["round"].program
    not_in_round = mentee_in(program)
    for user in (not_in_round.user, admin_user, outsider):
        assert _as(client, user).get(stable["url"]).status_code == 404
        assert client.post(stable["url"], {"choice_1": stable["mentors"][0].pk}).status_code == 404
    assert not RoundPreference.objects.exists()


def test_an_optimal_round_has_no_preference_page(client, program, admin_user):
    program.matching_mode = Program.MatchingMode.ADMIN_ASSIGNS
    program.save()
    mentee = mentee_in(program)
    matching_round = round_create(program=program, actor=admin_user, name="Optimal")
    url = reverse(
        "matching:round_preferences", kwargs={"slug": program.slug, "pk": matching_round.pk}
    )
    assert _as(client, mentee.user).get(url).status_code == 404


def test_a_round_of_another_program_under_this_slug_is_404(client, stable):
    other = ProgramFactory(organization=stable["round"].program.organization)
    member = ParticipantFactory(program=other, role=Role.MENTEE)
    url = reverse(
        "matching:round_preferences", kwargs={"slug": other.slug, "pk": stable["round"].pk}
    )
    assert _as(client, member.user).get(url).status_code == 404
