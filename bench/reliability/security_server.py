"""Two checks written against the behaviour eegreason is getting, run as they are today:

- `eegreason serve --api-key K`: every route of the running server except /health answers 401
  without the key. The route table is walked (the server's OpenAPI document, fetched with the key,
  plus the routes FastAPI serves outside it), each route is called without the key, with the
  method it declares. The server is started in its own process group and stopped with the group.
- Stored uploads are private: `serve.uploads.UploadStore.keep` into a folder that does not exist yet
  leaves the file 0600 inside a 0700 folder (with the usual umask 022 in force).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTRA_ROUTES = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/metrics")
OPEN_ROUTES = ("/health",)
START_TIMEOUT_S = 420.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_processes(pgid: int) -> list[int]:
    import psutil

    out = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(proc.pid) == pgid:
                out.append(proc.pid)
        except (ProcessLookupError, PermissionError, psutil.Error):
            pass
    return out


def _stop_group(proc: subprocess.Popen) -> list[int]:
    """SIGTERM to the server's whole group, then SIGKILL; returns pids still alive after that."""
    pgid = proc.pid  # start_new_session=True: the server leads its own group
    for sig, wait_s in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and _group_processes(pgid):
            time.sleep(0.5)
        if not _group_processes(pgid):
            break
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    return _group_processes(pgid)


def routes_from_openapi(document: dict) -> list[tuple[str, str]]:
    out = []
    for path, methods in (document.get("paths") or {}).items():
        for method in methods:
            if method.upper() in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                out.append((method.upper(), path))
    return out


def check_api_key(checkpoint: Path | None = None) -> dict:
    import httpx

    from encoders.paths import repo_root

    key = secrets.token_hex(16)
    port = _free_port()
    checkpoint = checkpoint or repo_root() / "checkpoints" / "demo"
    log = tempfile.NamedTemporaryFile(prefix="eegreason-serve-", suffix=".log", delete=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo_root()), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "serve.cli", "serve", "--checkpoint", str(checkpoint), "--port", str(port),
               "--api-key", key]
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    result: dict = {"tried": f"eegreason serve --api-key on {checkpoint.name}; every route without the key",
                    "routes": {}, "passed": False}
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        with httpx.Client(timeout=15.0) as client:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited ({proc.returncode}) before answering /health")
                try:
                    if client.get(base + "/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer /health in time")
                time.sleep(2.0)
            document = client.get(base + "/openapi.json", headers={"Authorization": f"Bearer {key}"})
            routes = set(routes_from_openapi(document.json()) if document.status_code == 200 else [])
            routes |= {("GET", path) for path in EXTRA_ROUTES}
            for method, path in sorted(routes, key=lambda r: (r[1], r[0])):
                url = base + re.sub(r"\{[^}]+\}", "eegreason", path)
                try:
                    response = client.request(method, url, json={} if method != "GET" else None)
                    status = response.status_code
                except httpx.HTTPError as err:
                    status = f"error {type(err).__name__}"
                result["routes"][f"{method} {path}"] = status
        unguarded = {r: s for r, s in result["routes"].items()
                     if r.split(" ", 1)[1] not in OPEN_ROUTES and s != 401}
        result.update(passed=not unguarded and len(result["routes"]) > len(EXTRA_ROUTES),
                      unguarded=unguarded, routes_walked=len(result["routes"]),
                      problems=[f"{len(unguarded)} of {len(result['routes'])} routes answer without the key: "
                                + ", ".join(f"{r} {s}" for r, s in unguarded.items())] if unguarded else [])
    except Exception as err:  # noqa: BLE001 - the check reports what went wrong instead of stopping the run
        result["error"] = f"{type(err).__name__}: {err}"
        result["problems"] = [result["error"]]
        log.flush()
        result["server_log_tail"] = Path(log.name).read_text(errors="replace")[-1500:]
    finally:
        result["left_behind_after_stop"] = _stop_group(proc)
        if result["left_behind_after_stop"]:
            result["passed"] = False
            result.setdefault("problems", []).append(
                f"processes alive after stopping the server's group: {result['left_behind_after_stop']}")
        log.close()
        os.unlink(log.name)
    return result


def check_upload_permissions() -> dict:
    from serve.uploads import UploadStore

    folder = Path(tempfile.mkdtemp(prefix="eegreason-uploads-"))
    sample = Path(__file__).resolve().parents[2] / "serve" / "samples" / "synthetic-fear-32ch_SYNTHETIC.edf"
    source = folder / "upload_SYNTHETIC.edf"  # as Gradio hands a browser's upload to the app
    shutil.copy2(sample, source)
    old = os.umask(0o022)  # the common default, under which a plain copy is world-readable
    store = None
    try:
        store = UploadStore(folder / "uploads")
        kept, _ = store.keep([source], session="security-check")
        modes = {"kept file": kept.path.stat().st_mode & 0o777, "its folder": kept.path.parent.stat().st_mode & 0o777,
                 "upload root": store.root.stat().st_mode & 0o777}
        left_in_staging = sum(1 for p in store.staging_dir.rglob("*") if p.is_file())
    finally:
        os.umask(old)
        if store is not None:
            store.close()
        shutil.rmtree(folder, ignore_errors=True)
    expected = {"kept file": 0o600, "its folder": 0o700, "upload root": 0o700}
    problems = [f"{what} {oct(mode)} (expected {oct(expected[what])})" for what, mode in modes.items()
                if mode != expected[what]]
    if left_in_staging:
        problems.append(f"{left_in_staging} file(s) left in the staging folder")
    return {"passed": not problems, **{k.replace(" ", "_"): oct(v) for k, v in modes.items()}, "problems": problems,
            "tried": "UploadStore.keep of an EDF under umask 022 (checked as a recording, then kept); expected the "
                     "kept file 0600, its folder and the upload root 0700, nothing left in staging"}
