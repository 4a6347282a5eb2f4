"""One ASGI middleware around the app: request id, body size limit, time limit, access log.

- Request id: generated for every request, returned in ``X-Request-ID`` and written in the
  log and the audit trail; an ``X-Request-ID`` the client sent is kept beside it (returned in
  ``X-Client-Request-ID``).
- Content type: a body sent to a JSON endpoint must be JSON (415 ``unsupported_media_type``).
- Body size: a declared ``Content-Length`` over the limit is refused before reading; a body
  without one is read up to the limit. Over it: 413 ``too_large``.
- Time limit: when the app has not started its response after ``timeout(path)`` seconds, a
  504 ``timeout`` is sent and whatever the handler sends later is dropped. ``None`` means no
  limit (job uploads: a large file on a slow link must not be answered 504 and still queued).
- Anything the app raises that no handler mapped becomes 500 ``internal``: the traceback goes
  to the log, never into the response.
- One JSON log line per request: time, level, method, path, status, duration_ms, key, request id.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearance.api.errors import error_response

log = logging.getLogger("clearance.api")
access = logging.getLogger("clearance.api.access")

ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")
ContentLimit = Callable[[str], int]
TimeLimit = Callable[[str], float | None]
#: whether a path takes a JSON body (its requests must then say so)
JsonPaths = Callable[[str], bool]


def is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class RequestGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        body_limit: ContentLimit,
        timeout: TimeLimit,
        json_paths: JsonPaths = lambda path: False,
    ) -> None:
        self.app = app
        self.body_limit = body_limit
        self.timeout = timeout
        self.json_paths = json_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        # the server's own id; a client's X-Request-ID is kept beside it, never instead of it
        given = "".join(c for c in headers.get("x-request-id", "")[:64] if c in ID_CHARS)
        request_id = secrets.token_hex(8)
        state: dict[str, Any] = {"status": 500, "started": False, "closed": False}

        async def guarded_send(message: Message) -> None:
            if state["closed"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
                state["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
                if given:
                    message["headers"].append((b"x-client-request-id", given.encode()))
            await send(message)

        try:
            if not self._typed(scope, headers):
                state["status"] = 415
                message = "Send the body as JSON, with 'Content-Type: application/json'."
                response = error_response(415, "unsupported_media_type", message)
                await response(scope, receive, guarded_send)
                return
            body = await self._limited(scope, headers, receive, guarded_send)
            if body is not None:
                scope.setdefault("state", {})["request_id"] = request_id
                scope["state"]["client_request_id"] = given
                await self._run(scope, body, (guarded_send, send), state)
        finally:
            self._log(scope, state["status"], started, request_id, given)

    def _typed(self, scope: Scope, headers: dict[str, str]) -> bool:
        """False when a JSON endpoint is sent a body of another declared type."""
        if scope.get("method") not in ("POST", "PUT", "PATCH") or not self.json_paths(
            scope["path"]
        ):
            return True
        declared = headers.get("content-type")
        if declared is None:
            return True  # no body, or an undeclared one: validation answers
        return is_json(declared)

    async def _limited(
        self, scope: Scope, headers: dict[str, str], receive: Receive, send: Send
    ) -> Receive | None:
        """The receive channel if the body is within the limit, else None (413 sent)."""
        limit = self.body_limit(scope["path"])
        declared = headers.get("content-length")
        message = f"The request body is larger than {limit} bytes."
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await error_response(413, "too_large", message)(scope, receive, send)
                return None
            return receive
        if "transfer-encoding" not in headers:
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return receive
            size += len(msg.get("body", b""))
            if size > limit:
                await error_response(413, "too_large", message)(scope, receive, send)
                return None
            chunks.append(msg.get("body", b""))
            if not msg.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    async def _run(
        self, scope: Scope, receive: Receive, sends: tuple[Send, Send], state: dict[str, Any]
    ) -> None:
        """Run the app under the time limit; ``sends``: the guarded and the raw channel."""
        send, raw_send = sends
        limit = self.timeout(scope["path"])
        if limit is None:
            await self._call(scope, receive, send)
            return
        task = asyncio.ensure_future(self._call(scope, receive, send))
        done, _ = await asyncio.wait({task}, timeout=limit)
        if task in done:
            task.result()
            return
        if state["started"]:  # a response is streaming: let it finish
            await task
            return
        # Sync handlers run in threads that cannot be interrupted: answer now and drop
        # whatever the handler sends when it finishes.
        state["closed"] = True
        state["status"] = 504
        await send_timeout(scope, receive, raw_send, limit)

    async def _call(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception:
            log.exception("unhandled error", extra={"request_id": scope["state"].get("request_id")})
            await error_response(500, "internal", "Internal server error.")(scope, receive, send)

    def _log(
        self, scope: Scope, status: int, started: float, request_id: str, client_id: str
    ) -> None:
        key = scope.get("state", {}).get("api_key")
        access.info(
            "request",
            extra={
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "key": getattr(key, "name", None),
                "key_id": getattr(key, "id", None),
                "request_id": request_id,
                "client_request_id": client_id or None,
            },
        )


async def send_timeout(scope: Scope, receive: Receive, send: Send, seconds: float) -> None:
    state = scope.get("state", {})
    headers = {"x-request-id": str(state.get("request_id", ""))}
    if state.get("client_request_id"):
        headers["x-client-request-id"] = str(state["client_request_id"])
    await error_response(
        504, "timeout", f"The request took longer than {seconds:g} s and was abandoned.", headers
    )(scope, receive, send)
