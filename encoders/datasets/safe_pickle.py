"""Loading pickles from dataset files without letting them run code.

A pickle names callables (module + attribute) that the unpickler imports and calls, so an
untrusted `.dat` or `.npz` could run anything (docs/datasets.md, DEAP). DEAP's
`data_preprocessed_python/sXX.dat` are Python-2 pickles of a dict of numpy arrays, and SEED-V's
`EEG_DE_features/<s>_123.npz` members hold pickled dicts of arrays; both only ever need numpy
array reconstruction and plain containers. `RestrictedUnpickler` admits exactly those and refuses
everything else before it is imported, with a sentence naming the refused global.

Admitted callables can still be told to allocate: `_reconstruct`, `ndarray` and `bytearray` take
a shape or a size, and an array's state names its shape before its data arrives. A genuine pickle
carries every byte of its arrays, so nothing it declares can be larger than the stream itself;
each declaration is checked against that bound before anything is allocated (a 64 GiB array
declared in a 1 kB file is refused in a sentence, not answered with MemoryError). The same holds
for the opcodes that declare a byte count and then read that many bytes (strings, bytes, big
integers, frames): a file reader allocates the whole count before finding the file short, so each
count is checked against the stream first.
"""

from __future__ import annotations

import collections
import io
import math
import pickle
import struct
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


# A stream whose size cannot be measured (not seekable) may declare up to this much.
UNMEASURED_STREAM_LIMIT = 4 * 1024**3
_SLACK = 1024**2  # small arrays in tiny pickles (headers, empty arrays) are always fine


def _human(n: int) -> str:
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


class DeclaredSizeGuard:
    """Refuses any allocation a pickle asks for that its own size cannot account for.

    Numeric arrays carry their bytes in the stream; object arrays one 8-byte pointer per element,
    each element at least one opcode: so `8 × stream bytes` bounds every honest declaration.
    """

    def __init__(self, stream_bytes: int | None, source: str) -> None:
        self.stream_bytes = stream_bytes
        self.limit = (8 * stream_bytes if stream_bytes is not None else UNMEASURED_STREAM_LIMIT) + _SLACK
        self.source = source

    def check_bytes(self, n_bytes: int) -> None:
        if n_bytes > self.limit:
            held = (f"its whole file ({_human(self.stream_bytes)})" if self.stream_bytes is not None
                    else f"an unmeasured stream ({_human(UNMEASURED_STREAM_LIMIT)} at most)")
            log.warning("%s: refused a declared allocation of %d bytes", self.source, n_bytes)
            raise UnsafePickleError(
                f"{self.source} declares an array of {_human(n_bytes)}, more than {held} could hold; "
                f"refusing to allocate it because the file is damaged or not what it claims to be: "
                f"download it again."
            )

    def check_length(self, n_bytes: int, what: str) -> None:
        """A byte count an opcode declares before its bytes: at most the whole stream."""
        bound = self.stream_bytes if self.stream_bytes is not None else UNMEASURED_STREAM_LIMIT
        if n_bytes > bound:
            held = (f"the whole file is {_human(self.stream_bytes)}" if self.stream_bytes is not None
                    else f"an unmeasured stream may hold {_human(UNMEASURED_STREAM_LIMIT)} at most")
            log.warning("%s: refused a declared %s of %d bytes", self.source, what, n_bytes)
            raise UnsafePickleError(
                f"{self.source} declares a {what} of {_human(n_bytes)} where {held}; refusing to read it "
                f"because the file is damaged or not what it claims to be: download it again."
            )

    def check_array(self, shape: Any, dtype: Any) -> None:
        dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape or ())
        try:
            count = math.prod(int(d) for d in dims)
            itemsize = np.dtype(dtype).itemsize
        except (TypeError, ValueError):
            return  # not a shape numpy would accept either: numpy refuses it without allocating
        self.check_bytes(max(count, 0) * max(itemsize, 1))

    def check_array_state(self, state: Any) -> None:
        """`ndarray.__setstate__` state: (version, shape, dtype, fortran, data) or its 4-tuple form."""
        if isinstance(state, tuple) and len(state) in (4, 5):
            shape, dtype = state[-4], state[-3]
            self.check_array(shape, dtype)


def _check_call(guard: DeclaredSizeGuard, func: Any, args: tuple, kwargs: dict) -> None:
    """Before an admitted callable runs: the sizes it would allocate. `_reconstruct(type, shape,
    dtype)` and `ndarray(shape, dtype)` (without a buffer) allocate the declared array;
    `bytes(n)` / `bytearray(n)` allocate n bytes. Everything else builds from what the stream holds."""
    if func is _numpy_core("multiarray", "_reconstruct") and len(args) == 3:
        guard.check_array(args[1], args[2])
    elif isinstance(func, type) and issubclass(func, np.ndarray):
        if args and kwargs.get("buffer", args[2] if len(args) > 2 else None) is None:
            guard.check_array(args[0], kwargs.get("dtype", args[1] if len(args) > 1 else float))
    elif func in (bytes, bytearray) and args and isinstance(args[0], (int, np.integer)):
        guard.check_bytes(int(args[0]))


