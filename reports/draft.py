"""A draft note from the measured evidence and the model's parsed answer.

Measured parts (recording facts, signal quality, the numbers from `encoders.evidence.Evidence`, the
model's parsed answer) are computed here once and never change; the editable parts start as
generated summaries. The model's text is parsed, never trusted: an answer that does not follow the
format leaves the assessment "not determined", and one with dosing language is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from encoders.evidence import Z_THRESHOLD, Evidence
from encoders.finite import finite_or_none
from encoders.io import read_recording
from encoders.labels import EMOTIONS
from prompts.answer_format import ABSTAIN, ParsedAnswer, parse_answer

from .claims import review_reasoning
from .guard import without_prescriptions
from .identity import recording_id, recording_meta
from .note import (
    CORE_LIMITATION,
    NOT_DETERMINED,
    RECORD_SCHEMA_VERSION,
    AffectiveAssessment,
    MeasuredFinding,
    MedicalRecordNote,
    QualitySection,
    RecordingSection,
    fmt_z,
    utc_now,
)

REPORT_QUESTION = "What emotion is this person most likely feeling? Cite the measured evidence."
SHORT_RECORDING_S = 60.0
FEW_CHANNELS = 19  # fewer electrodes than a standard 10-20 montage
SUMMARY_BAND_FINDINGS = 6  # the editable summary names the strongest deviations; the table has all

_FAA_WORDS = {
    "left": "relatively more left-frontal activity",
    "right": "relatively more right-frontal activity",
    "balanced": "no clear hemispheric difference",
}


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
                                          f"(z {fmt_z(f.value)} against the {ev.reference}).", f.value, f.direction))
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
    reasoning = without_prescriptions(answer.reasoning or "", "The model's reasoning")
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
    # The reasoning itself is not copied here: it lives in one place (Model reasoning), where each of
    # its claims is marked holding or failing and a reviewer can strike or correct it.
    where = " Its reasoning is given under Model reasoning, each claim checked against the measured evidence." \
        if a.reasoning else ""
    if a.label == ABSTAIN:
        return f"The model could not tell the affective state (confidence {a.confidence or 0.0:.2f}).{where}"
    return (f"Model estimate: {a.label} (confidence {a.confidence:.2f}); an estimate from a research model, "
            f"not an observation of the person.{where}")


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
        evidence=_plain(evidence.to_dict()),
        reasoning_review=review_reasoning(assessment.reasoning, evidence),
    )


def _plain(value: Any) -> Any:
    """JSON-ready copy: numpy numbers become Python numbers and non-finite ones None (a stored note
    is canonical JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, str)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return finite_or_none(value)
    return value




@dataclass
class ModelFacts:
    """What a note says about the model whose answer it carries."""

    name: str  # shown in the note: checkpoint, LLM and training stage
    labels: tuple[str, ...] = EMOTIONS  # the classes its answers are parsed into
    trained_on_synthetic: bool = False
    stage: str | None = None  # "untrained" makes the note say its answer carries no knowledge


def draft_from_recording(path: str | Path, evidence: Evidence, analysis: Any, answer_text: str, model: ModelFacts,
                         display_name: str | None = None, include_identifiers: bool = False) -> MedicalRecordNote:
    """The draft note for a recording the caller analysed and asked the model about
    (`answer_text`: the model's reply to `REPORT_QUESTION`). Identifiers are read from the file's
    header only when asked for."""
    path = Path(path)
    answer = parse_answer(answer_text, tuple(model.labels))
    identifiers = None
    if include_identifiers:
        identifiers = read_recording(path, keep_identifiers=True,
                                     source_name=display_name or path.name).meta.identifiers
    return draft_note(evidence, recording_meta(path, analysis), answer, model.name, include_identifiers,
                      identifiers, model_trained_on_synthetic=model.trained_on_synthetic, model_stage=model.stage,
                      labels=tuple(model.labels))
