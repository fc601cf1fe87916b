"""The upload page over its ASGI app (httpx): sign-in, upload, the check with problems on
their cells, downloads, and the guards (issue 15)."""

from __future__ import annotations

import re
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette's client on httpx: deprecated there, not broken
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from bulkops import actions
from bulkops.web import WebConfig, create_app
from bulkops.web.people import COOKIE
from tests.conftest import ROOT

ORIGIN = "http://127.0.0.1"
INVALID = ROOT / "samples" / "invalid" / "routes.xlsx"
VALID = ROOT / "samples" / "routes.xlsx"


def _client(tmp_path: Path, **config: Any) -> TestClient:
    app = create_app(WebConfig(tmp_path / "data", sandbox=True, **config))
    return TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})


def _signed_in(client: TestClient, email: str = "", password: str = "") -> str:
    """Sign in; the page's CSRF token."""
    answer = client.post("/signin", data={"email": email, "password": password},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    home = client.get("/").text
    found = re.search(r'name="csrf" value="([^"]+)"', home)
    assert found is not None
    return found.group(1)


def _upload(client: TestClient, csrf: str, path: Path, name: str | None = None) -> Any:
    with path.open("rb") as handle:
        files = {"file": (name or path.name, handle)}
        return client.post("/upload", data={"csrf": csrf}, files=files, follow_redirects=False)


def test_sign_in_gives_a_strict_session_cookie_and_names_the_account(tmp_path: Path) -> None:
    client = _client(tmp_path)
    page = client.get("/")
    assert "Sign in" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    answer = client.post("/signin", data={}, follow_redirects=False)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    home = client.get("/").text
    assert "Peachtree Dental Group (id 70000)" in home
    assert "SANDBOX" in home
    assert "admin@demo.bulkops.test" in home
    refused = client.post("/signin", data={"email": "admin@demo.bulkops.test",
                                           "password": "wrong"})  # fmt: skip
    assert refused.status_code == 401
    assert "sign-in refused: check the email and password" in refused.text


def test_an_invalid_sample_shows_each_problem_on_its_cell(tmp_path: Path) -> None:
    """The check names what validate names: the summary's counts, every problem with a
    cell marked on that cell (aria-invalid, its message, its severity in words)."""
    client = _client(tmp_path)
    csrf = _signed_in(client)
    answer = _upload(client, csrf, INVALID)
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    report = actions.validate(INVALID, write_report=False)
    summary = f"{report.rows:,} rows · {report.errors + report.warnings} problems"
    assert summary in page
    marked = dict(re.findall(r'data-cell="([A-Z]+\d+)" class="(error|warning)" aria-invalid', page))
    celled = {p.cell: p for p in report.problems if p.cell}
    assert marked
    for cell, severity in marked.items():
        assert celled[cell].severity.value == severity
    first = next(p for p in report.problems if p.cell and p.is_error)
    assert first.cell in marked
    assert "✖ error" in page
    errors_only = client.get(answer.headers["location"].replace("/u/", "/u/", 1) + "/grid",
                             params={"show": "errors"}).text  # fmt: skip
    rows = set(re.findall(r'<tr data-row="(\d+)"', errors_only))
    assert rows == {str(p.row) for p in report.problems if p.is_error and p.row}
    too_long = next(p for p in report.problems if p.code == "too-long")
    whole = re.search(rf'data-cell="{too_long.cell}"[^>]*><span class="long" title="(x+)">', page)
    assert whole is not None  # a long value is cut short on the page, whole on hover
    assert len(whole.group(1)) == 300


def test_the_report_and_the_templates_download_as_attachments(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _signed_in(client)
    location = _upload(client, csrf, INVALID).headers["location"]
    report = client.get(f"{location}/report.xlsx")
    assert report.status_code == 200
    assert report.headers["content-disposition"] == 'attachment; filename="routes.report.xlsx"'
    assert report.headers["x-content-type-options"] == "nosniff"
    assert report.content[:2] == b"PK"
    template = client.get("/templates/routes.xlsx")
    assert template.headers["content-disposition"].startswith("attachment")
    assert client.get("/templates/..%2Fsecrets.xlsx").status_code == 404


def test_what_is_not_a_spreadsheet_is_refused_and_not_kept(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _signed_in(client)
    cases = {
        "notes.txt": b"\x00\x01binary, not a table",
        "empty.csv": b"",
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "pets.csv": b"Name,Legs\nRex,4\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        answer = _upload(client, csrf, path)
        assert answer.status_code == 400, name
        assert 'role="alert"' in answer.text
        assert "Traceback" not in answer.text
    bomb = shutil.copy(VALID, tmp_path / "bomb.xlsx")
    with (
        zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet9.xml", "w", force_zip64=True) as stream,
    ):
        for _ in range(300):  # 180 MB of repetition, under 1 MB compressed
            stream.write(b"<row/>" * 100_000)
    refused = _upload(client, csrf, Path(bomb))
    assert refused.status_code == 400
    assert "zip bomb" in refused.text
    people = tmp_path / "data" / "people"
    assert list(people.glob("*/uploads/*")) == []


def test_too_large_a_body_is_refused_while_it_streams(tmp_path: Path) -> None:
    client = _client(tmp_path, upload_limit=64 * 1024)
    csrf = _signed_in(client)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 200 * 1024)
    declared = _upload(client, csrf, big)
    assert declared.status_code == 413

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b"y" * 4096

    streamed = client.post("/upload", content=chunks(),
                           headers={"Content-Type": "multipart/form-data; boundary=x",
                                    "X-CSRF-Token": csrf})  # fmt: skip
    assert streamed.status_code == 413
    assert streamed.text == "refused: the file is larger than 64 KB (the limit of this page)"


def test_requests_not_from_the_page_change_nothing(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _signed_in(client)
    with VALID.open("rb") as handle:
        no_token = client.post("/upload", files={"file": ("routes.xlsx", handle)})
    assert no_token.status_code == 403
    with VALID.open("rb") as handle:
        other_site = client.post("/upload", data={"csrf": csrf}, headers={
            "Origin": "http://evil.example"}, files={"file": ("routes.xlsx", handle)})  # fmt: skip
    assert other_site.status_code == 403
    forged = TestClient(client.app, base_url=ORIGIN, headers={"Origin": ORIGIN},
                        cookies={COOKIE: "forged"})  # fmt: skip
    with VALID.open("rb") as handle:
        assert forged.post("/upload", data={"csrf": csrf},
                           files={"file": ("routes.xlsx", handle)}).status_code == 403  # fmt: skip
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert list((tmp_path / "data" / "people").glob("*/uploads/*")) == []


def test_one_person_never_sees_another_persons_upload(tmp_path: Path) -> None:
    app = create_app(WebConfig(tmp_path / "data", sandbox=True))
    dana = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    sam = TestClient(app, base_url=ORIGIN, headers={"Origin": ORIGIN})
    location = _upload(dana, _signed_in(dana), VALID).headers["location"]
    _signed_in(sam, "standard@demo.bulkops.test", "demo-password")
    assert dana.get(location).status_code == 200
    assert sam.get(location).status_code == 404
    assert sam.get(f"{location}/report.xlsx").status_code == 404
    assert sam.get(f"{location}/grid").status_code == 404
    assert location not in sam.get("/").text
    assert location in dana.get("/").text
    assert sam.get("/u/..%2F..%2Fetc").status_code == 404


def test_signing_out_ends_the_session(tmp_path: Path) -> None:
    client = _client(tmp_path)
    csrf = _signed_in(client)
    location = _upload(client, csrf, VALID).headers["location"]
    assert client.post("/signout", data={}, follow_redirects=False).status_code == 403
    out = client.post("/signout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get(location).status_code == 404
    assert "Sign in" in client.get("/").text


@pytest.mark.parametrize("name", ["routes.xlsx", "../../x.xlsx", "a\\b\\routes.xlsx"])
def test_a_path_in_a_file_name_stays_a_name(tmp_path: Path, name: str) -> None:
    client = _client(tmp_path)
    csrf = _signed_in(client)
    answer = _upload(client, csrf, VALID, name)
    assert answer.status_code == 303
    stored = list((tmp_path / "data" / "people").glob("*/uploads/*/*.xlsx"))
    assert len(stored) == 1
    assert stored[0].parent.parent.name == "uploads"
