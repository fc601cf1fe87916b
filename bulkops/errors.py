"""Exceptions that stop work. Problems found *in* a spreadsheet are data, not exceptions
(see `bulkops.model.problems`); these are for when work cannot go on at all, and for
what one API request ended in.

The tree::

    BulkopsError                  every error bulkops raises on purpose; CLI exit code 2
     ├── UsageError               a flag, argument or resource name that makes no sense
     ├── ConfigError              settings that cannot be used (no token, a bad base URL)
     ├── OutputError              a report, template or results file that cannot be written
     ├── InputError               a file that cannot be read as a spreadsheet
     │    ├── UnsupportedFormat   .xls, .xlsm, encrypted or not a spreadsheet at all
     │    └── EmptyInput          no sheet, no header or no data where some was needed
     ├── ApiError                 the API answered with an error status (`api_error` maps it)
     │    ├── BadRequest          400, 422: the body was refused; `fields` says where
     │    ├── Unauthorized        401: the token is missing, expired or revoked
     │    ├── OutOfScope          401 about the target, not the token (a fresh token is
     │    │                       refused too, or the answer names the field at fault)
     │    ├── Forbidden           403: the role or the group hierarchy forbids it
     │    ├── NotFound            404
     │    ├── Conflict            409: an object with the same natural key exists
     │    ├── RateLimited         429: `retry_after` seconds, when the API said
     │    ├── ServerError         5xx
     │    └── UnexpectedAnswer    a 2xx of no known shape (a list answer holding no list)
     └── TransportError           no usable answer
          ├── NotSent             the request provably never reached the server
          └── OutcomeUnknown      sent, but the answer was lost (timeout, dropped, garbled)
               └── CreatedWithoutId  a create's 2xx that names no new id

Every message is one line a non-programmer can act on: what is wrong, where, what to do.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "BadRequest",
    "BulkopsError",
    "ConfigError",
    "Conflict",
    "CreatedWithoutId",
    "EmptyInput",
    "Forbidden",
    "InputError",
    "NotFound",
    "NotSent",
    "OutOfScope",
    "OutcomeUnknown",
    "OutputError",
    "RateLimited",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "UnexpectedAnswer",
    "UnsupportedFormat",
    "UsageError",
    "api_error",
]


class BulkopsError(Exception):
    """Base class: the message is shown to the user as it is, on one line."""


class UsageError(BulkopsError):
    """The command line asked for something that cannot be done."""


class ConfigError(BulkopsError):
    """A setting (flag, environment, bulkops.toml) cannot be used."""


class OutputError(BulkopsError):
    """A file bulkops writes cannot be written (folder missing, read-only, disk full)."""


class InputError(BulkopsError):
    """The input file cannot be read."""


class UnsupportedFormat(InputError):
    """The file is not a workbook bulkops can read (legacy, macro-enabled, encrypted, other)."""


class EmptyInput(InputError):
    """The file holds nothing to work on."""


class ApiError(BulkopsError):
    """An error answer. `fields` maps the API's dotted field paths to their messages."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        request_id: str | None = None,
        fields: dict[str, str] | None = None,
        retry_after: float | None = None,
        body: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.request_id = request_id
        self.fields = fields or {}
        self.retry_after = retry_after
        self.body = body


class BadRequest(ApiError):
    """400 or 422."""


class Unauthorized(ApiError):
    """401."""


class OutOfScope(ApiError):
    """401 for what the request is about, not for the token: the docs answer 401 for a
    group outside the caller's hierarchy. It fails the row, never the run."""


class Forbidden(ApiError):
    """403."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409."""


class RateLimited(ApiError):
    """429."""


class ServerError(ApiError):
    """5xx, and any other status the client does not expect."""


class UnexpectedAnswer(ApiError):
    """A 2xx whose data has no shape any reading of the docs gives (a list answer that
    holds no list): nothing can be concluded from it."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: BadRequest,
    429: RateLimited,
}


def api_error(
    status: int,
    message: str,
    *,
    request_id: str | None = None,
    fields: dict[str, str] | None = None,
    retry_after: float | None = None,
    body: str = "",
) -> ApiError:
    """The one place an HTTP status becomes an exception class."""
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else BadRequest)
    return kind(status, message, request_id=request_id, fields=fields, retry_after=retry_after,
                body=body)  # fmt: skip


class TransportError(BulkopsError):
    """The request got no usable answer."""


class NotSent(TransportError):
    """The request never reached the server (connection refused, DNS, TLS): safe to retry."""


class OutcomeUnknown(TransportError):
    """The request may have been processed: timeout after sending, dropped connection,
    truncated or unreadable body. A write must be reconciled before it is sent again."""


class CreatedWithoutId(OutcomeUnknown):
    """A create answered 2xx but named no new id: it was made, which object is not known
    until it is found. Never sent again."""
