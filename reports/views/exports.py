"""CSV exports for program admins: a page listing them, and one streamed download each."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_admin
from reports.exports import EXPORTS, csv_lines


@require_safe
def exports_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    return render(
        request, "reports/exports.html", {"program": program, "exports": EXPORTS.values()}
    )


def _in_language(lines: Iterator[str], language: str) -> Iterator[str]:
    """The lines, each written in ``language``: a streamed response is written after the view
    returned, when the request's language may no longer be the active one."""
    with translation.override(language):
        yield from lines


@never_cache
@require_safe
def export_download(request: AuthedHttpRequest, slug: str, name: str) -> StreamingHttpResponse:
    program = get_program_for_admin(request.user, slug)
    export = EXPORTS[name]
    # The zone and the language are read now: the rows are written after the view (and its
    # middleware) returned.
    tz = timezone.get_current_timezone()
    language = translation.get_language()
    table = export.build(program=program, tz=tz)
    filename = f"{program.slug}-{export.name}-{timezone.localdate(timezone=tz).isoformat()}.csv"
    return StreamingHttpResponse(
        _in_language(csv_lines(header=table.header, rows=table.rows), language),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


urlpatterns: list[URLPattern] = [
    path("programs/<slug:slug>/exports/", exports_page, name="exports"),
    *(
        path(
            f"programs/<slug:slug>/exports/{export.name}.csv",
            export_download,
            {"name": export.name},
            name=export.url_name,
        )
        for export in EXPORTS.values()
    ),
]
