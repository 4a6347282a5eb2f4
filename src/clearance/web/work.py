"""Pages of daily work: Screen a file (the API's jobs), and the users (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import FileResponse, RedirectResponse, Response

from clearance.api.jobs import JobSpec, format_for
from clearance.errors import InputError
from clearance.queries import Columns
from clearance.store.users import USER_ROLES, Session
from clearance.web import files
from clearance.web.app import Page, base_path, context_of, signed_in, twin
from clearance.web.auth import csrf_form, require_page

router = APIRouter()
SignedIn = Annotated[Session, Depends(signed_in)]


def _owner(session: Session) -> str | None:
    """Jobs are visible to the user who submitted them, and to admins (as in the API)."""
    return None if session.user.allows("admin") else session.user.id


# -- screen a file ------------------------------------------------------------------------


@twin(router, "/jobs", "jobs")
def jobs_form(request: Request, session: SignedIn) -> Page:
    """The upload form."""
    require_page(session, "jobs")
    services = context_of(request).services
    sources = [{"id": s["source"], "title": s["title"] or s["source"]} for s in services.sources()]
    view = {"formats": list(files.UPLOADS), "sources": sources}
    return Page("jobs.html", view, "Screen a file", "jobs")


def _text(form: Any, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _threshold(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"The threshold {text!r} is not a number between 0 and 1.") from None
    if not 0.0 <= value <= 1.0:
        raise InputError(f"The threshold {text!r} is not a number between 0 and 1.")
    return value


async def _submit(request: Request, session: Session, form: FormData) -> dict[str, Any]:
    require_page(session, "jobs")
    web = context_of(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InputError("Choose a file to screen.")
    fmt = format_for(upload.filename, upload.content_type, None)
    sources = tuple(v for v in form.getlist("source") if isinstance(v, str) and v)[:50]
    if sources:
        web.services.state.scope("default", sources)  # unknown lists are refused now
    name_column = _text(form, "name_column")
    columns = Columns(name=(name_column,)) if name_column else Columns()
    user = session.user
    spec = JobSpec(
        "", user.id, f"user:{user.name}", None, _threshold(_text(form, "threshold")), 5,
        sources, columns,
    )  # fmt: skip
    status: dict[str, Any] = await run_in_threadpool(web.jobs.submit, upload.file, fmt, spec)
    return status


@router.post("/jobs", name="jobs_submit")
async def jobs_submit(request: Request, session: SignedIn) -> Response:
    """Upload a file (CSV, XLSX, JSON lines, Parquet) and screen it as a job of the API."""
    form = await csrf_form(request)
    try:
        status = await _submit(request, session, form)
    finally:
        await form.close()
    return RedirectResponse(f"{base_path(request)}/jobs/{status['id']}", 303)


@twin(router, "/jobs/{job_id}", "job")
def job(
    request: Request,
    session: SignedIn,
    job_id: str,
    show: Annotated[str, Query(pattern="^(matches|all|errors)$")] = "matches",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    """A job's progress, then its results a page at a time, with the downloads."""
    require_page(session, "jobs")
    manager = context_of(request).jobs
    status = manager.status(job_id, _owner(session))
    folder = manager.home / job_id
    source = folder / f"input.{status['format']}"
    expected = None
    if source.exists():
        expected = files.expected_rows(source, status["format"], source.stat().st_size)
    view: dict[str, Any] = {
        "id": job_id,
        "state": status["state"],
        "created_at": status["created_at"],
        "finished_at": status["finished_at"],
        "rows_done": status["rows_done"],
        "rows_total": status["rows_total"] if status["rows_total"] is not None else expected,
        "rows_matched": status["rows_matched"],
        "rows_failed": status["rows_failed"],
        "rows_warned": status["rows_warned"],
        "error": status["error"],
        "show": show,
        "offset": offset,
        "rows": None,
        "more": False,
    }
    if status["state"] == "done":
        page = files.result_page(manager.result_path(job_id, _owner(session)), show, offset)
        view["rows"], view["more"] = page.rows, page.more
    return Page("job.html", view, f"Screening job {job_id}", "jobs")


@router.get("/jobs/{job_id}/download", name="job_download")
async def job_download(
    request: Request,
    session: SignedIn,
    job_id: str,
    format: Annotated[str, Query(pattern="^(csv|xlsx|jsonl)$")] = "csv",
) -> Response:
    require_page(session, "jobs")
    manager = context_of(request).jobs
    result = manager.result_path(job_id, _owner(session))
    path = await run_in_threadpool(files.download, result, format)
    return FileResponse(
        path, media_type=files.DOWNLOADS[format], filename=f"{job_id}-results.{format}"
    )


# -- users (admin) --------------------------------------------------------------------------


@twin(router, "/admin/users", "users")
def users(request: Request, session: SignedIn) -> Page:
    require_page(session, "users")
    found = context_of(request).users.list()
    view = {"users": [u.to_dict() for u in found], "roles": list(USER_ROLES)}
    return Page("users.html", view, "Users", "users")


@router.post("/admin/users", name="users_create")
async def users_create(request: Request, session: SignedIn) -> Response:
    form = await csrf_form(request)
    require_page(session, "users")
    store = context_of(request).users
    password = form.get("password")
    await run_in_threadpool(
        store.create,
        _text(form, "name", 100),
        _text(form, "role", 20),
        password if isinstance(password, str) else "",
        f"user:{session.user.name}",
    )
    return RedirectResponse(f"{base_path(request)}/admin/users", 303)


@router.post("/admin/users/{name}", name="users_change")
async def users_change(request: Request, session: SignedIn, name: str) -> Response:
    """Change a user's role, or disable or enable them (never one's own account)."""
    form = await csrf_form(request)
    require_page(session, "users")
    store = context_of(request).users
    target = store.get(name)
    if target.id == session.user.id:
        raise InputError("You cannot change your own account here; ask another admin.")
    action = _text(form, "action", 20)
    actor = f"user:{session.user.name}"
    if action == "disable":
        store.disable(target.id, actor)
    elif action == "enable":
        store.enable(target.id, actor)
    elif action == "role":
        store.set_role(target.id, _text(form, "role", 20), actor)
    else:
        raise InputError(f"Unknown action {action!r}: use disable, enable or role.")
    return RedirectResponse(f"{base_path(request)}/admin/users", 303)
