"""The upload page's application: sign in, upload, check (problems on their cells), the
report and the templates to download. The page adds no logic of its own: it calls the
library as the CLI does and shows what it says."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import anyio
import httpx
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bulkops import actions
from bulkops.auth import OAuthSession, exchange, revoke
from bulkops.client import ApiClient
from bulkops.config import Settings
from bulkops.connect import preflight
from bulkops.errors import BulkopsError, NotSent, OutcomeUnknown, Unauthorized
from bulkops.io.a1 import column_letter
from bulkops.resources import RESOURCES
from bulkops.web.check import check_upload
from bulkops.web.guard import Guard
from bulkops.web.people import COOKIE, Person, Session, Sessions
from bulkops.web.runs import PREVIEW, RUN, Limiters, Progress, Runs, outcomes_of
from bulkops.web.store import PAGE, Store, Upload, person_id, read_page, safe_name

__all__ = ["Page", "WebConfig", "create_app"]

#: the largest upload, said on the page (a 100,000-row routes workbook is ~15 MB)
UPLOAD_LIMIT: Final = 64 * 2**20
#: uploads are kept this long
KEEP_SECONDS: Final = 30 * 86400
_SHOWS: Final = ("all", "problems", "errors", "warnings")
#: progress goes to the browser at most this often (seconds)
EVENTS_EVERY: Final = 0.25
#: a preview older than this is stale: the account may have changed since
PREVIEW_FRESH: Final = 3600.0


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


class Page:
    """The views, over one configuration (see `create_app`)."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.store = Store(config.data_dir)
        self.sessions = Sessions()
        self.templates = Environment(
            loader=PackageLoader("bulkops.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.templates.filters["card"] = _card
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
        uploads = await anyio.to_thread.run_sync(self.store.uploads, session.person.id)
        return self.render(request, "home.html", uploads=uploads, resources=list(RESOURCES),
                           runs=self._runs_of(session, uploads))  # fmt: skip

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
        found = self._mine(request)
        if found is None:
            return _not_found()
        session, upload, place = found
        checked, form = await self.changing(request, files=20)
        if checked is None or checked.id != session.id:
            return Response("refused: this page's token is missing", status_code=403)
        if self.runs.running(place) or self.runs.progress(place, RUN) is not None:
            return await self._refused_on(request, upload, place, "this file was run already: "
                                          "upload it again with its files", status=409)  # fmt: skip
        wanted = {Path(name).name: name for name in upload.missing}
        given = [f for f in form.getlist("files") if not isinstance(f, str) and f.filename]
        unknown = [safe_name(f.filename or "") for f in given if safe_name(f.filename or "")
                   not in wanted]  # fmt: skip
        if not given or unknown:
            why = (f"{', '.join(unknown)}: the workbook names no such file" if unknown
                   else "choose the files the workbook names")  # fmt: skip
            return await self._refused_on(request, upload, place, why)
        root = place.resolve()
        for item in given:
            target = (place / wanted[safe_name(item.filename or "")]).resolve()
            if not target.is_relative_to(root) or target == (place / upload.name).resolve():
                return await self._refused_on(request, upload, place, "refused: that name")
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
        uploads = await anyio.to_thread.run_sync(self.store.uploads, session.person.id)
        runs = self._runs_of(session, uploads)
        return self.render(request, "home.html", status=400, error=why, uploads=uploads,
                           resources=list(RESOURCES), runs=runs)  # fmt: skip

    def _mine(self, request: Request) -> tuple[Session, Upload, Path] | None:
        session = self.session(request)
        if session is None:
            return None
        upload_id = str(request.path_params["upload"])
        upload = self.store.load(session.person.id, upload_id)
        place = self.store.place(session.person.id, upload_id)
        if upload is None or place is None:
            return None
        return session, upload, place

    async def checked(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        return await self._check_page(request, upload, place)

    async def grid(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        view = _view(request, upload)
        grid = await anyio.to_thread.run_sync(_grid, upload, place, view)
        return self.render(request, "grid.html", upload=upload, grid=grid)

    async def report(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        target = place / "report.xlsx"
        if not target.exists():
            await anyio.to_thread.run_sync(
                lambda: actions.validate(place / upload.name, report=target)
            )
        stem = upload.name.rsplit(".", 1)[0]
        return _attachment(target, f"{stem}.report.xlsx")

    # -- preview and run -----------------------------------------------------------------

    def _wiring(self, person: Person) -> dict[str, Any]:
        if self.config.sandbox:
            from bulkops.sandbox import SandboxTransport

            transport = self.config.transport or SandboxTransport(self.config.box)
            return {"transport": transport, "auth": person.auth}
        return {"transport": self.config.transport, "auth": person.auth}

    def _start(self, session: Session, upload: Upload, place: Path, kind: str,
               resume: bool = False) -> None:  # fmt: skip
        self.runs.start(place, kind, place / upload.name, upload.sha256,
                        account=session.person.identity, settings=self.config.settings,
                        wiring=self._wiring(session.person), sandbox=self.config.sandbox,
                        resume=resume)  # fmt: skip

    async def preview(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        session, upload, place = found
        if request.method == "POST":
            checked, _ = await self.changing(request)
            if checked is None or checked.id != session.id:
                return Response("refused: this page's token is missing", status_code=403)
            if self.runs.running(place):
                return RedirectResponse(f"/u/{upload.id}/preview", status_code=303)
            if (self.runs.progress(place, RUN) or Progress(RUN, state="none")).state != "none":
                why = "this file was run already: upload it again to preview it anew"
                return await self._refused_on(request, upload, place, why, status=409)
            self._start(session, upload, place, PREVIEW)
            return RedirectResponse(f"/u/{upload.id}/preview", status_code=303)
        progress = self.runs.progress(place, PREVIEW)
        if progress is None:
            return RedirectResponse(f"/u/{upload.id}", status_code=303)
        return await self._stage(request, upload, place, PREVIEW, progress)

    async def run(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        session, upload, place = found
        if request.method == "GET":
            progress = self.runs.progress(place, RUN)
            if progress is None:
                return RedirectResponse(f"/u/{upload.id}/preview", status_code=303)
            return await self._stage(request, upload, place, RUN, progress)
        checked, form = await self.changing(request)
        if checked is None or checked.id != session.id:
            return Response("refused: this page's token is missing", status_code=403)
        why = self._not_runnable(upload, place, str(form.get("confirm") or ""))
        if why:
            return await self._refused_on(request, upload, place, why, status=409)
        self._start(session, upload, place, RUN)
        return RedirectResponse(f"/u/{upload.id}/run", status_code=303)

    def _not_runnable(self, upload: Upload, place: Path, typed: str) -> str:
        """Why the run may not start ('' when it may): the preview must be of this file,
        over, and recent; what cannot be undone must be counted by the person."""
        preview = self.runs.progress(place, PREVIEW)
        if self.runs.running(place):
            return "a preview or run of this file is going on: wait for it"
        if (self.runs.progress(place, RUN) or Progress(RUN, state="none")).state != "none":
            return "this file was run already: see its results, or resume it"
        if preview is None or preview.state != "done" or preview.sha256 != upload.sha256:
            return "preview the file first: the run applies exactly what the preview showed"
        if time.time() - preview.finished > PREVIEW_FRESH:
            return "the preview is more than an hour old: preview again, then run"
        needed = upload.deletes + upload.irreversible
        if needed and typed.strip() != str(needed):
            return f"type {needed} to confirm the {_confirming(upload)}, then run"
        return ""

    async def stop(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        session, upload, place = found
        checked, _ = await self.changing(request)
        if checked is None or checked.id != session.id:
            return Response("refused: this page's token is missing", status_code=403)
        kind = RUN if self.runs.progress(place, RUN) else PREVIEW
        self.runs.stop(place, kind)
        return RedirectResponse(f"/u/{upload.id}/{kind}", status_code=303)

    async def resume(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        session, upload, place = found
        checked, _ = await self.changing(request)
        if checked is None or checked.id != session.id:
            return Response("refused: this page's token is missing", status_code=403)
        progress = self.runs.progress(place, RUN)
        if progress is None or progress.state not in ("stopped", "interrupted"):
            return await self._refused_on(request, upload, place, "there is no stopped run "
                                          "of this file to resume", status=409)  # fmt: skip
        self._start(session, upload, place, RUN, resume=True)
        return RedirectResponse(f"/u/{upload.id}/run", status_code=303)

    async def status(self, request: Request) -> Response:
        """The progress fragment the page polls while a preview or run goes on."""
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        kind = RUN if request.path_params["kind"] == RUN else PREVIEW
        progress = self.runs.progress(place, kind)
        if progress is None:
            return _not_found()
        response = self.render(request, "progress.html", upload=upload, progress=progress,
                               kind=kind)  # fmt: skip
        if progress.state != "running":
            response.headers["HX-Refresh"] = "true"  # over: the whole page shows its outcome
        return response

    async def events(self, request: Request) -> Response:
        """Server-sent events of a preview's or run's progress: the progress fragment at
        most four times a second while it changes, then `done`. Ends by itself, and when
        the browser goes; the run goes on either way."""
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        kind = RUN if request.path_params["kind"] == RUN else PREVIEW
        template = self.templates.get_template("progress.html")
        session = self.session(request)

        async def stream() -> Any:
            last = ""
            while not await request.is_disconnected():
                progress = self.runs.progress(place, kind)
                if progress is None or progress.state != "running":
                    yield "event: done\ndata: over\n\n"
                    return
                html = template.render(upload=upload, progress=progress, kind=kind,
                                       session=session)  # fmt: skip
                if html != last:
                    last = html
                    data = "".join(f"data: {line}\n" for line in html.splitlines())
                    yield f"event: progress\n{data}\n"
                await anyio.sleep(EVENTS_EVERY)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"X-Accel-Buffering": "no"})  # fmt: skip

    async def _stage(
        self,
        request: Request,
        upload: Upload,
        place: Path,
        kind: str,
        progress: Progress,
        **shown: Any,
    ) -> Response:
        """The preview's or the run's page: its progress, then its outcomes on the grid."""
        outcomes = outcomes_of(place, kind) if progress.state != "running" else {}
        view = _view(request, upload)
        grid = await anyio.to_thread.run_sync(_grid, upload, place, view, outcomes)
        return self.render(request, f"{kind}.html", upload=upload, progress=progress,
                           grid=grid, kind=kind, confirming=_confirming(upload),
                           needed=upload.deletes + upload.irreversible,
                           run=self.runs.progress(place, RUN), **shown)  # fmt: skip

    async def _check_page(
        self, request: Request, upload: Upload, place: Path, **shown: Any
    ) -> Response:
        grid = await anyio.to_thread.run_sync(_grid, upload, place, _view(request, upload))
        return self.render(request, "check.html", upload=upload, groups=upload.groups,
                           grid=grid, preview=self.runs.progress(place, PREVIEW),
                           missing=upload.missing, **shown)  # fmt: skip

    async def _refused_on(
        self, request: Request, upload: Upload, place: Path, why: str, status: int = 400
    ) -> Response:
        """The page the request came from, saying why it was refused."""
        progress = self.runs.progress(place, PREVIEW)
        if progress is None:
            return await self._check_page(request, upload, place, status=status, error=why)
        return await self._stage(request, upload, place, PREVIEW, progress, status=status,
                                 error=why)  # fmt: skip

    async def download(self, request: Request) -> Response:
        found = self._mine(request)
        if found is None:
            return _not_found()
        _, upload, place = found
        which = str(request.path_params["which"])
        files = {"preview": "preview.results.xlsx", "results": "run.results.xlsx",
                 "failed": "run.failed.xlsx"}  # fmt: skip
        name = files.get(which)
        stem = upload.name.rsplit(".", 1)[0]
        if name is None:
            return _not_found()
        path = place / name
        if which == "failed":
            path = place / f"{stem}.failed.xlsx"
        if not path.exists():
            return _not_found()
        return _attachment(path, f"{stem}.{which}.xlsx")

    async def template(self, request: Request) -> Response:
        if self.session(request) is None:
            return _not_found()
        name = str(request.path_params["resource"])
        if name not in RESOURCES:
            return _not_found()
        folder = self.config.data_dir / "templates"
        folder.mkdir(mode=0o700, exist_ok=True)
        target = folder / f"{name}.xlsx"
        if not target.exists():
            await anyio.to_thread.run_sync(lambda: actions.template(name, target, force=True))
        return _attachment(target, f"{name}.xlsx")


@dataclass
class _View:
    sheet: int
    page: int
    show: str
    code: str
    column: str
    #: only rows whose preview or run outcome is this ('create planned', 'failed' …)
    outcome: str = ""

    def query(self, **changed: Any) -> str:
        values = {"sheet": self.sheet, "page": self.page, "show": self.show, "code": self.code,
                  "column": self.column, "outcome": self.outcome} | changed  # fmt: skip
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _view(request: Request, upload: Upload) -> _View:
    params = request.query_params

    def number(name: str) -> int:
        text = params.get(name, "0")
        return int(text) if text.isdigit() else 0

    show = params.get("show", "all")
    code, column = params.get("code", ""), params.get("column", "")
    if code or column:
        show = "problems" if show == "all" else show
    sheet = min(number("sheet"), max(0, len(upload.sheets) - 1))
    outcome = params.get("outcome", "")[:40]
    return _View(sheet, number("page"), show if show in _SHOWS else "all", code, column, outcome)


def _grid(
    upload: Upload, place: Path, view: _View, outcomes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the grid shows: a page of one sheet's rows, filtered as the view says, each
    with its preview's or run's outcome when there is one."""
    if not upload.sheets:
        return {"view": view, "header": [], "rows": [], "count": 0, "pages": 0, "outcomes": {}}
    mine = (outcomes or {}).get(upload.sheets[view.sheet][0], {})
    keep: Any = None
    if view.outcome:

        def keep(row: list[Any]) -> bool:
            found = mine.get(str(row[0]))
            return found is not None and view.outcome in (found[0], f"{found[1]} {found[0]}")

        header, count, rows, first = read_page(place, view.sheet, view.page, keep, True)
        letters = [column_letter(first + index) for index in range(len(header))]
        return {"view": view, "header": header, "rows": rows, "count": count,
                "letters": letters, "pages": max(1, -(-count // PAGE)), "outcomes": mine,
                "sheet": upload.sheets[view.sheet][0]}  # fmt: skip
    if view.show != "all":

        def keep(row: list[Any]) -> bool:
            marks = [m for m in row[2][0] if m] + row[2][1]
            return any(
                (view.show == "problems" or m[0] == view.show[:-1])
                and (not view.code or m[2] == view.code)
                and (not view.column or m[3] == view.column)
                for m in marks
            )

    header, count, rows, first = read_page(place, view.sheet, view.page, keep)
    letters = [column_letter(first + index) for index in range(len(header))]
    return {"view": view, "header": header, "rows": rows, "count": count, "letters": letters,
            "pages": max(1, -(-count // PAGE)), "sheet": upload.sheets[view.sheet][0],
            "outcomes": mine}  # fmt: skip


#: how a card names an outcome: 'create planned' -> 'Create', 'skip skipped' -> 'Skipped' …
_CARD_STATUS: Final = {"planned": "", "unchanged": "No change", "failed": "Would fail",
                       "invalid": "Invalid", "skipped": "Skipped", "succeeded": "Done",
                       "not_attempted": "Not attempted", "unknown": "Unknown", "drifted":
                       "Changed since the preview"}  # fmt: skip


def _card(key: str, kind: str = PREVIEW) -> str:
    """A card's name for an outcome key ('<action> <status>')."""
    action, _, status = key.rpartition(" ")
    word = _CARD_STATUS.get(status, status)
    if status == "planned":
        return action.capitalize()
    if status == "failed" and kind == RUN:
        word = "Failed"
    if status == "succeeded":
        return f"{action.capitalize()}d" if action.endswith("e") else f"{action.capitalize()}ed"
    return word


def _confirming(upload: Upload) -> str:
    """What the person confirms by typing its count."""
    parts = []
    if upload.deletes:
        parts.append(f"{upload.deletes} delete{'s' if upload.deletes != 1 else ''}")
    if upload.irreversible:
        parts.append(f"{upload.irreversible} row{'s' if upload.irreversible != 1 else ''} "
                     "that cannot be undone (numbers bought, texts sent)")  # fmt: skip
    return " and ".join(parts)


def _attachment(path: Path, name: str) -> Response:
    return FileResponse(path, filename=safe_name(name), content_disposition_type="attachment",
                        media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet")  # fmt: skip


def _not_found() -> Response:
    return HTMLResponse("Not found", status_code=404)


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
        Route("/u/{upload}/preview", page.preview, methods=["GET", "POST"]),
        Route("/u/{upload}/run", page.run, methods=["GET", "POST"]),
        Route("/u/{upload}/stop", page.stop, methods=["POST"]),
        Route("/u/{upload}/resume", page.resume, methods=["POST"]),
        Route("/u/{upload}/status/{kind}", page.status),
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
