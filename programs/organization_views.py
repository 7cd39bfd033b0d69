"""An organization's pages, for its organization admins: its programs, the lists all of them
share (topics), and the log of changes to those lists."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest
from programs import selectors, services
from programs.access import get_organization_for_admin, get_topic_for_organization_admin
from programs.forms import TopicForm

RECENT_CHANGES = 10


def organization_detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "admins": selectors.organization_admin_names(organization_id=organization.pk),
            "programs": selectors.organization_program_list(
                organization=organization, user=request.user
            ),
            "topics": selectors.topic_list_for_organization(organization_id=organization.pk),
            "recent": selectors.audit_list_for_organization(organization=organization)[
                :RECENT_CHANGES
            ],
        },
    )


def organization_topics(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """The organization's topic list, which mentors and goals of all its programs tag; its
    organization admins add, rename and remove topics here."""
    organization = get_organization_for_admin(request.user, slug)
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "create")
        try:
            if action == "create":
                if form.is_valid():
                    topic = services.topic_create(
                        organization=organization, actor=request.user, **form.cleaned_data
                    )
                    messages.success(
                        request, _("“%(name)s” is on the list.") % {"name": topic.name}
                    )
                    return redirect("organizations:topics", slug=organization.slug)
            else:
                raw = request.POST.get("topic", "")
                # Not a number in ASCII digits ("١٢" is digits to Python), or beyond any id:
                # no such topic (404), never a crash.
                topic_pk = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0
                topic = get_topic_for_organization_admin(organization, topic_pk)
                if action == "rename":
                    services.topic_rename(
                        organization=organization,
                        topic=topic,
                        actor=request.user,
                        name=request.POST.get("name", ""),
                    )
                    messages.success(request, _("Topic renamed."))
                else:
                    services.topic_delete(
                        organization=organization, topic=topic, actor=request.user
                    )
                    messages.success(
                        request, _("“%(name)s” is off the list.") % {"name": topic.name}
                    )
                return redirect("organizations:topics", slug=organization.slug)
        except DomainError as exc:
            if action == "create":
                form_add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("organizations:topics", slug=organization.slug)
    return render(
        request,
        "organizations/topics.html",
        {
            "organization": organization,
            "form": form,
            "topics": selectors.topic_list_for_organization(organization_id=organization.pk),
        },
    )


def organization_audit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Changes to what the organization's programs share; each program's log shows them too."""
    organization = get_organization_for_admin(request.user, slug)
    page = Paginator(selectors.audit_list_for_organization(organization=organization), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "organizations/audit.html", {"organization": organization, "page": page})
