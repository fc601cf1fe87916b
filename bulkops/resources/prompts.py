"""Media prompts (CLI name `prompts`): audio files uploaded to the account, which routes
play as their whisper, caller message, voicemail greeting or hold message.

CONTRACT.md section 3's assumed shape, stated once here: `POST /media-prompts` takes
multipart form data (`file`: wav or mp3, at most 50 MB; `prompt_name`; `org_unit_id`) and
answers `data.prompt_id` (a text id such as `qLMcUEqb_1660813454043`);
`DELETE /media-prompts/{id}` removes one; `GET /media-prompts` lists them. There is no
update: a prompt is uploaded, or deleted.

The file a row names is read only from the workbook's folder (like a recipients file),
its size and type checked when the sheet is validated, its content read when it is sent.
An upload is journaled before it is sent, and one whose answer was lost is looked up by
name among the account's prompts, never sent a second time.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

import httpx
from pydantic import BaseModel, ConfigDict, Field

from bulkops.errors import OutcomeUnknown, ServerError
from bulkops.model.outcome import RowOutcome, Status
from bulkops.model.record import RowRecord
from bulkops.model.schema import MISSING, Column, Finder, Kind, Resource
from bulkops.model.seam import Failed, RunContext, kept
from bulkops.resources.common import group_column, text
from bulkops.validation.recipients import LocalFile

__all__ = [
    "BASE",
    "MAX_AUDIO_BYTES",
    "PROMPTS",
    "PROMPTS_FINDER",
    "RESOURCE",
    "PromptForm",
    "audio_problem",
    "execute",
]

BASE: Final = "/media-prompts"
#: The largest audio file the API takes.
MAX_AUDIO_BYTES: Final = 50 * 1024 * 1024
_TYPES: Final = {".wav": "audio/wav", ".mp3": "audio/mpeg"}


class PromptForm(BaseModel):
    """The text fields of an upload's form, beside its `file` part."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    prompt_name: Annotated[str, Field(min_length=1, max_length=255)]
    org_unit_id: Annotated[str, Field(pattern=r"^[1-9]\d*$")] | None = None


def _looks_like(head: bytes, suffix: str) -> bool:
    """Whether a file's first bytes are what its name says: RIFF/WAVE, or an MP3 (an ID3
    tag, or an MPEG audio frame's sync bits)."""
    if suffix == ".wav":
        return head[:4] == b"RIFF" and head[8:12] == b"WAVE"
    return head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def audio_problem(value: Any) -> tuple[str, str] | None:
    """Why a file cannot be uploaded as a prompt (its type and size, checked before
    anything is sent), or None."""
    if not isinstance(value, LocalFile):
        return None
    suffix = value.path.suffix.lower()
    if suffix not in _TYPES:
        return ("audio-file", f"{value.name} is not a .wav or .mp3 file: save the audio as one")
    if value.size > MAX_AUDIO_BYTES:
        size = value.size / 2**20
        return ("audio-file", f"{value.name} is {size:,.1f} MB; a prompt may be at most 50 MB")
    if value.size == 0 or not _looks_like(value.head(), suffix):
        return (
            "audio-file",
            f"{value.name} is not {suffix[1:]} audio inside (its content says otherwise): "
            "export it again as .wav or .mp3",
        )
    return None


_COLUMNS: Final[tuple[Column, ...]] = (
    text(
        "Prompt Name",
        "prompt_name",
        "The prompt's name: finds it when Prompt ID is blank, and routes name it by it.",
        "Welcome message",
        required=frozenset({"create"}),
        max_length=255,
        clear_value=MISSING,
    ),
    group_column(
        "org_unit_id",
        "the prompt belongs to (blank: the whole account)",
        frozenset(),
        example=70035,
        clear_value=None,
    ),
    Column(
        "Audio File",
        "file",
        Kind.FILE,
        "The audio to upload: a .wav or .mp3 file (at most 50 MB) beside the workbook, or in "
        "a folder below it (audio/welcome.wav).",
        example="audio/welcome.wav",
        required=frozenset({"create"}),
        check=audio_problem,
        create_only=True,
    ),
)

