"""Cursor pagination in a stable order (by id), as incremental readers need: a page never
repeats or skips a row because rows were added meanwhile."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> Any:
        """A page size that is not a whole number from 1 to 500 is refused, not ignored."""
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(given)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 500}
        return parameters
