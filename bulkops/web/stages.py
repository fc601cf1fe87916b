"""The page's preview and run of an upload (`bulkops.web.runs` does the work): starting
them, their pages and progress stream, Stop and Resume, and their workbooks to download.
A part of `Page` (`bulkops.web.app`), kept apart along that seam."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Final

import anyio
from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from bulkops.paths import failed_for
from bulkops.web.people import Person, Session
from bulkops.web.runs import PREVIEW, RUN, Progress, Runs, outcomes_of
from bulkops.web.store import Upload
from bulkops.web.views import (
    attachment,
    confirming,
    grid_of,
    not_found,
    only_grid,
    view_of,
)

__all__ = ["EVENTS_EVERY", "PREVIEW_FRESH", "Stages"]

#: progress goes to the browser at most this often (seconds)
EVENTS_EVERY: Final = 0.25
#: a preview older than this is stale: the account may have changed since
PREVIEW_FRESH: Final = 3600.0
#: the workbooks of a preview and a run, by the name the page offers them under
_RESULTS: Final = {"preview": "preview.results.xlsx", "results": "run.results.xlsx"}


class Stages:
    """Preview, run and their results (see the module's docstring)."""

    config: Any
    runs: Runs
    templates: Environment

    # -- what `Page` gives ---------------------------------------------------------------

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> Response:
        raise NotImplementedError

    def session(self, request: Request) -> Session | None:
        raise NotImplementedError

    def mine(self, request: Request) -> tuple[Session, Upload, Path] | None:
        raise NotImplementedError

    async def acting(
        self, request: Request, files: int = 1
    ) -> tuple[Session, Upload, Path, Any] | Response:
        raise NotImplementedError

    async def check_page(
        self, request: Request, upload: Upload, place: Path, **shown: Any
    ) -> Response:
        raise NotImplementedError

    # -- starting ------------------------------------------------------------------------

    def _start(
        self, session: Session, upload: Upload, place: Path, kind: str, resume: bool = False
    ) -> None:
        self.runs.start(place, kind, place / upload.name, upload.sha256,
                        account=session.person.identity, settings=self.config.settings,
                        wiring=self._wiring(session.person), sandbox=self.config.sandbox,
                        resume=resume, record={"file": upload.name, "person": session.person.email,
                                               "account": session.person.account})  # fmt: skip

    def _wiring(self, person: Person) -> dict[str, Any]:
        transport = self.config.transport
        if self.config.sandbox and transport is None:
            from bulkops.sandbox import SandboxTransport

            transport = SandboxTransport(self.config.box)
        return {"transport": transport, "auth": person.auth}

    async def start_preview(self, request: Request) -> Response:
        acting = await self.acting(request)
        if isinstance(acting, Response):
            return acting
        session, upload, place, _ = acting
        if self.runs.progress(place, RUN) is not None:
            why = "this file was run already: upload it again to preview it anew"
            return await self.refused_on(request, upload, place, why, status=409)
        if not self.runs.running(place):
            self._start(session, upload, place, PREVIEW)
        return RedirectResponse(f"/u/{upload.id}/preview", status_code=303)

    async def start_run(self, request: Request) -> Response:
        acting = await self.acting(request)
        if isinstance(acting, Response):
            return acting
        session, upload, place, form = acting
        why = self._not_runnable(upload, place, str(form.get("confirm") or ""))
        if why:
            return await self.refused_on(request, upload, place, why, status=409)
        self._start(session, upload, place, RUN)
        return RedirectResponse(f"/u/{upload.id}/run", status_code=303)

    def _not_runnable(self, upload: Upload, place: Path, typed: str) -> str:
        """Why the run may not start ('' when it may): the preview must be of this file,
        over, and recent; what cannot be undone must be counted by the person."""
        preview = self.runs.progress(place, PREVIEW)
        if self.runs.running(place):
            return "a preview or run of this file is going on: wait for it"
        if self.runs.progress(place, RUN) is not None:
            return "this file was run already: see its results, or resume it"
        if preview is None or preview.state != "done" or preview.sha256 != upload.sha256:
            return "preview the file first: the run applies exactly what the preview showed"
        if time.time() - preview.finished > PREVIEW_FRESH:
            return "the preview is more than an hour old: preview again, then run"
        needed = upload.deletes + upload.irreversible
        if needed and typed.strip() != str(needed):
            return f"type {needed} to confirm the {confirming(upload)}, then run"
        return ""

    async def stop(self, request: Request) -> Response:
        acting = await self.acting(request)
        if isinstance(acting, Response):
            return acting
        _, upload, place, _ = acting
        kind = RUN if self.runs.progress(place, RUN) else PREVIEW
        self.runs.stop(place, kind)
        return RedirectResponse(f"/u/{upload.id}/{kind}", status_code=303)

    async def resume(self, request: Request) -> Response:
        acting = await self.acting(request)
        if isinstance(acting, Response):
            return acting
        session, upload, place, _ = acting
        progress = self.runs.progress(place, RUN)
        if progress is None or progress.state not in ("stopped", "interrupted"):
            why = "there is no stopped run of this file to resume"
            return await self.refused_on(request, upload, place, why, status=409)
        self._start(session, upload, place, RUN, resume=True)
        return RedirectResponse(f"/u/{upload.id}/run", status_code=303)

    # -- showing -------------------------------------------------------------------------

    async def preview_page(self, request: Request) -> Response:
        return await self._page_of(request, PREVIEW, "")

    async def run_page(self, request: Request) -> Response:
        return await self._page_of(request, RUN, "/preview")

    async def _page_of(self, request: Request, kind: str, otherwise: str) -> Response:
        """The page of a preview or run; where to go when there is none yet."""
        found = self.mine(request)
        if found is None:
            return not_found()
        _, upload, place = found
        progress = self.runs.progress(place, kind)
        if progress is None:
            return RedirectResponse(f"/u/{upload.id}{otherwise}", status_code=303)
        return await self.stage(request, upload, place, kind, progress)

    async def stage(
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
        view = view_of(request, upload)
        base = f"/u/{upload.id}/{kind}"
        grid = await anyio.to_thread.run_sync(grid_of, upload, place, view, outcomes, base)
        if only_grid(request):
            return self.render(request, "grid.html", upload=upload, grid=grid)
        results = place / _RESULTS["results"]
        failed = failed_for(place / upload.name, results)
        shown.setdefault("files", {"results": results.exists(), "failed": failed.exists()})
        return self.render(request, f"{kind}.html", upload=upload, progress=progress,
                           grid=grid, kind=kind, confirming=confirming(upload),
                           needed=upload.deletes + upload.irreversible,
                           run=self.runs.progress(place, RUN), **shown)  # fmt: skip

    async def refused_on(
        self, request: Request, upload: Upload, place: Path, why: str, status: int = 400
    ) -> Response:
        """The page the request came from, saying why it was refused."""
        progress = self.runs.progress(place, PREVIEW)
        if progress is None:
            return await self.check_page(request, upload, place, status=status, error=why)
        return await self.stage(request, upload, place, PREVIEW, progress, status=status,
                                error=why)  # fmt: skip

    async def events(self, request: Request) -> Response:
        """Server-sent events of a preview's or run's progress: the progress fragment at
        most four times a second while it changes, then `done`. Ends by itself, and when
        the browser goes; the run goes on either way."""
        found = self.mine(request)
        if found is None:
            return not_found()
        session, upload, place = found
        kind = RUN if request.path_params["kind"] == RUN else PREVIEW
        template = self.templates.get_template("progress.html")

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

    async def download(self, request: Request) -> Response:
        """The preview's or run's workbook, or the run's rows left to fix."""
        found = self.mine(request)
        if found is None:
            return not_found()
        _, upload, place = found
        which = str(request.path_params["which"])
        stem = upload.name.rsplit(".", 1)[0]
        if which == "failed":
            path = failed_for(place / upload.name, place / _RESULTS["results"])
        elif which in _RESULTS:
            path = place / _RESULTS[which]
        else:
            return not_found()
        return attachment(path, f"{stem}.{which}.xlsx") if path.exists() else not_found()
