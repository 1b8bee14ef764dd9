"""Shared fixtures: no network, telemetry off, the generated sample PDFs, the real-PDF folder.

The run also guards two folders: it fails if it changed the checkout or the user's own data
folder (every test's data lives in a temporary folder).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, TEST_ENV, free_port

ROOT = Path(__file__).resolve().parents[1]
REAL_PDFS_ENV = "SMP_GUIDE_REAL_PDFS"
DATA_DIR_ENV = "SMP_GUIDE_DATA_DIR"
CACHE_DIR_ENV = "SMP_GUIDE_CACHE_DIR"


def pytest_configure(config: pytest.Config) -> None:
    # Before any test module imports Chroma, Gradio, transformers or ragas.
    for name, value in TEST_ENV.items():
        os.environ.setdefault(name, value)
    config.stash[_TREE] = _working_tree()
    config.stash[_USER_DATA] = {kind: _listing(f) for kind, f in _user_folders().items()}
    # Settings() and CLI children given no data folder of their own default to the user's
    # (platformdirs' user data folder): point them at a throwaway one, even over the shell's.
    data = Path(tempfile.mkdtemp(prefix="smp-guide-test-data-"))
    config.stash[_DATA] = data
    os.environ[DATA_DIR_ENV] = str(data)
    # One query-encoder export for the whole session, shared by every data folder.
    os.environ[CACHE_DIR_ENV] = str(data.parent / f"{data.name}-cache")


def pytest_unconfigure(config: pytest.Config) -> None:
    data = config.stash.get(_DATA, None)
    if data is not None:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(data.parent / f"{data.name}-cache", ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    stash = session.config.stash
    _fail_if_changed(
        session, stash.get(_TREE, None), _working_tree(), "the working tree (write under tmp_path)"
    )
    for kind, folder in _user_folders().items():
        _fail_if_changed(
            session,
            stash.get(_USER_DATA, {}).get(kind),
            _listing(folder),
            f"the user's {kind} folder {folder} (give Settings a {kind}_dir, use clean_env "
            "or helpers.child_env)",
        )


def _fail_if_changed(
    session: pytest.Session,
    before: frozenset[str] | None,
    after: frozenset[str] | None,
    where: str,
) -> None:
    if before is None or after is None or before == after:
        return
    changed = "\n  ".join(sorted(before ^ after))
    writer = session.config.get_terminal_writer()
    writer.line()
    writer.line(f"tests changed {where}:\n  {changed}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


_TREE = pytest.StashKey[frozenset[str] | None]()
_USER_DATA = pytest.StashKey[dict[str, frozenset[str] | None]]()
_DATA = pytest.StashKey[Path]()


def _user_folders() -> dict[str, Path]:
    """Where ``Settings().data_dir`` and ``cache_dir`` point when nothing overrides them."""
    import platformdirs

    return {
        "data": Path(platformdirs.user_data_dir("smp-guide")),
        "cache": Path(platformdirs.user_cache_dir("smp-guide")),
    }


def _listing(folder: Path) -> frozenset[str] | None:
    """Each file (with its size and time) and folder in ``folder``, empty if there is none:
    a test creating, changing or removing anything there shows."""
    if not folder.exists():
        return frozenset()
    try:
        paths = [folder, *folder.rglob("*")]
    except OSError:
        return None
    return frozenset(f"{p}/" if p.is_dir() else f"{p} {_stamp(p)}" for p in paths)


def _working_tree() -> frozenset[str] | None:
    """Each changed or untracked file (``git status``, ignored files excluded) with its size
    and time, so a file already modified before the run still shows a test's write."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return frozenset(f"{line} {_stamp(ROOT / line[3:])}" for line in done.stdout.splitlines())


def _stamp(path: Path) -> str:
    try:
        found = path.stat()
    except OSError:
        return "(gone)"
    return f"({found.st_size} bytes, mtime {found.st_mtime_ns})"


