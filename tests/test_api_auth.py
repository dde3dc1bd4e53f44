"""The API-key middleware of `eegreason serve` on a real Starlette app: which requests pass, which
are refused, and how the key is compared. (The real vLLM server is walked in test_serve.py.)"""

from __future__ import annotations

import pytest

KEY = "k3y-with-Ünïcode and spaces"


@pytest.fixture
def client():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.testclient import TestClient

    from serve import api_auth

    async def ok(request):
        return PlainTextResponse("ok")

    async def socket(websocket):
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app = Starlette(routes=[Route("/health", ok), Route("/v1/models", ok), Route("/invocations", ok, methods=["POST"]),
                            Route("/tokenize", ok, methods=["POST"]), WebSocketRoute("/v1/realtime", socket)])
    app.add_middleware(api_auth.RequireAPIKey)
    api_auth.set_key(KEY)
    try:
        yield TestClient(app)
    finally:
        api_auth.set_key(None)


def bearer(value: str) -> dict:
    return {"Authorization": value.encode("utf-8")}  # raw bytes: HTTP header values are not text


def test_health_is_the_only_open_door(client):
    assert client.get("/health").status_code == 200
    for method, path in [("HEAD", "/health"), ("GET", "/v1/models"), ("POST", "/invocations"), ("POST", "/tokenize"),
                         ("POST", "/health"), ("DELETE", "/health"), ("OPTIONS", "/v1/models"),
                         ("GET", "/health/"), ("GET", "/HEALTH"), ("GET", "//health"), ("GET", "/health.json"),
                         ("GET", "/nowhere"), ("PATCH", "/docs")]:
        response = client.request(method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"] == "Bearer"
        if method != "HEAD":
            assert response.json()["error"]["code"] == 401


def test_only_the_exact_bearer_key_passes(client):
    assert client.get("/v1/models", headers=bearer(f"Bearer {KEY}")).text == "ok"
    assert client.post("/invocations", headers=bearer(f"bearer {KEY}")).text == "ok"  # the scheme is case-blind
    assert client.get("/v1/models", headers=bearer(f"Bearer   {KEY}  ")).status_code == 200
    import base64

    refused = [f"Bearer {KEY[:-1]}", f"Bearer {KEY}x", f"Bearer x{KEY}", KEY, f"Token {KEY}", "Bearer ", "Bearer",
               "Basic " + base64.b64encode(f"user:{KEY}".encode()).decode(), f"Bearer {KEY.upper()}", ""]
    for value in refused:
        assert client.get("/v1/models", headers=bearer(value)).status_code == 401, value
    assert client.get("/v1/models", params={"api_key": KEY}).status_code == 401
    assert client.get("/v1/models", headers={"X-API-Key": KEY.encode()}).status_code == 401


def test_websocket_needs_the_key_too(client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/v1/realtime") as ws:
            ws.receive_text()
    assert refused.value.code == 1008
    with client.websocket_connect("/v1/realtime", headers=bearer(f"Bearer {KEY}")) as ws:
        assert ws.receive_text() == "hello"


def test_without_a_key_the_loopback_server_is_open(client):
    from serve import api_auth

    api_auth.set_key(None)
    assert client.get("/v1/models").status_code == 200 and client.post("/tokenize").status_code == 200


def test_the_key_leaves_the_environment(monkeypatch):
    from serve import api_auth

    monkeypatch.setenv(api_auth.KEY_ENV, KEY)
    try:
        assert api_auth.take_key_from_environment() is True
        assert api_auth.KEY_ENV not in __import__("os").environ
        assert api_auth.key_matches(f"Bearer {KEY}".encode())
        assert not api_auth.key_matches(b"Bearer nope") and not api_auth.key_matches(None)
        monkeypatch.setenv(api_auth.KEY_ENV, "")
        assert api_auth.take_key_from_environment() is False  # an empty key is no key
    finally:
        api_auth.set_key(None)


def test_the_server_refuses_a_key_on_its_command_line_and_an_exposed_start_without_one():
    from encoders.errors import ConfigError
    from serve.api_server import check_arguments

    with pytest.raises(ConfigError, match="not on the command line"):
        check_arguments(["--model", "m", "--api-key", "secret"], has_key=True)
    with pytest.raises(ConfigError, match="not on the command line"):
        check_arguments(["--api-key=secret"], has_key=False)
    with pytest.raises(ConfigError, match="without an API key"):
        check_arguments(["--host", "0.0.0.0"], has_key=False)
    with pytest.raises(ConfigError, match="without an API key"):
        check_arguments(["--model", "m"], has_key=False)  # vLLM's default host is every interface
    check_arguments(["--host", "127.0.0.1"], has_key=False)
    check_arguments(["--host=0.0.0.0"], has_key=True)
