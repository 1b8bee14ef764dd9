"""What stands in front of the chat app: request size, logins, and its two file routes.

``RequestGuard`` is a small ASGI middleware: it refuses request bodies above a limit
before Gradio parses them (a 20 MB chat history once held the answer slot for half a
minute) and throttles ``POST /login`` per client address. ``BriefStore`` keeps exported
briefs private: each is written (by ``assistant.export_brief``) with mode 0600 under an
unguessable name and served by ``GET /brief/{token}`` only to the login that made it
(Gradio's own file route would serve it to anyone holding the path, from a world-readable
copy in its cache).
``pdf_route`` serves the stored PDFs that source cards link to, and ``page_route`` one
page of them as an image with the card's quote highlighted (``assistant.highlighted_page``).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute

from assistant._brief import BRIEF_PREFIX
from assistant._pages import rendered_page
from assistant.errors import PageUnavailableError
from ingest import InputError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGIN_ATTEMPTS = 5  # failed logins from one address within the window before it is locked out
LOGIN_WINDOW = 300.0  # seconds
LOGIN_DELAY = 1.0  # seconds added to every failed login
BRIEF_TTL = 3600.0  # seconds a brief link stays valid
_DOCUMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_PAGE_FILE = re.compile(r"(\d{1,5})\.png")
MAX_QUOTE_CHARS = 2000  # of the quote a page view is asked to highlight
_BRIEF_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_LOGIN_PATHS = frozenset({"/login", "/login/"})
BRIEF_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_MAX_CLIENTS = 10_000


# -------------------------------------------------------------------- logins
def login_checker(user: str, password: str) -> Callable[[str, str], Awaitable[bool]]:
    """Gradio's ``auth=`` callable: constant-time, and async so it never blocks the server."""
    expected_user, expected_password = user.encode(), password.encode()

    async def check(username: str, given: str) -> bool:
        same_user = hmac.compare_digest(username.encode(), expected_user)
        same_password = hmac.compare_digest(given.encode(), expected_password)
        return same_user and same_password

    return check


def login_auth(auth: str | None) -> Callable[[str, str], Awaitable[bool]] | None:
    """Gradio's ``auth=`` for ``USER:PASS``; an empty user or password is refused."""
    if auth is None:
        return None
    user, _, password = auth.partition(":")
    if not user.strip() or not password:
        raise InputError("the chat login must be USER:PASS with neither part empty.")
    return login_checker(user.strip(), password)  # Gradio strips the user name it is sent


