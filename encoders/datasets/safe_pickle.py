"""Loading pickles from dataset files without letting them run code.

A pickle names callables (module + attribute) that the unpickler imports and calls, so an
untrusted `.dat` or `.npz` could run anything (docs/datasets.md, DEAP). DEAP's
`data_preprocessed_python/sXX.dat` are Python-2 pickles of a dict of numpy arrays, and SEED-V's
`EEG_DE_features/<s>_123.npz` members hold pickled dicts of arrays; both only ever need numpy
array reconstruction and plain containers. `RestrictedUnpickler` admits exactly those and refuses
everything else before it is imported, with a sentence naming the refused global.
"""

from __future__ import annotations

import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import IO, Any, Callable

import numpy as np

from ..errors import DatasetError, UnsafePickleError
from ..log import get_logger

log = get_logger(__name__)


def _numpy_core(submodule: str, name: str) -> Callable[..., Any]:
    """numpy's private reconstruction helpers: `numpy._core` in numpy 2, `numpy.core` in 1.x.

    Resolved here rather than by importing the name from the pickle, so that numpy 2 never
    imports the deprecated `numpy.core` shim and nothing the pickle names is imported at all.
    """
    try:
        module = __import__(f"numpy._core.{submodule}", fromlist=[name])
    except ImportError:  # numpy < 2
        module = __import__(f"numpy.core.{submodule}", fromlist=[name])
    return getattr(module, name)


def _codecs_encode() -> Callable[..., Any]:
    import _codecs

    return _codecs.encode


# (module, name) as written in the pickle -> a function returning the object to hand back.
# Both numpy spellings are listed: Python-2 era files (DEAP) say `numpy.core.multiarray`,
# files written with numpy >= 2 say `numpy._core.multiarray`.
_ALLOWED: dict[tuple[str, str], Callable[[], Any]] = {
    **{(f"numpy.{core}.multiarray", "_reconstruct"): (lambda: _numpy_core("multiarray", "_reconstruct"))
       for core in ("core", "_core")},
    **{(f"numpy.{core}.multiarray", "scalar"): (lambda: _numpy_core("multiarray", "scalar"))
       for core in ("core", "_core")},
    # Protocol-5 pickles rebuild arrays from an in-band buffer.
    **{(f"numpy.{core}.numeric", "_frombuffer"): (lambda: _numpy_core("numeric", "_frombuffer"))
       for core in ("core", "_core")},
    ("numpy", "ndarray"): lambda: np.ndarray,
    ("numpy", "dtype"): lambda: np.dtype,
    # Python 3 writes `bytes` at protocol 2 as _codecs.encode(str, "latin1"); it only converts text.
    ("_codecs", "encode"): _codecs_encode,
    ("collections", "OrderedDict"): lambda: collections.OrderedDict,
    **{("builtins", name): (lambda name=name: getattr(__import__("builtins"), name))
       for name in ("dict", "list", "tuple", "set", "frozenset", "bytearray", "bytes", "complex")},
}

