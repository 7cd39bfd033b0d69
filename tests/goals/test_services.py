"""Goal services: order, guided start, progress, status and who may own goals."""

from __future__ import annotations

import pytest

from goals.models import Goal, GoalStep
from goals.services import (
    GUIDED_PROMPTS,
    goal_create,
    goal_move,
    goal_progress_add,
    goal_reorder,
    goal_set_status,
    goal_step_add,
    goal_step_delete,
    goal_step_toggle,
    goal_update,
    goals_from_guided_start,
)
from mentorship.errors import DomainError
from programs.models import Participant, Role
from tests.goals.factories import GoalFactory, GoalStepFactory
from tests.programs.factories import ParticipantFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_goals(owner) -> list[Goal]:
    return [goal_create(owner=owner, title=title) for title in ("First", "Second", "Third")]


def _titles(owner: Participant) -> list[str]:
    return list(
        Goal.objects.filter(owner=owner).order_by("position").values_list("title", flat=True)
    )


def _positions(owner: Participant) -> list[int]:
    return list(
        Goal.objects.filter(owner=owner).order_by("position").values_list("position", flat=True)
    )


def test_create_appends_at_the_end(owner):
    goal_create(owner=owner, title="Speak up in meetings")
    goal_create(owner=owner, title="Learn SQL")
    last = goal_create(owner=owner, title="Lead a project")
    assert last.position == 2
    assert _titles(owner) == ["Speak up in meetings", "Learn SQL", "Lead a project"]


def test_create_collapses_whitespace_in_the_title(owner):
    goal = goal_create(owner=owner, title="  Learn   SQL \n")
    assert goal.title == "Learn SQL"


def test_create_refuses_a_blank_title(owner):
    with pytest.raises(DomainError) as error:
        goal_create(owner=owner, title="   ")
    assert error.value.field == "title"
    assert not Goal.objects.exists()


def test_move_down_swaps_with_the_next_goal(owner, three_goals):
    goal_move(goal=three_goals[0], direction="down")
    assert _titles(owner) == ["Second", "First", "Third"]
    assert _positions(owner) == [0, 1, 2]


def test_move_up_swaps_with_the_previous_goal(owner, three_goals):
    moved = goal_move(goal=three_goals[2], direction="up")
    assert moved.position == 1
    assert _titles(owner) == ["First", "Third", "Second"]


def test_move_renumbers_gaps_in_positions(owner):
    for title, position in (("A", 3), ("B", 7), ("C", 20)):
        GoalFactory(owner=owner, title=title, position=position)
    goal_move(goal=Goal.objects.get(title="C"), direction="up")
    assert _titles(owner) == ["A", "C", "B"]
    assert _positions(owner) == [0, 1, 2]


def test_moving_the_first_goal_up_changes_nothing(owner, three_goals):
    goal_move(goal=three_goals[0], direction="up")
    assert _titles(owner) == ["First", "Second", "Third"]
    assert _positions(owner) == [0, 1, 2]


def test_moving_the_last_goal_down_changes_nothing(owner, three_goals):
    goal_move(goal=three_goals[2], direction="down")
    assert _titles(owner) == ["First", "Second", "Third"]


def test_move_refuses_an_unknown_direction(owner, three_goals):
    with pytest.raises(DomainError):
        goal_move(goal=three_goals[1], direction="sideways")
    assert _titles(owner) == ["First", "Second", "Third"]


def test_move_leaves_other_owners_goals_alone(program, owner, three_goals):
    other = ParticipantFactory(program=program, role=Role.MENTEE)
    theirs = [goal_create(owner=other, title=t) for t in ("X", "Y")]
    goal_move(goal=three_goals[1], direction="up")
    assert _titles(other) == ["X", "Y"]
    assert [g.position for g in Goal.objects.filter(pk__in=[g.pk for g in theirs])] == [0, 1]


def test_reorder_accepts_an_exact_permutation(owner, three_goals):
    first, second, third = three_goals
    result = goal_reorder(owner=owner, goal_ids=[third.pk, first.pk, second.pk])
    assert [g.title for g in result] == ["Third", "First", "Second"]
    assert _titles(owner) == ["Third", "First", "Second"]
    assert _positions(owner) == [0, 1, 2]


def test_reorder_refuses_a_list_missing_a_goal(owner, three_goals):
    first, second, _third = three_goals
    with pytest.raises(DomainError):
        goal_reorder(owner=owner, goal_ids=[second.pk, first.pk])
    assert _titles(owner) == ["First", "Second", "Third"]


