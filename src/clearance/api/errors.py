"""The one place where failures become HTTP responses: ``{"error": {"code", "message"}}``.

clearance errors carry their own status and code (clearance/errors.py); request validation
gives 422 ``invalid_request``; unknown routes 404 ``not_found``; wrong methods 405
``method_not_allowed``; anything unexpected 500 ``internal`` (logged, never shown).
"""

from __future__ import annotations

import math
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from clearance.api.security import RateLimitedError
from clearance.errors import AuthError, ClearanceError

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "limit_exceeded",
    500: "internal",
    504: "timeout",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def for_clearance_error(exc: ClearanceError) -> Response:
    headers: dict[str, str] = {}
    if isinstance(exc, AuthError) and exc.http_status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="clearance"'
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    return error_response(exc.http_status, exc.code, exc.message, headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) if parts else "Invalid request."


async def _clearance(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClearanceError)
    return for_clearance_error(exc)


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "invalid_request", _validation_message(exc))


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404 and message == "Not Found":
        message = f"No such endpoint: {request.url.path}"
    headers: dict[str, Any] = dict(exc.headers or {})
    return error_response(exc.status_code, code, message, headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ClearanceError, _clearance)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)


class JsonResponse(JSONResponse):
    """JSON encoded with orjson. Handlers return it directly: the response models document
    the shapes (a JSONResponse, so the OpenAPI document gives each route its model), and the
    services build them, so nothing is validated twice."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
