"""What several matching tests do: read the mentor directory, and fill in the profile page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.test import Client
from django.urls import reverse

from programs.models import Program, Topic


def directory_url(program: Program, **params: object) -> str:
    url = reverse("matching:directory", args=[program.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def directory_names(client: Client, url: str) -> list[str]:
    """The mentors' names on the directory page at ``url``, in the order listed."""
    response = client.get(url)
    assert response.status_code == 200
    return [entry.name for entry in response.context["page"].object_list]


def profile_form_data(
    windows: Sequence[tuple[str, str, str]] = (("0", "09:00", "11:00"),),
    topics: Iterable[Topic] = (),
    section: str = "",
    **overrides: object,
) -> dict:
    """Every field of a mentor's profile page (details, offer, limits, availability and
    windows), posted as its ``section`` (the page saves one section at a time)."""
    data: dict[str, object] = {
        "section": section,
        "details-department": "Research",
        "details-job_title": "Staff engineer",
        "mentor-headline": "Ask me about databases",
        "mentor-bio": "Twenty years of SQL.",
        "mentor-seniority": "senior",
        "mentor-years_experience": "20",
        "mentor-topics": [str(t.pk) for t in topics],
        "mentor-help_offered": ["coach", "connector"],
        "mentor-advisor_roles": ["technical"],
        "mentor-cannot_help_with": "Salary negotiations",
        "mentor-capacity": "3",
        "mentor-accepting_requests": "on",
        "mentor-away_until": "",
        "mentor-formats": ["video", "coffee"],
        "mentor-preferred_frequency": "biweekly",
        "mentor-communication": "within_windows",
        "availability-time_zone": "America/New_York",
        "availability-minimum_notice_hours": "48",
        "availability-cancellation_notice_hours": "12",
        "windows-TOTAL_FORMS": str(len(windows)),
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "42",
    }
    for i, (weekday, start, end) in enumerate(windows):
        data[f"windows-{i}-weekday"] = weekday
        data[f"windows-{i}-start_time"] = start
        data[f"windows-{i}-end_time"] = end
    data.update(overrides)
    return data
