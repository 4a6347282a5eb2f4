"""The web interface as an application of its own, mounted by the API's app factory at ``/ui``.

Pages are server-rendered Jinja2 templates with a little plain JavaScript (``static/app.js``);
every asset is served from ``/ui/static``. Each page is built by one function that returns its
view data: the HTML page renders it, and the same path with ``.json`` returns it as JSON (its
JSON twin). The services are those of the JSON API, so a page and the API answer alike.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearance.api.errors import JsonResponse
from clearance.api.jobs import JobManager
from clearance.api.monitoring import MonitorApi
from clearance.api.services import ApiServices
from clearance.errors import AuthError, ClearanceError
from clearance.settings import Settings
from clearance.store.users import Session, SessionPolicy, UserStore
from clearance.web.auth import PAGE_ROLES, SESSION_COOKIE, SignInRequired, SignInThrottle

Updater = Callable[[str], Mapping[str, Any]]

#: sent with every page: nothing may be loaded from another site, no inline script runs
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


@dataclass
class WebContext:
    """What the pages call: the API's services, jobs and monitoring state, the users, the
    sign-in throttle."""

    settings: Settings
    services: ApiServices
    jobs: JobManager
    users: UserStore
    updater: Updater
    policy: SessionPolicy
    monitoring: MonitorApi
    throttle: SignInThrottle = field(default_factory=SignInThrottle)
    templates: Environment = field(
        default_factory=lambda: Environment(
            loader=PackageLoader("clearance.web", "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )

    def close(self) -> None:
        self.users.close()


@dataclass
class Page:
    """A page's answer: its view data (the JSON twin) and how to render it."""

    template: str
    view: dict[str, Any]
    title: str
    section: str = ""
    status: int = 200


def context_of(request: Request) -> WebContext:
    value: WebContext = request.app.state.web
    return value


def base_path(request: Request) -> str:
    """The path the interface is mounted at (``/ui``, behind any proxy prefix)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def signed_in(request: Request) -> Session:
    """A dependency: the live session of the request's cookie, or SignInRequired."""
    web = context_of(request)
    try:
        session = web.users.session(request.cookies.get(SESSION_COOKIE), web.policy)
    except AuthError as exc:
        raise SignInRequired(exc.message) from None
    request.state.session = session
    return session


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def render(request: Request, page: Page) -> Response:
    """The page as HTML (or its view data as JSON on a ``.json`` path)."""
    if wants_json(request):
        return JsonResponse(page.view, status_code=page.status, headers=NO_STORE)
    session: Session | None = getattr(request.state, "session", None)
    template = context_of(request).templates.get_template(page.template)
    html = template.render(
        view=page.view,
        title=page.title,
        section=page.section,
        base=base_path(request),
        session=session,
        user=session.user if session else None,
        can=(lambda part: session is not None and session.user.allows(PAGE_ROLES[part])),
        quote=quote,
    )
    return HTMLResponse(html, status_code=page.status, headers=NO_STORE)


NO_STORE = {"cache-control": "no-store"}


def twin(router: APIRouter, path: str, name: str) -> Callable[..., Any]:
    """Register a page handler (returning a :class:`Page`) at ``path`` as HTML and at
    ``path.json`` as its JSON twin."""

    def decorate(handler: Callable[..., Page]) -> Callable[..., Page]:
        @functools.wraps(handler)
        def endpoint(**kwargs: Any) -> Response:
            return render(kwargs["request"], handler(**kwargs))

        # the twin first: a path parameter that takes slashes would also match ``x.json``
        router.add_api_route(f"{path}.json", endpoint, methods=["GET"], name=f"{name}_json")
        router.add_api_route(path, endpoint, methods=["GET"], name=name)
        return handler

    return decorate


def _error_page(request: Request, status: int, code: str, message: str) -> Response:
    if wants_json(request):
        return JsonResponse({"error": {"code": code, "message": message}}, status_code=status)
    titles = {401: "Sign in", 403: "Not allowed", 404: "Not found", 429: "Too many requests"}
    page = Page(
        "error.html",
        {"status": status, "code": code, "message": message},
        titles.get(status, "Something went wrong"),
        status=status,
    )
    return render(request, page)


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    base = base_path(request)
    response = RedirectResponse(f"{base}/sign-in?next={quote(target, safe='')}", 303)
    return response


async def _clearance_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ClearanceError)
    if isinstance(exc, SignInRequired):
        if wants_json(request):
            return _error_page(request, 401, "unauthorized", exc.message)
        return sign_in_redirect(request)
    return _error_page(request, exc.http_status, exc.code, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "Request failed."
    if exc.status_code == 404:
        message = f"There is no page at {request.url.path}."
    return _error_page(request, exc.status_code, "error", message)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = [
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'value'}: {e.get('msg', 'invalid')}"
        for e in exc.errors()[:5]
    ]
    return _error_page(request, 400, "bad_input", "Invalid request: " + "; ".join(parts))


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response of the interface (but a header the
    response sets itself, as the evidence page sets its policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                own = {name.lower() for name, _ in headers}  # a page's own policy stays
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in own]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_web_app(context: WebContext, routers: list[APIRouter]) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.web = context
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("clearance.web", "static")]), name="static")
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ClearanceError: _clearance_error,
        HTTPException: _http_error,
        RequestValidationError: _invalid,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
    app.add_middleware(SecurityHeaders)
    return app