# (module, name) as written in the pickle -> a function returning the object to hand back.
# Both numpy spellings are listed: Python-2 era files (DEAP) say `numpy.core.multiarray`,
# files written with numpy >= 2 say `numpy._core.multiarray`.
_ALLOWED: dict[tuple[str, str], Callable[[], Any]] = {
    **{(f"numpy.{core}.multiarray", "_reconstruct"): (lambda: _numpy_core("multiarray", "_reconstruct"))
       for core in ("core", "_core")},
    **{(f"numpy.{core}.multiarray", "scalar"): (lambda: _numpy_core("multiarray", "scalar"))
       for core in ("core", "_core")},
    # Protocol-5 pickles rebuild arrays from an in-band buffer (a view: its size is the buffer's).
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


class RestrictedUnpickler(pickle._Unpickler):
    """An unpickler that can build numpy arrays, dtypes, numpy scalars and plain containers only,
    none larger than the stream could hold.

    The pure-Python unpickler, because its opcodes can be checked before they run: REDUCE and
    NEWOBJ (a call that may allocate) and BUILD (where an array's state declares its shape, which
    the C unpickler hands straight to numpy). Our pickles hold few, large opcodes (whole arrays as
    one string), so the speed is the same.
    """

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file: IO[bytes], *, source: str, encoding: str = "latin1",
                 stream_bytes: int | None = None) -> None:
        super().__init__(file, encoding=encoding)
        self.source = source
        self.guard = DeclaredSizeGuard(stream_bytes if stream_bytes is not None else _remaining(file), source)

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

    def load_reduce(self) -> None:  # stack: ... func args
        _check_call(self.guard, self.stack[-2], tuple(self.stack[-1]), {})
        pickle._Unpickler.load_reduce(self)

    def load_newobj(self) -> None:  # stack: ... cls args  →  cls.__new__(cls, *args)
        _check_call(self.guard, self.stack[-2], tuple(self.stack[-1]), {})
        pickle._Unpickler.load_newobj(self)

    def load_newobj_ex(self) -> None:  # stack: ... cls args kwargs
        _check_call(self.guard, self.stack[-3], tuple(self.stack[-2]), dict(self.stack[-1]))
        pickle._Unpickler.load_newobj_ex(self)

    def load_build(self) -> None:  # stack: ... instance state
        if isinstance(self.stack[-2], np.ndarray):
            self.guard.check_array_state(self.stack[-1])
        pickle._Unpickler.load_build(self)

    # Opcodes that declare a byte count and then read that many bytes, as `pickle._Unpickler` reads
    # them but with the count checked first (the short-count opcodes, at most 255 bytes, need none).
    def _declared_count(self, fmt: str, what: str) -> int:
        (count,) = struct.unpack(fmt, self.read(struct.calcsize(fmt)))
        if count < 0:
            raise pickle.UnpicklingError(f"negative byte count for a {what}")
        self.guard.check_length(count, what)
        return count

    def load_binstring(self) -> None:  # Python 2 str: bytes decoded with the unpickler's encoding
        self.append(self._decode_string(self.read(self._declared_count("<i", "string"))))

    def load_binunicode(self) -> None:
        self.append(str(self.read(self._declared_count("<I", "string")), "utf-8", "surrogatepass"))

    def load_binunicode8(self) -> None:
        self.append(str(self.read(self._declared_count("<Q", "string")), "utf-8", "surrogatepass"))

    def load_binbytes(self) -> None:
        self.append(self.read(self._declared_count("<I", "bytes object")))

    def load_binbytes8(self) -> None:
        self.append(self.read(self._declared_count("<Q", "bytes object")))

    def load_bytearray8(self) -> None:
        buffer = bytearray(self._declared_count("<Q", "bytearray"))
        self.readinto(buffer)
        self.append(buffer)

    def load_long4(self) -> None:
        self.append(pickle.decode_long(self.read(self._declared_count("<i", "big integer"))))

    def load_frame(self) -> None:
        self._unframer.load_frame(self._declared_count("<Q", "frame"))

    dispatch[pickle.REDUCE[0]] = load_reduce
    dispatch[pickle.NEWOBJ[0]] = load_newobj
    dispatch[pickle.NEWOBJ_EX[0]] = load_newobj_ex
    dispatch[pickle.BUILD[0]] = load_build
    dispatch[pickle.BINSTRING[0]] = load_binstring
    dispatch[pickle.BINUNICODE[0]] = load_binunicode
    dispatch[pickle.BINUNICODE8[0]] = load_binunicode8
    dispatch[pickle.BINBYTES[0]] = load_binbytes
    dispatch[pickle.BINBYTES8[0]] = load_binbytes8
    dispatch[pickle.BYTEARRAY8[0]] = load_bytearray8
    dispatch[pickle.LONG4[0]] = load_long4
    dispatch[pickle.FRAME[0]] = load_frame


def _remaining(fh: IO[bytes]) -> int | None:
    """Bytes left in a seekable stream (what a pickle read from here can carry), else None."""
    try:
        here = fh.tell()
        end = fh.seek(0, io.SEEK_END)
        fh.seek(here)
        return max(end - here, 0)
    except (AttributeError, OSError, ValueError):
        return None


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
