"""The mentor directory page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from matching.access import get_directory_viewer
from matching.directory.forms import DirectoryFilterForm
from matching.directory.selectors import (
    directory_filter_lists,
    directory_topic_list,
    mentor_directory,
)
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_user

PAGE_SIZE = 20


def directory(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The program's mentors, ranked for the viewing mentee, with filters and search."""
    program = get_program_for_user(request.user, slug)
    viewer = get_directory_viewer(program=program, user=request.user)
    topics = directory_topic_list(program=program)
    departments, languages = directory_filter_lists(program=program)
    form = DirectoryFilterForm(
        request.GET or None, topics=topics, departments=departments, languages=languages
    )
    found = mentor_directory(program=program, viewer=viewer, filters=form.filters(), topics=topics)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/directory.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "found": found,
            "query_string": form.query_string(),
            "filtered": bool(form.query_string()),
            "viewer": viewer,
        },
    )
