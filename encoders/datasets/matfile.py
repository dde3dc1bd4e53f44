"""Reading MATLAB `.mat` files of the SEED family and DREAMER, with one clear error when they break.

The released files are MATLAB v5 (read by `scipy.io.loadmat`, which keeps the file's variable
order). Should a file have been re-saved as v7.3 (HDF5), its plain numeric variables are read with
h5py instead, transposed back to MATLAB's row/column order.
"""

from __future__ import annotations

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
