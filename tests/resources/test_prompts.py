"""Media prompts: audio files named in the sheet, read only beside the workbook, checked
before anything is sent, uploaded as multipart forms, never uploaded twice."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulkops.actions import validate
from bulkops.model.outcome import Status
from tests.conftest import ROOT
from tests.resources.test_account import book
from tests.test_run import run, sandbox

HEAD = ["Action", "Prompt Name", "Group", "Audio File"]


def folder_with_audio(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "samples" / "audio", tmp_path / "audio")
    return tmp_path


def test_an_upload_lands_once_with_its_file(tmp_path: Path) -> None:
    """The sandbox receives the file's bytes under its name, in the group given."""
    folder = folder_with_audio(tmp_path)
    path = book(
        folder / "p.xlsx", {"Prompts": [HEAD, ["create", "Hello", 70035, "audio/welcome.wav"]]}
    )
    box = sandbox()
    result = run(path, box, tmp_path / "out")
    [outcome] = result.outcomes
    assert outcome.status is Status.SUCCEEDED
    stored = box.store.get("media_prompts", outcome.resource_id)
    assert stored is not None
    assert stored["prompt_name"] == "Hello"
    assert stored["org_unit_id"] == 70035
    assert stored["file_name"] == "welcome.wav"
    assert stored["size"] == (folder / "audio" / "welcome.wav").stat().st_size


@pytest.mark.parametrize("fault", ["lost-500", "drop"])
def test_an_upload_whose_answer_was_lost_is_found_not_sent_again(
    fault: str, tmp_path: Path
) -> None:
    """The upload committed but its answer was lost: the prompt is found by its name among
    the account's, and the row succeeds without a second upload."""
    folder = folder_with_audio(tmp_path)
    path = book(
        folder / "p.xlsx", {"Prompts": [HEAD, ["create", "Hello", 70035, "audio/welcome.wav"]]}
    )
    box = sandbox(f"{fault}:1:limit=1@POST /media-prompts")
    result = run(path, box, tmp_path / "out")
    [outcome] = result.outcomes
    assert outcome.status is Status.SUCCEEDED, outcome.message
    assert outcome.reconciled
    hellos = [p for p in box.store.all("media_prompts") if p["prompt_name"] == "Hello"]
    assert len(hellos) == 1
    assert len(box.log.matching("POST", "/v3/media-prompts")) == 1


def test_a_name_taken_by_another_file_fails_and_sends_nothing(tmp_path: Path) -> None:
    """A prompt of that name with another file is not replaced behind the person's back."""
    folder = folder_with_audio(tmp_path)
    path = book(
        folder / "p.xlsx",
        {"Prompts": [HEAD, ["create", "Welcome message", 70000, "audio/welcome.wav"]]},
    )
    box = sandbox()
    [outcome] = run(path, box, tmp_path / "out").outcomes
    assert outcome.status is Status.FAILED
    assert "exists already" in outcome.message
    assert "delete it first" in outcome.message
    assert not box.log.writes()


def test_too_large_a_file_is_refused_at_its_cell_before_anything_is_sent(tmp_path: Path) -> None:
    """A 51 MB file: the problem is at its cell and no request carries it."""
    folder = folder_with_audio(tmp_path)
    big = folder / "audio" / "big.wav"
    with big.open("wb") as handle:
        handle.write(b"RIFF\x00\x00\x00\x00WAVEfmt ")
        handle.truncate(51 * 2**20)  # sparse: no 51 MB written
    path = book(folder / "p.xlsx", {"Prompts": [HEAD, ["create", "Big", 70035, "audio/big.wav"]]})
    [problem] = validate(path, write_report=False).problems
    assert (problem.code, problem.cell) == ("audio-file", "D2")
    assert "at most 50 MB" in problem.message
    box = sandbox()
    [outcome] = run(path, box, tmp_path / "out").outcomes
    assert outcome.status is Status.INVALID
    assert not box.log.writes()


def test_a_dry_run_says_what_it_would_upload(tmp_path: Path) -> None:
    """A dry run names the file, its size and the name it would take; it sends no write."""
    folder = folder_with_audio(tmp_path)
    path = book(
        folder / "p.xlsx", {"Prompts": [HEAD, ["create", "Hello", "", "audio/welcome.wav"]]}
    )
    box = sandbox()
    [outcome] = run(path, box, tmp_path / "out", dry_run=True).outcomes
    assert outcome.status is Status.PLANNED
    assert outcome.message == "would upload audio/welcome.wav (4 KB) as 'Hello'"
    assert {e.method for e in box.log} == {"GET"}


def test_a_route_names_a_prompt_the_same_workbook_uploads(tmp_path: Path) -> None:
    """A route's caller message of type 'file' given by the name of a prompt an earlier
    sheet uploads waits for that row and takes the new prompt's id."""
    folder = folder_with_audio(tmp_path)
    route = [
        "Action",
        "Route ID",
        "Caller Message Enabled",
        "Caller Message Type",
        "Caller Message",
    ]
    path = book(
        folder / "p.xlsx",
        {
            "Prompts": [HEAD, ["create", "Fresh greeting", 70035, "audio/welcome.wav"]],
            "Routes": [route, ["update", 12001, "Yes", "file", "Fresh greeting"]],
        },
    )
    box = sandbox()
    result = run(path, box, tmp_path / "out")
    assert result.counts() == {"succeeded": 2}, [o.message for o in result.outcomes]
    prompt = next(o for o in result.outcomes if o.sheet == "Prompts")
    stored = box.store.get("routes", 12001)
    assert stored is not None
    assert stored["routing_configuration"]["config"]["message"] == prompt.resource_id
