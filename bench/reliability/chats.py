"""Concurrent chats through the real app: the Gradio app on the demo checkpoint and the vLLM engine,
launched on 127.0.0.1; N `gradio_client.Client`s in threads, each uploading its own SYNTHETIC
recording, loading it and asking two questions.

Measured: errors, per-chat latency, and mixing. A chat is "mixed" when anything it gets back names
another chat's recording or cites a number that belongs to another chat's recording and not to its
own. The status must carry its own name, channel count and evidence block (usable seconds,
pattern-match percentages, asymmetry). Every fact an answer cites (usable seconds, channel count,
pattern-match percentage, frontal alpha asymmetry, band z-score) is looked up in every recording's
measured facts: one that is not its own but is exactly one other recording's is mixing; one that is
no recording's, or that several share (a z of +1.1, 14 channels), is counted as unsupported — a
small model misquoting a number is not the app mixing sessions.
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CHATS = 16
QUESTIONS = ("What emotion is this person most likely feeling? Cite the measured evidence.",
             "How usable is this recording and how many channels does it have?")
MONTAGES = ("seed62", "deap32", "emotiv14", "1020-19")
CLIENT_TIMEOUT_S = 1800.0


@dataclass
class Facts:
    """What one recording measures, as the app writes it (the numbers a reply may cite)."""

    name: str
    n_channels: int
    usable: tuple[int, int]
    faa: str | None
    pattern: set[tuple[str, str]]
    z: set[str]
    evidence_text: str
    summary: str

    def has(self, fact: tuple) -> bool:
        kind, value = fact
        return {"channels": value == self.n_channels, "usable": value == self.usable,
                "faa": value == self.faa, "pattern": value in self.pattern, "z": value in self.z}[kind]


def facts_of(ctx) -> Facts:
    from prompts.evidence_text import format_percent
    from serve.tabs.chat import recording_summary

    ev = ctx.evidence
    return Facts(ctx.name, ev.n_channels, (round(ev.usable_seconds), round(ev.total_seconds)),
                 f"{ev.faa:+.2f}" if ev.faa is not None else None,
                 {(str(e), format_percent(p)) for e, p in ev.pattern},
                 {f"{z:+.1f}" for bands in ev.band_z.values() for z in bands.values()},
                 ctx.evidence_text, recording_summary(ctx))


def loaded_as_the_chat_tab_does(assistant, path: Path):
    """A fresh analysis of `path` with what the Chat tab adds on load (the timeline it shows), so
    the status it writes can be compared with the app's exactly."""
    ctx = assistant.analyse(path)
    assistant.timeline(ctx)
    return ctx


_USABLE = re.compile(r"(\d+) of (\d+) s\b")
_CHANNELS = re.compile(r"\b(\d+) (?:EEG )?(?:channels|electrodes)\b", re.I)
_PATTERN = re.compile(r"\b(happy|surprise|neutral|sad|disgust|fear|anger)\b\D{0,3}?(\d{1,3}%)", re.I)
_FAA = re.compile(r"asymmetry[^.\n]{0,40}?([+-]\d\.\d\d)", re.I)
_Z = re.compile(r"\bz ([+-]\d+\.\d)\b")


def cited_facts(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("usable", (int(a), int(b))) for a, b in _USABLE.findall(text)]
    out += [("channels", int(n)) for n in _CHANNELS.findall(text)]
    out += [("pattern", (e.lower(), p)) for e, p in _PATTERN.findall(text)]
    out += [("faa", v) for v in _FAA.findall(text)]
    out += [("z", v) for v in _Z.findall(text)]
    return out


