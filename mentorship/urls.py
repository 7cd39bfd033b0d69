from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from mentorship import views

# Django's admin has its own login form, which checks a password and opens a session by itself:
# no two-factor step, no rate limit. Send it to allauth's sign-in instead (allauth's documented
# way). Before urlpatterns: admin.site.urls reads admin.site.login when it is built.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico by themselves (on a page without its <link rel="icon">, a
    # download, an error page): the same icon, not a 404 in their console.
    path(
        "favicon.ico",
        views.favicon,
        name="favicon",
    ),
    # allauth's sign-up, with the invited name filled in (accounts/views.py).
    path("accounts/signup/", account_views.signup, name="account_signup"),
    # Single sign-on's own steps (identity/urls.py) come before allauth's, which they wrap.
    path("", include("identity.urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("programs/", include("programs.urls")),
    path("organizations/", include("programs.organization_urls")),
    path("goals/", include("goals.urls")),
    path("", include("matching.urls")),
    path("", include("meetings.urls")),
    path("", include("conversations.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("", include("privacy.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/notifications/", RedirectView.as_view(pattern_name="notifications:preferences")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Twoway administration"
admin.site.site_title = "Twoway"
