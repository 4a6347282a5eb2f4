"""Operational routes: screening jobs, health checks, key management, source updates."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse

from clearance.api.errors import JsonResponse
from clearance.api.jobs import JobManager, JobSpec, submit_upload
from clearance.api.models import JobStatus, KeyCreate, KeyCreated, KeyInfo, StatusResponse
from clearance.api.routes import ERRORS, services
from clearance.api.security import require
from clearance.queries import Columns
from clearance.store.keys import ApiKey, KeyStore

router = APIRouter(default_response_class=JsonResponse, responses=ERRORS)
health = APIRouter(default_response_class=JsonResponse)

ScreenerKey = Annotated[ApiKey, Depends(require("screener"))]
AdminKey = Annotated[ApiKey, Depends(require("admin"))]

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "Rows with a `name` column/field (and optionally `schema`, `country`, "
        "`birth_date`, `id_number`, `aliases`, `gender`, `reference`): a CSV, JSON lines, XLSX "
        "or Parquet file, sent as the raw body or as the `file` field of a multipart form.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def jobs(request: Request) -> JobManager:
    value: JobManager = request.app.state.jobs
    return value


def _public(status: dict[str, Any], request: Request) -> dict[str, Any]:
    out = {k: status.get(k) for k in JobStatus.model_fields}
    if status["state"] == "done":
        out["result_url"] = str(request.url_for("job_result", job_id=status["id"]).path)
    return out


def _owner(key: ApiKey) -> str | None:
    """Jobs are visible to the key that submitted them, and to admins."""
    return None if key.role == "admin" else key.id


@router.post(
    "/jobs",
    tags=["Screening"],
    status_code=202,
    response_model=JobStatus,
    openapi_extra=UPLOAD_BODY,
)
async def submit_job(
    request: Request,
    key: ScreenerKey,
    format: Annotated[str | None, Query(pattern="^(csv|jsonl|xlsx|parquet)$")] = None,
    encoding: Annotated[str | None, Query(max_length=40)] = None,
    profile: Annotated[str | None, Query()] = None,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
    source: Annotated[list[str], Query(description="Only these lists")] = [],  # noqa: B006
    name_column: Annotated[str | None, Query(max_length=200)] = None,
    reference_column: Annotated[str | None, Query(max_length=200)] = None,
    as_of: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> Any:
    """Upload a file of rows (CSV, JSON lines, XLSX or Parquet) to screen in the background;
    poll `GET /jobs/{id}`. The file is read as `clearance screen` reads it: a text file must be
    UTF-8 (or carry a byte-order mark, or name its `encoding`), and it must have a name
    column. Each result line is what `clearance screen` writes for its row."""
    service = services(request)
    service.profile_for(profile)  # reject an unknown profile now, not in the job
    if source:
        service.state.scope("default", source)  # and unknown lists
    columns = Columns(
        name=(name_column,) if name_column else Columns().name,
        reference=(reference_column,) if reference_column else Columns().reference,
    )
    spec = JobSpec(
        "", key.id, key.name, profile, threshold, limit, tuple(source), columns, as_of or ""
    )
    manager = jobs(request)
    status = await submit_upload(
        request, format, lambda data, fmt: manager.submit(data, fmt, spec, encoding)
    )
    return JsonResponse(_public(status, request), status_code=202)


@router.get("/jobs/{job_id}", tags=["Screening"], response_model=JobStatus)
def job_status(request: Request, key: ScreenerKey, job_id: str) -> Any:
    """A job's state and progress; `result_url` once it is done."""
    return JsonResponse(_public(jobs(request).status(job_id, _owner(key)), request))


@router.get(
    "/jobs/{job_id}/result",
    tags=["Screening"],
    response_class=FileResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def job_result(request: Request, key: ScreenerKey, job_id: str) -> Any:
    """The result of a finished job: one JSON line per input row."""
    path = jobs(request).result_path(job_id, _owner(key))
    return FileResponse(path, media_type="application/x-ndjson", filename=f"{job_id}.jsonl")


@router.get("/keys", tags=["Admin"], response_model=list[KeyInfo])
def list_keys(request: Request, key: AdminKey) -> Any:
    """All API keys (never their secrets)."""
    store: KeyStore = request.app.state.keys
    return JsonResponse([k.to_dict() for k in store.list()])


@router.post("/keys", tags=["Admin"], status_code=201, response_model=KeyCreated)
def create_key(request: Request, key: AdminKey, body: KeyCreate) -> Any:
    """Create a key; the secret is in the response once and never again."""
    store: KeyStore = request.app.state.keys
    created, secret = store.create(body.name, body.role, actor=f"key:{key.name}")
    return JsonResponse({**created.to_dict(), "key": secret}, status_code=201)


@router.delete("/keys/{name_or_id}", tags=["Admin"], response_model=KeyInfo)
def revoke_key(request: Request, key: AdminKey, name_or_id: str) -> Any:
    """Revoke a key by id, or the active key with that name."""
    store: KeyStore = request.app.state.keys
    return JsonResponse(store.revoke(name_or_id, actor=f"key:{key.name}").to_dict())


@router.post("/sources/{source_id}/update", tags=["Admin"])
def update_source(request: Request, key: AdminKey, source_id: str) -> Any:
    """Download and import a new version of a source now (admin role), as `clearance update
    SOURCE` does; the answer says whether it was imported or unchanged. Screening switches to
    the new version once its index is ready."""
    outcome = dict(request.app.state.updater(source_id))
    services(request).refresh()
    return JsonResponse(outcome)


@health.get("/healthz", tags=["Health"], response_model=StatusResponse)
def healthz() -> Any:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok", "checks": {}})


@health.get(
    "/readyz",
    tags=["Health"],
    response_model=StatusResponse,
    responses={503: {"model": StatusResponse, "description": "Not ready"}},
)
def readyz(request: Request) -> Any:
    """Readiness: the store answers and the screening index is loaded."""
    checks = services(request).readiness()
    ready = all(v.startswith("ok") for v in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status_code=200 if ready else 503)
