"""`eegreason report ACTION`: draft medical-record notes and review them in the report store.

    draft RECORDING --out NOTE.md [--pdf NOTE.pdf]   draft a note (model run), store it, export it
    list                                             the stored reports
    show REPORT_ID                                   a note's reasoning and its claims, failing ones marked
    strike REPORT_ID --sentence N | --claim N        strike a sentence of the model's reasoning
    correct REPORT_ID --reasoning TEXT               rewrite the reasoning (checked again)
    sign REPORT_ID --signer NAME                     sign; --acknowledge-failing-claims if claims still fail
    export REPORT_ID --out NOTE.md [--pdf NOTE.pdf]  a stored version as Markdown (and PDF)

Every change is a new version in the store (versioned, audited), the same store the app's Report tab
uses. Heavy imports happen inside the actions.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ._options import add_model_arguments, generation_params, load_assistant

NAME = "report"
HELP = "Draft medical-record notes for EEG recordings and review, sign and export them (stored, versioned, audited)."


def _default_author() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", type=Path, default=None,
                        help="report database (default: $EEGREASON_HOME/reports.sqlite3)")


def _report_arguments(parser: argparse.ArgumentParser, version_help: str) -> None:
    parser.add_argument("report_id", help="the report's id (rpt-…), as `report draft` or `report list` prints it")
    parser.add_argument("--version", type=int, default=None, help=version_help)
    _store_argument(parser)


def _author_argument(parser: argparse.ArgumentParser, role: str) -> None:
    parser.add_argument("--author", default=None, help=f"name recorded as the {role} (default: your login)")


ACTIONS = ("draft", "list", "show", "strike", "correct", "sign", "export")


def legacy_argv(argv: list[str]) -> list[str]:
    """`report RECORDING --out NOTE.md`, the form before review actions existed, still drafts."""
    if argv and argv[0] not in ACTIONS and not argv[0].startswith("-"):
        return ["draft", *argv]
    return argv


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    draft = actions.add_parser("draft", help="draft a note for a recording (runs the model), store and export it")
    draft.add_argument("recording", type=Path,
                       help="EEG file: EDF, BDF, FIF, BrainVision .vhdr, EEGLAB .set, .cnt")
    draft.add_argument("--out", type=Path, required=True, help="Markdown file to write the draft note to")
    draft.add_argument("--pdf", type=Path, default=None, help="also write the note as PDF here")
    draft.add_argument("--include-identifiers", action="store_true",
                       help="put patient identifiers from the file header into the note (default: de-identified)")
    _author_argument(draft, "note's author")
    _store_argument(draft)
    add_model_arguments(draft)

    _store_argument(actions.add_parser("list", help="list the stored reports, most recently changed first"))

    show = actions.add_parser("show", help="show a note's status, its model reasoning and every checked claim")
    _report_arguments(show, "the version to show (default: the current one)")

    strike = actions.add_parser("strike", help="strike a sentence of the model's reasoning (kept, marked struck)")
    _report_arguments(strike, "the version you reviewed; refused if someone saved since (default: the current one)")
    which = strike.add_mutually_exclusive_group(required=True)
    which.add_argument("--sentence", type=int, help="number of the sentence to strike, as `report show` lists it")
    which.add_argument("--claim", type=int, help="number of a claim whose sentence to strike, as `report show` "
                                                 "lists it")
    _author_argument(strike, "reviewer who struck it")
    strike.add_argument("--comment", default="", help="why (kept with the version)")

    correct = actions.add_parser("correct", help="replace the model's reasoning with a corrected text, checked again")
    _report_arguments(correct, "the version you reviewed; refused if someone saved since (default: the current one)")
    text = correct.add_mutually_exclusive_group(required=True)
    text.add_argument("--reasoning", help="the corrected reasoning")
    text.add_argument("--reasoning-file", type=Path, help="a UTF-8 text file holding the corrected reasoning")
    _author_argument(correct, "reviewer who corrected it")
    correct.add_argument("--comment", default="", help="why (kept with the version)")

    sign = actions.add_parser("sign", help="sign the current version (then it can no longer change)")
    _report_arguments(sign, "the version you reviewed; must be the current one (default: the current one)")
    sign.add_argument("--signer", default=None, help="name recorded as the signer (default: your login)")
    sign.add_argument("--acknowledge-failing-claims", action="store_true",
                      help="sign although claims in the model's reasoning still fail against the evidence; the "
                           "acknowledgement and those claims are recorded in the signed version and the audit trail")

    export = actions.add_parser("export", help="write a stored version as Markdown (and PDF); recorded in the audit")
    _report_arguments(export, "the version to export (default: the current one)")
    export.add_argument("--out", type=Path, required=True, help="Markdown file to write")
    export.add_argument("--pdf", type=Path, default=None, help="also write the note as PDF here")
    _author_argument(export, "exporting user")


def run(args: argparse.Namespace) -> int:
    from reports.store import ReportStore

    store = ReportStore(args.store)
    return {"draft": _draft, "list": _list, "show": _show, "strike": _strike, "correct": _correct, "sign": _sign,
            "export": _export}[args.action](args, store)


def _name(value: str | None, role: str) -> str:
    from reports.store import required_name

    return required_name(value if value is not None else _default_author(), role)


def _version(args: argparse.Namespace, store) -> int:
    return args.version if args.version is not None else store.get(args.report_id)[1].version


def _write(store, report_id: str, version: int, out: Path, pdf: Path | None, who: str) -> list[Path]:
    from reports.export import export_markdown, export_pdf, file_sha256

    note, meta = store.get(report_id, version)
    reference = f"report {report_id}, version {meta.version}"
    written = [export_markdown(note, out, reference)]
    store.record_export(report_id, meta.version, "markdown", who, file_sha256(written[0]))
    if pdf:
        written.append(export_pdf(note, pdf, reference))
        store.record_export(report_id, meta.version, "pdf", who, file_sha256(written[-1]))
    return written


def _draft(args: argparse.Namespace, store) -> int:
    from encoders.io import read_recording

    author = _name(args.author, "author")
    # Read once, before loading a model: a bad file fails fast, and the analysis reuses what was read.
    recording = read_recording(args.recording)
    assistant = load_assistant(args)
    try:
        note = assistant.draft_note(args.recording, args.recording.name, args.include_identifiers,
                                    generation_params(args), recording=recording)
    finally:
        assistant.close()
    report_id = store.create(note, author)
    note, meta = store.get(report_id)
    written = _write(store, report_id, meta.version, args.out, args.pdf, author)
    if note.recording.synthetic:
        print("[SYNTHETIC recording: generated, not from a person]")
    print(f"Report {report_id} (version {meta.version}, {note.banner}) stored in {store.path}; "
          f"wrote {' and '.join(str(p) for p in written)}.")
    _print_claims(note)
    print(report_id)
    return 0


def _list(args: argparse.Namespace, store) -> int:
    rows = store.list_reports()
    if not rows:
        print(f"No stored reports in {store.path}.")
    for r in rows:
        print(f"{r.report_id}  {r.recording_id}  {r.status:<6}  version {r.current_version}  updated {r.updated_at}")
    return 0


def _print_claims(note) -> None:
    """The reasoning sentence by sentence and every checked claim, failing ones marked."""
    from reports.render import claim_rows, claims_summary, correction_line, sentence_lines, unresolved_warning

    print(f"Model reasoning: {claims_summary(note)}")
    for number, text, struck in sentence_lines(note):
        print(f"  {number}. [{struck}] {text}" if struck else f"  {number}. {text}")
    correction = correction_line(note)
    if correction:
        print(f"  ({correction})")
    for number, sentence, claim, verdict, measured, why in claim_rows(note):
        mark = "  " if verdict == "holds" else "✗ "
        print(f"{mark}claim {number} (sentence {sentence}): {verdict}: \"{claim}\" — measured: {measured}; {why}")
    warning = unresolved_warning(note)
    if warning:
        print(warning)


def _show(args: argparse.Namespace, store) -> int:
    note, meta = store.get(args.report_id, args.version)
    where = "current" if meta.is_current else f"not current; the latest is {meta.current_version}"
    print(f"Report {meta.report_id}, version {meta.version} ({where}): {note.banner}")
    print(f"Recording {meta.recording_id}" + (" (SYNTHETIC: generated, not from a person)"
                                              if note.recording.synthetic else ""))
    a = note.affective_assessment
    confidence = f", confidence {a.confidence:.2f}" if a.confidence is not None else ""
    print(f"Affective assessment: {a.label}{confidence} ({a.model_name})")
    _print_claims(note)
    return 0


def _strike(args: argparse.Namespace, store) -> int:
    author = _name(args.author, "author")
    version = store.strike(args.report_id, _version(args, store), author, sentence=args.sentence, claim=args.claim,
                           comment=args.comment)
    note, _ = store.get(args.report_id, version)
    print(f"Struck a sentence of the model's reasoning: report {args.report_id} is now at version {version}.")
    _print_claims(note)
    return 0


def _correct(args: argparse.Namespace, store) -> int:
    from encoders.errors import ReportError

    author = _name(args.author, "author")
    text = args.reasoning
    if args.reasoning_file is not None:
        try:
            text = args.reasoning_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ReportError(f"Cannot read the corrected reasoning from {args.reasoning_file} ({err}); give a "
                              f"readable UTF-8 text file.") from err
    version = store.correct_reasoning(args.report_id, _version(args, store), text, author, args.comment)
    note, _ = store.get(args.report_id, version)
    print(f"Saved the corrected reasoning as version {version} of report {args.report_id}, checked again.")
    _print_claims(note)
    return 0


def _sign(args: argparse.Namespace, store) -> int:
    from reports.render import acknowledgement_line

    signer = _name(args.signer, "signer")
    meta = store.sign(args.report_id, _version(args, store), signer,
                      acknowledge_failing_claims=args.acknowledge_failing_claims)
    note, _ = store.get(args.report_id, meta.version)
    print(f"Signed version {meta.version} of report {args.report_id}: {note.banner}.")
    acknowledged = acknowledgement_line(note)
    if acknowledged:
        print(acknowledged)
    return 0


def _export(args: argparse.Namespace, store) -> int:
    who = _name(args.author, "exporting user")
    version = _version(args, store)
    written = _write(store, args.report_id, version, args.out, args.pdf, who)
    print(f"Wrote version {version} of report {args.report_id} to {' and '.join(str(p) for p in written)}.")
    return 0
