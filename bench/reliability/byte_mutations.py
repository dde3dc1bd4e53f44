"""Format-blind mutations of a file's bytes: what disks, transfers and careless tools do to files.

Each takes the bytes and a seeded generator and returns (new bytes, what was done); the "what"
names offsets and sizes so a case can be read without re-running it.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Mutation = Callable[[bytes, np.random.Generator, int], tuple[bytes, dict]]


def _offset(rng: np.random.Generator, size: int, header: int) -> int:
    """Half the time inside the header (where readers take their decisions), else anywhere."""
    if size <= 1:
        return 0
    if rng.random() < 0.5:
        return int(rng.integers(0, max(1, min(header, size))))
    return int(rng.integers(0, size))


def bitflip(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    buf = bytearray(data)
    n = int(rng.choice([1, 2, 4, 8, 32, 128]))
    flips = []
    for _ in range(n if buf else 0):
        at, bit = _offset(rng, len(buf), header), int(rng.integers(0, 8))
        buf[at] ^= 1 << bit
        flips.append([at, bit])
    return bytes(buf), {"bits": n, "first": flips[:8]}


def byte_run(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    buf = bytearray(data)
    at = _offset(rng, len(buf), header)
    length = int(min(len(buf) - at, rng.geometric(1 / 64)))
    value = int(rng.choice([0x00, 0xFF, 0x20, 0x30, 0x39, 0x2D, 0x2E, int(rng.integers(0, 256))]))
    buf[at:at + length] = bytes([value]) * length
    return bytes(buf), {"offset": at, "length": length, "value": value}


def truncate(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    at = _offset(rng, len(data), header)
    return data[:at], {"offset": at, "of": len(data)}


def append_garbage(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    size = int(rng.choice([1, 7, 256, 4096, 65536]))
    style = str(rng.choice(["random", "zeros", "own-header", "own-tail"]))
    if style == "random":
        extra = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    elif style == "zeros":
        extra = bytes(size)
    elif style == "own-header":
        extra = data[:size]
    else:
        extra = data[-size:]
    return data + extra, {"bytes": len(extra), "style": style}


def insert_bytes(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    """Bytes inserted in the middle: every later structure shifts."""
    at = _offset(rng, len(data), header)
    size = int(rng.choice([1, 2, 3, 16, 511]))
    return data[:at] + rng.integers(0, 256, size, dtype=np.uint8).tobytes() + data[at:], {"offset": at, "bytes": size}


def zero_chunk(data: bytes, rng: np.random.Generator, header: int) -> tuple[bytes, dict]:
    buf = bytearray(data)
    at = _offset(rng, len(buf), header)
    length = int(min(len(buf) - at, rng.choice([16, 256, 4096, 65536, len(buf)])))
    buf[at:at + length] = bytes(length)
    return bytes(buf), {"offset": at, "length": length}


BYTE_MUTATIONS: dict[str, Mutation] = {
    "bitflip": bitflip,
    "byte_run": byte_run,
    "truncate": truncate,
    "append": append_garbage,
    "insert": insert_bytes,
    "zero_chunk": zero_chunk,
}


def header_length(data: bytes) -> int:
    """Where a file's header plausibly ends: EDF/BDF say so in bytes 184–192; else the first KiB."""
    if data[:1] in (b"0", b"\xff") and len(data) >= 256:
        try:
            return max(256, int(data[184:192].decode("ascii").strip()))
        except (UnicodeDecodeError, ValueError):
            pass
    return 1024
