"""The head model: a sphere, a volume source grid and a free-orientation forward solution."""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..channels import MONTAGES, electrode_positions
from ..log import get_logger

log = get_logger(__name__)


# ---- head model -------------------------------------------------------------------------------

_GRID_MM = 20.0  # source grid spacing: ~265 points inside the sphere, forward model in < 0.5 s
_PATCH_SIGMA = 0.012  # m; spatial spread of a named source patch over the grid
_REFERENCE_MONTAGE = "seed62"  # amplitudes and blink sizes are calibrated on this cap
# Median channel SD of the brain signal alone; drift, blinks and muscle bring the whole channel
# to ~20-25 µV, mid-range for scalp EEG.
_BRAIN_UV = 16.0


@dataclass(frozen=True)
class _Head:
    names: tuple[str, ...]  # channels simulated (the reference cap plus the montage's extras)
    positions: np.ndarray  # (C, 3) electrodes, m
    grid: np.ndarray  # (G, 3) source points, m
    leadfield: np.ndarray  # (C, G, 3) free-orientation gains, no reference applied
    r0: np.ndarray  # sphere centre, m


@functools.lru_cache(maxsize=8)
def _head_model(montage_name: str) -> _Head:
    """Sphere model + volume grid + forward solution for the reference cap plus the montage."""
    import mne

    names = list(MONTAGES[_REFERENCE_MONTAGE])
    names += [n for n in MONTAGES[montage_name] if n not in names]
    positions = electrode_positions(names)
    info = mne.create_info(names, 200.0, "eeg")
    info.set_montage(mne.channels.make_dig_montage(ch_pos=dict(zip(names, positions)), coord_frame="head"),
                     verbose="error")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sphere = mne.make_sphere_model("auto", "auto", info=info, verbose="error")
        src = mne.setup_volume_source_space(sphere=sphere, pos=_GRID_MM, verbose="error")
        fwd = mne.make_forward_solution(info, trans=None, src=src, bem=sphere, eeg=True, meg=False,
                                        verbose="error")
    gain = fwd["sol"]["data"].reshape(len(names), -1, 3)
    grid = fwd["src"][0]["rr"][fwd["src"][0]["vertno"]]
    log.debug("forward model for %s: %d channels x %d grid points", montage_name, len(names), len(grid))
    return _Head(tuple(names), positions, grid, gain, np.asarray(sphere["r0"], float))


def _referenced(head: _Head, names: Sequence[str]) -> _Head:
    """The head restricted to `names`, average-referenced over exactly those channels (what a
    re-referenced recording of that cap would show)."""
    rows = [head.names.index(n) for n in names]
    lf = head.leadfield[rows]
    return _Head(tuple(names), head.positions[rows], head.grid, lf - lf.mean(axis=0, keepdims=True), head.r0)


def _patch_leadfield(head: _Head, position: np.ndarray, orientation: np.ndarray) -> np.ndarray:
    """(C,) gain of an oriented patch centred at `position`: a Gaussian-weighted mix of grid points.
    WHY a mix: it lets a subject's source sit between grid points (topography jitter) and mimics an
    extended patch of cortex instead of a single point dipole."""
    d2 = np.sum((head.grid - position) ** 2, axis=1)
    w = np.exp(-0.5 * d2 / _PATCH_SIGMA**2)
    w /= w.sum()
    return np.einsum("g,cgk,k->c", w, head.leadfield, orientation)
