"""The chat's handlers: plain functions and generators over the assistant stage.

``ChatSession`` holds the one Assistant of the process. Its handlers turn the stage's
results into Gradio updates and do no storage or pipeline work themselves: answers come
from ``Assistant.answer``, briefs from ``export_brief``, ratings go to
``record_feedback`` and the sample is indexed by ``index_pdf``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant._brief import BriefFormat, export_brief, exports_folder, storage_problem
from assistant._brief_model import Brief, answer_from_json
from assistant._engine import Assistant
from assistant._feedback import record_feedback
from assistant._markdown import literal
from assistant._records import Answer, FollowUp
from assistant.settings import Settings
from assistant.ui._brief_panel import (
    add_link,
    brief_panel_html,
    download_html,
    references_markdown,
)
from assistant.ui._chapters import chosen_chapters
from assistant.ui._guard import BriefStore, login_token
from assistant.ui._render import (
    answer_message,
    message_html,
    sources_html,
    sources_panel,
    status_html,
    status_line,
    stream_pieces,
)
from assistant.ui._welcome import welcome_html
from index import IndexNotBuiltError, index_pdf
from ingest import SmpGuideError, build_sample_pdf

log = logging.getLogger(__name__)

Message = dict[str, Any]
Turn = dict[str, Any]
AskUpdate = tuple[list[Message], str, list[Turn], Any]
ClearUpdate = tuple[str, list[Turn], str, Brief, str]

STREAM_DELAY = 0.02  # seconds between streamed pieces: enough for the page to show them
SAMPLE_REFUSED = "The sample is built only while the index is empty; nothing was changed."
NO_SOURCES_YET = "Sources of the answer appear here."


class ChatSession:
    """The handlers of one chat app; the Assistant is created once, on first need."""

    def __init__(self, assistant: Assistant | None, *, settings: Settings) -> None:
        self.settings = settings
        self._assistant = assistant
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()  # one sample build at a time
        self.briefs = BriefStore()
        self.storage_problem: str | None = None

    def check_storage(self) -> str | None:
        """Why exports and feedback cannot be written to DATA_DIR, or None if they can."""
        self.storage_problem = storage_problem(settings=self.settings)
        if self.storage_problem is not None:
            log.warning(
                "data folder %s is not writable (%s): chat export and feedback are off",
                self.settings.data_dir,
                self.storage_problem,
            )
        return self.storage_problem

    # ------------------------------------------------------------ the assistant
    def assistant(self) -> Assistant:
        with self._lock:
            if self._assistant is None:
                self._assistant = Assistant(settings=self.settings)
            return self._assistant

    def has_documents(self) -> bool:
        return bool(self.assistant().index.status().documents)

    def status(self) -> str:
        return status_line(self.assistant().index.status())

    def welcome(self) -> str:
        """The page's welcome and status lines, as HTML."""
        return welcome_html(self.assistant().index.status())

    def chapter_choices(self) -> list[tuple[str, int]]:
        if not self.has_documents():
            return []
        titles: dict[int, str] = {}
        for chunk in self.assistant().index.chunks():
            if chunk.chapter is not None:
                titles.setdefault(chunk.chapter, chunk.chapter_title)
        return [(f"{n}. {titles[n]}", n) for n in sorted(titles)]

    def _chapter_numbers(self) -> frozenset[int]:
        try:
            return self.assistant().index.chapter_numbers()
        except IndexNotBuiltError:
            return frozenset()

    def pdf_path(self, document_id: str) -> Path | None:
        try:
            return self.assistant().index.pdf_path(document_id)
        except IndexNotBuiltError:
            return None

    # ------------------------------------------------------------ handlers
    def ask(
        self,
        question: str,
        messages: list[Message] | None,
        turns: list[Turn] | None,
        chapters: Sequence[int | str] | int | str | None = None,
        recommendations_only: bool = False,
    ) -> Iterator[AskUpdate]:
        """Stream one answer: the growing text, then the final message and its sources.

        The client sends the chat shown so far; only its last messages are kept and
        returned (follow-ups read the server-side ``turns``, never the client's chat).
        """
        options = self.settings.assistant
        chosen = chosen_chapters(chapters, self._chapter_numbers)  # "7" is 7; "x": gr.Error
        history, turns = _recent(messages, turns, keep=options.max_history_messages - 2)
        shown = " ".join((question or "")[: options.max_question_chars * 4].split())
        if len(shown) > options.max_question_chars:
            shown = shown[: options.max_question_chars] + "\u2026"
        history.append({"role": "user", "content": literal(shown or "(empty)")})
        try:
            answer = self.assistant().answer(
                question or "",
                history=[t["question"] for t in turns],
                chapters=chosen or None,
                recommendations_only=bool(recommendations_only),
                previous=FollowUp.of(turns[-1]["citations"]) if turns else None,
            )
        except SmpGuideError as exc:
            yield self._failed(history, turns, f"Sorry: {exc}")
            return
        except Exception as exc:  # one plain line in the chat, never a traceback
            log.exception("chat handler failed")
            yield self._failed(
                history, turns, f"Sorry, something went wrong ({type(exc).__name__})."
            )
            return
        number = turns[-1]["id"] + 1 if turns else 1
        cards = sources_html(answer, turn=number)
        sources = sources_panel([*_sections(turns), (number, answer.question, cards)])
        final = answer_message(answer, turn=number) + references_markdown(answer)
        history.append({"role": "assistant", "content": ""})
        for piece in stream_pieces(final):
            if piece is final:
                break
            history[-1] = {"role": "assistant", "content": piece}
            yield history, sources, turns, gr.skip()  # the box clears with the final update
            time.sleep(STREAM_DELAY)
        history[-1] = {"role": "assistant", "content": final + add_link(answer, turn=number)}
        turns.append(_turn(answer, message_index=len(history) - 1, number=number, cards=cards))
        turns[-1]["filters"] = {  # for the brief: what the answer was asked with
            "chapters": chosen,
            "recommendations_only": bool(recommendations_only),
        }
        yield history, sources, turns, ""

    def _failed(self, history: list[Message], turns: list[Turn], text: str) -> AskUpdate:
        history.append({"role": "assistant", "content": literal(text)})
        return history, message_html(text) + sources_panel(_sections(turns), shown=None), turns, ""

    def clear(self) -> ClearUpdate:
        """The chat's Clear: no sources, no turns (so no follow-up or rating of a cleared
        answer), an empty brief and no brief link left behind."""
        return message_html(NO_SOURCES_YET), [], "", Brief(), brief_panel_html(Brief())

    # ------------------------------------------------------------ the brief
    def add_to_brief(self, turns: list[Turn] | None, brief: Brief | None) -> tuple[Brief, str]:
        """The panel's "Add to brief": the latest answer joins the brief, unless it is a
        refusal or already there."""
        brief = brief if isinstance(brief, Brief) else Brief()
        if not turns:
            gr.Warning("Ask a question first: there is no answer to add yet.")
            return brief, brief_panel_html(brief)
        return _added(turns[-1], brief)

    def add_answer_to_brief(
        self, turns: list[Turn] | None, brief: Brief | None, event: gr.EventData
    ) -> tuple[Brief, str]:
        """An answer's own "Add to brief" link: that answer (its number in the chat, sent
        by the page) joins the brief, unless it is a refusal or already there.

        The number comes from the client: only an answer of this conversation's server-side
        ``turns`` can be added.
        """
        brief = brief if isinstance(brief, Brief) else Brief()
        number = getattr(event, "turn", None)
        turn = next((t for t in turns or [] if t["id"] == number), None)
        if turn is None:
            gr.Warning("That answer is no longer in the chat; ask again to add it.")
            return brief, brief_panel_html(brief)
        return _added(turn, brief)

    def save_brief(
        self, brief: Brief, *, owner: str | None, kind: BriefFormat = "md"
    ) -> tuple[str, Path]:
        """Export the brief as a private file for ``owner``; its token and path."""
        now = datetime.now(UTC)
        path = export_brief(brief, settings=self.settings, kind=kind, created=now)
        filename = f"smp-brief-{now.strftime('%Y%m%d-%H%M%S')}.{kind}"
        return self.briefs.add(path, owner=owner, filename=filename), path

    def export_markdown(self, brief: Brief | None, request: gr.Request) -> Any:
        return self._export(brief, request, kind="md")

    def export_docx(self, brief: Brief | None, request: gr.Request) -> Any:
        return self._export(brief, request, kind="docx")

    def _export(self, brief: Brief | None, request: gr.Request, *, kind: BriefFormat) -> Any:
        """An export button: a download link only this login can follow."""
        if self.storage_problem is not None:
            gr.Warning("Export is off: the server cannot write to its data folder.")
            return gr.skip()
        if not isinstance(brief, Brief) or not len(brief):
            gr.Warning("The brief is empty: add an answer to it first.")
            return gr.skip()
        try:
            token, _ = self.save_brief(brief, owner=_owner(request), kind=kind)
        except OSError as exc:
            log.error("brief not saved under %s: %s", exports_folder(self.settings), exc)
            raise gr.Error(
                f"The brief could not be saved ({exc.strerror or exc}); try again later.",
                print_exception=False,  # logged above, in one line
            ) from exc
        return download_html(token, kind)

    def feedback(self, turns: list[Turn] | None, *, message_index: int, liked: bool) -> Path | None:
        """Record the rating of the answer shown as message ``message_index`` (OSError)."""
        turn = next((t for t in turns or [] if t["message_index"] == message_index), None)
        if turn is None:
            return None
        return record_feedback(turn, liked=liked, settings=self.settings)

    def on_like(self, turns: list[Turn] | None, data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        liked = data.liked if isinstance(data.liked, bool) else str(data.liked) == "Like"
        try:
            self.feedback(turns, message_index=index, liked=liked)
        except OSError as exc:
            gr.Warning(
                f"Your rating could not be saved ({exc.strerror or exc}); "
                "it is kept in the server log."
            )

    def build_sample(self) -> tuple[str, Any, Any]:
        """Build, ingest and index the sample PDF, only while the index is empty.

        Checked here, at call time and under a lock, not by hiding the button: any
        client can send the event, and two calls at once must not both build.
        """
        with self._build_lock:
            if self.has_documents():
                return status_html(SAMPLE_REFUSED), gr.update(), gr.update(visible=False)
            try:
                path = self.settings.data_dir / "sample.pdf"
                path.parent.mkdir(parents=True, exist_ok=True)
                build_sample_pdf(path)
                assistant = self.assistant()
                index_pdf(path, settings=self.settings, into=assistant.index)
                assistant.warm_up()
            except (SmpGuideError, OSError) as exc:
                message = f"Could not build the sample: {exc}"
                return status_html(message), gr.update(), gr.update()
        return (
            self.welcome(),
            gr.update(choices=self.chapter_choices(), value=[]),
            gr.update(visible=False),
        )


def _recent(
    messages: list[Message] | None, turns: list[Turn] | None, *, keep: int
) -> tuple[list[Message], list[Turn]]:
    """The last ``keep`` messages and the turns they show, their indexes shifted to match.

    A turn whose answer is not in the chat the client sent (a cleared chat) is dropped:
    follow-ups and ratings never reach an answer the user no longer sees.
    """
    messages = list(messages or [])
    turns = list(turns or [])
    dropped = max(0, len(messages) - keep)
    recent = [dict(t, message_index=t["message_index"] - dropped) for t in turns]
    shown = messages[dropped:]
    return shown, [t for t in recent if 0 <= t["message_index"] < len(shown)]


def _added(turn: Turn, brief: Brief) -> tuple[Brief, str]:
    """The brief with the answer of ``turn`` (and the filters it was asked with) added, and
    the panel that shows it; a warning says why a refusal or a repeat is not added."""
    filters = turn.get("filters") or {}
    added = brief.add(
        answer_from_json(turn),
        chapters=filters.get("chapters") or (),
        recommendations_only=bool(filters.get("recommendations_only")),
    )
    if added is brief:
        gr.Warning(
            "Not added: the publication does not cover this question."
            if not turn.get("covered", True)
            else "This answer is already in the brief."
        )
    return added, brief_panel_html(added)


def _sections(turns: Sequence[Turn]) -> list[tuple[int, str, str]]:
    return [(t["id"], t["question"], t["cards"]) for t in turns]


def _owner(request: gr.Request | None) -> str | None:
    """The login that asks (its Gradio cookie), or None when the app has no login."""
    raw = getattr(request, "request", None) if request is not None else None
    if raw is None or getattr(raw.app, "auth", None) is None:
        return None
    return login_token(raw)


def _turn(answer: Answer, *, message_index: int, number: int, cards: str) -> Turn:
    return {
        "id": number,  # the answer's number in this chat: its chips link to its own cards
        "cards": cards,
        "question": answer.question,
        "answer": answer.text,
        "covered": answer.covered,
        "citations": [c.to_json() for c in answer.citations],
        "sources": [s.to_json() for s in answer.sources],
        "notices": list(answer.notices),
        "message_index": message_index,
    }