#: How a prompt is found by the name a cell gives (a route's whisper or message).
PROMPTS_FINDER: Final = Finder(
    kind="prompts",
    noun="media prompt",
    listing=BASE,
    id_field="prompt_id",
    name_fields=("prompt_name",),
    sheet="Prompts",
    alt_field="prompt_id",
    otherwise="give its id, its name, or ref:Prompts!<name>",
)


def _value(record: RowRecord, path: str) -> Any:
    return next((v for c, v in record.values.items() if c.path == path), None)


def _outcome(record: RowRecord, status: Status, message: str, **more: Any) -> RowOutcome:
    return RowOutcome(record.sheet, record.row, record.action, status, message=message, **more)


async def _prompts(run: RunContext) -> dict[str, dict[str, Any]]:
    """The account's prompts by id, listed once per run and kept current with its own
    uploads and deletes."""
    return await kept(run, "prompts", lambda: _listed(run))


async def _listed(run: RunContext) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    async for items, _ in run.pages(BASE):
        for item in items:
            found[str(item.get("prompt_id"))] = item
    return found


def _named(prompts: dict[str, dict[str, Any]], name: str, group: Any) -> list[dict[str, Any]]:
    """The prompts called `name` (case aside), within `group` when the row gives one."""
    wanted = name.casefold()
    return [
        p
        for p in prompts.values()
        if str(p.get("prompt_name", "")).casefold() == wanted
        and (group is None or p.get("org_unit_id") == group)
    ]


def _form(record: RowRecord, upload: LocalFile) -> tuple[bytes, str]:
    """The multipart body of an upload and its content type (with the boundary)."""
    group = _value(record, "org_unit_id")
    form = PromptForm(
        prompt_name=str(_value(record, "prompt_name")),
        org_unit_id=None if group is None else str(group),
    )
    fields = form.model_dump(exclude_none=True)
    kind = _TYPES[upload.path.suffix.lower()]
    request = httpx.Request(
        "POST",
        "http://form.invalid/",
        data=fields,
        files={"file": (upload.path.name, upload.path.read_bytes(), kind)},
    )
    return request.read(), request.headers["content-type"]


async def execute(run: RunContext, record: RowRecord) -> tuple[RowOutcome, int]:
    """One prompts row: upload or delete. Its outcome and the requests it took."""
    before = run.requests
    outcome = await _execute(run, record)
    return outcome, run.requests - before


async def _execute(run: RunContext, record: RowRecord) -> RowOutcome:
    prompts = await _prompts(run)
    if record.action == "delete":
        return await _delete(run, record, prompts)
    return await _upload(run, record, prompts)


async def _delete(
    run: RunContext, record: RowRecord, prompts: dict[str, dict[str, Any]]
) -> RowOutcome:
    ident = record.resource_id
    name = _value(record, "prompt_name")
    if ident is None:
        same = _named(prompts, str(name), _value(record, "org_unit_id"))
        if len(same) > 1:
            ids = ", ".join(str(p.get("prompt_id")) for p in same[:5])
            return _outcome(
                record,
                Status.FAILED,
                f"{len(same)} prompts are called '{name}' (ids {ids}): give the Prompt ID",
            )
        if not same:
            return _outcome(
                record, Status.UNCHANGED, f"unchanged: no prompt '{name}' is left: already deleted"
            )
        ident = str(same[0].get("prompt_id"))
    elif str(ident) not in prompts:
        return _outcome(
            record, Status.UNCHANGED, f"unchanged: prompt {ident} is not there: already deleted"
        )
    path = f"{BASE}/{ident}"
    if run.dry_run:
        return _outcome(record, Status.PLANNED, f"would DELETE {path}", resource_id=ident,
                        request=("DELETE", path, None))  # fmt: skip
    run.intent(record, "DELETE", path, (str(name or ident),), b"")
    answer, _ = await run.call("DELETE", path, gone_is_done=run.in_doubt(record))
    prompts.pop(str(ident), None)
    return _outcome(record, Status.SUCCEEDED, "deleted", resource_id=ident,
                    http_status=answer.status, request_id=answer.request_id)  # fmt: skip