def _is_local(family: int, address: Any) -> bool:
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = str(address[0]).split("%", 1)[0]  # drop an IPv6 scope id
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a host name other than localhost: would need DNS and the network
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def _guarded(original: Callable[..., Any]) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(self.family, address):
            raise RuntimeError(f"network access in tests: {address!r}")
        return original(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Outbound connections fail loudly; loopback and Unix sockets still work."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _guarded(socket.socket.connect))
        patch.setattr(socket.socket, "connect_ex", _guarded(socket.socket.connect_ex))
        yield


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """No SMP_GUIDE_* from the caller's shell; data under tmp_path. Also returned for
    subprocesses."""
    cache = os.environ[CACHE_DIR_ENV]
    for name in list(os.environ):
        if name.startswith("SMP_GUIDE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(CACHE_DIR_ENV, cache)
    return dict(os.environ)


def _built_sample(factory: pytest.TempPathFactory, name: str, *, outline: bool) -> Any:
    from ingest import build_sample_pdf

    path = factory.mktemp(name) / f"{name}.pdf"
    return path, build_sample_pdf(path, outline=outline)


@pytest.fixture(scope="session")
def _sample(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _built_sample(tmp_path_factory, "sample", outline=True)


@pytest.fixture(scope="session")
def _sample_no_outline(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _built_sample(tmp_path_factory, "sample-no-outline", outline=False)


@pytest.fixture(scope="session")
def sample_pdf(_sample: Any) -> Path:
    """The project's sample PDF, with chapter bookmarks, built once per session."""
    return Path(_sample[0])


@pytest.fixture(scope="session")
def sample_manifest(_sample: Any) -> Any:
    """The ground truth (a ``SampleManifest``) the build of ``sample_pdf`` returned."""
    return _sample[1]


@pytest.fixture(scope="session")
def sample_pdf_no_outline(_sample_no_outline: Any) -> Path:
    """The same sample without bookmarks: chapters must come from the headings."""
    return Path(_sample_no_outline[0])


@pytest.fixture(scope="session")
def sample_no_outline_manifest(_sample_no_outline: Any) -> Any:
    """The ground truth the build of ``sample_pdf_no_outline`` returned."""
    return _sample_no_outline[1]


@pytest.fixture(scope="session")
def real_pdfs_dir() -> Path:
    """Folder of real third-party policy PDFs (``SMP_GUIDE_REAL_PDFS`` overrides it)."""
    override = os.environ.get(REAL_PDFS_ENV)
    path = Path(override) if override else ROOT.parent / "shared" / "real-pdfs"
    if not path.is_dir():
        pytest.skip(f"real-PDF folder {path} does not exist (set {REAL_PDFS_ENV})")
    return path


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``chroma run`` on 127.0.0.1 with its data under a temporary folder."""
    import subprocess
    import sys
    import time
    import urllib.request

    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    log = (data / "server.log").open("w")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False", CHROMA_TELEMETRY_IMPL="none")
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(data / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"chroma server did not start: {(data / 'server.log').read_text()}"
                ) from None  # the last refused connection says nothing more
            time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="session")
def real_ingested(real_pdfs_dir: Path) -> Callable[[str], Any]:
    """``real_ingested(file name)``: that real PDF ingested once per session (an ``IngestResult``).

    Several test files read the same six PDFs; each ingest takes seconds, so they share one.
    """
    from assistant import Settings
    from ingest import ingest_pdf

    cache: dict[str, Any] = {}

    def ingested(name: str) -> Any:
        if name not in cache:
            cache[name] = ingest_pdf(real_pdfs_dir / name, settings=Settings())
        return cache[name]

    return ingested


@pytest.fixture(scope="session")
def sample_ingested(sample_pdf: Path) -> Any:
    """The sample PDF ingested once per session (an ``IngestResult``)."""
    from assistant import Settings
    from ingest import ingest_pdf

    return ingest_pdf(sample_pdf, settings=Settings())


@pytest.fixture(scope="session")
def sample_no_outline_ingested(sample_pdf_no_outline: Path) -> Any:
    """The sample without bookmarks ingested once per session (an ``IngestResult``)."""
    from assistant import Settings
    from ingest import ingest_pdf

    return ingest_pdf(sample_pdf_no_outline, settings=Settings())


@pytest.fixture(scope="session")
def sample_settings(
    tmp_path_factory: pytest.TempPathFactory, sample_pdf: Path, sample_ingested: Any
) -> Any:
    """Settings of a read-only index holding the sample PDF (built once per session)."""
    from assistant import Settings
    from index import open_index

    root = tmp_path_factory.mktemp("sample-index")
    settings = Settings(data_dir=root / "data", index_dir=root / "index")
    report = open_index(settings=settings).add(sample_ingested, pdf=sample_pdf)
    # Tests that copy this index rely on a complete first add.
    assert report.status == "added" and report.embedded == len(sample_ingested.chunks), report
    return settings


@pytest.fixture
def sample_index_copy(tmp_path: Path, sample_settings: Any) -> Path:
    """A private, writable copy of the session's sample index at ``tmp_path / "index"``."""
    import shutil

    index = tmp_path / "index"
    shutil.copytree(sample_settings.resolved_index_dir(), index)
    return index


@pytest.fixture(scope="session")
def sample_assistant(sample_settings: Any) -> Any:
    """One ``Assistant`` on the sample index for the session (model and index loaded once)."""
    from assistant import Assistant

    return Assistant(settings=sample_settings)


@pytest.fixture(scope="session")
def gold_run(
    tmp_path_factory: pytest.TempPathFactory, sample_settings: Any, sample_assistant: Any
) -> tuple[Any, Path]:
    """The sample gold set answered and scored offline once (a ``RunReport``, its folder).

    Shared by the eval tests and the CI gate: answering the set is the costly part.
    """
    from evals import EvalRunSettings, bundled_datasets, run_eval

    out = tmp_path_factory.mktemp("eval") / "run"
    gold = bundled_datasets() / "sample_gold.jsonl"
    report = run_eval(
        settings=EvalRunSettings.model_validate(sample_settings.model_dump()),
        datasets=[gold],
        out_dir=out,
        assistant=sample_assistant,
    )
    return report, out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for one test module (each test opens its own page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()
