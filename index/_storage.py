"""The index folder on disk: one inter-process write lock, atomic files, write errors.

Every change a writer makes to the folder (stored PDFs, chunk and token files, the
manifest copy, the BM25 cache, garbage collection) happens while it holds
``.write.lock``; another writer's garbage collection can therefore never remove a file
that a writer still waiting for the lock is about to publish. Readers never wait for
it: a reader that wants to save a cache (BM25, token vectors) only tries the lock and
keeps the cache in memory when a writer holds it or the folder cannot be written.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from index.errors import DiskFullError, IndexNotBuiltError, IndexNotWritableError
from ingest import Chunk

log = logging.getLogger(__name__)

LOCK_NAME = ".write.lock"
_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_FULL = (errno.ENOSPC, errno.EDQUOT)
LOW_SPACE_BYTES = 16 * 1024 * 1024
"""Below this much free space a failed write is reported as a full disk."""


class _FolderLock:
    """The flock of one folder, taken once per process and re-entered by its owner thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.owner = threading.RLock()
        self.depth = 0
        self.handle: IO[str] | None = None

    def enter(self, *, wait: bool) -> bool:
        if not self.owner.acquire(blocking=wait):
            return False
        if self.depth == 0:
            try:
                self.handle = self._locked(wait=wait)
            except BaseException:
                self.owner.release()
                raise
            if self.handle is None:
                self.owner.release()
                return False
        self.depth += 1
        return True

    def leave(self) -> None:
        self.depth -= 1
        if self.depth == 0 and self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
        self.owner.release()

    def _locked(self, *, wait: bool) -> IO[str] | None:
        handle = (self.folder / LOCK_NAME).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle


_LOCKS: dict[Path, _FolderLock] = {}
_LOCKS_GUARD = threading.Lock()


def _folder_lock(folder: Path) -> _FolderLock:
    key = folder.resolve()
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, _FolderLock(key))


@contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's write lock (blocking): one writer at a time, across processes.

    Re-entrant in the thread that holds it (``index rebuild`` adds every document under
    one lock); other threads of the process wait like other processes do.
    """
    with write_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        lock = _folder_lock(folder)
        lock.enter(wait=True)
    try:
        yield
    finally:
        lock.leave()


@contextmanager
def cache_lock(folder: Path) -> Iterator[bool]:
    """Try the write lock without waiting; True when the caller may write a cache file."""
    lock = _folder_lock(folder)
    try:
        held = lock.enter(wait=False)
    except OSError:
        held = False  # a read-only or full folder: caches stay in memory
    if not held:
        yield False  # or a writer is busy: it does not need this reader's cache
        return
    try:
        yield True
    finally:
        lock.leave()


def writable(folder: Path) -> bool:
    """Whether files can be created in the folder (or its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return os.access(probe, os.W_OK)


def low_on_space(folder: Path) -> bool:
    free = free_bytes(folder)
    return free is not None and free < LOW_SPACE_BYTES


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk holding the folder (or its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def ensure_room(folder: Path, chunks: Sequence[Chunk]) -> None:
    """Refuse, before anything is written, a document the disk has no room for.

    Chroma running out of space in the middle of a write can leave a log it cannot
    apply afterwards, even from a copy; so the room a document needs is checked first:
    its token vectors (float16, about 1.4 tokens a word), its vectors with Chroma's
    copies, its text several times over, and ``LOW_SPACE_BYTES`` of headroom.
    """
    words = sum(len(c.text.split()) for c in chunks)
    text = sum(len(c.text.encode()) for c in chunks)
    needed = int(words * 1.4 * 384 * 2) + len(chunks) * 384 * 4 * 4 + text * 6 + LOW_SPACE_BYTES
    free = free_bytes(folder)
    if free is not None and free < needed:
        mb = 1024 * 1024
        raise DiskFullError(
            f"the disk holding the index at {folder} is too full: {free // mb} MB free, about "
            f"{needed // mb} MB needed; free some space and ingest again. The index still "
            "serves its last published version."
        )


def not_writable(folder: Path, reason: str) -> IndexNotWritableError:
    """The write error to raise for a folder, by what is actually wrong with it."""
    if low_on_space(folder):
        return DiskFullError(
            f"the disk holding the index at {folder} is full ({reason}); free some space "
            "and ingest again. The index still serves its last published version."
        )
    return IndexNotWritableError(
        f"the index folder {folder} is not writable ({reason}); use a writable "
        "--index-dir to ingest. A read-only index can still be asked and served."
    )


@contextmanager
def write_errors(folder: Path) -> Iterator[None]:
    """Turn a failed file write in the index folder into a full-disk or read-only error."""
    try:
        yield
    except OSError as exc:
        if exc.errno in _FULL or exc.errno in _READ_ONLY:
            raise not_writable(folder, exc.strerror or str(exc)) from exc
        raise


def store_pdf(folder: Path, sha: str, pdf: Path) -> None:
    target = folder / f"{sha}.pdf"
    if target.is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{sha}.pdf.tmp"
    shutil.copyfile(pdf, tmp)
    tmp.replace(target)


def store_chunks(folder: Path, sha: str, chunks: Sequence[Chunk]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{sha}.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
    tmp.replace(folder / f"{sha}.jsonl")


def stored_chunks(folder: Path, sha: str) -> list[Chunk]:
    path = folder / "store" / f"{sha}.jsonl"
    if not path.is_file():
        raise IndexNotBuiltError(
            f"stored chunks for {sha[:12]} are missing from {folder}; ingest the PDF again."
        )
    with path.open(encoding="utf-8") as handle:
        return [Chunk.from_json(json.loads(line)) for line in handle if line.strip()]


def collect_store(folder: Path, active: Sequence[str]) -> None:
    """Delete stored files (PDF, chunks, token vectors) of versions no longer published."""
    for path in folder.glob("*.*"):
        if path.name.split(".")[0] not in active:
            path.unlink(missing_ok=True)
