"""The upload page's application: sign in, upload, check (problems on their cells), the
report and the templates to download. The page adds no logic of its own: it calls the
library as the CLI does and shows what it says."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl

import anyio
import httpx
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bulkops import actions
from bulkops.auth import OAuthSession, exchange, revoke
from bulkops.client import ApiClient
from bulkops.config import Settings
from bulkops.connect import preflight
from bulkops.errors import BulkopsError, NotSent, OutcomeUnknown, Unauthorized
from bulkops.resources import RESOURCES
from bulkops.web.check import check_upload
from bulkops.web.guard import Guard
from bulkops.web.people import COOKIE, Person, Session, Sessions
from bulkops.web.runs import PREVIEW, RUN, Limiters, Progress, Runs
from bulkops.web.stages import Stages
from bulkops.web.store import Store, Upload, person_id, safe_name
from bulkops.web.views import (
    attachment,
    card,
    duration,
    grid_of,
    not_found,
    only_grid,
    view_of,
)

__all__ = ["Page", "WebConfig", "create_app"]

#: the largest upload, said on the page (a 100,000-row routes workbook is ~15 MB)
UPLOAD_LIMIT: Final = 64 * 2**20
#: uploads are kept this long
KEEP_SECONDS: Final = 30 * 86400


@dataclass
class WebConfig:
    """How the page is served: where its data lives, and which account it reaches."""

    data_dir: Path
    sandbox: bool = False
    settings: Settings = field(default_factory=Settings)
    #: the names the page answers to (a request for any other Host is refused)
    hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost"])
    upload_limit: int = UPLOAD_LIMIT
    #: the API's and OAuth's transport (tests: around the in-process sandbox); None: the
    #: network (or, with `sandbox`, the in-process sandbox `box`)
    transport: httpx.AsyncBaseTransport | None = None
    #: the in-process sandbox (with `sandbox`); made when not given
    box: Any = None


class Page(Stages):
    """The views, over one configuration (see `create_app`)."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.store = Store(config.data_dir)
        self.sessions = Sessions()
        self.templates = Environment(
            loader=PackageLoader("bulkops.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.templates.filters["card"] = card
        self.templates.filters["duration"] = duration
        self.templates.filters["query_items"] = lambda query: parse_qsl(query)
        self.templates.filters["when"] = lambda at: time.strftime(
            "%Y-%m-%d %H:%M", time.localtime(float(at))
        )
        if config.sandbox and config.box is None:
            from bulkops.sandbox import Sandbox

            config.box = Sandbox()
        self.runs = Runs(Limiters(config.settings.rate))

    # -- helpers -------------------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> Response:
        """A page (or a fragment) of the templates, with the session's bar."""
        session = self.session(request)
        limit_mb = self.config.upload_limit // 2**20
        html = self.templates.get_template(name).render(
            session=session, sandbox=self.config.sandbox, limit_mb=limit_mb, **values
        )
        return HTMLResponse(html, status_code=status)

    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    async def changing(self, request: Request, files: int = 1) -> tuple[Session | None, Any]:
        """The session of a request that changes something, with its form; None when its
        CSRF token is missing or wrong."""
        session = self.session(request)
        form = await request.form(max_files=files, max_fields=20)
        token = request.headers.get("x-csrf-token") or form.get("csrf")
        if session is None or not isinstance(token, str):
            return None, form
        return (session if secrets.compare_digest(token, session.csrf) else None), form

    # -- pages ---------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self.render(request, "signin.html")
        return await self._home(request, session)

    async def _home(self, request: Request, session: Session, **shown: Any) -> Response:
        """The person's home: the upload form, the templates, their uploads and runs."""
        uploads = await anyio.to_thread.run_sync(self.store.uploads, session.person.id)
        return self.render(request, "home.html", uploads=uploads, resources=list(RESOURCES),
                           runs=self._runs_of(session, uploads), **shown)  # fmt: skip

    def _runs_of(self, session: Session, uploads: list[Upload]) -> dict[str, Progress]:
        """The run of each upload that has one (what the person ran, and its files)."""
        found = {}
        for upload in uploads:
            place = self.store.place(session.person.id, upload.id)
            progress = self.runs.progress(place, RUN) if place is not None else None
            if progress is not None:
                found[upload.id] = progress
        return found

    async def sign_in(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        try:
            person = await self._person(
                str(form.get("email") or ""), str(form.get("password") or "")
            )
        except BulkopsError as refused:
            return self.render(request, "signin.html", status=401, error=str(refused))
        session = self.sessions.start(person)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")  # fmt: skip
        return response

    async def _person(self, email: str, password: str) -> Person:
        """The person these credentials sign in, with the account they reach. In the
        sandbox: its demo logins (the demo admin when none is given)."""
        config, settings = self.config, self.config.settings
        transport = config.transport
        oauth_url, base_url = settings.oauth_url, settings.base_url
        if config.sandbox:
            from bulkops.sandbox import DEMO_ADMIN, DEMO_PASSWORD, SANDBOX_URL, SandboxTransport

            transport = config.transport or SandboxTransport(config.box)
            oauth_url, base_url = SANDBOX_URL, f"{SANDBOX_URL}/v3"
            if not email:
                email, password = DEMO_ADMIN, DEMO_PASSWORD
        if not email or not password:
            raise BulkopsError("give your Convirza email and password")
        try:
            credentials = await exchange(email, password, oauth_url, transport)
        except Unauthorized:
            raise BulkopsError("sign-in refused: check the email and password") from None
        except (NotSent, OutcomeUnknown):
            raise BulkopsError(f"Convirza did not answer ({oauth_url}): try again") from None
        auth = OAuthSession(credentials, transport=transport, store=False)
        async with ApiClient(base_url, auth=auth, transport=transport) as client:
            profile = await preflight(client, base_url)
        top = profile.get("top_ou_id") or profile.get("org_unit_id") or "?"
        name = str(profile.get("org_unit_name") or "the account")
        identity = f"{'sandbox' if config.sandbox else base_url} #{top}"
        person = Person(email, f"{name} (id {top})", identity, not config.sandbox, auth,
                        credentials)  # fmt: skip
        person.id = person_id(identity, email)
        person.transport = transport
        return person

    async def sign_out(self, request: Request) -> Response:
        session, _ = await self.changing(request)
        if session is None:
            return Response("refused: sign-out needs this page's token", status_code=403)
        self.sessions.end(session.id)
        if session.person.credentials is not None:
            await revoke(session.person.credentials, session.person.transport)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def upload(self, request: Request) -> Response:
        session, form = await self.changing(request)
        if session is None:
            return Response("refused: this page's token is missing", status_code=403)
        person = session.person.id
        given = form.get("file")
        if given is None or isinstance(given, str) or not given.filename:
            return await self._refused(request, "choose a .xlsx or .csv file to upload")
        upload_id, place = self.store.new(person)
        name = safe_name(given.filename)
        path = place / name
        with path.open("wb") as out:
            while chunk := await given.read(1 << 20):
                out.write(chunk)
        checked = await anyio.to_thread.run_sync(check_upload, place, path, upload_id, name)
        if checked.refused:
            self.store.discard(place)  # nothing of a file that is not a workbook is kept
            return await self._refused(request, checked.refused)
        self.store.save(place, checked)
        await anyio.to_thread.run_sync(self.store.expire, person, KEEP_SECONDS)
        return RedirectResponse(f"/u/{upload_id}", status_code=303)

    async def files(self, request: Request) -> Response:
        """The files the workbook names (an audio file, a recipients list), added beside it;
        then it is checked again (and any preview is made stale)."""
        acting = await self.acting(request, files=20)
        if isinstance(acting, Response):
            return acting
        _, upload, place, form = acting
        if self.runs.running(place) or self.runs.progress(place, RUN) is not None:
            return await self.refused_on(request, upload, place, "this file was run already: "
                                          "upload it again with its files", status=409)  # fmt: skip
        wanted = {Path(name).name: name for name in upload.missing}
        given = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
        unknown = [safe_name(f.filename or "") for f in given if safe_name(f.filename or "")
                   not in wanted]  # fmt: skip
        if not given or unknown:
            why = (f"{', '.join(unknown)}: the workbook names no such file" if unknown
                   else "choose the files the workbook names")  # fmt: skip
            return await self.refused_on(request, upload, place, why)
        root = place.resolve()
        for item in given:
            target = (place / wanted[safe_name(item.filename or "")]).resolve()
            if not target.is_relative_to(root) or target == (place / upload.name).resolve():
                return await self.refused_on(request, upload, place, "refused: that name")
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with target.open("wb") as out:
                while chunk := await item.read(1 << 20):
                    out.write(chunk)
        for stale in ("preview.json", "preview-outcomes.json", "preview.results.xlsx",
                      "report.xlsx"):  # fmt: skip
            (place / stale).unlink(missing_ok=True)
        again = await anyio.to_thread.run_sync(check_upload, place, place / upload.name,
                                               upload.id, upload.name)  # fmt: skip
        again.uploaded = upload.uploaded
        self.store.save(place, again)
        return RedirectResponse(f"/u/{upload.id}", status_code=303)

    async def _refused(self, request: Request, why: str) -> Response:
        session = self.session(request)
        assert session is not None
        return await self._home(request, session, status=400, error=why)

    def mine(self, request: Request) -> tuple[Session, Upload, Path] | None:
        session = self.session(request)
        if session is None:
            return None
        upload_id = str(request.path_params["upload"])
        upload = self.store.load(session.person.id, upload_id)
        place = self.store.place(session.person.id, upload_id)
        if upload is None or place is None:
            return None
        return session, upload, place

    async def acting(
        self, request: Request, files: int = 1
    ) -> tuple[Session, Upload, Path, Any] | Response:
        """A change asked of one of the person's uploads: the session, the upload, its
        folder and the form; else the answer refusing it (404 not theirs, 403 no token)."""
        found = self.mine(request)
        if found is None:
            return not_found()
        session, upload, place = found
        checked, form = await self.changing(request, files)
        if checked is None or checked.id != session.id:
            return Response("refused: this page's token is missing", status_code=403)
        return session, upload, place, form

    async def checked(self, request: Request) -> Response:
        found = self.mine(request)
        if found is None:
            return not_found()
        _, upload, place = found
        return await self.check_page(request, upload, place)

    async def grid(self, request: Request) -> Response:
        found = self.mine(request)
        if found is None:
            return not_found()
        _, upload, place = found
        view = view_of(request, upload)
        grid = await anyio.to_thread.run_sync(grid_of, upload, place, view)
        return self.render(request, "grid.html", upload=upload, grid=grid)

    async def report(self, request: Request) -> Response:
        found = self.mine(request)
        if found is None:
            return not_found()
        _, upload, place = found
        target = place / "report.xlsx"
        if not target.exists():
            await anyio.to_thread.run_sync(
                lambda: actions.validate(place / upload.name, report=target)
            )
        stem = upload.name.rsplit(".", 1)[0]
        return attachment(target, f"{stem}.report.xlsx")

    async def check_page(
        self, request: Request, upload: Upload, place: Path, **shown: Any
    ) -> Response:
        grid = await anyio.to_thread.run_sync(grid_of, upload, place, view_of(request, upload))
        if only_grid(request):
            return self.render(request, "grid.html", upload=upload, grid=grid)
        return self.render(request, "check.html", upload=upload, groups=upload.groups,
                           grid=grid, preview=self.runs.progress(place, PREVIEW),
                           missing=upload.missing, **shown)  # fmt: skip

    async def template(self, request: Request) -> Response:
        if self.session(request) is None:
            return not_found()
        name = str(request.path_params["resource"])
        if name not in RESOURCES:
            return not_found()
        folder = self.config.data_dir / "templates"
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / f"{name}.xlsx"
        if not target.exists():
            await anyio.to_thread.run_sync(lambda: actions.template(name, target, force=True))
        return attachment(target, f"{name}.xlsx")


def create_app(config: WebConfig) -> Starlette:
    """The page as an ASGI application (`bulkops serve` runs it under uvicorn)."""
    page = Page(config)
    routes = [
        Route("/", page.home),
        Route("/signin", page.sign_in, methods=["POST"]),
        Route("/signout", page.sign_out, methods=["POST"]),
        Route("/upload", page.upload, methods=["POST"]),
        Route("/u/{upload}", page.checked),
        Route("/u/{upload}/grid", page.grid),
        Route("/u/{upload}/report.xlsx", page.report),
        Route("/u/{upload}/files", page.files, methods=["POST"]),
        Route("/u/{upload}/preview", page.preview_page),
        Route("/u/{upload}/preview", page.start_preview, methods=["POST"]),
        Route("/u/{upload}/run", page.run_page),
        Route("/u/{upload}/run", page.start_run, methods=["POST"]),
        Route("/u/{upload}/stop", page.stop, methods=["POST"]),
        Route("/u/{upload}/resume", page.resume, methods=["POST"]),
        Route("/u/{upload}/events/{kind}", page.events),
        Route("/u/{upload}/{which}.xlsx", page.download),
        Route("/templates/{resource}.xlsx", page.template),
        Mount("/static", StaticFiles(packages=[("bulkops.web", "static")]), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=config.hosts),
        Middleware(Guard, limit=config.upload_limit),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.page = page
    return app
