from __future__ import annotations

from django.urls import path, re_path

from identity import views

app_name = "identity"
urlpatterns = [
    path("scim/v2/", views.scim_endpoint, name="scim_root"),
    re_path(r"^scim/v2/(?P<path>.+)$", views.scim_endpoint, name="scim"),
    path("organizations/<slug:slug>/identity/", views.identity_page, name="page"),
]
