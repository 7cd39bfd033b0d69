"""Matching rounds for program admins: create, run, adjust (swap, pin, block), publish; and a
stable round's ballot for its mentees and the program's mentors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from matching.access import get_round_ballot_for_user, get_round_for_admin
from matching.forms import (
    MenteeChoicesForm,
    MentorRankingForm,
    RoundCreateForm,
    RoundSettingsForm,
    SwapForm,
)
from matching.models import MatchingRound
from matching.rounds.scoring import RoundFacts, clean_weights, swap_candidates
from matching.rounds.selectors import (
    SHOW,
    SORTS,
    chosen_by,
    current_proposals,
    latest_run,
    preferences_of,
    proposal_of_run,
    publish_preview,
    round_answers,
    round_blocks,
    round_facts,
    round_pins,
    rounds_of,
    run_overview,
    unmatched_mentees,
)
from matching.rounds.services import (
    MAX_CHOICES,
    mentee_preferences_save,
    mentor_preferences_save,
    proposal_block,
    proposal_pin,
    proposal_swap,
    round_create,
    round_discard,
    round_publish,
    round_run,
    round_settings_save,
)
from matching.score import PARTS
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest, run_action, run_form
from programs.access import get_program_for_admin, get_program_for_user
from programs.models import Program, Role


def _round_url(matching_round: MatchingRound) -> str:
    return reverse(
        "matching:round", kwargs={"slug": matching_round.program.slug, "pk": matching_round.pk}
    )


def _facts(program: Program, matching_round: MatchingRound) -> RoundFacts:
    return round_facts(
        program=program, mentee_ids=matching_round.mentees.values_list("pk", flat=True)
    )


def round_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The program's rounds, and a form to start one for the mentees without a mentor."""
    program = get_program_for_admin(request.user, slug)
    waiting = unmatched_mentees(program)
    form = RoundCreateForm(
        request.POST or None,
        mentees=waiting,
        initial={
            "objective": MatchingRound.Objective.TOTAL,
            "min_score": 1.0,
            "mentees": list(waiting.values_list("pk", flat=True)),
        },
    )
    if response := run_form(
        request,
        form,
        lambda data: round_create(
            program=program,
            actor=request.user,
            name=data["name"],
            mentee_ids=[p.pk for p in data["mentees"]],
            weights=form.weights(),
            min_score=data["min_score"],
            objective=data["objective"],
            method=data["method"],
        ),
        done=lambda matching_round: (
            (
                gettext(
                    "Round “%(name)s” created: mentees and mentors are asked for their preferences; "
                    "run it when they have given them."
                )
                if matching_round.method == MatchingRound.Method.STABLE
                else gettext("Round “%(name)s” created: run it when ready.")
            )
            % {"name": matching_round.name}
        ),
        then=_round_url,
    ):
        return response
    # Hundreds of checkboxes: written out plainly (a form renderer per box is slow).
    chosen = {str(pk) for pk in (form["mentees"].value() or [])}
    choices = [(p.pk, p.user.get_full_name() or p.user.email, str(p.pk) in chosen) for p in waiting]
    rounds = rounds_of(program).annotate(
        mentee_count=Count("mentees", distinct=True), run_count=Count("runs", distinct=True)
    )
    return render(
        request,
        "matching/rounds/list.html",
        {
            "program": program,
            "section": "Matching",
            "rounds": rounds,
            "form": form,
            "allowed": Program.MatchingMode(program.matching_mode).admins_match,
            "choices": choices,
        },
    )


