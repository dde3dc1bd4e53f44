"""Dataset names → loader classes, and `open_dataset`, the one entry point for a `--root` folder."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from ..errors import DatasetError
from .base import DatasetLoader
from .deap import DEAP
from .dreamer import DREAMER
from .seed import SEED
from .seed_iv import SEEDIV
from .seed_v import SEEDV
from .seed_vii import SEEDVII

DATASETS: dict[str, type[DatasetLoader]] = {
    "seed": SEED,
    "seed-iv": SEEDIV,
    "seed-v": SEEDV,
    "seed-vii": SEEDVII,
    "deap": DEAP,
    "dreamer": DREAMER,
}


def open_dataset(name: str, root: str | Path, **options: Any) -> DatasetLoader:
    """The loader for dataset `name` over folder `root` (checked now, read lazily).

    `options` go to the loader (e.g. DEAP's `threshold`/`inclusive`/`target`/`baseline`).
    """
    key = str(name).strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise DatasetError(f"Unknown dataset {name!r}; choose one of {', '.join(DATASETS)}.")
    loader = DATASETS[key]
    try:
        inspect.signature(loader).bind(Path(root), **options)
    except TypeError:
        raise DatasetError(f"Dataset {key} does not take the option(s) {', '.join(sorted(options))}; "
                           f"remove them.") from None
    return loader(Path(root), **options)
