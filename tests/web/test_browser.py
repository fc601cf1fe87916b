"""The upload page in a real browser: Playwright driving Debian's Chromium (never a
downloaded one), the server under uvicorn on 127.0.0.1. Screenshots of each step go to
tests/web/screens/ (ignored by git)."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bulkops.sandbox import Sandbox
from bulkops.web import WebConfig, create_app
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENS = Path(__file__).parent / "screens"
SAMPLES = ROOT / "samples"
#: how long the DOM may take to show what a step waits for
WAIT_MS = 30_000


class Served:
    """The page under uvicorn in a thread, on a port the system chose."""

    def __init__(self, tmp: Path, box: Sandbox | None = None, transport: Any = None) -> None:
        self.box = box or Sandbox()
        self.app = create_app(WebConfig(tmp / "data", sandbox=True, box=self.box,
                                        transport=transport))  # fmt: skip
        self.listening = socket.socket()
        self.listening.bind(("127.0.0.1", 0))
        self.port = self.listening.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        sockets = {"sockets": [self.listening]}
        self.thread = threading.Thread(target=self.server.run, kwargs=sockets, daemon=True)
        self.thread.start()
        while not self.server.started:  # the server's own start, not a timed wait
            time.sleep(0.01)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--disable-gpu", "--disable-quic", "--disable-sync"],
        )  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path)
    yield server
    server.close()


def _shot(page: Page, name: str) -> None:
    SCREENS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _sign_in(page: Page, served: Served, email: str = "", password: str = "") -> None:
    page.goto(served.url + "/")
    if email:
        page.fill("#email", email)
        page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    expect(page.locator(".mode.sandbox").first).to_have_text("SANDBOX")


def _upload(page: Page, path: Path) -> None:
    page.set_input_files("#file", str(path))
    page.click("button:has-text('Upload and check')")
    expect(page.locator("#summary")).to_be_visible(timeout=WAIT_MS)


def test_the_whole_flow_on_the_new_account_sample(browser: Browser, served: Served,
                                                   tmp_path: Path) -> None:  # fmt: skip
    page = browser.new_page(accept_downloads=True)
    _sign_in(page, served)
    _shot(page, "1-upload")
    _upload(page, SAMPLES / "new-account.xlsx")
    _shot(page, "2-check-files")
    page.set_input_files("#files", [str(SAMPLES / "new-account-recipients.csv"),
                                    str(SAMPLES / "audio" / "welcome.wav")])  # fmt: skip
    page.click("button:has-text('Add the files and check again')")
    expect(page.locator("#summary")).to_contain_text("0 errors", timeout=WAIT_MS)
    page.click("button:has-text('Preview')")
    expect(page.locator(".cards")).to_be_visible(timeout=WAIT_MS)  # the page reloads when done
    expect(page.locator("text=Nothing was changed")).to_be_visible()
    _shot(page, "3-preview")
    needed = re.search(r"Type (\d+) to confirm", page.content())
    assert needed is not None
    page.fill("#confirm", needed.group(1))
    page.click("button:has-text('Run')")
    expect(page.locator(".summary")).to_contain_text("done", timeout=WAIT_MS)
    _shot(page, "4-results")
    with page.expect_download() as download:
        page.click("text=Download the results workbook")
    saved = tmp_path / "results.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    statuses = [
        row[[c.value for c in sheet[1]].index("Result: Status")]
        for sheet in book.worksheets if sheet.title not in ("Summary", "Instructions")
        and "Result: Status" in [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)
    ]  # fmt: skip
    assert statuses
    assert set(statuses) == {"succeeded"}


def test_an_invalid_sample_shows_its_problems_on_the_right_cells(
    browser: Browser, served: Served
) -> None:
    page = browser.new_page()
    _sign_in(page, served)
    _upload(page, SAMPLES / "invalid" / "routes.xlsx")
    _shot(page, "check-invalid")
    from bulkops import actions

    report = actions.validate(SAMPLES / "invalid" / "routes.xlsx", write_report=False)
    first = next(p for p in report.problems if p.cell and p.is_error)
    cell = page.locator(f'td[data-sheet="Routes"][data-cell="{first.cell}"]')
    expect(cell).to_have_attribute("aria-invalid", "true")
    expect(cell).to_contain_text("error")
    page.click(f".problems a:has-text('{first.code}')")
    expect(page.locator(f'td[data-cell="{first.cell}"]')).to_be_visible()
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(sum(1 for p in report.problems if p.code == first.code))


def test_run_is_refused_before_a_preview(browser: Browser, served: Served) -> None:
    """A stale (here: missing) preview refuses Run: a forged form post says why."""
    page = browser.new_page()
    _sign_in(page, served)
    _upload(page, SAMPLES / "routes.xlsx")
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    answer = page.request.post(page.url + "/run", form={"csrf": csrf or ""},
                               headers={"Origin": served.url})  # fmt: skip
    assert answer.status == 409
    assert "preview the file first" in answer.text()


def test_a_post_without_the_token_is_refused(browser: Browser, served: Served) -> None:
    page = browser.new_page()
    _sign_in(page, served)
    answer = page.request.post(served.url + "/upload", multipart={"file": {
        "name": "routes.csv", "mimeType": "text/csv", "buffer": b"Action\n"}},
        headers={"Origin": served.url})  # fmt: skip
    assert answer.status == 403


def test_two_people_do_not_see_each_others_uploads(browser: Browser, served: Served) -> None:
    dana = browser.new_context().new_page()
    sam = browser.new_context().new_page()
    _sign_in(dana, served)
    _upload(dana, SAMPLES / "routes.xlsx")
    theirs = dana.url
    _sign_in(sam, served, "standard@demo.bulkops.test", "demo-password")
    answer = sam.goto(theirs)
    assert answer is not None
    assert answer.status == 404
    sam.goto(served.url + "/")
    expect(sam.locator("#uploads-title")).to_be_visible()
    assert theirs.rsplit("/", 1)[1] not in sam.content()


def test_the_flow_works_with_the_keyboard_alone(browser: Browser, served: Served) -> None:
    """Sign in, choose a file, upload, filter to rows with problems, preview, type the count
    of deletes, run, reach the results: Tab, Enter, Space and typing only (the file chooser
    is the one thing a keyboard opens and a test fills)."""
    page = browser.new_page()
    page.goto(served.url + "/")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".mode.sandbox").first).to_be_visible()
    _choose_with_the_keyboard(page, "#file", SAMPLES / "routes.xlsx")
    _tab_to(page, "button:text('Upload and check')")
    page.keyboard.press("Enter")
    expect(page.locator("#summary")).to_be_visible(timeout=WAIT_MS)
    _tab_to(page, ".filters a:text('Rows with problems')")
    page.keyboard.press("Enter")
    expect(page.locator(".filters a:text('Rows with problems')")).to_have_attribute(
        "aria-current", "true", timeout=WAIT_MS
    )
    _tab_to(page, "button:text('Preview')")
    page.keyboard.press("Enter")
    expect(page.locator(".cards")).to_be_visible(timeout=WAIT_MS)
    _tab_to(page, "#confirm")
    needed = re.search(r"Type (\d+) to confirm", page.content())
    assert needed is not None
    page.keyboard.type(needed.group(1))
    _tab_to(page, "button:text('Run')")
    page.keyboard.press("Enter")
    expect(page.locator(".summary")).to_contain_text("0 failed", timeout=WAIT_MS)
    _tab_to(page, "a:text('Download the results workbook')")
    _shot(page, "keyboard")


def _choose_with_the_keyboard(page: Page, selector: str, path: Path) -> None:
    """Open the file chooser of `selector` from the keyboard (Space, else Enter: a loaded
    machine once saw Space's chooser never come) and give it `path`."""
    for key in ("Space", "Enter"):
        _tab_to(page, selector)
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press(key)
        except PlaywrightTimeout:
            continue
        chooser.value.set_files(str(path))
        return
    raise AssertionError(f"{selector}: neither Space nor Enter opens the file chooser")


def _tab_to(page: Page, selector: str) -> None:
    """Press Tab until `selector` has the focus (as a person moving through the page)."""
    target = page.locator(selector).first
    expect(target).to_be_visible(timeout=WAIT_MS)
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_the_preview_grid_pages_and_goes_to_a_row_in_place(
    browser: Browser, served: Served, tmp_path: Path
) -> None:
    """Next and Go to row swap the grid alone (htmx), keep each row's outcome, and put the
    view in the address; the last rows of a sheet are on its last page."""
    from tests.web.test_runs import _workbook

    page = browser.new_page()
    _sign_in(page, served)
    _upload(page, _workbook(tmp_path / "routes.xlsx", 250))
    page.click("button:has-text('Preview')")
    expect(page.locator(".cards")).to_be_visible(timeout=WAIT_MS)
    page.click(".pages a:text('Last')")
    expect(page.locator("#grid .count")).to_contain_text("page 2 of 2", timeout=WAIT_MS)
    rows = page.locator("table.grid tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.last).to_have_attribute("data-row", "251")
    expect(page.locator('tr[data-row="251"] td.outcome')).to_contain_text("create planned")
    assert "page=1" in page.url
    expect(page.locator("h1")).to_have_count(1)  # the grid was swapped, not the page nested
    page.fill("#go-row", "120")
    page.keyboard.press("Enter")
    target = page.locator("tr.target")
    expect(target).to_have_attribute("data-row", "120", timeout=WAIT_MS)
    expect(page.locator("#grid .count")).to_contain_text("page 1 of 2")
    _shot(page, "preview-go-to-row")
    page.fill("#find", "test route 24")
    page.keyboard.press("Enter")
    expect(page.locator("#grid .count")).to_have_text("11 rows", timeout=WAIT_MS)
    expect(page.locator("table.grid tbody tr")).to_have_count(11)
    assert "find=test%20route%2024" in page.url  # (htmx: the form into the address)


def test_a_file_dropped_on_the_upload_card_is_uploaded_and_checked(
    browser: Browser, served: Served
) -> None:
    page = browser.new_page()
    _sign_in(page, served)
    data = list((SAMPLES / "routes.xlsx").read_bytes())
    dropped = page.evaluate_handle(
        """data => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(data)], "dropped routes.xlsx"));
            return transfer;
        }""",
        data,
    )
    page.dispatch_event("form.drop", "dragover", {"dataTransfer": dropped})
    expect(page.locator("form.drop")).to_have_class(re.compile("dragging"))
    page.dispatch_event("form.drop", "drop", {"dataTransfer": dropped})
    expect(page.locator("#summary")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("h1")).to_have_text("dropped routes.xlsx")


def test_the_upload_says_it_is_checking_while_it_is(browser: Browser, served: Served) -> None:
    """Pressing Upload and check says the file is being checked and disables the button
    (the form's sending is held back here, so the page stays to be looked at)."""
    page = browser.new_page()
    _sign_in(page, served)
    page.evaluate("""() => window.addEventListener("submit", e => e.preventDefault(), true)""")
    page.set_input_files("#file", str(SAMPLES / "routes.xlsx"))
    page.click("button:has-text('Upload and check')")
    expect(page.locator("form.drop [role=status]")).to_contain_text(
        "Uploading and checking every row"
    )
    expect(page.locator("button:has-text('Upload and check')")).to_be_disabled()
