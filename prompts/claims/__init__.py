"""Reading the claims in a reasoning text and checking each against the recording's evidence."""

from .check import CheckedClaim, check_answer_line, check_claim, check_text
from .extract import Claim, extract_claims

__all__ = ["CheckedClaim", "Claim", "check_answer_line", "check_claim", "check_text", "extract_claims"]
