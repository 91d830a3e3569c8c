"""On-disk record of proving keys whose bulk points this user already checked, by SHA-256.

Why: every ``zkvct groth16 prove`` is a fresh process, and for a small key the G2 subgroup
check of section 7 (B2) is a large share of the command's time. The check depends only on the
key's bytes, so once a key passed it, the same bytes need not be checked again.

What a record skips: only that subgroup check. Every run still parses the container, checks the
header, IC, coefficients and contributions, and checks every bulk point's coordinates and curve
equation natively (see :mod:`.keycache`).

Why it cannot be forged into skipping checks for another key: a record is a file named by the
SHA-256 of the *whole* key file (and the check version), so it vouches only for byte-identical
content; making a different key match would need a SHA-256 second preimage. The records live
under the user's cache directory (``$XDG_CACHE_HOME/zkvct/checked-zkeys``, else
``~/.cache/zkvct/checked-zkeys``) in a directory of mode 0700 and files of mode 0600, and a record
counts only if the directory and the file are owned by this user, are not symlinks and are not
writable (or readable) by anyone else, and its content repeats the digest. Whoever can write
there already runs as this user (and could change zkvct itself). Anything unexpected is treated
as "not checked": the key is checked again, never refused and never trusted.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

#: Bumped when the checks a record stands for change: older records then stop counting.
CHECK_VERSION = 1


def default_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zkvct" / "checked-zkeys"


def _private(st: os.stat_result, kind: int) -> bool:
    return stat.S_IFMT(st.st_mode) == kind and st.st_uid == os.geteuid() and not st.st_mode & 0o077


class CheckedKeys:
    """The set of key digests this user's earlier runs fully checked (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None):
        self.dir = Path(directory) if directory is not None else default_dir()

    def _name(self, digest: bytes) -> str:
        return f"v{CHECK_VERSION}-{digest.hex()}"

    def _content(self, digest: bytes) -> bytes:
        return f"zkvct checked zkey v{CHECK_VERSION} sha256 {digest.hex()}\n".encode()

    def _dir_ok(self) -> bool:
        try:
            return _private(os.lstat(self.dir), stat.S_IFDIR)
        except OSError:
            return False

    def was_checked(self, digest: bytes) -> bool:
        """True only for a well-formed private record of exactly this digest."""
        if not self._dir_ok():
            return False
        want = self._content(digest)
        try:
            fd = os.open(self.dir / self._name(digest), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return False
        try:
            if not _private(os.fstat(fd), stat.S_IFREG):
                return False
            return os.read(fd, len(want) + 1) == want
        finally:
            os.close(fd)

    def record(self, digest: bytes) -> None:
        """Remember that ``digest``'s key passed the full check (best effort: errors are ignored)."""
        try:
            self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self._dir_ok():
                return  # not ours or not private: never write records there
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".rec-")  # mode 0600
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(self._content(digest))
                os.replace(tmp, self.dir / self._name(digest))
            except OSError:
                os.unlink(tmp)
                raise
        except OSError:
            pass
