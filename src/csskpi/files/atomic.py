"""Writing a file whole or not at all, never through a link someone planted.

Every file csskpi writes (a report, a data folder, measurements, an errors list) goes through
:func:`atomic_open` or :func:`write_atomic`: the bytes go to a temporary file with a unique random name in the
target's folder, created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW``, so an existing file or a symlink at that
name is never opened), flushed to disk, then renamed over the target in one step. A reader sees the old file or
the new one, never half of one; a crash leaves at most a stray ``.NAME.*.tmp``; and a symlink planted at a fixed
temporary name cannot redirect the write to a file of the user's.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "write_atomic"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _exclusive(target: Path) -> tuple[int, Path]:
    for _ in range(64):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(temp, _FLAGS, 0o666), temp
        except FileExistsError:  # a name taken (or a link planted there): draw another
            continue
    raise FileExistsError(f"cannot create a temporary file beside {target}")


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """A file to write ``path`` through: ``"wb"`` bytes or ``"w"`` UTF-8 text. The target is replaced only when
    the block ends without an error; on an error the temporary file is removed and the target left as it was."""
    if mode not in ("wb", "w"):
        raise ValueError(f"'mode' must be 'wb' or 'w', not {mode!r}")
    target, text = Path(path), mode == "w"
    fd, temp = _exclusive(target)
    try:
        with os.fdopen(fd, "wb") as raw:
            if text:
                wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                yield wrapper
                wrapper.flush()
                wrapper.detach()
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        with contextlib.suppress(OSError):  # keep the mode of the file replaced (a link is replaced, not followed)
            before = os.lstat(target)
            if stat.S_ISREG(before.st_mode):
                os.chmod(temp, stat.S_IMODE(before.st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(target.parent)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all; return the path."""
    with atomic_open(path, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
