"""The API key of `eegreason serve`: every route but the health check requires it.

vLLM's own `--api-key` guards only paths under /v1 (and a few other prefixes): /invocations answers
completions and chats, and /tokenize, /detokenize, /metrics, /docs, /version... answer anyone. This
ASGI middleware is added to vLLM's app (`--middleware serve.api_auth.RequireAPIKey`, outermost of
the engine's middlewares) and refuses every request, whatever its path or method and before any
routing, unless it carries `Authorization: Bearer KEY`, which is what OpenAI clients send. Only
`GET /health` stays open, for load balancers and start-up probes. CORS preflights (OPTIONS, which
browsers send without credentials) are refused too: the server is for API clients, not web pages.

The key never appears on a command line (`ps` shows those): `eegreason serve` hands it over in
`KEY_ENV`, and the server process takes it out of its environment with `take_key_from_environment()`
before vLLM starts its engine processes, which therefore never see it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

KEY_ENV = "EEGREASON_API_KEY"
OPEN_ROUTES = {("GET", "/health")}
WEBSOCKET_POLICY_VIOLATION = 1008


class _Key:
    digest: bytes | None = None  # SHA-256 of the key, set once at server start


def _digest(value: bytes) -> bytes:
    return hashlib.sha256(value).digest()


def set_key(key: str | None) -> None:
    _Key.digest = _digest(key.encode("utf-8")) if key else None


def take_key_from_environment() -> bool:
    """Move the key from `KEY_ENV` into this process's middleware; True when there is one."""
    set_key(os.environ.pop(KEY_ENV, None) or None)
    return _Key.digest is not None


def key_matches(authorization: bytes | None) -> bool:
    """Whether an Authorization header value (raw bytes: a key may be any UTF-8 text) carries the
    key. Both sides are hashed to equal-length digests and compared with `hmac.compare_digest`, so
    the time taken says nothing about the key, not even its length."""
    if _Key.digest is None:
        return True
    scheme, _, token = (authorization or b"").strip().partition(b" ")
    is_bearer = scheme.lower() == b"bearer"
    matches = hmac.compare_digest(_digest(token.strip()), _Key.digest)
    return is_bearer and matches


def _route_path(scope) -> str:
    # As Starlette routes it: the path without the app's mount prefix.
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


class RequireAPIKey:
    """Pure ASGI middleware (no buffering of streamed answers)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if _Key.digest is None or scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)  # lifespan events, or a loopback server without a key
        if (scope.get("method"), _route_path(scope)) in OPEN_ROUTES:
            return await self.app(scope, receive, send)
        authorization = next((v for k, v in scope.get("headers", []) if k.lower() == b"authorization"), None)
        if key_matches(authorization):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": WEBSOCKET_POLICY_VIOLATION})
            return
        body = json.dumps({"error": {"message": "This server requires an API key: send 'Authorization: Bearer KEY'.",
                                     "type": "unauthorized", "code": 401}}).encode()
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"www-authenticate", b"Bearer")]})
        await send({"type": "http.response.body", "body": body})
