"""Opening PDFs safely: the file checks, decryption and limits before any page is read.

A file that is not a PDF, too large, encrypted without the password (or with a cipher
the installed crypto cannot read), damaged or empty is refused with its own error and a
message that says what to do; decompression is capped (``stream_limits``) for every
read, here and in ``_pdf``.
"""

from __future__ import annotations

import warnings
from contextlib import AbstractContextManager
from pathlib import Path

import pypdf
from pypdf.errors import (
    DependencyError,
    FileNotDecryptedError,
    PdfReadError,
    PdfStreamError,
    PyPdfError,
)

from ingest.errors import (
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    NotAPdfError,
    PdfTooLargeError,
)

_STREAM_LIMIT = 16_000_000
"""Bytes one stream may decompress to. pypdf's own limit is 75 MB, and it keeps decoded
streams cached while the reader lives, so a few "zip bomb" pages could hold gigabytes;
the largest content stream of the real reports tried is about 1.2 MB."""


def stream_limits() -> AbstractContextManager[pypdf.Configuration]:
    """pypdf's decompression limits lowered to ``_STREAM_LIMIT`` (for this context only)."""
    return pypdf.apply_configuration(
        zlib_maximum_output_length=_STREAM_LIMIT,
        lzw_maximum_output_length=_STREAM_LIMIT,
        run_length_maximum_output_length=_STREAM_LIMIT,
        brotli_maximum_output_length=_STREAM_LIMIT,
        array_based_stream_maximum_output_length=_STREAM_LIMIT,
    )


def open_pdf(path: Path, *, password: str | None, max_mb: int, max_pages: int) -> pypdf.PdfReader:
    """A reader for a readable, decrypted PDF within the size limits, or a specific error."""
    if not path.is_file():
        raise NotAPdfError(f"{path.name}: no such file; give the path of a PDF.")
    size_mb = path.stat().st_size / 1_048_576
    if size_mb > max_mb:
        raise PdfTooLargeError(
            f"{path.name}: {size_mb:.0f} MB is over the {max_mb} MB limit; "
            "raise SMP_GUIDE_INGEST__MAX_FILE_MB if this is intended."
        )
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path.name}: not a PDF file (no %PDF header); give a PDF document.")
    reader = _reader(path)
    if reader.is_encrypted:
        _decrypt(reader, path, password)
        _check_cipher(reader, path)
    n_pages = _page_count(reader, path)
    if n_pages == 0:
        raise EmptyPdfError(f"{path.name}: the PDF has no pages.")
    if n_pages > max_pages:
        raise PdfTooLargeError(
            f"{path.name}: {n_pages} pages is over the {max_pages}-page limit; "
            "raise SMP_GUIDE_INGEST__MAX_PAGES if this is intended."
        )
    return reader


PARSE_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,  # includes LimitReachedError (page tree too deep or large), not a PdfReadError
    PdfReadError,
    PdfStreamError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    RecursionError,
    IndexError,
)
"""What pypdf raises on a damaged file: turned into CorruptPdfError at the edges of this module."""


def _reader(path: Path) -> pypdf.PdfReader:
    try:
        with warnings.catch_warnings(), stream_limits():
            warnings.simplefilter("ignore")
            return pypdf.PdfReader(path, strict=False)
    except DependencyError as exc:  # an AES-256 file tries the empty password at once
        raise _no_crypto(path) from exc
    except (*PARSE_ERRORS, OSError, AssertionError) as exc:  # type: ignore[misc]
        raise CorruptPdfError(
            f"{path.name}: the PDF is damaged or truncated and cannot be read ({exc}); "
            "re-download or re-export it."
        ) from exc


def _decrypt(reader: pypdf.PdfReader, path: Path, password: str | None) -> None:
    try:
        result = reader.decrypt(password or "")
    except DependencyError as exc:
        raise _no_crypto(path) from exc
    except (FileNotDecryptedError, PyPdfError, NotImplementedError) as exc:
        raise EncryptedPdfError(
            f"{path.name}: the PDF is encrypted in a way that cannot be opened ({exc}); "
            "remove the protection (e.g. qpdf --decrypt) and ingest the result."
        ) from exc
    if result != pypdf.PasswordType.NOT_DECRYPTED:
        return
    if password:
        raise EncryptedPdfError(
            f"{path.name}: the PDF is encrypted and the password given is wrong; "
            "pass the right one with --password."
        )
    raise EncryptedPdfError(
        f"{path.name}: the PDF is encrypted; pass its password with --password "
        "(or SMP_GUIDE_INGEST__PASSWORD)."
    )


_PROBE_PAGES = 5


def _check_cipher(reader: pypdf.PdfReader, path: Path) -> None:
    """Decrypt one content stream now: without ``cryptography`` an AES-128 file opens with
    the right password (the key check needs only RC4 and MD5) and then every page fails."""
    for index in range(min(_PROBE_PAGES, _page_count(reader, path))):
        try:
            with warnings.catch_warnings(), stream_limits():
                warnings.simplefilter("ignore")
                contents = reader.pages[index].get_contents()
        except DependencyError as exc:
            raise _no_crypto(path) from exc
        except PARSE_ERRORS:
            continue  # a damaged page is the page reader's business, not the cipher's
        if contents is not None:
            return


def _no_crypto(path: Path) -> EncryptedPdfError:
    return EncryptedPdfError(
        f"{path.name}: the PDF is AES-encrypted and reading it needs the cryptography "
        "package, which is not installed; run pip install 'pypdf[crypto]' and try again."
    )


def _page_count(reader: pypdf.PdfReader, path: Path) -> int:
    try:
        return len(reader.pages)
    except PARSE_ERRORS as exc:
        raise CorruptPdfError(
            f"{path.name}: the PDF's page tree is damaged ({exc}); re-download or re-export it."
        ) from exc
