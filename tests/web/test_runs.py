"""The page's preview and run: owned by the server, through the CLI's run, refused when
the preview is missing or stale, stopped and resumed without a second create (issue 15)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import warnings
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

from bulkops.sandbox import Sandbox, SandboxTransport
from bulkops.version import VERSION
from bulkops.web import WebConfig, create_app
from bulkops.web.runs import PREVIEW, RUN, Progress
from tests.conftest import ROOT
from tests.test_run import HEADER, creates
from tests.web.test_page import ORIGIN, _signed_in, _upload

with warnings.catch_warnings():  # starlette's client on httpx: deprecated there, not broken
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


class Gated(httpx.AsyncBaseTransport):
    """The sandbox, with route creates held until the test opens the gate."""

    def __init__(self, box: Sandbox) -> None:
        self.inner = SandboxTransport(box)
        self.gate = threading.Event()
        self.arrived = threading.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import anyio

        if request.method == "POST" and request.url.path.endswith("/provisioned-routes"):
            self.arrived.set()
            await anyio.to_thread.run_sync(self.gate.wait)
        return await self.inner.handle_async_request(request)


def _workbook(path: Path, rows: int) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Routes"
    for row in [HEADER, *creates(rows)]:
        sheet.append(row)
    book.save(path)
    return path


def _setup(tmp_path: Path, rows: int = 4, **config: Any) -> tuple[TestClient, Any, str, str]:
    box = config.pop("box", None) or Sandbox()
    app = create_app(WebConfig(tmp_path / "data", sandbox=True, box=box, **config))
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    csrf = _signed_in(client)
    location = _upload(client, csrf, _workbook(tmp_path / "routes.xlsx", rows)).headers["location"]
    return client, app.state.page, csrf, location


def _previewed(tmp_path: Path, rows: list[list[Any]]) -> tuple[TestClient, Any, str, str]:
    """A Routes workbook of `rows` uploaded and previewed against the demo account."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Routes"
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(tmp_path / "routes.xlsx")
    app = create_app(WebConfig(tmp_path / "data", sandbox=True))
    page = app.state.page
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    csrf = _signed_in(client)
    location = _upload(client, csrf, tmp_path / "routes.xlsx").headers["location"]
    client.post(f"{location}/preview", data={"csrf": csrf})
    assert page.runs.wait(_place(page, location), PREVIEW, 30).state == "done"
    return client, page, csrf, location


def _place(page: Any, location: str) -> Path:
    return next((page.config.data_dir / "people").glob(f"*/uploads/{location.rsplit('/', 1)[1]}"))


def test_preview_then_run_creates_each_row_once(tmp_path: Path) -> None:
    box = Sandbox()
    client, page, csrf, location = _setup(tmp_path, box=box)
    place = _place(page, location)
    refused = client.post(f"{location}/run", data={"csrf": csrf})
    assert refused.status_code == 409
    assert "preview the file first" in refused.text
    before = len(box.log.writes())
    assert client.post(f"{location}/preview", data={"csrf": csrf},
                       follow_redirects=False).status_code == 303  # fmt: skip
    preview = page.runs.wait(place, PREVIEW, 30)
    assert preview.state == "done"
    assert preview.counts == {"planned": 4}
    assert len(box.log.writes()) == before  # a preview changes nothing
    shown = client.get(f"{location}/preview").text
    assert "Nothing was changed" in shown
    assert '<p class="will">It will create 4.</p>' in shown  # the counts confirmed by Run
    events = client.get(f"{location}/events/preview")  # over: the stream says so and ends
    assert events.headers["content-type"].startswith("text/event-stream")
    assert events.text == "event: done\ndata: over\n\n"
    assert 'data-outcome="planned"' in shown
    ran = client.post(f"{location}/run", data={"csrf": csrf}, follow_redirects=False)
    assert ran.status_code == 303
    run = page.runs.wait(place, RUN, 30)
    assert run.state == "done"
    assert run.counts == {"succeeded": 4}
    per_name = box.log.commits_by(lambda e: e.body.get("provisioned_route_name"))
    assert max(per_name.values()) == 1
    home = client.get("/").text  # the person's runs, with their files
    assert f'<a href="{location}/run">done</a>' in home
    assert f'href="{location}/results.xlsx"' in home
    results = client.get(f"{location}/results.xlsx")
    assert results.headers["content-disposition"] == 'attachment; filename="routes.results.xlsx"'
    again = client.post(f"{location}/run", data={"csrf": csrf})
    assert again.status_code == 409


