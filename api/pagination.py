"""Cursor pagination in a stable order (by id), as incremental readers need: a page never
repeats or skips a row because rows were added meanwhile."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
