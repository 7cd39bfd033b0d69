"""The program admins' dashboard: funnel, relationship health with a nudge, activity charts,
mentor load and time to match. Program admins only; everything else gets 403 or 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.models import Mentorship
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_admin
from reports.charts import line_chart
from reports.dashboard import (
    AT_RISK,
    HEALTH_LABELS,
    HEALTHY,
    STALLED,
    Figures,
    cohort_totals,
    health_of,
    health_rules,
    health_table,
    mentor_load,
    nudge_pair,
)
from reports.figures import figures_of

HEALTH_PAGE = 20
MENTOR_PAGE = 25


def _charts(figures: Figures) -> list[dict[str, Any]]:
    """The activity series, each as an SVG chart and the rows of its table."""
    charts = []
    for number, series in enumerate(figures.activity):
        chart_id = f"chart-{number}"
        top = 5.0 if series.unit == "of 5" else None
        charts.append(
            {
                "series": series,
                "id": chart_id,
                "svg": line_chart(series, chart_id=chart_id, top=top),
                "rows": [
                    (label, [line[i] for line in series.lines.values()])
                    for i, label in enumerate(series.labels)
                ],
            }
        )
    return charts


def dashboard(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    health = request.GET.get("health", "")
    if health not in (AT_RISK, STALLED):
        health = ""
    figures = figures_of(program)
    table = Paginator(
        health_table(
            program=program,
            health=health or None,
            now=figures.computed_at,
            flagged=figures.flagged,
        ),
        HEALTH_PAGE,
    ).get_page(request.GET.get("page"))
    load = Paginator(mentor_load(program=program), MENTOR_PAGE).get_page(request.GET.get("mentors"))
    context: dict[str, Any] = {
        "program": program,
        "section": "Dashboard",
        "figures": figures,
        "figures_seconds": settings.DASHBOARD_FIGURES_SECONDS,
        "funnel": figures.funnel,
        "counts": figures.counts,
        "labels": HEALTH_LABELS,
        "HEALTHY": HEALTHY,
        "AT_RISK": AT_RISK,
        "STALLED": STALLED,
        "rules": health_rules(program),
        "health": health,
        "table": table,
        "rows": [(row, health_of(row)) for row in table],
        "charts": _charts(figures),
        "load": load,
        "load_rows": [_load_row(mentor) for mentor in load],
        "median_days": figures.median_days,
        "comments": figures.comments,
    }
    return render(request, "reports/dashboard.html", context)


def _days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def _load_row(mentor: Any) -> tuple[Any, float | None, int]:
    """A mentor, their average days to answer, and the whole number that picks the words' plural
    form ("1 day", "1.5 days"): only exactly one is singular."""
    days = _days(getattr(mentor, "response", None))
    return mentor, days, 1 if days == 1 else 2


@require_POST
def nudge(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Nudge both people of one quiet pair (once a week at most)."""
    program = get_program_for_admin(request.user, slug)
    mentorship = (
        Mentorship.objects.filter(program=program, pk=pk, status=Mentorship.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .first()
    )
    if mentorship is None:
        raise Http404("No such active mentorship in this program.")
    names = {
        "mentor": mentorship.mentor.user.get_full_name(),
        "mentee": mentorship.mentee.user.get_full_name(),
    }
    if nudge_pair(program=program, mentorship=mentorship):
        messages.success(
            request,
            _("Nudged %(mentor)s and %(mentee)s: they hear from you once this week.") % names,
        )
    else:
        messages.info(
            request,
            _("%(mentor)s and %(mentee)s were nudged this week already; try again next week.")
            % names,
        )
    # Back to the same filter and page: only a query string, never another address.
    back = request.POST.get("back", "")
    query = back if back.startswith("?") and "//" not in back else ""
    return redirect(reverse("reports:dashboard", kwargs={"slug": program.slug}) + query)


def summary(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The end-of-cohort summary: the main figures and charts, laid out for printing."""
    program = get_program_for_admin(request.user, slug)
    figures = figures_of(program)
    context = {
        "program": program,
        "section": "Summary",
        "today": timezone.localdate(),
        "figures": figures,
        "totals": cohort_totals(program=program),
        "funnel": figures.funnel,
        "counts": figures.counts,
        "median_days": figures.median_days,
        "charts": _charts(figures),
    }
    return render(request, "reports/summary.html", context)


urlpatterns = [
    path("programs/<slug:slug>/dashboard/", dashboard, name="dashboard"),
    path("programs/<slug:slug>/dashboard/nudge/<int:pk>/", nudge, name="nudge"),
    path("programs/<slug:slug>/summary/", summary, name="summary"),
]
