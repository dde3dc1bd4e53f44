"""The draft medical-record note: its versioned schema.

A note has two kinds of content. Measured parts (recording facts, signal quality, the numbers from
`encoders.evidence.Evidence`, the model's parsed answer) are computed once when it is drafted
(`reports.draft`) and never change: a clinician can disagree with them in words but cannot alter
what was measured. Editable parts (`EDITABLE_FIELDS`) are free text that starts as a generated
summary and is the clinician's to rewrite (`reports.edits`).

Patient identifiers never enter a note unless the caller asks (`include_identifiers=True`); the
recording is named by a pseudonymous id (`reports.identity`), so notes can be stored and shared
without naming anyone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from encoders.errors import ReportError
from encoders.evidence import Evidence

from .claims import ReasoningReview, review_reasoning

RECORD_SCHEMA_VERSION = "record-v2"
# record-v1 notes (before the reasoning was checked) are read as v2 notes whose reasoning is marked
# unchecked: they carry no evidence to check it against.
READABLE_SCHEMAS = ("record-v1", RECORD_SCHEMA_VERSION)
_ADDED_IN_V2 = ("evidence", "reasoning_review", "acknowledged_claims")
DRAFT_BANNER = "Draft — requires clinician review"
NOT_DETERMINED = "not determined"
# Always the first limitation; `apply_edits` puts it back if an edit removes it, because a note
# from this tool must never read as a diagnosis.
CORE_LIMITATION = ("Research tool output, not a diagnosis: emotion estimates from EEG have no established "
                   "clinical validity and must not guide treatment on their own.")
EDITABLE_FIELDS = ("findings_text", "assessment_text", "limitations", "suggested_follow_up", "clinician_comments")
LIST_FIELDS = ("limitations", "suggested_follow_up")
MAX_TEXT_CHARS = 20_000  # per editable field; a note is not a document store
STATUSES = ("draft", "amended draft", "signed")


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
    # The Evidence the note was drafted from (`Evidence.to_dict()`): what the model's claims are
    # checked against, whenever the reasoning changes. None in notes drafted before claims were checked.
    evidence: dict[str, Any] | None = None
    reasoning_review: ReasoningReview = field(default_factory=ReasoningReview)  # the model's reasoning, reviewed
    # The failing claims a signer acknowledged when signing ({"by", "at", "claims"}); set, like
    # signed_by, from the signed version, never part of a draft.
    acknowledged_claims: dict[str, Any] | None = None

    def measured_evidence(self) -> Evidence | None:
        """The stored evidence as an `Evidence` (a probability stored as null, once not finite, is dropped)."""
        if self.evidence is None:
            return None
        evidence = Evidence.from_dict(self.evidence)
        evidence.probabilities = {k: p for k, p in (evidence.probabilities or {}).items() if p is not None}
        return evidence

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
        if version not in READABLE_SCHEMAS:
            raise ReportError(f"This note uses schema {version!r}, which this version of eegreason cannot read "
                              f"(it reads {', '.join(map(repr, READABLE_SCHEMAS))}); open it with the version "
                              f"that wrote it.")
        data = dict(data)
        known = {f.name for f in fields(cls)} - (set(_ADDED_IN_V2) if version == "record-v1" else set())
        unknown = set(data) - known
        if unknown:
            raise ReportError(f"This note has fields {sorted(unknown)} that schema {version} does not define; it "
                              f"was not written by eegreason.")
        data["recording"] = RecordingSection(**data["recording"])
        data["quality"] = QualitySection(**data["quality"])
        data["eeg_findings"] = [MeasuredFinding(**f) for f in data["eeg_findings"]]
        data["affective_assessment"] = AffectiveAssessment(**data["affective_assessment"])
        if version == "record-v1":
            data["schema_version"] = RECORD_SCHEMA_VERSION  # saved again, it is a v2 note
            data["reasoning_review"] = review_reasoning(data["affective_assessment"].reasoning, None)
        else:
            data["reasoning_review"] = ReasoningReview.from_dict(data.get("reasoning_review") or {})
        return cls(**data)

    def editable_values(self) -> dict[str, str | list[str]]:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS}


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def fmt_z(z: float) -> str:
    return f"{z:+.2f}"
