"""Random streams: every draw keyed by (seed, purpose, subject, session, trial), never shared."""

from __future__ import annotations

import functools

import numpy as np

from ..labels import EMOTIONS
from .config import GENERATOR_VERSION, CohortConfig


# ---- random streams ---------------------------------------------------------------------------

# Domain codes keep the streams of different purposes apart even when their keys coincide.
_D_SUBJECT, _D_SESSION, _D_TRIAL, _D_STIMULUS, _D_ORDER = 1, 2, 3, 4, 5


def _seq(seed: int, domain: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([int(seed), GENERATOR_VERSION, domain, *map(int, key)])


def _rngs(seq: np.random.SeedSequence, n: int) -> list[np.random.Generator]:
    """n independent generators from one key. Spawning (not sharing one stream) means switching a
    feature off (e.g. blinks) leaves every other draw of the trial unchanged."""
    return [np.random.default_rng(child) for child in seq.spawn(n)]


def session_order(cfg: CohortConfig, session: int) -> list[tuple[int, int]]:
    """(label, k) for trials 1..7T of a session. Like SEED/SEED-VII, every subject sees the clips
    of a session in the same order, so the order depends on (seed, session) only."""
    return list(_session_order(cfg.seed, cfg.trials_per_emotion, session))


@functools.lru_cache(maxsize=64)
def _session_order(seed: int, trials_per_emotion: int, session: int) -> tuple[tuple[int, int], ...]:
    clips = [(label, k) for label in range(len(EMOTIONS)) for k in range(1, trials_per_emotion + 1)]
    perm = np.random.default_rng(_seq(seed, _D_ORDER, session)).permutation(len(clips))
    return tuple(clips[i] for i in perm)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)  # cached arrays are shared: an in-place edit would leak across trials
    return array
