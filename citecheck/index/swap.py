"""Publishing a new index directory: staging siblings, the writer lock and the atomic swap."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from citecheck.errors import IndexError_, IndexWriteError

_RENAME_EXCHANGE = 2  # linux/fs.h


def sibling(directory: Path, tag: str) -> Path:
    """A hidden directory beside ``directory`` owned by this process (pid in the name)."""
    return directory.parent / f".{directory.name}.{tag}-{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_dead(path: Path) -> bool:
    pid = path.name.rsplit("-", 1)[-1]
    return pid.isdigit() and pid != str(os.getpid()) and not _pid_alive(int(pid))


def recover_interrupted_swap(directory: Path) -> None:
    """If a writer died between the two renames of a swap, put the previous index back.

    Only a dead writer's leftovers are touched: a live one is mid-swap and will
    finish it (its new directory appears within microseconds).
    """
    if directory.exists() or not directory.parent.is_dir():
        return
    previous = [p for p in directory.parent.glob(f".{directory.name}.previous-*")
                if _owner_dead(p)]
    if previous:
        try:
            sorted(previous)[-1].rename(directory)
        except OSError:
            return  # another reader restored it first


def remove_stale_staging(directory: Path) -> None:
    """Delete staging directories left by writers that crashed."""
    for tag in ("building", "updating", "previous"):
        for stale in directory.parent.glob(f".{directory.name}.{tag}-*"):
            if _owner_dead(stale) and (tag != "previous" or directory.exists()):
                shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def writer_lock(directory: Path) -> Iterator[None]:
    """One writer at a time, so two updates never publish over each other.

    The lock is on the parent directory itself: a lock file would be left
    behind, and deleting one that another writer waits on breaks the lock.
    """
    import fcntl

    with write_errors(directory):
        handle = os.open(directory.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_into_place(staging: Path, directory: Path) -> None:
    """Replace ``directory`` by ``staging`` so that readers never see a partial index.

    On Linux the two directories are exchanged in one atomic step; elsewhere two
    renames, with ``recover_interrupted_swap`` undoing a crash between them.
    Readers holding the old index keep their open files: they are unlinked, not
    overwritten.
    """
    if directory.exists() and _exchange(staging, directory):
        shutil.rmtree(staging, ignore_errors=True)
        return
    previous = sibling(directory, "previous")
    if directory.exists():
        directory.rename(previous)
    staging.rename(directory)
    shutil.rmtree(previous, ignore_errors=True)


def describe_os_error(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "no space left on the device"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "permission denied"
        return exc.strerror or str(exc)
    text = str(exc)
    if "full" in text:
        return "no space left on the device"
    if "readonly" in text or "read-only" in text:
        return "permission denied"
    return text


@contextmanager
def write_errors(directory: Path) -> Iterator[None]:
    """Turn OS and SQLite write failures into one-line ``IndexWriteError``s."""
    try:
        yield
    except IndexError_:
        raise
    except (OSError, sqlite3.Error, RuntimeError) as exc:
        # FAISS reports failed writes as RuntimeError with a C++ backtrace: keep one line.
        reason = describe_os_error(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise IndexWriteError(
            f"cannot write index at {directory}: {reason}; the previous index is unchanged"
        ) from None