def test_reorder_refuses_another_owners_goal(program, owner, three_goals):
    first, second, _third = three_goals
    foreign = GoalFactory(owner=ParticipantFactory(program=program, role=Role.MENTEE))
    with pytest.raises(DomainError):
        goal_reorder(owner=owner, goal_ids=[second.pk, first.pk, foreign.pk])
    assert _titles(owner) == ["First", "Second", "Third"]
    foreign.refresh_from_db()
    assert foreign.position == 0


def test_reorder_refuses_an_extra_foreign_goal(program, owner, three_goals):
    first, second, third = three_goals
    foreign = GoalFactory(owner=ParticipantFactory(program=program, role=Role.MENTEE))
    with pytest.raises(DomainError):
        goal_reorder(owner=owner, goal_ids=[third.pk, second.pk, first.pk, foreign.pk])
    assert _titles(owner) == ["First", "Second", "Third"]


def test_reorder_refuses_a_duplicate_id(owner, three_goals):
    first, second, third = three_goals
    with pytest.raises(DomainError):
        goal_reorder(owner=owner, goal_ids=[third.pk, third.pk, first.pk, second.pk])
    with pytest.raises(DomainError):
        goal_reorder(owner=owner, goal_ids=[third.pk, third.pk, first.pk])
    assert _titles(owner) == ["First", "Second", "Third"]


def test_guided_start_makes_one_draft_per_answer_in_prompt_order(owner):
    answers = {
        "project": "Ship the onboarding redesign",
        "skill": "Present with confidence\nto senior leaders, without notes",
        "career": "Move into product management",
        "managing": "   ",
    }
    goals = goals_from_guided_start(owner=owner, answers=answers)
    assert [g.title for g in goals] == [
        "Present with confidence",
        "Move into product management",
        "Ship the onboarding redesign",
    ]
    assert _titles(owner) == [g.title for g in goals]
    assert {g.status for g in Goal.objects.filter(owner=owner)} == {Goal.Status.DRAFT}


def test_guided_start_gives_each_goal_its_prompts_horizon(owner):
    answers = {key: f"Answer for {key}" for key, *_ in GUIDED_PROMPTS}
    goals = goals_from_guided_start(owner=owner, answers=answers)
    horizons = {g.title.removeprefix("Answer for "): g.horizon for g in goals}
    assert horizons["career"] == Goal.Horizon.LONG
    assert horizons["skill"] == Goal.Horizon.SHORT
    assert horizons == {key: horizon for key, _label, _example, horizon in GUIDED_PROMPTS}


def test_guided_start_keeps_the_whole_answer_in_why(owner):
    (goal,) = goals_from_guided_start(owner=owner, answers={"career": "Product\nwithin two years"})
    assert goal.title == "Product"
    assert "Product\nwithin two years" in goal.why
    assert goal.why.startswith("A career path")


def test_guided_start_appends_after_existing_goals(owner, three_goals):
    (goal,) = goals_from_guided_start(owner=owner, answers={"network": "Meet the data team"})
    assert goal.position == 3


def test_guided_start_refuses_all_empty_answers(owner):
    with pytest.raises(DomainError):
        goals_from_guided_start(owner=owner, answers={"skill": "", "career": "  \n "})
    assert not Goal.objects.exists()


def test_progress_update_sets_the_goals_progress(owner, mentee):
    goal = goal_create(owner=owner, title="Learn SQL")
    update = goal_progress_add(goal=goal, author=mentee, note="Finished the course", progress=40)
    goal.refresh_from_db()
    assert goal.progress == 40
    assert update.progress == 40
    assert update.author == mentee
    assert list(goal.updates.all()) == [update]


def test_progress_update_refuses_more_than_100(owner, mentee):
    goal = goal_create(owner=owner, title="Learn SQL")
    with pytest.raises(DomainError) as error:
        goal_progress_add(goal=goal, author=mentee, note="Overachieved", progress=101)
    assert error.value.field == "progress"
    goal.refresh_from_db()
    assert goal.progress == 0
    assert not goal.updates.exists()


def test_progress_update_refuses_an_empty_note(owner, mentee):
    goal = goal_create(owner=owner, title="Learn SQL")
    with pytest.raises(DomainError) as error:
        goal_progress_add(goal=goal, author=mentee, note="  \n", progress=30)
    assert error.value.field == "note"
    goal.refresh_from_db()
    assert goal.progress == 0
    assert not goal.updates.exists()