class LoginThrottle:
    """Counts login attempts per client address; a success clears them.

    An attempt counts from the moment it arrives, so parallel guesses are limited too.
    """

    def __init__(self, *, attempts: int = LOGIN_ATTEMPTS, window: float = LOGIN_WINDOW) -> None:
        self.attempts = attempts
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def begin(self, client: str) -> float:
        """Record an attempt; 0 if it may go ahead, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > _MAX_CLIENTS:  # many addresses: forget the quiet ones
                self._seen = {
                    c: d for c, d in self._seen.items() if d and d[-1] > now - self.window
                }
            seen = self._seen.setdefault(client, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.attempts:
                return seen[0] + self.window - now
            seen.append(now)
            return 0.0

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._seen.pop(client, None)


# -------------------------------------------------------------------- middleware
class RequestGuard:
    """ASGI middleware: a request-body limit and the login throttle."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        logins: LoginThrottle,
        failure_delay: float = LOGIN_DELAY,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.logins = logins
        self.failure_delay = failure_delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            body = await self._body(scope, receive)
            if body is None:
                await _respond(send, 413, f"Request body over {self.max_body // 1024} KB.")
                return
            receive = _replay(body, receive)
        if scope["method"] == "POST" and scope["path"] in _LOGIN_PATHS:
            await self._login(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to exceed the limit."""
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").strip()
        if declared.isdigit() and int(declared) > self.max_body:
            return None  # refused unread
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.logins.begin(client)
        if wait:
            minutes = max(1, round(wait / 60))
            await _respond(send, 429, f"Too many failed logins; try again in {minutes} min.")
            return

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    self.logins.succeeded(client)
                else:
                    await asyncio.sleep(self.failure_delay)  # slows guessing, blocks no one
            await send(message)

        await self.app(scope, receive, observed)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # a disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


async def _respond(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -------------------------------------------------------------------- who is asking
def login_token(request: Request) -> str | None:
    """The Gradio login cookie of this request (one per login), if any."""
    cookie_id = getattr(request.app, "cookie_id", "")
    return request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )


def logged_in(request: Request) -> bool:
    """Gradio's own login (``launch(auth=...)``) guards our routes too."""
    if getattr(request.app, "auth", None) is None:
        return True
    token = login_token(request)
    return token is not None and token in getattr(request.app, "tokens", {})


# -------------------------------------------------------------------- files
def pdf_route(lookup: Callable[[str], Path | None]) -> APIRoute:
    """``GET /pdf/{document_id}``: the stored PDF of an indexed document, nothing else."""

    async def serve_pdf(document_id: str, request: Request) -> FileResponse:
        if not logged_in(request):
            raise HTTPException(status_code=401, detail="Not authenticated")
        path = lookup(document_id) if _DOCUMENT_ID.fullmatch(document_id) else None
        if path is None:
            raise HTTPException(status_code=404, detail="No such document")
        return FileResponse(
            path, media_type="application/pdf", headers={"Content-Disposition": "inline"}
        )

    return APIRoute("/pdf/{document_id}", serve_pdf, methods=["GET"])


def page_route(lookup: Callable[[str], Path | None]) -> APIRoute:
    """``GET /page/{document_id}/{page}.png?quote=...``: a stored PDF's page (0-based) as
    a PNG, the quote highlighted; the same login and document checks as ``/pdf``."""

    async def serve_page(
        document_id: str, page_file: str, request: Request, quote: str = ""
    ) -> Response:
        if not logged_in(request):
            raise HTTPException(status_code=401, detail="Not authenticated")
        path = lookup(document_id) if _DOCUMENT_ID.fullmatch(document_id) else None
        page = _PAGE_FILE.fullmatch(page_file)
        if path is None or page is None:
            raise HTTPException(status_code=404, detail="No such page")
        try:  # pdfium renders in a worker thread: the server keeps serving meanwhile
            image = await asyncio.to_thread(
                rendered_page, path, int(page.group(1)), quote[:MAX_QUOTE_CHARS]
            )
        except PageUnavailableError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        headers = {"Cache-Control": "private"}
        if (top := image.highlight_top()) is not None:  # the page view scrolls there
            headers["X-Highlight-Top"] = f"{top:.4f}"
        return Response(image.png, media_type="image/png", headers=headers)

    return APIRoute("/page/{document_id}/{page_file}", serve_page, methods=["GET"])


@dataclass(frozen=True)
class Brief:
    path: Path
    owner: str | None  # the login token that made it; None without a login
    filename: str
    created: float


class BriefStore:
    """Exported briefs, each reachable by the unguessable token in its file name."""

    def __init__(self, *, ttl: float = BRIEF_TTL) -> None:
        self.ttl = ttl
        self._briefs: dict[str, Brief] = {}
        self._lock = threading.Lock()

    def add(self, path: Path, *, owner: str | None, filename: str) -> str:
        """Serve the brief at ``path`` (named ``smp-brief-{token}.md`` or ``.docx``); its token."""
        token = path.stem.removeprefix(BRIEF_PREFIX)
        if not _BRIEF_TOKEN.fullmatch(token) or path.suffix not in BRIEF_TYPES:
            raise ValueError(f"not an exported brief: {path.name}")
        with self._lock:
            self._forget_old()
            self._briefs[token] = Brief(path, owner, filename, time.monotonic())
        return token

    def lookup(self, token: str, *, owner: str | None) -> Brief | None:
        with self._lock:
            self._forget_old()
            brief = self._briefs.get(token) if _BRIEF_TOKEN.fullmatch(token) else None
        if brief is None or brief.owner is not None and owner != brief.owner:
            return None
        return brief if brief.path.is_file() else None

    def _forget_old(self) -> None:
        cutoff = time.monotonic() - self.ttl
        for token in [t for t, b in self._briefs.items() if b.created < cutoff]:
            del self._briefs[token]

    def route(self) -> APIRoute:
        """``GET /brief/{token}``: one brief, to the login that exported it."""

        async def serve_brief(token: str, request: Request) -> FileResponse:
            if not logged_in(request):
                raise HTTPException(status_code=401, detail="Not authenticated")
            brief = self.lookup(token, owner=login_token(request))
            if brief is None:
                raise HTTPException(status_code=404, detail="No such brief")
            return FileResponse(
                brief.path,
                media_type=BRIEF_TYPES[brief.path.suffix],
                filename=brief.filename,
                headers={"Cache-Control": "no-store"},
            )

        return APIRoute("/brief/{token}", serve_brief, methods=["GET"])
