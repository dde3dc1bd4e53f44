"""Loaders for the public emotion-EEG datasets (SEED, SEED-IV, SEED-V, SEED-VII, DEAP, DREAMER).

Each reads its dataset's real on-disk layout (see docs/datasets.md) into `Trial` records;
`open_dataset(name, root)` is the entry point.
"""

from .base import KINDS, DatasetLoader, Trial
from .deap import DEAP
from .dreamer import DREAMER
from .registry import DATASETS, open_dataset
from .safe_pickle import RestrictedUnpickler, load_npz_pickled, safe_load
from .seed import SEED
from .seed_iv import SEEDIV
from .seed_v import SEEDV, cut_clips, raw_to_arrays, read_cnt
from .seed_vii import SEEDVII

__all__ = [
    "DATASETS", "DEAP", "DREAMER", "KINDS", "SEED", "SEEDIV", "SEEDV", "SEEDVII", "DatasetLoader",
    "RestrictedUnpickler", "Trial", "cut_clips", "load_npz_pickled", "open_dataset", "raw_to_arrays",
    "read_cnt", "safe_load",
]
