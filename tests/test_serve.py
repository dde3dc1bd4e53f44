"""`eegreason serve`: vLLM's OpenAI-compatible server answering a prompt-embeddings completion from
the `openai` client, closed by its API key on every route but /health, refusing to expose itself
without one, keeping the key off command lines, and stopping with its engine on SIGINT."""

from __future__ import annotations

import http.client
import re
import signal

import psutil
import pytest
from process_tree import Command, engine_processes, free_port

KEY = "test-key-Zq7"


def test_exposed_server_without_key_is_refused(tiny_checkpoint):
    from test_cli import run_cli

    result = run_cli("serve", "--checkpoint", str(tiny_checkpoint), "--host", "0.0.0.0")
    assert result.returncode == 2 and "without an API key" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def server(tiny_checkpoint, tmp_path_factory):
    """The real server, started the way a user would: the key in $EEGREASON_API_KEY."""
    port = free_port()
    command = Command(["serve", "--checkpoint", str(tiny_checkpoint), "--port", str(port), "--max-model-len", "2048"],
                      tmp_path_factory.mktemp("serve"), "serve", env={"EEGREASON_API_KEY": KEY})
    try:
        command.wait_for_http(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {KEY}"})
        command.port = port
        yield command
    finally:
        command.kill_everything()


def vllm_route_table(server) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route of vLLM's app, built here from the server's own arguments."""
    from vllm.entrypoints.launchers.app import build_app
    from vllm.entrypoints.launchers.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    argv = psutil.Process(server.proc.pid).cmdline()
    argv = argv[argv.index("serve.api_server") + 1:]
    app = build_app(make_arg_parser(FlexibleArgumentParser()).parse_args(argv), ("generate",), None)
    table = []
    for route in app.routes:
        path = re.sub(r"\{[^}]+\}", "x", route.path)  # any value for a path parameter
        methods = set(getattr(route, "methods", None) or ()) or {"GET", "POST"}  # a Mount takes any
        table.append((path, methods))
    return table


def request(port: int, method: str, path: str, key: str | None = None, body: bytes | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    try:
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.slow
def test_every_route_but_health_requires_the_key(server):
    import json

    table = vllm_route_table(server)
    documented = json.loads(urllib_get(server.port, "/openapi.json", KEY))["paths"]
    walked = {path for path, _ in table}
    assert {re.sub(r"\{[^}]+\}", "x", p) for p in documented} <= walked  # the table covers the running server
    assert {"/invocations", "/tokenize", "/metrics", "/docs", "/version", "/v1/completions"} <= walked
    answers = {}
    for path, methods in table:
        for method in sorted(methods | {"OPTIONS", "HEAD"}):
            answers[(method, path)] = request(server.port, method, path)
    opened = {route: status for route, status in answers.items() if status != 401}
    assert opened == {("GET", "/health"): 200}, opened
    # A completion body to the SageMaker door, with and without the key.
    completion = json.dumps({"model": "eegreason", "prompt": "hello", "max_tokens": 2}).encode()
    assert request(server.port, "POST", "/invocations", body=completion) == 401
    assert request(server.port, "POST", "/invocations", key="wrong", body=completion) == 401
    assert request(server.port, "POST", "/invocations", key=KEY, body=completion) == 200
    for path in ("/nowhere", "/health/", "/HEALTH", "/v1"):
        assert request(server.port, "GET", path) == 401, path


def urllib_get(port: int, path: str, key: str) -> str:
    import urllib.request

    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {key}"})
    return urllib.request.urlopen(req, timeout=30).read().decode()


@pytest.mark.slow
def test_openai_client_gets_an_answer_with_the_key_only(server, tiny_checkpoint, fif14):
    import openai

    from serve.assistant import Assistant
    from serve.client import ask_server

    assistant = Assistant(tiny_checkpoint, start_engine=False)
    base_url = f"http://127.0.0.1:{server.port}/v1"
    text = ask_server(fif14, "What emotion?", base_url=base_url, api_key=KEY, max_tokens=8, assistant=assistant)
    assert isinstance(text, str) and text
    for wrong in ("wrong", KEY[:-1], KEY + KEY):
        with pytest.raises(openai.AuthenticationError):
            ask_server(fif14, "What emotion?", base_url=base_url, api_key=wrong, max_tokens=4, assistant=assistant)


@pytest.mark.slow
def test_a_routed_answer_through_the_server_keeps_to_its_kind(server, tiny_checkpoint, fif14, tmp_path):
    """As in-process: the routed opening, and (the tiny model never reaching an Answer line in 8
    tokens) an Answer line written under the kind's pattern by the server's structured outputs."""
    from projector.checkpoint import copy_checkpoint, update_checkpoint
    from prompts.answer_format import parse_answer
    from prompts.openings import OPENINGS, REASONING_CUE
    from prompts.questions import answer_kind
    from serve.assistant import Assistant
    from serve.client import ask_server

    instruct = tmp_path / "tiny-instruct"  # the same weights as served; routing is for instruction-tuned checkpoints
    copy_checkpoint(tiny_checkpoint, instruct)
    update_checkpoint(instruct, stage="instruct")
    assistant = Assistant(instruct, start_engine=False)
    text = ask_server(fif14, "How clean is the signal in this recording?", base_url=f"http://127.0.0.1:{server.port}/v1",
                      api_key=KEY, max_tokens=8, assistant=assistant)
    assert text.startswith(REASONING_CUE + OPENINGS["quality"])
    assert answer_kind(parse_answer(text).answer, assistant.config.labels) == "quality", text


@pytest.mark.slow
def test_the_key_is_on_no_command_line_and_not_in_the_engine(server):
    procs = server.tree()
    assert engine_processes(procs)
    for proc in procs:
        assert KEY not in " ".join(proc.cmdline()), proc
    for proc in procs[1:]:  # the server itself was handed the key; what it started was not
        with open(f"/proc/{proc.pid}/environ", "rb") as env:
            assert KEY.encode() not in env.read(), proc.cmdline()
    assert KEY not in server.stdout and KEY not in server.stderr


@pytest.mark.slow
def test_sigint_stops_the_server_and_its_engine(server):
    """Last of the module: it ends the server."""
    procs = server.tree()
    assert engine_processes(procs)
    times = server.signal_and_time(signal.SIGINT, procs, 30)
    print(f"\nSIGINT: seconds until gone: {times}")
    late = {name: t for name, t in times.items() if t is None or t > 10}
    assert not late, f"still running 10 s after SIGINT: {late} (all: {times})\n{server.stderr[-2000:]}"