async def _upload(
    run: RunContext, record: RowRecord, prompts: dict[str, dict[str, Any]]
) -> RowOutcome:
    name = str(_value(record, "prompt_name"))
    group = _value(record, "org_unit_id")
    upload = _value(record, "file")
    assert isinstance(upload, LocalFile)  # (validation made it one, or the row is invalid)
    same = _named(prompts, name, group)
    if same:
        found = same[0]
        size = found.get("size")
        if isinstance(size, int) and size != upload.size:
            return _outcome(
                record,
                Status.FAILED,
                f"a prompt called '{name}' exists already (id {found.get('prompt_id')}) with "
                f"another file ({size:,} bytes, not {upload.size:,}): delete it first, or give "
                "this one another name",
            )
        return _outcome(
            record,
            Status.UNCHANGED,
            f"unchanged: prompt '{name}' is there already (id {found.get('prompt_id')})",
            resource_id=found.get("prompt_id"),
        )
    if run.dry_run:
        return _outcome(
            record,
            Status.PLANNED,
            f"would upload {upload.name} ({upload.size / 1024:,.0f} KB) as '{name}'",
            request=(
                "POST",
                BASE,
                {"prompt_name": name, "org_unit_id": group, "file": upload.name},
            ),
        )
    content, kind = _form(record, upload)
    run.intent(record, "POST", BASE, (name,), content)
    try:
        answer, _ = await run.call("POST", BASE, content, content_type=kind)
    except Failed as failed:
        if not isinstance(failed.error, OutcomeUnknown | ServerError):
            raise
        now = _named(await _listed(run), name, group)  # looking is harmless
        if len(now) == 1:
            ident = now[0].get("prompt_id")
            prompts[str(ident)] = now[0]
            return _outcome(
                record,
                Status.SUCCEEDED,
                f"uploaded (its answer was lost: {failed.error}; found by its name, id {ident})",
                resource_id=ident,
                reconciled=True,
            )
        return _outcome(
            record,
            Status.UNKNOWN,
            f"the upload of '{name}' got no clear answer ({failed.error}) and no prompt of "
            "that name is listed: check the account before uploading again",
        )
    data = answer.data if isinstance(answer.data, dict) else {}
    ident = data.get("prompt_id", data.get("promptId"))
    prompts[str(ident)] = {"prompt_id": ident, "prompt_name": name, "org_unit_id": group,
                           "size": upload.size}  # fmt: skip
    return _outcome(record, Status.SUCCEEDED, f"uploaded {upload.name}", resource_id=ident,
                    http_status=answer.status, request_id=answer.request_id)  # fmt: skip


PROMPTS: Final = Resource(
    name="prompts",
    finder=PROMPTS_FINDER,
    sheet="Prompts",
    title="Media prompts",
    base_path=BASE,
    id_column=Column(
        "Prompt ID",
        "prompt_id",
        Kind.TEXT,
        "The prompt's id (e.g. qLMcUEqb_1660813454043). Needed to delete a prompt unless "
        "Prompt Name finds it. Ignored when creating.",
        example="",
        max_length=100,
    ),
    columns=_COLUMNS,
    groups=(),
    rules=(),
    actions=("create", "delete", "skip"),
    default_action="create",
    key_paths=("prompt_name",),
    body_model=PromptForm,
    executor=execute,
    prefetch=_prompts,
    order=28,
    description="Audio files routes play: whispers, caller messages, greetings, hold music.",
    notes=(
        "A blank Action means create: upload the Audio File under Prompt Name.",
        "Audio File names a .wav or .mp3 file (at most 50 MB) beside the workbook, or in a "
        "folder below it; nothing outside the workbook's folder is read.",
        "A prompt cannot be changed: delete it and upload it again.",
        "Delete finds the prompt by Prompt ID, else by Prompt Name (within Group when given).",
        "Routes name a prompt in a whisper, caller message, voicemail greeting or hold "
        "message whose type is file by its id, its name, or ref:Prompts!<name>.",
    ),
)

#: what the registry (`bulkops.resources`) finds in this module
RESOURCE: Final = PROMPTS