def round_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The round: its parameters, the latest run's proposals (sorted, filtered), the unmatched
    with reasons, every run for comparison, and publish or discard."""
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    run = latest_run(matching_round)
    sort = request.GET.get("sort", "mentee")
    show = request.GET.get("show", "all")
    query = request.GET.get("q", "").strip()[:80]
    pins = round_pins(matching_round)
    context: dict[str, Any] = {
        "program": program,
        "section": "Matching",
        "round": matching_round,
        "run": run,
        "runs": list(matching_round.runs.order_by("-number")),
        "settings_form": RoundSettingsForm(initial=RoundSettingsForm.initial_from(matching_round)),
        "sort": sort if sort in SORTS else "mentee",
        "show": show if show in SHOW else "all",
        "shows": SHOW,
        "q": query,
        "parts": PARTS,
        "mentee_count": matching_round.mentees.count(),
        "stable": matching_round.method == MatchingRound.Method.STABLE,
    }
    if context["stable"]:
        context.update(round_answers(matching_round))
    if run is not None:
        context.update(
            run_overview(
                run,
                program=program,
                publishable=matching_round.status == MatchingRound.Status.PROPOSED,
                pins=pins,
                sort=context["sort"],
                show=context["show"],
                query=query,
            )
        )
    return render(request, "matching/rounds/detail.html", context)


@require_POST
def round_run_view(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Save the parameters from the form and run the engine."""
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    form = RoundSettingsForm(request.POST)
    back = _round_url(matching_round)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(error) for error in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(back)
    try:
        round_settings_save(
            matching_round=matching_round,
            actor=request.user,
            weights=form.weights(),
            min_score=form.cleaned_data["min_score"],
            objective=form.cleaned_data["objective"],
        )
        run = round_run(
            matching_round=matching_round,
            actor=request.user,
            facts=_facts(program, matching_round),
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        gettext(
            "Run %(number)s: %(matched)s matched, %(unmatched)s unmatched, total score %(total)s."
        )
        % {
            "number": run.number,
            "matched": run.matched,
            "unmatched": run.unmatched,
            "total": f"{run.total_score:g}",
        },
    )
    return redirect(back)


def proposal_swap_view(
    request: AuthedHttpRequest, slug: str, pk: int, proposal_id: int
) -> HttpResponse:
    """Every mentor for this mentee with the score the pair would have; choose one."""
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    run = latest_run(matching_round)
    proposal = proposal_of_run(run, proposal_id)
    if proposal is None:
        messages.error(request, gettext("That proposal is not in this round's latest run."))
        return redirect(_round_url(matching_round))
    facts = round_facts(program=program, mentee_ids=[proposal.mentee_id])
    blocked = round_blocks(matching_round)
    candidates = (
        swap_candidates(
            facts=facts,
            proposals=current_proposals(run) if run else [],
            mentee_id=proposal.mentee_id,
            weights=clean_weights(matching_round.weights),
            blocked=blocked,
        )
        if proposal.mentee_id in facts.mentees
        else []
    )
    form = SwapForm(request.POST or None, candidates=candidates)
    if response := run_form(
        request,
        form,
        lambda data: proposal_swap(
            matching_round=matching_round,
            proposal_id=proposal.pk,
            mentor_id=data["mentor"],
            actor=request.user,
            facts=facts,
        ),
        done=lambda moved: (
            gettext(
                "Moved %(mentee)s to %(mentor)s (score %(score)s); the pair is pinned for the "
                "next run."
            )
            % {
                "mentee": facts.names[moved.mentee_id],
                "mentor": facts.names[form.cleaned_data["mentor"]],
                "score": f"{moved.score:g}",
            }
        ),
        then=lambda moved: _round_url(matching_round),
    ):
        return response
    return render(
        request,
        "matching/rounds/swap.html",
        {
            "program": program,
            "section": "Matching",
            "round": matching_round,
            "proposal": proposal,
            "candidates": candidates,
            "form": form,
            "chosen": form["mentor"].value(),
        },
    )


@require_POST
def proposal_rule_view(
    request: AuthedHttpRequest, slug: str, pk: int, proposal_id: int, what: str
) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    actions = {
        "pin": (
            lambda: proposal_pin(
                matching_round=matching_round, proposal_id=proposal_id, actor=request.user
            ),
            gettext("Pinned: the next run keeps this pair."),
        ),
        "unpin": (
            lambda: proposal_pin(
                matching_round=matching_round,
                proposal_id=proposal_id,
                actor=request.user,
                pin=False,
            ),
            gettext("Unpinned."),
        ),
        "block": (
            lambda: proposal_block(
                matching_round=matching_round, proposal_id=proposal_id, actor=request.user
            ),
            gettext(
                "Blocked: these two are never paired in this round. Run again to find another "
                "mentor."
            ),
        ),
    }
    action, done = actions[what]
    response, _ = run_action(request, action, done=done, back=_round_url(matching_round))
    return response


