"""`bulkops serve`: the upload page, where an account manager signs in, uploads a workbook,
sees every problem on its cell and downloads what to fix (see `bulkops.web.app`)."""

from __future__ import annotations

import socket
from typing import Any

from bulkops.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app", "serve"]


def serve(config: WebConfig, listening: socket.socket) -> None:
    """Serve the page on `listening` until interrupted (Ctrl-C)."""
    import uvicorn

    host, port = listening.getsockname()[:2]
    app: Any = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False))  # fmt: skip
    server.run(sockets=[listening])
