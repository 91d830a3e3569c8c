"""The sectioned binary container shared by circom/snarkjs files (.r1cs, .wtns, .zkey, .ptau).

Layout (little-endian): 4-byte magic, u32 version, u32 section count, then each section as
u32 id, u64 byte size, payload. Readers index sections by id; snarkjs writes each id once, but the
format allows repeats, so :class:`BinFile` keeps a list per id and :meth:`BinFile.section`
insists on exactly one.

Files are memory-mapped, so a multi-gigabyte ``.ptau`` or ``.zkey`` is not read into memory: a
section comes back as a zero-copy ``memoryview`` that numpy and the native core read directly.

Every format's header starts (at least once) with the same field prelude, u32 n8 then the prime
as n8 little-endian bytes; :func:`encode_field` and :func:`read_field` are its one writer and
reader, and :func:`read_field_header` reads the common "prelude + fixed tail" header section.

Nothing a header declares is trusted for an allocation: the container checks every section size
against the file, and each format checks its declared counts against its section sizes (with
:func:`require_fits` where the relation is an upper bound) before it allocates anything.
"""
from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable

from ..errors import FormatError  # noqa: F401 (defined once in zkvct.errors; re-exported for readers)

_HEADER = struct.Struct("<4sII")
_SECTION_HEADER = struct.Struct("<IQ")
_U32 = struct.Struct("<I")
#: Bytes of one BN254 field element (both q and r fit 32 bytes); the only n8 the toolkit reads.
FIELD_BYTES = 32
#: Bytes of a G1 / G2 point as snarkjs files store them (LEM: x, y; G2 coordinates in Fq2).
G1_SIZE = 2 * FIELD_BYTES
G2_SIZE = 4 * FIELD_BYTES


@dataclass
class BinFile:
    """A parsed container: its magic, version and the byte ranges of its sections."""

    path: str
    magic: bytes
    version: int
    data: memoryview
    sections: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _mmap: mmap.mmap | None = field(default=None, repr=False)

    def has(self, section_id: int) -> bool:
        return section_id in self.sections

    def section(self, section_id: int, what: str = "") -> memoryview:
        """The payload of section ``section_id``; raise if it is missing or repeated."""
        found = self.sections.get(section_id, [])
        label = f"section {section_id}" + (f" ({what})" if what else "")
        if not found:
            raise FormatError(f"{self.path}: {label} is missing")
        if len(found) > 1:
            raise FormatError(f"{self.path}: {label} appears {len(found)} times; expected once")
        start, size = found[0]
        return self.data[start:start + size]

    def section_size(self, section_id: int) -> int:
        found = self.sections.get(section_id, [])
        return found[0][1] if len(found) == 1 else -1

    def close(self) -> None:
        """Unmap the file. Views a caller (or a traceback) still holds keep the mapping alive:
        then one garbage collection frees views kept only by reference cycles, and if some are
        still live the mapping is left to close when they are freed, rather than raising a
        BufferError that would mask the caller's own result or error."""
        try:
            self._unmap()
        except BufferError:
            import gc

            gc.collect()
            try:
                self._unmap()
            except BufferError:
                pass

    def _unmap(self) -> None:
        self.data.release()
        if self._mmap is not None:
            self._mmap.close()
            self._mmap = None

    def __enter__(self) -> "BinFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_bytes(data: bytes | memoryview, *, magic: bytes, versions: Iterable[int], path: str = "<bytes>") -> BinFile:
    """Parse a container held in memory (see :func:`read_binfile` for files)."""
    return _parse(memoryview(data), magic=magic, versions=tuple(versions), path=path, mm=None)


