"""The sectioned binary container shared by circom/snarkjs files (.r1cs, .wtns, .zkey, .ptau).

Layout (little-endian): 4-byte magic, u32 version, u32 section count, then each section as
u32 id, u64 byte size, payload. Readers index sections by id; snarkjs writes each id once, but the
format allows repeats, so :class:`BinFile` keeps a list per id and :meth:`BinFile.section`
insists on exactly one.

Files are memory-mapped, so a multi-gigabyte ``.ptau`` or ``.zkey`` is not read into memory: a
section comes back as a zero-copy ``memoryview`` that numpy and the native core read directly.
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
