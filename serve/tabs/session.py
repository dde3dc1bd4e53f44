"""The end of a browser session: what it uploaded is removed.

Gradio calls `unload` listeners when a tab closes or reloads (its heartbeat connection drops);
the session's state itself lingers an hour in case the tab comes back, recordings do not.
"""

from __future__ import annotations

import gradio as gr

from ..uploads import UploadStore


def remove_uploads_when_sessions_end(app: gr.Blocks, uploads: UploadStore) -> None:
    """Inside `app`'s Blocks context."""

    def session_ended(request: gr.Request) -> None:
        uploads.release(request.session_hash)

    app.unload(session_ended)