def read_binfile(path: str | os.PathLike[str], *, magic: bytes, versions: Iterable[int]) -> BinFile:
    """Memory-map ``path`` and parse its container header and section table.

    ``magic`` is the expected 4-byte type tag (``b"zkey"``...), ``versions`` the accepted versions.
    """
    p = Path(path)
    size = p.stat().st_size
    if size < _HEADER.size:
        raise FormatError(f"{p}: file is {size} bytes, too short for a {magic.decode()} header (12 bytes)")
    with open(p, "rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    return _parse(memoryview(mm), magic=magic, versions=tuple(versions), path=str(p), mm=mm)


def _parse(view: memoryview, *, magic: bytes, versions: tuple[int, ...], path: str, mm: mmap.mmap | None) -> BinFile:
    total = len(view)
    if total < _HEADER.size:
        raise FormatError(f"{path}: {total} bytes is too short for a {magic.decode()} header (12 bytes)")
    got_magic, version, n_sections = _HEADER.unpack_from(view, 0)
    if got_magic != magic:
        raise FormatError(f"{path}: not a .{magic.decode()} file (magic {got_magic!r}, expected {magic!r})")
    if version not in versions:
        raise FormatError(f"{path}: unsupported .{magic.decode()} version {version}; supported: {', '.join(map(str, versions))}")
    if n_sections * _SECTION_HEADER.size > total - _HEADER.size:
        raise FormatError(
            f"{path}: truncated: the header declares {n_sections} sections, but {total - _HEADER.size} bytes "
            f"after it hold at most {(total - _HEADER.size) // _SECTION_HEADER.size} section headers"
        )
    sections: dict[int, list[tuple[int, int]]] = {}
    pos = _HEADER.size
    for k in range(n_sections):
        if pos + _SECTION_HEADER.size > total:
            raise FormatError(f"{path}: truncated: header of section #{k + 1} of {n_sections} is cut off at byte {pos}")
        section_id, size = _SECTION_HEADER.unpack_from(view, pos)
        pos += _SECTION_HEADER.size
        if pos + size > total:
            raise FormatError(
                f"{path}: truncated: section {section_id} declares {size} bytes but only {total - pos} remain"
            )
        sections.setdefault(section_id, []).append((pos, size))
        pos += size
    if pos != total:
        raise FormatError(f"{path}: {total - pos} unexpected trailing bytes after the last section")
    return BinFile(path=path, magic=magic, version=version, data=view, sections=sections, _mmap=mm)


def require_fits(path: str, what: str, declared: int, allowed: int, why: str, error: type[FormatError] = FormatError) -> None:
    """Refuse a header-declared count before anything is sized by it.

    ``allowed`` is the most the file can back (from a section's byte size), ``why`` says how that
    bound follows from the file, so the message names the field, its value and the limit.
    """
    if declared < 0 or declared > allowed:
        raise error(f"{path}: {what} = {declared} is more than the file allows ({allowed}: {why})")


def encode_field(prime: int) -> bytes:
    """The field prelude: u32 n8 (= 32), then ``prime`` as n8 little-endian bytes."""
    return _U32.pack(FIELD_BYTES) + prime.to_bytes(FIELD_BYTES, "little")


def read_field(
    payload: bytes | memoryview, offset: int, *, path: str, field: str, n8_name: str, symbol: str, prime: int,
    expected: str, error: type[FormatError] = FormatError,
) -> int:
    """Check the field prelude at ``offset`` (n8 = 32, then ``prime``); return the offset after it.

    Messages name the prelude as the format does: ``field`` ("base field"), ``n8_name`` ("n8q"),
    ``symbol`` ("q"); ``expected`` says what the prime should be ("BN254's").
    """
    if len(payload) < offset + 4:
        raise error(f"{path}: header is {len(payload)} bytes, too short for {n8_name} at byte {offset}")
    (n8,) = _U32.unpack_from(payload, offset)
    if n8 != FIELD_BYTES:
        raise error(f"{path}: {field} element size {n8_name} = {n8}; only {FIELD_BYTES} (BN254) is supported")
    end = offset + 4 + n8
    if len(payload) < end:
        raise error(f"{path}: header is {len(payload)} bytes, too short for the {field} prime {symbol} ({end} needed)")
    value = int.from_bytes(payload[offset + 4:end], "little")
    if value != prime:
        raise error(f"{path}: {field} prime {symbol} = {value} is not {expected}")
    return end


def read_field_header(
    bf: BinFile, *, label: str, field: str, symbol: str, prime: int, expected: str, tail: struct.Struct,
    error: type[FormatError] = FormatError,
) -> tuple[int, ...]:
    """Section 1 of .r1cs/.wtns/.ptau: the field prelude, then the fixed-size ``tail`` (unpacked)."""
    header = bf.section(1, "header")
    end = read_field(header, 0, path=bf.path, field=field, n8_name="n8", symbol=symbol, prime=prime, expected=expected, error=error)
    if len(header) != end + tail.size:
        raise error(f"{bf.path}: {label} header is {len(header)} bytes, expected {end + tail.size}")
    return tail.unpack_from(header, end)


class BinWriter:
    """Write a container section by section; sizes are patched in when a section ends.

    Writes go to ``<path>.tmp`` and are renamed into place by :meth:`close`, so a crash never
    leaves a half-written file under the final name.
    """

    def __init__(self, path: str | os.PathLike[str], *, magic: bytes, version: int, n_sections: int):
        self.path = Path(path)
        self._tmp = self.path.with_name(self.path.name + ".tmp")
        self._fh: BinaryIO = open(self._tmp, "wb")
        self._fh.write(_HEADER.pack(magic, version, n_sections))
        self._section_start: int | None = None

    def begin(self, section_id: int) -> None:
        if self._section_start is not None:
            raise RuntimeError("previous section not ended")
        self._fh.write(_SECTION_HEADER.pack(section_id, 0))
        self._section_start = self._fh.tell()

    def write(self, payload: bytes | bytearray | memoryview) -> None:
        self._fh.write(payload)

    def end(self) -> None:
        if self._section_start is None:
            raise RuntimeError("no section open")
        end = self._fh.tell()
        self._fh.seek(self._section_start - 8)
        self._fh.write(struct.pack("<Q", end - self._section_start))
        self._fh.seek(end)
        self._section_start = None

    def section(self, section_id: int, payload: bytes | bytearray | memoryview) -> None:
        self.begin(section_id)
        self.write(payload)
        self.end()

    def close(self) -> None:
        if self._section_start is not None:
            raise RuntimeError("a section is still open")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "BinWriter":
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
