"""The analyst's web interface: server-rendered pages over the services of the HTTP API.

:func:`mount` adds it to the API's app at ``/ui`` (``/`` leads there); ``clearance serve``
serves both. People sign in with the users of ``clearance users create``; machines keep using
API keys.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI, Request
from starlette.responses import RedirectResponse, Response

from clearance.api.jobs import JobManager
from clearance.api.monitoring import MonitorApi
from clearance.api.services import ApiServices
from clearance.settings import Settings
from clearance.store import open_database
from clearance.store.users import SessionPolicy, UserStore
from clearance.web import monitoring as monitoring_pages
from clearance.web import pages, signin, work
from clearance.web.app import Updater, WebContext, create_web_app

MOUNT = "/ui"

__all__ = ["MOUNT", "WebContext", "mount"]


def policy_of(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        lifetime=timedelta(hours=settings.web_session_hours),
        idle=timedelta(minutes=settings.web_idle_minutes),
    )


def mount(
    app: FastAPI,
    settings: Settings,
    services: ApiServices,
    jobs: JobManager,
    updater: Updater,
    monitoring: MonitorApi,
) -> WebContext:
    """Mount the interface on ``app``; the caller closes the returned context at shutdown."""
    users = UserStore(open_database(settings.database_location))
    context = WebContext(settings, services, jobs, users, updater, policy_of(settings), monitoring)
    routers = [signin.router, pages.router, work.router, monitoring_pages.router]
    web = create_web_app(context, routers)
    app.mount(MOUNT, web, name="ui")

    def front_door(request: Request) -> Response:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return RedirectResponse(f"{root}{MOUNT}/", 303)

    app.add_api_route("/", front_door, methods=["GET"], include_in_schema=False)
    return context