def message_text(message: dict) -> str:
    """Gradio 6 returns chat content as a string or a list of parts ({"type": "text", ...})."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [] if isinstance(part, dict))


@dataclass
class ChatResult:
    index: int
    name: str
    error: str | None = None
    latency_s: float | None = None
    load_s: float | None = None
    ask_s: list[float] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    status_exact: bool | None = None
    answers: list[str] = field(default_factory=list)


def write_recordings(folder: Path, n: int) -> list[Path]:
    """N SYNTHETIC recordings that differ visibly: emotion, montage, seed and duration."""
    from encoders.labels import EMOTIONS
    from encoders.synthetic import write_sample

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        emotion, montage, seconds = EMOTIONS[i % len(EMOTIONS)], MONTAGES[i % len(MONTAGES)], 20.0 + 2 * i
        path = folder / f"chat{i:02d}-{emotion}-{montage}-{seconds:.0f}s_SYNTHETIC.edf"
        paths.append(write_sample(path, emotion=emotion, seed=1000 + i, montage=montage, seconds=seconds))
    return paths


def check_chat(result: ChatResult, own: Facts, everyone: list[Facts], status: str, currents: list[str]) -> None:
    others = [f for f in everyone if f.name != own.name]
    result.status_exact = status == own.summary
    for needed in (own.name, f"{own.n_channels} EEG channels", own.evidence_text):
        if needed not in status:
            result.mixed.append(f"status lacks its own {needed[:60]!r}")
    texts = [("status", status)] + [(f"answer {i + 1}", a) for i, a in enumerate(result.answers)] + \
        [(f"conversation label {i + 1}", c) for i, c in enumerate(currents)]
    for where, text in texts:
        for other in others:
            if other.name in text:
                result.mixed.append(f"{where} names {other.name}")
    for i, current in enumerate(currents):
        if own.name not in current:
            result.mixed.append(f"conversation label {i + 1} does not name {own.name}: {current[:80]!r}")
    for i, answer in enumerate(result.answers):
        for fact in cited_facts(answer):
            if own.has(fact):
                continue
            owners = [o.name for o in others if o.has(fact)]
            (result.mixed if len(owners) == 1 else result.unsupported).append(
                f"answer {i + 1} cites {fact}" + (f", which is {owners[0]}'s" if len(owners) == 1 else
                                                  f", shared by {len(owners)} other recordings" if owners else ""))


def one_chat(url: str, index: int, path: Path, own: Facts, everyone: list[Facts]) -> ChatResult:
    from gradio_client import Client, handle_file

    result = ChatResult(index, path.name)
    start = time.perf_counter()
    try:
        client = Client(url, verbose=False)
        status, *_, current = client.predict([handle_file(str(path))], None, api_name="/load_recording")
        result.load_s = time.perf_counter() - start
        if str(status).startswith("⚠️"):
            raise RuntimeError(f"load refused: {status[:200]}")
        history: list = []
        currents = [current]
        for question in QUESTIONS:
            asked = time.perf_counter()
            history, _, current = client.predict(question, history, api_name="/ask")
            result.ask_s.append(time.perf_counter() - asked)
            answer = message_text(history[-1]) if history else ""
            if history[-1].get("role") != "assistant" or not answer.strip() or answer.startswith("⚠️"):
                raise RuntimeError(f"no answer to {question!r}: {answer[:200]!r}")
            result.answers.append(answer)
            currents.append(current)
        result.latency_s = time.perf_counter() - start
        check_chat(result, own, everyone, status, currents)
    except Exception as err:  # noqa: BLE001 - every failure of a chat is counted and shown
        result.error = f"{type(err).__name__}: {str(err)[:300]}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants() -> dict[int, str]:
    import psutil

    out = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            out[proc.pid] = " ".join(proc.cmdline())[:120] or proc.name()
        except psutil.Error:
            pass
    return out


# Helpers that end with this process and hold nothing of the engine's: Python's resource tracker,
# and the orphan watchdog the engine start left to watch this process (serve/orphan_watch.py).
HELPERS = ("multiprocessing.resource_tracker", "serve/orphan_watch.py")


def _left_behind(before: dict[int, str], grace_s: float = 30.0) -> dict[int, str]:
    """Processes this check started that are still alive after the app and engine were closed;
    they are reported, then stopped (they are ours)."""
    import psutil

    deadline = time.monotonic() + grace_s
    while True:
        extra = {pid: cmd for pid, cmd in _descendants().items()
                 if pid not in before and not any(h in cmd for h in HELPERS)}
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    for pid in extra:
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            pass
    return extra


def _gradio_copies(names: list[str]) -> dict[str, Any]:
    """Gradio keeps its own copy of every upload (<upload folder>/<hash>/<original name>) beyond the
    app's life. Report the copies this check made (modes), then delete them: they are ours."""
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder())
    copies = [p for p in root.glob("*/*") if p.name in set(names)] if root.exists() else []
    report = {"folder": str(root), "count": len(copies),
              "file_modes": sorted({oct(p.stat().st_mode & 0o777) for p in copies}),
              "folder_modes": sorted({oct(p.parent.stat().st_mode & 0o777) for p in copies})}
    for path in copies:
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # only when it held nothing else
        except OSError:
            pass
    return report


