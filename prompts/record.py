"""The draft medical-record note: its versioned schema, the builder, edits, and Markdown rendering.

A note has two kinds of content. Measured parts (recording facts, signal quality, the numbers from
`encoders.evidence.Evidence`, the model's parsed answer) are computed once by `draft_note` and never
change: a clinician can disagree with them in words but cannot alter what was measured. Editable
parts (`EDITABLE_FIELDS`) are free text that starts as a generated summary and is the clinician's to
rewrite; every edit goes through `apply_edits`, which refuses prescription-like text and records
which fields were touched.

Patient identifiers never enter a note unless the caller asks (`include_identifiers=True`); the
recording is named by a pseudonymous id (salted hash of the file content), so notes can be stored
and shared without naming anyone.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from encoders.errors import ReportError
from encoders.evidence import Z_THRESHOLD, Evidence
from encoders.finite import finite_or_none
from encoders.labels import EMOTIONS
from encoders.paths import home

from .answer_format import ABSTAIN, ParsedAnswer

RECORD_SCHEMA_VERSION = "record-v1"
DRAFT_BANNER = "Draft — requires clinician review"
NOT_DETERMINED = "not determined"
REPORT_QUESTION = "What emotion is this person most likely feeling? Cite the measured evidence."
# Always the first limitation; `apply_edits` puts it back if an edit removes it, because a note
# from this tool must never read as a diagnosis.
CORE_LIMITATION = ("Research tool output, not a diagnosis: emotion estimates from EEG have no established "
                   "clinical validity and must not guide treatment on their own.")
EDITABLE_FIELDS = ("findings_text", "assessment_text", "limitations", "suggested_follow_up", "clinician_comments")
LIST_FIELDS = ("limitations", "suggested_follow_up")
SHORT_RECORDING_S = 60.0
FEW_CHANNELS = 19  # fewer electrodes than a standard 10-20 montage
SUMMARY_BAND_FINDINGS = 6  # the editable summary names the strongest deviations; the table has all
MAX_TEXT_CHARS = 20_000  # per editable field; a note is not a document store
STATUSES = ("draft", "amended draft", "signed")

_FAA_WORDS = {
    "left": "relatively more left-frontal activity",
    "right": "relatively more right-frontal activity",
    "balanced": "no clear hemispheric difference",
}

# ---------------------------------------------------------------------------------------------
# Prescription guard
# ---------------------------------------------------------------------------------------------

PSYCHOTROPICS = (
    "sertraline", "fluoxetine", "paroxetine", "citalopram", "escitalopram", "fluvoxamine", "vortioxetine",
    "venlafaxine", "desvenlafaxine", "duloxetine", "bupropion", "mirtazapine", "trazodone", "agomelatine",
    "amitriptyline", "nortriptyline", "imipramine", "clomipramine", "phenelzine", "tranylcypromine",
    "lithium", "valproate", "lamotrigine", "carbamazepine", "quetiapine", "olanzapine", "risperidone",
    "aripiprazole", "haloperidol", "clozapine", "ziprasidone", "lurasidone", "diazepam", "lorazepam",
    "alprazolam", "clonazepam", "zolpidem", "buspirone", "methylphenidate", "lisdexamfetamine",
    "dexamfetamine", "amphetamine", "atomoxetine", "ketamine", "esketamine", "pregabalin", "gabapentin",
    "prozac", "zoloft", "xanax", "valium", "ativan", "seroquel", "abilify", "wellbutrin", "lexapro",
)
_PRESCRIPTION_PATTERNS = (
    re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|μg|ug|ml|iu)\b", re.I),
    re.compile(r"\b(?:prescrib\w*|dosage|dosing|doses?|posology)\b", re.I),
    re.compile(r"\btake\b[^.\n]{0,60}?\b(?:daily|nightly|twice|once|a day|per day|every \d+\s*h\w*|"
               r"tablets?|pills?|capsules?|drops)\b", re.I),
    re.compile(r"\b\d+\s*(?:tablets?|pills?|capsules?)\b", re.I),
    re.compile(r"\b(?:b\.i\.d|t\.i\.d|q\.i\.d|q\.h\.s|p\.r\.n)\b\.?", re.I),
    re.compile(r"\b(?:" + "|".join(PSYCHOTROPICS) + r")\b", re.I),
)


def check_no_prescriptions(text: str) -> None:
    """Refuse medication or dosing language: the tool drafts observations, it never prescribes."""
    for pattern in _PRESCRIPTION_PATTERNS:
        match = pattern.search(text or "")
        if match:
            raise ReportError(f"The note contains prescription-like text ({match.group(0).strip()!r}); notes "
                              f"from this research tool must not name, prescribe or dose medication, so remove "
                              f"it and save again.")


def _without_prescriptions(text: str, what: str) -> str:
    """Model text is untrusted: withhold it whole rather than carry dosing language into a note."""
    try:
        check_no_prescriptions(text)
    except ReportError:
        return f"[{what} withheld: it contained medication or dosing language, which a note must not carry]"
    return text


# ---------------------------------------------------------------------------------------------
# Pseudonymous recording ids
# ---------------------------------------------------------------------------------------------


def installation_salt(folder: Path | None = None) -> bytes:
    """A random per-installation secret (created once, readable by its owner only): without it the
    recording id cannot be recomputed from a file, so the id alone does not identify the file."""
    path = (folder or home()) / "record-salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".record-salt.")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
            os.link(temporary, path)  # complete file or nothing; if another process won, keep its salt
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip().encode()


def recording_id(source: str | Path | bytes, salt: bytes | None = None) -> str:
    """`rec-` + 16 hex digits of sha256(salt + file content); a `str` that is not an existing file
    (a display name) is hashed as text, for recordings whose file is no longer at hand."""
    digest = hashlib.sha256(salt if salt is not None else installation_salt())
    if isinstance(source, bytes):
        digest.update(source)
    elif Path(source).is_file():
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(b"name:" + str(source).encode())
    return "rec-" + digest.hexdigest()[:16]


def recording_meta(source: str | Path, analysis: Any = None, salt: bytes | None = None) -> dict[str, Any]:
    """The de-identified facts `draft_note` needs from a file and its `RecordingAnalysis`: the
    original sampling rate (analysis resamples, so it is read from the resampling step) and format."""
    meta: dict[str, Any] = {"recording_id": recording_id(source, salt)}
    if analysis is not None:
        rec = analysis.recording
        sfreq = rec.sfreq
        for step in rec.meta.preprocessing:
            if "from_sfreq" in step:
                sfreq = step["from_sfreq"]
                break
        meta.update(file_format=rec.meta.file_format, sampling_rate_hz=float(sfreq),
                    set_aside_channels=len(rec.meta.set_aside))
    return meta


# ---------------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------------


@dataclass
class RecordingSection:
    recording_id: str  # pseudonymous
    file_format: str
    n_channels: int
    duration_s: float
    sampling_rate_hz: float | None
    synthetic: bool
    patient: str  # "De-identified …" unless identifiers were asked for
    identifiers: dict[str, str] = field(default_factory=dict)  # empty unless include_identifiers


@dataclass
class QualitySection:
    grade: str
    usable_seconds: float
    total_seconds: float
    bad_channels: list[str]
    reasons: list[str]

    @property
    def usable_percent(self) -> float:
        return 100.0 * self.usable_seconds / self.total_seconds if self.total_seconds else 0.0


@dataclass
class MeasuredFinding:
    """One statement with the number it rests on, exactly as in the Evidence."""

    key: str  # Evidence finding key: "faa" | "band:<region>:<band>"
    statement: str
    value: float | None
    direction: str


@dataclass
class AffectiveAssessment:
    label: str  # an emotion, "cannot tell" (the model abstained) or "not determined"
    confidence: float | None
    evidence: list[str]  # the measured statements the assessment rests on
    evidence_cited: bool  # True: the reasoning names them; False: they were shown to the model
    reasoning: str  # the model's reasoning text ("" when it could not be parsed)
    model_name: str
    parsed: bool  # the model's answer followed the Reasoning/Answer/Confidence format
    note: str = ""  # why the label is "not determined" or "cannot tell"


@dataclass
class MedicalRecordNote:
    schema_version: str
    created_at: str
    recording: RecordingSection
    quality: QualitySection
    eeg_findings: list[MeasuredFinding]
    band_z: dict[str, dict[str, float]]  # region → band → z, the full table behind the findings
    reference: str
    affective_assessment: AffectiveAssessment
    findings_text: str  # editable
    assessment_text: str  # editable
    limitations: list[str]  # editable
    suggested_follow_up: list[str]  # editable
    clinician_comments: str = ""  # editable
    status: str = "draft"  # draft | amended draft | signed
    signed_by: str | None = None
    signed_at: str | None = None
    edited_fields: list[str] = field(default_factory=list)

    @property
    def banner(self) -> str:
        if self.status == "signed" and self.signed_by:
            return f"Signed by {self.signed_by} on {self.signed_at or 'an unknown date'} — research use"
        if self.status == "amended draft":
            return f"{DRAFT_BANNER} (amends a signed version)"
        return DRAFT_BANNER

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MedicalRecordNote":
        version = data.get("schema_version")
        if version != RECORD_SCHEMA_VERSION:
            raise ReportError(f"This note uses schema {version!r}, which this version of eegreason cannot read "
                              f"(it reads {RECORD_SCHEMA_VERSION!r}); open it with the version that wrote it.")
        data = dict(data)
        data["recording"] = RecordingSection(**data["recording"])
        data["quality"] = QualitySection(**data["quality"])
        data["eeg_findings"] = [MeasuredFinding(**f) for f in data["eeg_findings"]]
        data["affective_assessment"] = AffectiveAssessment(**data["affective_assessment"])
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ReportError(f"This note has fields {sorted(unknown)} that schema {RECORD_SCHEMA_VERSION} does "
                              f"not define; it was not written by eegreason.")
        return cls(**data)

    def editable_values(self) -> dict[str, str | list[str]]:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


# ---------------------------------------------------------------------------------------------
# Builder
# ---------------------------------------------------------------------------------------------


def _fmt_z(z: float) -> str:
    return f"{z:+.2f}"


def measured_findings(ev: Evidence) -> list[MeasuredFinding]:
    """FAA first, then every region/band at or beyond ±Z_THRESHOLD, strongest first."""
    out: list[MeasuredFinding] = []
    if finite_or_none(ev.faa) is not None and ev.faa_direction:
        out.append(MeasuredFinding(
            "faa", f"Frontal alpha asymmetry (ln α F4 − ln α F3): {ev.faa:+.2f}, {ev.faa_direction} "
                   f"({_FAA_WORDS.get(ev.faa_direction, ev.faa_direction)}).", ev.faa, ev.faa_direction))
    notable = sorted((f for f in ev.findings if f.key.startswith("band:") and f.direction != "typical"
                      and finite_or_none(f.value) is not None), key=lambda f: (-abs(f.value), f.key))
    for f in notable:
        _, region, band = f.key.split(":")
        out.append(MeasuredFinding(f.key, f"{region.capitalize()} {band} power {f.direction} "
                                          f"(z {_fmt_z(f.value)} against the {ev.reference}).", f.value, f.direction))
    return out


def _findings_summary(ev: Evidence, findings: list[MeasuredFinding]) -> str:
    lines = [f"Signal quality {ev.quality_grade}: {ev.usable_seconds:.0f} of {ev.total_seconds:.0f} s usable."]
    if ev.faa is None:
        lines.append("Frontal alpha asymmetry could not be computed (a usable frontal left/right pair, such as "
                     "F3 and F4, is needed).")
    bands = [f for f in findings if f.key.startswith("band:")]
    lines += [f.statement for f in findings if f.key == "faa"]
    lines += [f.statement for f in bands[:SUMMARY_BAND_FINDINGS]]
    if len(bands) > SUMMARY_BAND_FINDINGS:
        lines.append(f"{len(bands) - SUMMARY_BAND_FINDINGS} further band-power deviations are listed with the "
                     f"measured findings.")
    if not bands:
        lines.append(f"Band power in every region within ±{Z_THRESHOLD:g} SD of the {ev.reference}.")
    return "\n".join(lines)


def _cited(reasoning: str, findings: list[MeasuredFinding]) -> list[str]:
    text = reasoning.lower()
    cited = []
    for f in findings:
        if f.key == "faa":
            hit = "asymmetr" in text or "faa" in text
        else:
            _, region, band = f.key.split(":")
            hit = region in text and band in text
        if hit:
            cited.append(f.statement)
    return cited


def _assessment(answer: ParsedAnswer | None, findings: list[MeasuredFinding], model_name: str,
                labels: tuple[str, ...], ev: Evidence) -> AffectiveAssessment:
    shown = [f.statement for f in findings]
    if answer is not None and answer.well_formed and answer.answer in labels and not ev.supports_emotion:
        # An emotion the recording cannot support is not entered, whoever produced it.
        return AffectiveAssessment(NOT_DETERMINED, None, shown, False, "", model_name, True,
                                   f"Not determined: the recording cannot support an emotion reading "
                                   f"({'; '.join(ev.limits)}); the model's answer ({answer.answer}) is not used.")
    if answer is None or not answer.well_formed or answer.answer not in (*labels, ABSTAIN):
        why = ("no model answer was requested" if answer is None else
               "the model's answer could not be parsed (expected Reasoning, Answer and Confidence)"
               if not answer.well_formed else
               "the model's answer could not be parsed into one of the known labels")
        return AffectiveAssessment(NOT_DETERMINED, None, shown, False, "", model_name, False,
                                   f"Not determined: {why}.")
    reasoning = _without_prescriptions(answer.reasoning or "", "The model's reasoning")
    cited = _cited(reasoning, findings)
    note = ("The model abstained (cannot tell), as it should when the evidence is too weak or the signal "
            "too poor." if answer.abstained else "")
    if answer.abstained and not ev.supports_emotion:
        note = f"No emotion is named: the recording cannot support an emotion reading ({'; '.join(ev.limits)})."
    return AffectiveAssessment(answer.answer, finite_or_none(answer.confidence), cited or shown, bool(cited),
                               reasoning, model_name, True, note)


def _assessment_summary(a: AffectiveAssessment) -> str:
    if a.label == NOT_DETERMINED:
        return f"Affective state not determined. {a.note}"
    if a.label == ABSTAIN:
        return (f"The model could not tell the affective state (confidence {a.confidence or 0.0:.2f}). "
                f"Its reasoning: {a.reasoning}")
    return (f"Model estimate: {a.label} (confidence {a.confidence:.2f}); an estimate from a research model, "
            f"not an observation of the person. Its reasoning: {a.reasoning}")


def _limitations(ev: Evidence, a: AffectiveAssessment, model_name: str, trained_on_synthetic: bool,
                 model_stage: str | None) -> list[str]:
    out = [CORE_LIMITATION]
    if ev.synthetic:
        out.append("The recording is SYNTHETIC (generated, not recorded from a person); nothing in this note "
                   "describes a real person.")
    if model_stage == "untrained":
        out.append(f"The model ({model_name}) is untrained; its answer exercises the software and carries no "
                   f"emotion knowledge.")
    elif trained_on_synthetic:
        out.append(f"The model ({model_name}) was trained on synthetic EEG only; its estimates are not "
                   f"validated on recordings from people.")
    if ev.quality_grade in ("poor", "fair"):
        reasons = "; ".join(ev.quality_reasons) or "no reason recorded"
        out.append(f"Signal quality is {ev.quality_grade} ({reasons}); findings are less reliable.")
    if ev.duration_s < SHORT_RECORDING_S:
        out.append(f"The recording is short ({ev.duration_s:.0f} s, under {SHORT_RECORDING_S:.0f} s); band-power "
                   f"estimates are less stable.")
    if ev.n_channels < FEW_CHANNELS:
        out.append(f"Only {ev.n_channels} EEG channels (fewer than the {FEW_CHANNELS} of a standard 10-20 "
                   f"montage); regional estimates rest on few electrodes.")
    if not ev.supports_emotion:
        out.append("The recording cannot support an emotion reading: "
                   + "; ".join(ev.limits or ["too little usable signal"]) + ".")
    else:
        out += [f"{limit[0].upper()}{limit[1:]}." for limit in ev.limits if "asymmetry" not in limit]
    if ev.faa is None:
        out.append("Frontal alpha asymmetry is missing (no usable frontal left/right pair such as F3 and F4).")
    if "generic" in ev.reference:
        out.append(f"Band-power z-scores compare with a {ev.reference}, not one fitted to this population.")
    if a.label == ABSTAIN:
        out.append("The model abstained; no affective estimate is offered.")
    elif a.label == NOT_DETERMINED:
        out.append("The model's answer could not be parsed; the affective assessment is not determined.")
    return out


def _follow_up(ev: Evidence, a: AffectiveAssessment) -> list[str]:
    out = []
    if ev.quality_grade != "good" or ev.bad_channels:
        bad = f" (check {', '.join(ev.bad_channels)})" if ev.bad_channels else ""
        out.append(f"Consider repeating the recording with better electrode contact and fewer movement "
                   f"artifacts{bad}.")
    if ev.duration_s < SHORT_RECORDING_S:
        out.append("Consider a longer recording (several minutes of artifact-free data).")
    if ev.synthetic:
        out.append("Use a recording from the person for any clinical question; this one is synthetic.")
    if a.label in (NOT_DETERMINED, ABSTAIN):
        out.append("Review the measured findings directly; the model offered no usable estimate.")
    out.append("Correlate with self-report and a clinical interview before drawing any conclusion.")
    return out


def _patient(include_identifiers: bool, identifiers: dict[str, str] | None) -> tuple[str, dict[str, str]]:
    if include_identifiers and identifiers:
        clean = {str(k): str(v) for k, v in identifiers.items() if str(v).strip()}
        if clean:
            return "Identified (identifiers included at the author's request).", clean
    if include_identifiers:
        return "De-identified: identifiers were requested but the file header carries none.", {}
    return "De-identified: patient identifiers are withheld; the recording is named by a pseudonymous id.", {}


def draft_note(evidence: Evidence, recording_meta: dict[str, Any], answer: ParsedAnswer | None, model_name: str,
               include_identifiers: bool = False, identifiers: dict[str, str] | None = None, *,
               model_trained_on_synthetic: bool = False, model_stage: str | None = None,
               labels: tuple[str, ...] = EMOTIONS, created_at: str | None = None) -> MedicalRecordNote:
    """A draft note from measured evidence and the model's parsed answer. Never invents an
    assessment: an unparsable answer gives "not determined"."""
    rid = recording_meta.get("recording_id") or recording_id(str(recording_meta.get("source_name", "")))
    patient, kept = _patient(include_identifiers, identifiers)
    findings = measured_findings(evidence)
    assessment = _assessment(answer, findings, model_name, tuple(labels), evidence)
    return MedicalRecordNote(
        schema_version=RECORD_SCHEMA_VERSION,
        created_at=created_at or utc_now(),
        recording=RecordingSection(
            recording_id=rid,
            file_format=str(recording_meta.get("file_format") or "unknown"),
            n_channels=evidence.n_channels,
            duration_s=finite_or_none(evidence.duration_s) or 0.0,
            sampling_rate_hz=finite_or_none(recording_meta.get("sampling_rate_hz")),
            synthetic=evidence.synthetic,
            patient=patient,
            identifiers=kept,
        ),
        quality=QualitySection(evidence.quality_grade, round(evidence.usable_seconds, 1),
                               round(evidence.total_seconds, 1), list(evidence.bad_channels),
                               list(evidence.quality_reasons)),
        eeg_findings=findings,
        band_z={r: {b: z for b, z in bands.items() if finite_or_none(z) is not None}
                for r, bands in evidence.band_z.items()},
        reference=evidence.reference,
        affective_assessment=assessment,
        findings_text=_findings_summary(evidence, findings),
        assessment_text=_assessment_summary(assessment),
        limitations=_limitations(evidence, assessment, model_name, model_trained_on_synthetic, model_stage),
        suggested_follow_up=_follow_up(evidence, assessment),
    )


# ---------------------------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    field: str
    old: str | list[str]
    new: str | list[str]


def as_lines(value: str | list[str]) -> list[str]:
    """A list field from a text box (one item a line, bullets stripped) or a list."""
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", str(item)).strip() for item in items if str(item).strip()]


def _normalise(name: str, value: Any) -> str | list[str]:
    if name in LIST_FIELDS:
        if not isinstance(value, (str, list, tuple)):
            raise ReportError(f"The field {name} takes text (one item a line) or a list of strings.")
        items = as_lines(value)
        if name == "limitations" and CORE_LIMITATION not in items:
            items.insert(0, CORE_LIMITATION)
        return items
    if not isinstance(value, str):
        raise ReportError(f"The field {name} takes text.")
    return value.strip()


def apply_edits(note: MedicalRecordNote, changes: dict[str, Any]) -> tuple[MedicalRecordNote, list[FieldChange]]:
    """A copy of `note` with `changes` applied to editable fields, and the field-level diff.

    Refuses measured fields and prescription-like text with a `ReportError`; fields whose new value
    equals the old one are not counted as edits.
    """
    if not isinstance(changes, dict) or not changes:
        raise ReportError("No changes were given; change at least one editable field and save again.")
    diffs: list[FieldChange] = []
    updates: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise ReportError(f"The field {name!r} holds measured or administrative values and cannot be edited; "
                              f"edit one of {', '.join(EDITABLE_FIELDS)} instead.")
        new = _normalise(name, value)
        text = "\n".join(new) if isinstance(new, list) else new
        if len(text) > MAX_TEXT_CHARS:
            raise ReportError(f"The field {name} is {len(text)} characters long, above the limit of "
                              f"{MAX_TEXT_CHARS}; shorten it and save again.")
        check_no_prescriptions(text)
        old = getattr(note, name)
        if new != old:
            diffs.append(FieldChange(name, old, new))
            updates[name] = new
    edited = sorted(set(note.edited_fields) | set(updates))
    return replace(note, **updates, edited_fields=edited), diffs


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

SECTION_TITLES = ("Recording", "Patient", "Signal quality", "EEG findings", "Affective assessment",
                  "Limitations", "Suggested follow-up", "Clinician comments", "Sign-off")


def _md_escape_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def recording_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    r = note.recording
    rate = f"{r.sampling_rate_hz:g} Hz" if r.sampling_rate_hz else "unknown"
    return [("Recording id (pseudonymous)", r.recording_id), ("Format", r.file_format),
            ("EEG channels", str(r.n_channels)), ("Duration", f"{r.duration_s:.1f} s"),
            ("Sampling rate", rate),
            ("Source", "SYNTHETIC (generated, not from a person)" if r.synthetic else "recorded")]


def quality_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    q = note.quality
    return [("Grade", q.grade),
            ("Usable", f"{q.usable_seconds:.0f} of {q.total_seconds:.0f} s ({q.usable_percent:.0f}%)"),
            ("Bad channels", ", ".join(q.bad_channels) or "none"),
            ("Reasons", "; ".join(q.reasons) or "none recorded")]


def assessment_rows(note: MedicalRecordNote) -> list[tuple[str, str]]:
    a = note.affective_assessment
    rows = [("Label", a.label), ("Confidence", f"{a.confidence:.2f}" if a.confidence is not None else "—"),
            ("Model", a.model_name)]
    if a.note:
        rows.append(("Note", a.note))
    return rows


def band_table(note: MedicalRecordNote) -> tuple[list[str], list[list[str]]]:
    bands: list[str] = []
    for values in note.band_z.values():
        bands += [b for b in values if b not in bands]
    rows = [[region] + [_fmt_z(values[b]) if b in values else "—" for b in bands]
            for region, values in note.band_z.items()]
    return ["region", *bands], rows


def _table(rows: list[tuple[str, str]]) -> list[str]:
    return ["| | |", "|---|---|", *[f"| {_md_escape_cell(k)} | {_md_escape_cell(v)} |" for k, v in rows]]


def render_measured_markdown(note: MedicalRecordNote) -> str:
    """The parts of a note that are computed, not edited: recording, quality, measured findings and
    the model's answer (shown read-only beside the editable fields)."""
    out = [f"> **{note.banner}**", ""]
    out += ["## Recording", *_table(recording_rows(note)), ""]
    out += ["## Patient", "", note.recording.patient, ""]
    if note.recording.identifiers:
        out += [*[f"- {k}: {v}" for k, v in note.recording.identifiers.items()], ""]
    out += ["## Signal quality", *_table(quality_rows(note)), ""]
    out += ["## EEG findings", "", "Measured (computed from the recording; not editable):", ""]
    out += [f"- {f.statement}" for f in note.eeg_findings] or ["- No frontal asymmetry or band-power deviation "
                                                               "to report."]
    if note.band_z:
        header, rows = band_table(note)
        out += ["", f"Band-power z-scores by region (against the {note.reference}):", "",
                "| " + " | ".join(header) + " |", "|" + "---|" * len(header),
                *["| " + " | ".join(row) + " |" for row in rows]]
    out += ["", "## Affective assessment", *_table(assessment_rows(note)), ""]
    a = note.affective_assessment
    out += ["Evidence it rests on" + ("" if a.evidence_cited else " (shown to the model; its reasoning cites none "
                                                                 "explicitly)") + ":", ""]
    out += [f"- {s}" for s in a.evidence] or ["- none"]
    if a.reasoning:
        out += ["", f"Model reasoning: {a.reasoning}"]
    return "\n".join(out)


def render_markdown(note: MedicalRecordNote, reference: str | None = None) -> str:
    """The whole note as Markdown: banner first, then every section, editable text included.
    `reference` (e.g. "Report rpt-…, version 2") ties an exported copy to its stored version."""
    out = ["# Draft EEG note — emotion reasoning (research use)", "",
           f"Schema {note.schema_version} · created {note.created_at} · status {note.status}"
           + (f" · {reference}" if reference else ""), "",
           render_measured_markdown(note), ""]
    out += ["### Findings summary", "", note.findings_text or "—", ""]
    out += ["### Assessment summary", "", note.assessment_text or "—", ""]
    out += ["## Limitations", "", *[f"- {item}" for item in note.limitations], ""]
    out += ["## Suggested follow-up", "", *([f"- {item}" for item in note.suggested_follow_up] or ["- none"]), ""]
    out += ["## Clinician comments", "", note.clinician_comments or "—", ""]
    out += ["## Sign-off", "", f"**{note.banner}**", ""]
    if note.edited_fields:
        out += [f"Edited by a clinician: {', '.join(note.edited_fields)}.", ""]
    out += ["Research use only — not a medical device; not a diagnosis.", ""]
    return "\n".join(out)
