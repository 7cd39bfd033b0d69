from __future__ import annotations

from django.urls import path, re_path

from identity import views

app_name = "identity"
urlpatterns = [
    path("scim/v2/", views.scim_endpoint, name="scim_root"),
    re_path(r"^scim/v2/(?P<path>.+)$", views.scim_endpoint, name="scim"),
    path("organizations/<slug:slug>/identity/", views.identity_page, name="page"),
    path("accounts/sso/", views.sso_start, name="sso_start"),
    # Before allauth's own (mentorship/urls.py includes these first): see views.oidc_login.
    path("accounts/oidc/<str:provider_id>/login/", views.oidc_login, name="oidc_login"),
    path("accounts/saml/<str:organization_slug>/login/", views.saml_login, name="saml_login"),
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        views.saml_finish_acs,
        name="saml_finish_acs",
    ),
]