def run_chats(n: int = DEFAULT_CHATS, checkpoint: Path | None = None, max_num_seqs: int = 16) -> dict[str, Any]:
    from encoders.paths import repo_root
    from serve.app import build_app, launch_settings
    from serve.assistant import Assistant
    from serve.engines import EngineConfig

    folder = Path(tempfile.mkdtemp(prefix="eegreason-chats-"))
    recordings = write_recordings(folder / "recordings", n) if n else []
    before = _descendants()
    timings: dict[str, float] = {}
    results: list[ChatResult] = []
    upload_modes: dict[str, str] = {}
    concurrency = None
    assistant = app = None
    start = time.perf_counter()
    try:
        assistant = Assistant(checkpoint or repo_root() / "checkpoints" / "demo",
                              EngineConfig(max_num_seqs=max_num_seqs))
        timings["engine_start_s"] = time.perf_counter() - start
        everyone = [facts_of(loaded_as_the_chat_tab_does(assistant, p)) for p in recordings]
        app = build_app(assistant, upload_dir=folder / "uploads", store_path=folder / "reports.sqlite3")
        concurrency = getattr(getattr(app, "_queue", None), "default_concurrency_limit", None)
        settings = launch_settings("127.0.0.1", None)
        app.launch(prevent_thread_lock=True, server_port=free_port(), quiet=True, **settings)
        url = app.local_url
        threads, out = [], [None] * n
        chats_start = time.perf_counter()
        for i, path in enumerate(recordings):
            def target(i=i, path=path):
                out[i] = one_chat(url, i, path, everyone[i], everyone)
            threads.append(threading.Thread(target=target, name=f"chat-{i}", daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, CLIENT_TIMEOUT_S - (time.perf_counter() - chats_start)))
        timings["chats_wall_s"] = time.perf_counter() - chats_start
        results = [r if r is not None else ChatResult(i, recordings[i].name, error="did not finish in time")
                   for i, r in enumerate(out)]
        kept = folder / "uploads" / "kept"  # one folder per kept recording, its files inside
        upload_modes = {"files": sorted({oct(p.stat().st_mode & 0o777) for p in kept.rglob("*") if p.is_file()}),
                        "folders": sorted({oct(p.stat().st_mode & 0o777) for p in [folder / "uploads", kept,
                                                                                      *kept.iterdir()]})}
    finally:
        if app is not None:
            app.close()
        if assistant is not None:
            assistant.close()
        shutil.rmtree(folder, ignore_errors=True)
    left = _left_behind(before)
    gradio_copies = _gradio_copies([p.name for p in recordings])
    latencies = sorted(r.latency_s for r in results if r.latency_s is not None)
    return {
        "chats": n,
        "errors": sum(r.error is not None for r in results),
        "mixed": sum(bool(r.mixed) for r in results),
        "unsupported_citations": sum(len(r.unsupported) for r in results),
        "status_exact": sum(bool(r.status_exact) for r in results),
        "latency_s": {"median": round(latencies[len(latencies) // 2], 1) if latencies else None,
                      "max": round(latencies[-1], 1) if latencies else None,
                      "min": round(latencies[0], 1) if latencies else None},
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "processes_left_behind": left,
        "upload_modes": upload_modes,
        "gradio_upload_copies": gradio_copies,
        "max_num_seqs": max_num_seqs,
        "app_concurrency_limit": concurrency,  # requests per endpoint the app's queue runs at once
        "results": [r.__dict__ for r in results],
    }
