from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from mentorship import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("goals/", include("goals.urls")),
    path("", include("matching.urls")),
    path("", include("meetings.urls")),
    path("", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/notifications/", RedirectView.as_view(pattern_name="notifications:preferences")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Twoway administration"
admin.site.site_title = "Twoway"