def test_a_stale_preview_refuses_the_run(tmp_path: Path) -> None:
    client, page, csrf, location = _setup(tmp_path)
    place = _place(page, location)
    client.post(f"{location}/preview", data={"csrf": csrf})
    page.runs.wait(place, PREVIEW, 30)
    saved = json.loads((place / "preview.json").read_text())
    saved["finished"] -= 2 * 3600
    (place / "preview.json").write_text(json.dumps(saved))
    refused = client.post(f"{location}/run", data={"csrf": csrf})
    assert refused.status_code == 409
    assert "more than an hour old: preview again" in refused.text
    assert not (place / "run.json").exists()


def test_stop_then_resume_finishes_without_a_second_create(tmp_path: Path) -> None:
    box = Sandbox()
    gated = Gated(box)
    client, page, csrf, location = _setup(tmp_path, rows=24, box=box, transport=gated)
    place = _place(page, location)
    client.post(f"{location}/preview", data={"csrf": csrf})
    assert page.runs.wait(place, PREVIEW, 30).state == "done"
    client.post(f"{location}/run", data={"csrf": csrf})
    assert gated.arrived.wait(30)  # the first create is in flight, held
    assert client.post(f"{location}/stop", data={"csrf": csrf},
                       follow_redirects=False).status_code == 303  # fmt: skip
    gated.gate.set()
    stopped = page.runs.wait(place, RUN, 30)
    assert stopped.state == "stopped"
    assert stopped.counts.get("not_attempted", 0) > 0
    assert "Resume" in client.get(f"{location}/run").text
    client.post(f"{location}/resume", data={"csrf": csrf})
    resumed = page.runs.wait(place, RUN, 30)
    assert resumed.state == "done"
    assert set(resumed.counts) <= {"succeeded", "unchanged"}
    per_name = box.log.commits_by(lambda e: e.body.get("provisioned_route_name"))
    assert len(per_name) == 24
    assert max(per_name.values()) == 1


def test_people_of_one_account_share_its_rate_limiter(tmp_path: Path) -> None:
    app = create_app(WebConfig(tmp_path / "data", sandbox=True))
    page = app.state.page
    dana = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    sam = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    olive = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    _signed_in(dana)
    _signed_in(sam, "standard@demo.bulkops.test", "demo-password")
    _signed_in(olive, "admin@other.bulkops.test", "demo-password")
    accounts = [page.session(c).person.identity for c in (dana, sam, olive)]  # type: ignore[arg-type]
    limiters = [page.runs.limiters.of(a) for a in accounts]
    assert limiters[0] is limiters[1]
    assert limiters[2] is not limiters[0]


def test_the_new_account_sample_with_its_files_runs_green(tmp_path: Path) -> None:
    """samples/new-account.xlsx names an audio file and a recipients list: the check asks
    for them, takes only those names, checks again; preview; the run (its number orders
    and deletes typed to confirm) ends with every row succeeded."""
    box = Sandbox()
    app = create_app(WebConfig(tmp_path / "data", sandbox=True, box=box))
    page = app.state.page
    client = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    csrf = _signed_in(client)
    samples = ROOT / "samples"
    location = _upload(client, csrf, samples / "new-account.xlsx").headers["location"]
    place = _place(page, location)
    checked = client.get(location).text
    assert "audio/welcome.wav, new-account-recipients.csv" in checked
    with (samples / "new-account-recipients.csv").open("rb") as recipients:
        wrong = client.post(f"{location}/files", data={"csrf": csrf},
                            files=[("files", ("other.csv", recipients))])  # fmt: skip
    assert wrong.status_code == 400
    assert "other.csv: the workbook names no such file" in wrong.text
    with (
        (samples / "new-account-recipients.csv").open("rb") as recipients,
        (samples / "audio" / "welcome.wav").open("rb") as audio,
    ):
        added = client.post(f"{location}/files", data={"csrf": csrf}, follow_redirects=False,
                            files=[("files", ("new-account-recipients.csv", recipients)),
                                   ("files", ("welcome.wav", audio))])  # fmt: skip
    assert added.status_code == 303
    assert (place / "audio" / "welcome.wav").exists()
    assert "0 errors" in client.get(location).text
    client.post(f"{location}/preview", data={"csrf": csrf})
    assert page.runs.wait(place, PREVIEW, 60).state == "done"
    needed = re.search(r"Type (\d+) to confirm", client.get(f"{location}/preview").text)
    assert needed is not None
    client.post(f"{location}/run", data={"csrf": csrf, "confirm": needed.group(1)})
    run = page.runs.wait(place, RUN, 60)
    assert run.state == "done"
    assert run.counts == {"succeeded": run.total}


