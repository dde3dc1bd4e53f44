"""`eegreason report RECORDING --out NOTE.md`: a draft medical-record note, stored and exported.

The note is stored in the report store (versioned, audited) so it can later be edited and signed
in the app's Report tab; the printed report id finds it there. Heavy imports happen inside `run`.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ._options import add_model_arguments, generation_params, load_assistant

NAME = "report"
HELP = "Draft a medical-record note for an EEG recording (Markdown, optional PDF), stored for review and sign-off."


def _default_author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("recording", type=Path, help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    parser.add_argument("--out", type=Path, required=True, help="Markdown file to write the draft note to")
    parser.add_argument("--pdf", type=Path, default=None, help="also write the note as PDF here")
    parser.add_argument("--include-identifiers", action="store_true",
                        help="put patient identifiers from the file header into the note (default: de-identified)")
    parser.add_argument("--author", default=None, help="name recorded as the note's author (default: your login)")
    parser.add_argument("--store", type=Path, default=None,
                        help="report database (default: $EEGREASON_HOME/reports.sqlite3)")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from encoders.io import read_recording
    from reports.export import export_markdown, export_pdf, file_sha256
    from reports.store import ReportStore, required_name

    author = required_name(args.author if args.author is not None else _default_author(), "author")
    read_recording(args.recording)  # fail fast on a bad file, before loading a model
    store = ReportStore(args.store)
    assistant = load_assistant(args)
    try:
        note = assistant.draft_note(args.recording, args.recording.name, args.include_identifiers,
                                    generation_params(args))
    finally:
        assistant.close()
    report_id = store.create(note, author)
    note, meta = store.get(report_id)
    reference = f"report {report_id}, version {meta.version}"
    written = [export_markdown(note, args.out, reference)]
    store.record_export(report_id, meta.version, "markdown", author, file_sha256(written[0]))
    if args.pdf:
        written.append(export_pdf(note, args.pdf, reference))
        store.record_export(report_id, meta.version, "pdf", author, file_sha256(written[-1]))
    if note.recording.synthetic:
        print("[SYNTHETIC recording: generated, not from a person]")
    print(f"Report {report_id} (version {meta.version}, {note.banner}) stored in {store.path}; "
          f"wrote {' and '.join(str(p) for p in written)}.")
    print(report_id)
    return 0
