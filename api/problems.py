"""Errors as RFC 9457 problem details (``application/problem+json``): a type, a title, the
status, what went wrong, and for bad input the fields it concerns."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM = "application/problem+json"


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's own handling (logged, a 500)
    status = response.status_code
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "Some parameters are not valid."
        body["errors"] = response.data if isinstance(response.data, dict) else {"": response.data}
    elif isinstance(response.data, dict) and "detail" not in response.data:
        body["detail"] = "Refused."
        body["errors"] = response.data  # a refusal by field (api.views.Refused)
    elif isinstance(response.data, dict) and "detail" in response.data:
        body["detail"] = str(response.data["detail"])
    response.data = body
    response.content_type = PROBLEM
    return response
