"""The program admins' dashboard."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