# Python 2 module names that Python 3's unpickler maps for protocol < 3 pickles.
_PY2_MODULES = {"__builtin__": "builtins", "copy_reg": "copyreg"}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that can build numpy arrays, dtypes, numpy scalars and plain containers only."""

    def __init__(self, file: IO[bytes], *, source: str, encoding: str = "latin1") -> None:
        super().__init__(file, encoding=encoding)
        self.source = source

    def find_class(self, module: str, name: str) -> Any:
        key = (_PY2_MODULES.get(module, module), name)
        factory = _ALLOWED.get(key)
        if factory is None:
            shown = f"{key[0]}.{name}"  # Python-3 spelling: __builtin__.eval reads as builtins.eval
            log.warning("%s: refused pickled global %s", self.source, shown)
            raise UnsafePickleError(
                f"{self.source} contains a pickled object of type {shown}, which is not an "
                f"array or a plain container; refusing to load it because pickles can run code."
            )
        return factory()

    def persistent_load(self, pid: Any) -> Any:
        raise UnsafePickleError(
            f"{self.source} contains a pickled external reference, which is not an array or a plain "
            f"container; refusing to load it because pickles can run code."
        )


def safe_load(fileobj_or_path: str | Path | bytes | IO[bytes], encoding: str = "latin1",
              source: str | None = None) -> Any:
    """Unpickle a file, path or bytes through `RestrictedUnpickler`.

    `encoding="latin1"` reads Python-2 `str` payloads (DEAP's array bytes) the way numpy expects.
    Raises UnsafePickleError for any non-array, non-container object and DatasetError for a
    damaged pickle.
    """
    if isinstance(fileobj_or_path, (str, Path)):
        path = Path(fileobj_or_path)
        if not path.is_file():
            raise DatasetError(f"{path.name} was not found; check the dataset folder.")
        with open(path, "rb") as fh:
            return safe_load(fh, encoding=encoding, source=source or path.name)
    if isinstance(fileobj_or_path, (bytes, bytearray, memoryview)):
        fh: IO[bytes] = io.BytesIO(bytes(fileobj_or_path))
    else:
        fh = fileobj_or_path
    name = source or Path(str(getattr(fh, "name", "pickle"))).name
    try:
        return RestrictedUnpickler(fh, source=name, encoding=encoding).load()
    except DatasetError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pickle raises many types for broken streams; all mean "damaged file"
        log.debug("unpickling %s failed: %r", name, exc)
        raise DatasetError(
            f"{name} is not a readable pickle ({type(exc).__name__}: {str(exc)[:80]}); the file is "
            f"damaged or truncated: download it again."
        ) from None


def _npy_member_bytes(archive: Path, key: str) -> bytes:
    try:
        with zipfile.ZipFile(archive) as zf:
            member = f"{key}.npy"
            if member not in zf.namelist():
                raise DatasetError(
                    f"{archive.name} has no entry {key!r} (found: {', '.join(zf.namelist())}); "
                    f"download the file again."
                )
            return zf.read(member)
    except zipfile.BadZipFile:
        raise DatasetError(f"{archive.name} is not a valid .npz archive; download the file again.") from None


def _read_npy_object_member(raw: bytes, source: str) -> Any:
    """An object-dtype .npy is a header followed by a pickle of the array: skip the header with
    numpy's own parser, then unpickle the rest through the restricted unpickler."""
    from numpy.lib import format as npformat

    fh = io.BytesIO(raw)
    try:
        version = npformat.read_magic(fh)
        if version == (1, 0):
            npformat.read_array_header_1_0(fh)
        else:  # 2.0 and 3.0 share the 4-byte header length; 3.0 only changes the header's text encoding
            npformat.read_array_header_2_0(fh)
    except ValueError as exc:
        raise DatasetError(f"{source} is not a valid .npy entry ({exc}); download the file again.") from None
    return safe_load(fh, source=source)


def _unwrap(value: Any, source: str) -> Any:
    """What the pickled member stands for: the pickled object inside a bytes array, or the single
    element of a 0-d object array."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "S" and value.ndim == 0:  # np.savez(data=pickle.dumps(obj))
            return safe_load(bytes(value.item()), source=source)
        if value.dtype == np.uint8 and value.ndim == 1:  # raw pickle bytes stored as uint8
            return safe_load(value.tobytes(), source=source)
        if value.dtype.hasobject and value.ndim == 0:
            return value.item()
    return value


def load_npz_pickled(path: str | Path, key: str) -> Any:
    """Entry `key` of an `.npz` whose members hold pickled objects (SEED-V's `<s>_123.npz`).

    Handles both layouts: a bytes array whose bytes are a pickle (what `pickle.loads(npz[key])`
    reads in public SEED-V loaders) and an object-dtype array (which `np.load(allow_pickle=False)`
    refuses). Neither path ever unpickles with the standard, unrestricted unpickler.
    """
    path = Path(path)
    source = f"{path.name}[{key}]"
    try:
        with np.load(path, allow_pickle=False) as npz:
            if key not in npz.files:
                raise DatasetError(
                    f"{path.name} has no entry {key!r} (found: {', '.join(npz.files)}); download the "
                    f"file again."
                )
            value = npz[key]
    except ValueError as exc:
        if "allow_pickle" not in str(exc):
            raise DatasetError(f"{path.name} could not be read as .npz ({exc}); download it again.") from None
        value = _read_npy_object_member(_npy_member_bytes(path, key), source)
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise DatasetError(f"{path.name} could not be read as .npz ({type(exc).__name__}); download "
                           f"the file again.") from None
    return _unwrap(value, source)
