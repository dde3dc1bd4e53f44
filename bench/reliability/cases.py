"""One fuzz case: which mutation of which seed, built into a folder and run through the product.

A case is fully determined by (master seed, case index) and the seed files: the generator
`default_rng([master_seed, index])` draws the kind, the seed and every parameter, so a failing case
is rebuilt exactly with `python -m bench.reliability.fuzz --case INDEX --seed SEED`.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from .byte_mutations import BYTE_MUTATIONS, header_length
from .extreme import extreme_case
from .header_edits import edf_edit, fif_edit, set_edit, vhdr_edit, vmrk_edit
from .pipeline import product_path
from .seeds import Seed

# Share of each kind in the corpus (header edits and extreme contents are where readers differ most).
KINDS: dict[str, float] = {"bitflip": 0.12, "byte_run": 0.07, "truncate": 0.09, "append": 0.05, "insert": 0.04,
                           "zero_chunk": 0.06, "header_edit": 0.27, "extreme": 0.20, "wrong_extension": 0.06,
                           "stacked": 0.04}
WRONG_EXTENSIONS = (".edf", ".bdf", ".fif", ".fif.gz", ".vhdr", ".set", ".cnt", ".cnt", ".txt", ".EDF", ".Fif", "",
                    ".edf.gz")


def case_rng(master_seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([master_seed, index])


def _pick_seed(rng: np.random.Generator, seeds: list[Seed]) -> Seed:
    weights = np.array([s.weight for s in seeds], float)
    return seeds[int(rng.choice(len(seeds), p=weights / weights.sum()))]


def _member(rng: np.random.Generator, seed: Seed) -> int:
    """Which of a seed's files a byte mutation hits (BrainVision: header, markers or samples)."""
    return 0 if len(seed.files) == 1 else int(rng.integers(0, len(seed.files)))


def _copy(seed: Seed, folder: Path) -> list[Path]:
    return [Path(shutil.copyfile(p, folder / p.name)) for p in seed.files]


def _header_edit(rng: np.random.Generator, seed: Seed, files: list[Path]) -> dict:
    primary = files[0]
    if seed.format in ("edf", "bdf"):
        data, detail = edf_edit(primary.read_bytes(), rng)
        primary.write_bytes(data)
    elif seed.format == "fif":
        data, detail = fif_edit(primary.read_bytes(), rng)
        primary.write_bytes(data)
    elif seed.format == "fif.gz":
        data, detail = fif_edit(gzip.decompress(primary.read_bytes()), rng)
        primary.write_bytes(gzip.compress(data, mtime=0))
    elif seed.format == "vhdr":
        target = files[0] if rng.random() < 0.75 else files[1]
        edit = vhdr_edit if target.suffix == ".vhdr" else vmrk_edit
        text, detail = edit(target.read_text(encoding="utf-8"), rng)
        target.write_text(text, encoding="utf-8")
        detail["file"] = target.suffix
    elif seed.format == "set":
        data, detail = set_edit(primary.read_bytes(), rng)
        primary.write_bytes(data)
    else:
        raise ValueError(f"no header edit for {seed.format}")
    return detail


def build_case(index: int, master_seed: int, seeds: list[Seed], folder: Path,
               extreme: dict[str, Any] | None = None) -> tuple[Path, dict[str, Any]]:
    """Write case `index` into `folder`; returns the file to open and what the case is. `extreme`
    forces an extreme-content case with those draws fixed (targeted corpora in tests)."""
    rng = case_rng(master_seed, index)
    kinds = list(KINDS)
    kind = kinds[int(rng.choice(len(kinds), p=np.array(list(KINDS.values())) / sum(KINDS.values())))]
    if extreme is not None or kind == "extreme":
        files, detail = extreme_case(rng, folder, **(extreme or {}))
        return files[0], {"kind": "extreme", "seed": "generated", "format": detail["format"], "detail": detail}
    seed = _pick_seed(rng, seeds)
    files = _copy(seed, folder)
    description: dict[str, Any] = {"kind": kind, "seed": seed.name, "format": seed.format}
    if kind == "header_edit":
        description["detail"] = _header_edit(rng, seed, files)
    elif kind == "wrong_extension":
        extension = str(WRONG_EXTENSIONS[int(rng.integers(0, len(WRONG_EXTENSIONS)))])
        stem = files[0].name.split(".")[0]
        renamed = files[0].with_name(f"{stem}-renamed{extension}")
        files[0] = files[0].rename(renamed)
        description["detail"] = {"extension": extension or "(none)"}
    else:
        steps = int(rng.integers(2, 4)) if kind == "stacked" else 1
        member = _member(rng, seed)
        data = files[member].read_bytes()
        done = []
        for _ in range(steps):
            name = kind if kind != "stacked" else str(rng.choice([k for k in BYTE_MUTATIONS if k != "truncate"]))
            data, detail = BYTE_MUTATIONS[name](data, rng, header_length(data))
            done.append({"mutation": name, **detail})
        files[member].write_bytes(data)
        description["detail"] = {"file": files[member].suffix, "steps": done}
    return files[0], description


def run_case(task: dict[str, Any]) -> dict[str, Any]:
    """Pool entry point: build the case in a private folder, run it, clean up. A task names either a
    mutation (`index`) or an unmutated seed (`seed`)."""
    _quiet_logs()
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=task["work_root"]))
    try:
        if "seed" in task:
            seed = next(s for s in task["seeds"] if s.name == task["seed"])
            primary = _copy(seed, folder)[0]
            description: dict[str, Any] = {"kind": "seed", "seed": seed.name, "format": seed.format}
        else:
            try:
                primary, description = build_case(task["index"], task["master_seed"], task["seeds"], folder,
                                                  task.get("extreme"))
            except Exception as err:  # noqa: BLE001 - a case the harness could not write is not a product result
                return {"outcome": "build_error", "error_type": type(err).__name__, "message": str(err)[:300]}
        result = product_path(primary, task.get("window_s", 4.0))
        result.update(case=description, file=primary.name,
                      bytes=primary.stat().st_size if primary.exists() else None)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _quiet_logs() -> None:
    """The product warns about rescaled units and such; thousands of files would flood the terminal
    through logging's last-resort handler. Outcomes are classified from results, not from logs."""
    logger = logging.getLogger("eegreason")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