@require_http_methods(["GET", "POST"])
def round_publish_view(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what publishing will do, and to how many people, with a button to do it. POST:
    publish, and say what really happened."""
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    if request.method == "GET":
        run = latest_run(matching_round)
        if matching_round.status != MatchingRound.Status.PROPOSED or run is None:
            return redirect(_round_url(matching_round))
        return render(
            request,
            "matching/rounds/publish.html",
            {"program": program, "section": "Matching", "round": matching_round}
            | publish_preview(run, program),
        )
    try:
        report = round_publish(matching_round=matching_round, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_round_url(matching_round))
    started = len(report.created)
    messages.success(
        request,
        ngettext(
            "Published: %(count)s mentorship started, and both people in it were told why they "
            "were matched.",
            "Published: %(count)s mentorships started, and both people in each were told why "
            "they were matched.",
            started,
        )
        % {"count": started},
    )
    for proposal, reason in report.refused:
        messages.warning(
            request,
            gettext("Not started: %(name)s – %(reason)s")
            % {"name": proposal.mentee.user.get_full_name(), "reason": reason},
        )
    return redirect(_round_url(matching_round))


@require_POST
def round_discard_view(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    matching_round = get_round_for_admin(program, pk)
    response, _ = run_action(
        request,
        lambda: round_discard(matching_round=matching_round, actor=request.user),
        done=gettext("Discarded: nothing from this round happens."),
        back=_round_url(matching_round),
    )
    return response


def round_preferences(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A stable round's ballot: a mentee chooses up to five mentors in order; a mentor puts
    the mentees who chose them in order. Anyone else gets 404."""
    program = get_program_for_user(request.user, slug)
    matching_round, person = get_round_ballot_for_user(program, pk, request.user)
    open_for_answers = matching_round.status == MatchingRound.Status.DRAFT
    context: dict[str, Any] = {
        "program": program,
        "round": matching_round,
        "open": open_for_answers,
        "person": person,
        "as_mentee": person.role == Role.MENTEE,
    }
    form: MenteeChoicesForm | MentorRankingForm
    if person.role == Role.MENTEE:
        facts = round_facts(program=program, mentee_ids=[person.pk])
        candidates = (
            swap_candidates(
                facts=facts,
                proposals=[],
                mentee_id=person.pk,
                weights=clean_weights(matching_round.weights),
                blocked=frozenset(),
            )
            if person.pk in facts.mentees
            else []
        )
        current = preferences_of(matching_round, person)
        initial = {f"choice_{n}": str(pk) for n, pk in enumerate(current, start=1)}
        form = MenteeChoicesForm(
            request.POST or None, initial=initial, candidates=candidates, count=MAX_CHOICES
        )
        context["candidates"] = [c for c in candidates if not c.refused]
    else:
        mentees = list(chosen_by(matching_round, person))
        current = preferences_of(matching_round, person)
        answered = matching_round.mentors_ranked.filter(pk=person.pk).exists()
        if answered:
            initial = {
                f"place_{m.pk}": str(current.index(m.pk) + 1) if m.pk in current else ""
                for m in mentees
            }
        else:  # nothing given yet: offer 1, 2, 3… in the order shown
            initial = {f"place_{m.pk}": str(n) for n, m in enumerate(mentees, start=1)}
        form = MentorRankingForm(request.POST or None, initial=initial, mentees=mentees)
        context["answered"] = answered
    if request.method == "POST" and open_for_answers and form.is_valid():
        try:
            if isinstance(form, MenteeChoicesForm):
                mentee_preferences_save(
                    matching_round=matching_round, mentee=person, mentor_ids=form.mentor_ids()
                )
            else:
                mentor_preferences_save(
                    matching_round=matching_round, mentor=person, mentee_ids=form.mentee_ids()
                )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.success(
                request,
                gettext("Your preferences are saved. You can change them until the round runs."),
            )
            return redirect(request.path)
    context["form"] = form
    return render(request, "matching/rounds/preferences.html", context)