def test_uploads_and_an_interrupted_run_survive_a_restart(tmp_path: Path) -> None:
    """A new server on the same data folder: the person's upload is there, and a run the
    old server was in the middle of shows as interrupted, with Resume."""
    client, page, csrf, location = _setup(tmp_path)
    place = _place(page, location)
    client.post(f"{location}/preview", data={"csrf": csrf})
    page.runs.wait(place, PREVIEW, 30)
    (place / "run.json").write_text(json.dumps({"kind": "run", "state": "running",
                                                "total": 4, "done": 1}))  # fmt: skip
    again = create_app(WebConfig(tmp_path / "data", sandbox=True))
    fresh = TestClient(again, base_url=ORIGIN, headers={"Origin": ORIGIN})
    _signed_in(fresh)
    assert location in fresh.get("/").text
    shown = fresh.get(f"{location}/run").text
    assert "The server stopped in the middle of this run." in shown
    assert "Resume" in shown
    assert "results.xlsx" not in shown  # (none was written: no link to a missing file)
    assert "results.xlsx" not in fresh.get("/").text


def test_signing_out_revokes_the_tokens(tmp_path: Path) -> None:
    box = Sandbox()
    client, page, csrf, _ = _setup(tmp_path, box=box)
    session = page.session(client)  # type: ignore[arg-type]
    token = session.person.credentials.access_token
    transport = SandboxTransport(box)
    api = httpx.Client(transport=_Sync(transport), base_url="http://sandbox.local/v3")
    assert api.get("/auth/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.post("/signout", data={"csrf": csrf})
    refused = api.get("/auth/profile", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


class _Sync(httpx.BaseTransport):
    """The in-process sandbox from a synchronous client (one event loop per request)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        import anyio

        async def one() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response

        return anyio.run(one)


def test_a_row_that_would_fail_says_why_on_the_cell_it_names(tmp_path: Path) -> None:
    """The preview of an update naming webhook 999 (none in the account): the row would
    fail, and its Webhook ID cell carries the reason, in the grid's second mark."""
    client, _, _, location = _previewed(
        tmp_path, [["update", 12001, None, None, None, None, 999, None]]
    )
    shown = client.get(f"{location}/preview").text
    cell = re.search(r'<td data-sheet="Routes" data-cell="G2" class="refused" aria-invalid="true"'
                     r' title="([^"]+)"', shown)  # fmt: skip
    assert cell is not None
    assert "Webhook ID 999" in cell.group(1)
    assert "would fail" in cell.group(1)


HTMX = {"HX-Request": "true", "HX-Target": "grid"}


def test_the_preview_grid_pages_with_its_outcomes_and_goes_to_a_row(tmp_path: Path) -> None:
    """The preview's grid links ask the preview's page for the grid alone: a second page
    keeps each row's outcome; a row asked for by number opens on its page, marked."""
    client, page, csrf, location = _setup(tmp_path, rows=250)
    client.post(f"{location}/preview", data={"csrf": csrf})
    assert page.runs.wait(_place(page, location), PREVIEW, 60).state == "done"
    whole = client.get(f"{location}/preview").text
    assert f'hx-get="{location}/preview?sheet=0&amp;page=1&amp;show=all"' in whole
    second = client.get(f"{location}/preview", params={"page": 1}, headers=HTMX).text
    assert "<h1>" not in second  # the grid alone
    rows = [int(r) for r in re.findall(r'<tr data-row="(\d+)"', second)]
    assert rows == list(range(202, 252))  # the last row is on a page
    assert second.count('data-outcome="planned"') == 50
    found = client.get(f"{location}/preview", params={"row": 230}).text
    assert "page 2 of 2" in found
    assert '<tr data-row="230" id="row-230" class="target">' in found
    assert '<tr data-row="229" id="row-229">' in found
    lost = client.get(f"{location}/preview", params={"row": 900}, headers=HTMX).text
    assert "Row 900 is not a row of data in this sheet" in lost
    assert "page 1 of 2" in client.get(f"{location}/preview", params={"row": "²"}).text
    found = client.get(f"{location}/preview", params={"find": "TEST ROUTE 24"}, headers=HTMX)
    names = re.findall(r'data-cell="C\d+">(Test route \d+)<', found.text)
    assert names == ["Test route 24", *(f"Test route {n}" for n in range(240, 250))]
    assert "11 rows" in found.text
    assert 'name="find" type="search" value="TEST ROUTE 24"' in found.text
    kept = client.get(f"{location}/preview", params={"find": "route 24", "outcome": "planned"},
                      headers=HTMX)  # fmt: skip
    assert "11 rows" in kept.text  # (with the cards' filter: both)
    none = client.get(f"{location}/preview", params={"find": "route 24", "outcome": "failed"},
                      headers=HTMX)  # fmt: skip
    assert "0 rows" in none.text


def test_the_results_keep_a_record_of_the_run(tmp_path: Path) -> None:
    client, page, csrf, location = _setup(tmp_path, rows=3)
    place = _place(page, location)
    client.post(f"{location}/preview", data={"csrf": csrf})
    page.runs.wait(place, PREVIEW, 30)
    client.post(f"{location}/run", data={"csrf": csrf})
    assert page.runs.wait(place, RUN, 30).state == "done"
    shown = client.get(f"{location}/run").text
    assert re.search(r'<p class="summary">3 done · 0 unchanged · 0 failed · 0 unknown · \d+ s</p>',
                     shown)  # fmt: skip
    sha = hashlib.sha256((tmp_path / "routes.xlsx").read_bytes()).hexdigest()
    record = re.search(r'<details class="record">(.*?)</details>', shown, re.S)
    assert record is not None
    text = re.sub(r"<[^>]+>", " ", record.group(1))
    assert sha in text
    assert "routes.xlsx" in text
    assert "Peachtree Dental Group (id 70000) (SANDBOX)" in text
    assert "admin@demo.bulkops.test" in text
    assert f"bulkops {VERSION}" in " ".join(text.split())
    assert "succeeded 3" in text
    assert f'href="{location}/results.xlsx"' in shown
    assert "no row is left to fix" in shown
    assert "failed.xlsx" not in shown


def test_a_failure_while_running_links_to_its_row(tmp_path: Path) -> None:
    _, page, _, location = _setup(tmp_path, rows=3)
    place = _place(page, location)
    upload = page.store.load(place.parent.parent.name, place.name)
    progress = Progress(RUN, total=3, done=1, failures=[["Routes", 3, "failed", "refused"]])
    html = page.templates.get_template("progress.html").render(
        upload=upload, progress=progress, kind=RUN, session=None
    )
    assert f'<a href="{location}/run?sheet=0&amp;row=3#row-3">Routes row 3</a>' in html


def test_a_run_with_a_failed_row_offers_the_rows_left_to_fix(tmp_path: Path) -> None:
    client, page, csrf, location = _previewed(tmp_path, [
        ["update", 12001, None, None, None, None, 999, None],  # no webhook 999
        ["update", 12002, "Renamed by the page", None, None, None, None, None],
    ])  # fmt: skip
    place = _place(page, location)
    will = "It will update 1; 1 row will not be sent (no change, skipped, or would fail)."
    assert will in client.get(f"{location}/preview").text
    client.post(f"{location}/run", data={"csrf": csrf})
    run = page.runs.wait(place, RUN, 30)
    assert run.counts == {"failed": 1, "succeeded": 1}
    shown = client.get(f"{location}/run").text
    said = json.loads((place / "run-outcomes.json").read_text())["Routes"]["2"][2]
    assert said.startswith("not sent: the preview found it would fail (Webhook ID 999")
    assert said.endswith("): fix the row, then preview it again")
    assert f'href="{location}/failed.xlsx"' in shown
    failed = client.get(f"{location}/failed.xlsx")
    assert failed.headers["content-disposition"] == 'attachment; filename="routes.failed.xlsx"'
    rows = list(load_workbook(BytesIO(failed.content))["Routes"].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:] if any(r)] == [12001]
