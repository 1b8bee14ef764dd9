"""The chat server's JSON API: ``POST /api/answer`` and the Gradio endpoint ``/answer``.

Both take a question, the conversation so far as plain messages, a chapter filter and
the recommendations-only switch, and return exactly what ``smp-guide ask --json`` prints
(``Answer.to_json()``). Unlike the page's ``/ask`` event they keep no hidden state: a
follow-up is read against the ``history`` the caller sends, its questions and what its
last answer cited (``follow_up_context``), through the same ``Assistant.answer`` the
chat uses, so the same conversation gets the same answer as in the chat.

Requests are checked by one strict pydantic model (chapters are integers, unknown fields
are refused), so a bad request is one line for the caller and no traceback on the server.
The route sits behind the chat's login and request-size guard (``_guard``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal

import gradio as gr
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from gradio.events import api as gradio_api  # gr.api, missing from gradio's __all__
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.concurrency import run_in_threadpool

from assistant._engine import Assistant
from assistant._records import FollowUp
from assistant.ui._guard import logged_in
from index import EmbeddingModelError, IndexUnavailableError
from ingest import InputError, SmpGuideError

log = logging.getLogger(__name__)

API_PATH = "/api/answer"
GRADIO_API_NAME = "answer"
NOT_LOGGED_IN = "not logged in; POST username and password to /login first and send its cookie."


class ApiError(Exception):
    """A request the API refuses: its HTTP status and one line for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class CitedPlace(BaseModel):
    """Where an earlier answer's citation is: what a follow-up reads of it.

    Other fields are ignored, so that a client can send back an answer's ``citations``
    as the API returned them.
    """

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    chapter: int | None = None
    rec_id: str | None = None


class ContentPart(BaseModel):
    """One part of a message's content as Gradio's chatbot keeps it; text parts count."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    type: str
    text: str | None = None


class HistoryMessage(BaseModel):
    """One earlier message of the conversation, as a chat client keeps it: ``content`` a
    string, or Gradio's list of parts (``[{"type": "text", "text": ...}]``, with its
    ``metadata`` and ``options``, which are ignored).

    An answer may carry its ``citations``; without them its context is read off the
    quotes in its ``content``.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    role: Literal["user", "assistant"]
    content: str | list[ContentPart]
    citations: list[CitedPlace] | None = None
    metadata: dict[str, Any] | None = None
    options: list[Any] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if p.type == "text" and p.text)


class AnswerRequest(BaseModel):
    """The body of ``POST /api/answer`` (and the arguments of the ``/answer`` endpoint)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    question: str
    history: list[HistoryMessage] = []
    chapters: list[int] = []
    recommendations_only: bool = False


def answer_json(assistant: Assistant, request: AnswerRequest, *, keep: int) -> dict[str, Any]:
    """The answer to ``request`` as ``ask --json`` prints it (ApiError on a refusal).

    Only the last ``keep`` messages count, as in the chat; the user's messages among them
    are the earlier questions a follow-up is read against, and the last answer among them
    says where a follow-up also searches (the chat keeps the same of its last answer).
    """
    recent = request.history[-keep:] if keep > 0 else []
    asked = [m.text for m in recent if m.role == "user"]
    try:
        answer = assistant.answer(
            request.question,
            history=asked,
            chapters=request.chapters or None,
            recommendations_only=request.recommendations_only,
            previous=follow_up_context(assistant, recent),
        )
    except InputError as exc:
        raise ApiError(400, one_line(exc)) from exc
    except (IndexUnavailableError, EmbeddingModelError) as exc:
        raise ApiError(503, one_line(exc)) from exc
    except SmpGuideError as exc:
        raise ApiError(500, one_line(exc)) from exc
    except Exception as exc:  # a bug: its traceback in the log, one line to the caller
        log.exception("API answer failed")
        raise ApiError(500, f"internal error ({type(exc).__name__}); see the server log.") from exc
    return answer.to_json()


def follow_up_context(assistant: Assistant, messages: Sequence[HistoryMessage]) -> FollowUp | None:
    """What the last answer in ``messages`` was about, from the messages alone: its
    citations when the client sent them back, else the chunks its text quotes."""
    reply = next((m for m in reversed(messages) if m.role == "assistant"), None)
    if reply is None:
        return None
    if reply.citations is not None:
        return FollowUp.of([c.model_dump() for c in reply.citations])
    return assistant.context_of(reply.text)


def one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def validation_message(exc: ValidationError) -> str:
    """Every problem of a refused request in one line, e.g. ``chapters[0]: ...``."""
    return "; ".join(f"{_where(e['loc'])}{e['msg']}" for e in exc.errors())


def _where(loc: Sequence[int | str]) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{path}: " if path else ""


# -------------------------------------------------------------------- HTTP route
def answer_route(assistant: Callable[[], Assistant], *, keep: int) -> APIRoute:
    """``POST /api/answer``: JSON in, the ``ask --json`` answer out, behind the login."""

    async def api_answer(request: Request) -> JSONResponse:
        if not logged_in(request):
            return JSONResponse({"error": NOT_LOGGED_IN}, status_code=401)
        try:
            # Parsed here rather than by FastAPI so that a refusal is {"error": one line}
            # without an exception handler on the whole Gradio app.
            body = AnswerRequest.model_validate_json(await request.body())
            # Answering is CPU work: off the event loop, as Gradio runs the chat's handlers.
            data = await run_in_threadpool(answer_json, assistant(), body, keep=keep)
        except ValidationError as exc:
            return JSONResponse({"error": validation_message(exc)}, status_code=422)
        except ApiError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return JSONResponse(data)

    return APIRoute(
        API_PATH,
        api_answer,
        methods=["POST"],
        summary="Answer a question with cited passages (the JSON of `smp-guide ask --json`).",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": AnswerRequest.model_json_schema()}},
            }
        },
    )


# -------------------------------------------------------------------- Gradio endpoint
def gradio_answerer(
    assistant: Callable[[], Assistant], *, keep: int
) -> Callable[[str, list[dict[str, Any]] | None, list[int] | None, bool], dict[str, Any]]:
    """The function behind ``gr.api(..., api_name="answer")``; its parameters are the API's."""

    def answer(
        question: str,
        history: list[dict[str, Any]] | None = None,
        chapters: list[int] | None = None,
        recommendations_only: bool = False,
    ) -> dict[str, Any]:
        """Answer a question with cited passages: the JSON of `smp-guide ask --json`.

        history: the earlier messages, [{"role": "user"|"assistant", "content": "..."}]
        (an answer may carry the "citations" it was returned with);
        chapters: chapter numbers (integers) to search; recommendations_only: cite only
        recommendations.
        """
        # gr.api passes the client's JSON unconverted: the same strict model checks it.
        try:
            body = AnswerRequest.model_validate(
                {
                    "question": question,
                    "history": history or [],
                    "chapters": chapters or [],
                    "recommendations_only": recommendations_only,
                }
            )
            return answer_json(assistant(), body, keep=keep)
        except ValidationError as exc:
            raise gr.Error(validation_message(exc), print_exception=False) from exc
        except ApiError as exc:
            raise gr.Error(exc.message, print_exception=False) from exc

    return answer


def add_gradio_endpoint(assistant: Callable[[], Assistant], *, keep: int) -> None:
    """Declare ``/answer`` in the Blocks being built (call inside ``with demo:``)."""
    gradio_api(
        gradio_answerer(assistant, keep=keep),
        api_name=GRADIO_API_NAME,
        # As for the chat's /ask: the engine bounds CPU work to the cores itself.
        concurrency_id="answer",
        concurrency_limit=None,
    )
