"""Signing in and out, and the front door (``/ui/`` leads to Search, or to sign-in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from clearance.errors import AuthError, LimitError
from clearance.store.users import MAX_NAME, Session
from clearance.web.app import Page, base_path, context_of, render, signed_in
from clearance.web.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    CsrfError,
    check_token,
    csrf_form,
    new_signin_token,
    read_form,
    safe_next,
    same_origin,
)

router = APIRouter()
#: the sign-in form's token lives this long (seconds)
SIGNIN_TOKEN_AGE = 3600


def cookie_path(request: Request) -> str:
    return base_path(request) or "/"


def set_cookie(response: Response, request: Request, name: str, value: str, age: int) -> None:
    """A cookie of the interface: sent back only to its pages, never readable by scripts, and
    only over HTTPS when the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=age,
        path=cookie_path(request),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


@router.get("/", name="home")
def home(request: Request) -> Response:
    base = base_path(request)
    web = context_of(request)
    try:
        web.users.session(request.cookies.get(SESSION_COOKIE), web.policy)
    except AuthError:
        return RedirectResponse(f"{base}/sign-in", 303)
    return RedirectResponse(f"{base}/search", 303)


def _sign_in_page(
    request: Request, target: str, message: str = "", name: str = "", status: int = 200
) -> Response:
    token = new_signin_token()
    view = {"next": target, "error": message, "name": name, "csrf": token}
    response = render(request, Page("signin.html", view, "Sign in", status=status))
    set_cookie(response, request, SIGNIN_COOKIE, token, SIGNIN_TOKEN_AGE)
    return response


@router.get("/sign-in", name="sign_in")
def sign_in_form(request: Request, next: Annotated[str, Query(max_length=2000)] = "") -> Response:
    """The sign-in form: a name field, a password field; Enter submits."""
    web = context_of(request)
    target = safe_next(next, base_path(request))
    try:
        web.users.session(request.cookies.get(SESSION_COOKIE), web.policy)
    except AuthError:
        return _sign_in_page(request, target)
    return RedirectResponse(target, 303)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await read_form(request)
    if not same_origin(request):
        raise CsrfError("The form was sent from another site.")
    check_token(form.get(CSRF_FIELD), request.cookies.get(SIGNIN_COOKIE, ""))
    name = str(form.get("name") or "").strip()[: MAX_NAME + 1]
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""), base_path(request))
    web = context_of(request)
    try:
        web.throttle.check(name, _client(request))
    except LimitError as exc:
        return _sign_in_page(request, target, exc.message, name, 429)
    try:
        user = await run_in_threadpool(web.users.authenticate, name, password)
    except AuthError as exc:
        web.throttle.failed(name, _client(request))
        return _sign_in_page(request, target, exc.message, name, 401)
    web.throttle.succeeded(name)
    token, _session = web.users.open_session(user, web.policy)
    response = RedirectResponse(target, 303)
    set_cookie(response, request, SESSION_COOKIE, token, int(web.policy.lifetime.total_seconds()))
    response.delete_cookie(SIGNIN_COOKIE, path=cookie_path(request))
    return response


@router.post("/sign-out", name="sign_out")
async def sign_out(request: Request, session: Annotated[Session, Depends(signed_in)]) -> Response:
    await csrf_form(request)
    web = context_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        web.users.close_session(token)
    response = RedirectResponse(f"{base_path(request)}/sign-in", 303)
    response.delete_cookie(SESSION_COOKIE, path=cookie_path(request))
    return response
