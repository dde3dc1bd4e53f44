"""The prescription guard: a note drafts observations, it never names, prescribes or doses medication.

Every text that enters a note passes it: clinician edits and comments are refused with a
`ReportError` that quotes the offending words; model text, which is untrusted, is withheld whole.
"""

from __future__ import annotations

import re

from encoders.errors import ReportError

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


def without_prescriptions(text: str, what: str) -> str:
    """Model text is untrusted: withhold it whole rather than carry dosing language into a note."""
    try:
        check_no_prescriptions(text)
    except ReportError:
        return f"[{what} withheld: it contained medication or dosing language, which a note must not carry]"
    return text
