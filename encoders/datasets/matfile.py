"""Reading MATLAB `.mat` files of the SEED family and DREAMER, with one clear error when they break.

The released files are MATLAB v5 (read by `scipy.io.loadmat`, which keeps the file's variable
order). Should a file have been re-saved as v7.3 (HDF5), its plain numeric variables are read with
h5py instead, transposed back to MATLAB's row/column order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DatasetError
from ..log import get_logger

log = get_logger(__name__)


def load_mat(path: Path, **loadmat_kwargs: Any) -> dict[str, Any]:
    """Variables of a `.mat` file in file order, without the `__header__`-style entries."""
    import scipy.io

    if not path.is_file():
        raise DatasetError(f"{path.name} was not found; download the dataset file again.")
    if path.stat().st_size == 0:
        raise DatasetError(f"{path.name} is empty (0 bytes); download the dataset file again.")
    try:
        content = scipy.io.loadmat(str(path), **loadmat_kwargs)
    except NotImplementedError:  # scipy's answer to v7.3 (HDF5) files
        return _load_hdf5_mat(path)
    except MemoryError:
        raise
    except Exception as exc:  # scipy raises ValueError/TypeError/OSError for damaged files
        log.debug("loadmat %s failed: %r", path.name, exc)
        raise DatasetError(
            f"{path.name} could not be read as a MATLAB file ({type(exc).__name__}); the file is "
            f"damaged or truncated: download it again."
        ) from None
    return {key: value for key, value in content.items() if not key.startswith("__")}


def iter_mat_variables(path: Path, wanted: Callable[[str], bool], order: Callable[[str], Any] = str
                       ) -> Iterator[tuple[str, Any]]:
    """(name, value) of the variables `wanted` accepts, one at a time in `order`, so a file of many
    long trials (a SEED-VII subject is gigabytes) is never held in memory whole. scipy reads only
    the variable asked for, seeking past the others; v7.3 (HDF5) files are read dataset by dataset."""
    import scipy.io

    if not path.is_file():
        raise DatasetError(f"{path.name} was not found; download the dataset file again.")
    if path.stat().st_size == 0:
        raise DatasetError(f"{path.name} is empty (0 bytes); download the dataset file again.")
    try:
        names = [name for name, _, _ in scipy.io.whosmat(str(path))]
    except NotImplementedError:  # v7.3
        yield from _iter_hdf5_mat(path, wanted, order)
        return
    except MemoryError:
        raise
    except Exception as exc:  # damaged files raise ValueError/TypeError/OSError
        log.debug("whosmat %s failed: %r", path.name, exc)
        raise DatasetError(f"{path.name} could not be read as a MATLAB file ({type(exc).__name__}); the file is "
                           f"damaged or truncated: download it again.") from None
    for name in sorted((n for n in names if wanted(n)), key=order):
        yield name, load_mat(path, variable_names=[name])[name]


def _iter_hdf5_mat(path: Path, wanted, order) -> Iterator[tuple[str, Any]]:
    import h5py

    try:
        with h5py.File(path, "r") as fh:
            names = [k for k, item in fh.items() if not k.startswith("#") and isinstance(item, h5py.Dataset)]
            for name in sorted((n for n in names if wanted(n)), key=order):
                yield name, np.asarray(fh[name][()]).T
    except OSError as exc:
        raise DatasetError(f"{path.name} could not be read as a MATLAB v7.3 file ({exc}); download it again.") from None


def _load_hdf5_mat(path: Path) -> dict[str, Any]:
    import h5py

    out: dict[str, Any] = {}
    try:
        with h5py.File(path, "r") as fh:
            for key, item in fh.items():
                if key.startswith("#") or not isinstance(item, h5py.Dataset):
                    continue  # "#refs#" and structs are not plain numeric variables
                # HDF5 stores MATLAB's column-major arrays with the axes reversed.
                out[key] = np.asarray(item[()]).T
    except OSError as exc:
        raise DatasetError(
            f"{path.name} could not be read as a MATLAB v7.3 file ({exc}); download it again."
        ) from None
    return out


def mat_array(content: dict[str, Any], key: str, source: str, ndim: int) -> np.ndarray:
    """A float64 array variable with `ndim` dimensions, or a DatasetError naming key and shape."""
    if key not in content:
        raise DatasetError(f"{source} has no variable {key!r}; download the file again.")
    value = np.asarray(content[key])
    if value.ndim != ndim or value.dtype.kind not in "fiu":
        raise DatasetError(
            f"{source} variable {key!r} has shape {value.shape} and type {value.dtype}, not a "
            f"{ndim}-D numeric array; the file is not in the released layout."
        )
    return value.astype(np.float64, copy=False)
