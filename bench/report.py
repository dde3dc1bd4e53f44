"""Writing benchmark results into BENCHMARKS.md, one marked section per benchmark."""

from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
HEADER = """# Benchmarks

Measured by `make bench` (or `python -m bench NAME`) on the machine named in each section; each
section compares our implementation with the alternative in the same process, on the same data,
and states the ratio. Sections are rewritten in place when a benchmark is re-run.
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} CPU cores ({cpu}), Python {platform.python_version()}"


def write_section(name: str, body: str, parts_dated: bool = False) -> None:
    """`parts_dated`: the body is made of parts measured on the dates each names (only some of which
    a run re-measures), so the footer dates the writing, not the measurements."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    footer = (f"_Section written {stamp}; each part above was measured on the date and machine it names._"
              if parts_dated else f"_Measured {stamp} on {machine()}._")
    block = f"<!-- bench:{name} -->\n{body.strip()}\n\n{footer}\n<!-- /bench:{name} -->"
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text)


def load_note(before, after) -> str:
    """What the load average during a timing means for its absolute figures (1-min averages)."""
    import os

    busy = max(before[0], after[0]) > 0.5 * (os.cpu_count() or 1)
    return ("The machine was shared with other work: absolute times are longer than on an idle machine."
            if busy else "The machine was otherwise idle.")
