"""No patient identifier from an EDF header reaches what eegreason shows, stores or logs.

An EDF+ file is written with pyedflib carrying a patient name, code, birth date, hospital
(administration) code, technician, and free-text fields, then run through `eegreason inspect
--json` and the plain `inspect` (the real CLI at DEBUG log level, stdout and stderr), and in this
process through the evidence, its prompt text, the app's recording summary, a draft note and its
Markdown, with every logger captured at DEBUG. Each identifier is searched in each output.
"""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .seeds import eeg_like, write_edf

IDENTIFIERS = {
    "patient_name": "Jane Quixote Doe",
    "patient_code": "MRN-48151623",
    "birthdate": datetime.date(1961, 7, 23),
    "admincode": "HOSP-ZX-9041",
    "technician": "Ramona Flintwood",
    "patient_additional": "Ward7B bed 12",
    "recording_additional": "Glenfield",
}
# How each identifier can appear once a reader has parsed it (EDF+ replaces spaces with "_";
# MNE turns the birth date into a date; the EDF+ header writes it as 23-JUL-1961).
NEEDLES = ("Jane", "Quixote", "48151623", "ZX-9041", "Ramona", "Flintwood", "Ward7B", "Glenfield", "1961-07-23",
           "23-JUL-1961", "23 jul 1961", "1961, 7, 23")
FILE_NAME = "recording_SYNTHETIC.edf"  # the name itself carries nothing


def write_identified_edf(folder: Path) -> Path:
    from encoders.channels import montage

    names = montage("1020-19")
    return write_edf(folder / FILE_NAME, eeg_like(len(names), 200.0, 30.0, seed=7), names, 200.0,
                     identifiers=IDENTIFIERS)


def _found(text: str) -> list[str]:
    lower = text.lower()
    return [n for n in NEEDLES if n.lower() in lower]


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.name}: {record.getMessage()}")
        except Exception:  # noqa: BLE001 - a record that cannot format is still a record
            self.lines.append(f"{record.name}: {record.msg!r} {record.args!r}")


def _in_process_outputs(path: Path) -> dict[str, str]:
    """Evidence, prompt text, the app's summary, a draft note and Markdown, plus every log line."""
    from encoders.io import read_recording
    from prompts.answer_format import parse_answer
    from reports.draft import draft_note
    from reports.identity import recording_meta
    from reports.render import render_markdown
    from serve.assistant import Assistant
    from serve.tabs.chat import recording_summary

    capture = _Capture()
    loggers = [logging.getLogger(), logging.getLogger("eegreason"), logging.getLogger("mne")]
    saved = [(lg, lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
        lg.setLevel(logging.DEBUG)
    try:
        read_recording(path, keep_identifiers=False)
        assistant = Assistant(start_engine=False)  # the demo checkpoint; no engine needed for analysis
        ctx = assistant.analyse(path)
        note = draft_note(ctx.evidence, recording_meta(path, ctx.analysis), parse_answer(
            "Reasoning: Frontal alpha asymmetry favours the left.\nAnswer: happy\nConfidence: 0.6"), "phi-check")
        outputs = {"evidence": repr(ctx.evidence.to_dict()), "evidence text (prompt)": ctx.evidence_text,
                   "app recording summary": recording_summary(ctx), "draft note": repr(note.to_dict()),
                   "draft note Markdown": render_markdown(note)}
    finally:
        for lg, level, propagate in saved:
            lg.removeHandler(capture)
            lg.setLevel(level)
            lg.propagate = propagate
    outputs["logs at DEBUG (in process)"] = "\n".join(capture.lines)
    return outputs


def _cli(args: list[str]) -> str:
    env = {**os.environ, "EEGREASON_LOG": "DEBUG"}
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))])
    done = subprocess.run([sys.executable, "-m", "serve.cli", "--log-level", "DEBUG", *args], capture_output=True,
                          text=True, timeout=600, env=env)
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"


def check_identifiers() -> dict:
    """Returns {"passed", "tried", "leaks": {output: [needles]}, "outputs": [...], "header_has_them"}."""
    folder = Path(tempfile.mkdtemp(prefix="eegreason-phi-"))
    try:
        path = write_identified_edf(folder)
        header = path.read_bytes()[:256].decode("latin-1")  # the control: the file does carry them
        outputs = {"inspect --json (stdout+stderr)": _cli(["inspect", "--json", str(path)]),
                   "inspect (stdout+stderr)": _cli(["inspect", str(path)])}
        outputs.update(_in_process_outputs(path))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    leaks = {name: found for name, text in outputs.items() if (found := _found(text))}
    return {"passed": not leaks and bool(_found(header)),
            "header_has_them": _found(header),
            "leaks": leaks,
            "problems": [f"{name}: {', '.join(found)}" for name, found in leaks.items()]
            + ([] if _found(header) else ["the test file's header carries no identifiers (the check is void)"]),
            "outputs": list(outputs),
            "tried": f"EDF+ written by pyedflib with patient name, code, birth date, hospital code, technician and "
                     f"free text; searched {len(NEEDLES)} forms of them in {len(outputs)} outputs"}