def test_marking_a_goal_achieved_sets_progress_to_100(owner):
    goal = goal_create(owner=owner, title="Learn SQL")
    goal_set_status(goal=goal, status=Goal.Status.ACHIEVED)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert goal.progress == 100


def test_an_achieved_goal_keeps_the_date_it_was_achieved_until_it_is_reopened(owner):
    goal = goal_create(owner=owner, title="Learn SQL")
    assert goal.achieved_at is None
    goal_set_status(goal=goal, status=Goal.Status.ACHIEVED)
    goal.refresh_from_db()
    first = goal.achieved_at
    assert first is not None
    goal_set_status(goal=goal, status=Goal.Status.ACHIEVED)
    goal.refresh_from_db()
    assert goal.achieved_at == first
    goal_set_status(goal=goal, status=Goal.Status.ACTIVE)
    goal.refresh_from_db()
    assert goal.achieved_at is None


def test_dropping_a_goal_keeps_its_progress(owner, mentee):
    goal = goal_create(owner=owner, title="Learn SQL")
    goal_progress_add(goal=goal, author=mentee, note="Halfway", progress=50)
    goal_set_status(goal=goal, status=Goal.Status.DROPPED)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.DROPPED
    assert goal.progress == 50


def test_set_status_refuses_an_unknown_status(owner):
    goal = goal_create(owner=owner, title="Learn SQL")
    with pytest.raises(DomainError):
        goal_set_status(goal=goal, status="finished")
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACTIVE


def test_create_accepts_topics_of_the_programs_organization(program, owner):
    topic = TopicFactory(organization=program.organization, name="Public speaking")
    goal = goal_create(owner=owner, title="Speak up", topics=[topic])
    assert list(goal.topics.all()) == [topic]


def test_create_refuses_a_topic_of_another_organization(owner):
    foreign = TopicFactory(name="Forklift safety")
    with pytest.raises(DomainError) as error:
        goal_create(owner=owner, title="Speak up", topics=[foreign])
    assert error.value.field == "topics"
    assert "Forklift safety" in error.value.message
    assert not Goal.objects.exists()


def test_update_refuses_a_topic_of_another_organization(program, owner):
    own = TopicFactory(organization=program.organization)
    goal = goal_create(owner=owner, title="Speak up", topics=[own])
    with pytest.raises(DomainError):
        goal_update(goal=goal, topics=[own, TopicFactory()])
    assert list(Goal.objects.get(pk=goal.pk).topics.all()) == [own]


@pytest.mark.parametrize("role", [Role.MENTOR, Role.ADMIN])
def test_only_mentees_can_own_goals(program, role):
    participant = ParticipantFactory(program=program, role=role)
    with pytest.raises(DomainError):
        goal_create(owner=participant, title="Learn SQL")
    with pytest.raises(DomainError):
        goals_from_guided_start(owner=participant, answers={"skill": "Learn SQL"})
    assert not Goal.objects.exists()


def test_a_withdrawn_mentee_cannot_add_goals(program):
    participant = ParticipantFactory(
        program=program, role=Role.MENTEE, status=Participant.Status.WITHDRAWN
    )
    with pytest.raises(DomainError):
        goal_create(owner=participant, title="Learn SQL")


def test_step_add_refuses_an_empty_title(owner):
    goal = goal_create(owner=owner, title="Learn SQL")
    with pytest.raises(DomainError):
        goal_step_add(goal=goal, title="  ")
    assert not GoalStep.objects.exists()


def test_step_toggle_marks_done_then_not_done(owner):
    step = GoalStepFactory(goal=goal_create(owner=owner, title="Learn SQL"))
    goal_step_toggle(step=step)
    step.refresh_from_db()
    assert step.is_done
    goal_step_toggle(step=step)
    step.refresh_from_db()
    assert not step.is_done


def test_step_delete_removes_only_that_step(owner):
    goal = goal_create(owner=owner, title="Learn SQL")
    keep, drop = GoalStepFactory.create_batch(2, goal=goal)
    goal_step_delete(step=drop)
    assert list(goal.steps.all()) == [keep]


def test_update_to_achieved_sets_progress_to_100(owner, mentee):
    goal = goal_create(owner=owner, title="Learn SQL")
    goal_progress_add(goal=goal, author=mentee, note="Halfway", progress=40)
    goal_update(goal=goal, status=Goal.Status.ACHIEVED)
    goal.refresh_from_db()
    assert goal.progress == 100
