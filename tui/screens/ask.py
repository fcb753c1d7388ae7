"""Ask screen: questions answered from the paper and the event records, with verified citations.

The question-answering stack (index, embedding model, GGUF model) loads in a worker the first time the screen
opens and is kept on the app, so the browser never waits for it. Answers stream as a draft, then the verified
answer replaces the draft; citations are listed under it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from gsi_explorer.tui.safe_text import clean
from gsi_explorer.tui.widgets.answer_view import AnswerView
from gsi_explorer.tui.widgets.citation_list import CitationList

ANSWERER_ATTR = "_gsi_answerer"  # the loaded stack, kept on the app between visits to this screen
HISTORY_ATTR = "_gsi_ask_history"
CSS_FILE = Path(__file__).resolve().parent.parent / "ask.tcss"


class QuestionInput(Input):
    """Single-line question box; Up/Down walk through earlier questions."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, history: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.history = history
        self._pos = len(history)
        self._draft = ""

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._pos = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._pos == len(self.history):
            self._draft = self.value
        self._pos = max(0, min(len(self.history), self._pos + step))
        self.value = self.history[self._pos] if self._pos < len(self.history) else self._draft
        self.cursor_position = len(self.value)


class AskScreen(Screen):
    """Opened from the browser with the current view (for "ask about this view")."""

    CSS_PATH = str(CSS_FILE)
    BINDINGS = [
        Binding("escape", "escape", "Cancel / back"),
        Binding("ctrl+t", "toggle_scope", "This view only"),
        Binding("ctrl+s", "save", "Save transcript"),
        Binding("ctrl+l", "focus_question", "Question", show=False),
    ]

    def __init__(self, view=None, on_open_event=None) -> None:
        super().__init__(classes="ask-screen")
        self.view = view
        self.on_open_event = on_open_event
        self.answerer = None
        self.answers: list = []
        self.scope_view = False
        self._cancel_event: threading.Event | None = None
        self._answering = False
        self._escape_pressed = False
        self._asked_at = 0.0

    # -- layout ----------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="ask-status")
        yield AnswerView(id="ask-answer")
        yield Static("", id="ask-query")
        yield CitationList(id="ask-citations")
        history = getattr(self.app, HISTORY_ATTR, None)
        if history is None:
            history = []
            setattr(self.app, HISTORY_ATTR, history)
        yield QuestionInput(history, placeholder="Ask about the paper or the meetings, e.g. which PICs got ministerial "
                            "sideline meetings", id="ask-question", max_length=4000)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CitationList).display = False
        self.query_one("#ask-question", Input).focus()
        self.answerer = getattr(self.app, ANSWERER_ATTR, None)
        if self.answerer is None:
            self._status("Loading question answering… (the browser stays usable: Esc to go back)")
            self.run_worker(self._load_stack, thread=True, group="qa-load", exit_on_error=False)
        else:
            self._ready()

    # -- loading ---------------------------------------------------------------------------------------------
    def _settings(self):
        settings = getattr(self.app, "settings", None)
        if settings is None:
            from gsi_explorer.config import load_settings

            settings = load_settings()
        return settings

    def _load_stack(self) -> None:
        from gsi_explorer.index.answer import Answerer

        def progress(message: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._status, f"Loading question answering: {message} ({done}/{total})…")

        try:
            answerer = Answerer.load(self._settings(), progress=progress, store=getattr(self.app, "store", None))
        except Exception as exc:  # noqa: BLE001 - shown to the user; the browser keeps working
            self.app.call_from_thread(self._load_failed, exc)
            return
        setattr(self.app, ANSWERER_ATTR, answerer)
        self.app.call_from_thread(self._loaded, answerer)

    def _loaded(self, answerer) -> None:
        self.answerer = answerer
        self._ready()

    def _load_failed(self, exc: Exception) -> None:
        self._status(Text(f"Question answering is unavailable: {clean(exc)}", style="bold red"))

    def _ready(self) -> None:
        model = getattr(self.answerer, "llm", None)
        self._status(f"Ready · model {clean(getattr(model, 'model_id', '?'))} · {self._scope_text()}")

    # -- status ----------------------------------------------------------------------------------------------
    def _status(self, message) -> None:
        widget = self.query_one("#ask-status", Static)
        widget.update(message if isinstance(message, Text) else Text(clean(message)))

    def _filters(self):
        return getattr(self.view, "filters", self.view)

    def _scope_text(self) -> str:
        filters = self._filters()
        active = filters is not None and bool(getattr(filters, "selections", None) or getattr(filters, "search", "")
                                              or getattr(filters, "date_from", None) or getattr(filters, "date_to", None))
        if not active:
            return "scope: all data (the browser view has no filters)"
        if self.scope_view:
            return "scope: this view only (Ctrl+T for all data)"
        return "scope: all data (Ctrl+T to ask about this view only)"

    # -- actions ---------------------------------------------------------------------------------------------
    def action_focus_question(self) -> None:
        self.query_one("#ask-question", Input).focus()

    def action_toggle_scope(self) -> None:
        self.scope_view = not self.scope_view
        if self.answerer is not None and not self._answering:
            self._ready()
        self.notify(self._scope_text(), timeout=3)

    def action_escape(self) -> None:
        if self._answering and self._cancel_event is not None and not self._cancel_event.is_set():
            self._cancel_event.set()
            self._status("Cancelling… (Esc again to go back)")
            self._escape_pressed = True
            return
        self.app.pop_screen()

    def action_save(self) -> None:
        if not self.answers:
            self.notify("Nothing to save yet: ask a question first.", severity="warning")
            return
        from gsi_explorer.index.answer import save_transcript

        path = Path.cwd() / time.strftime("gsi-transcript-%Y%m%d-%H%M%S.md")
        try:
            saved = save_transcript(self.answers, path)
        except Exception as exc:  # noqa: BLE001
            self.notify(clean(f"Could not save the transcript: {exc}"), severity="error", markup=False)
            return
        self.notify(clean(f"Transcript saved to {saved}"), markup=False)

    # -- asking ----------------------------------------------------------------------------------------------
    @on(Input.Submitted, "#ask-question")
    async def _submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self.answerer is None:
            self.notify("Still loading the question-answering stack…", severity="warning")
            return
        if self._answering:
            self.notify("An answer is still being written (Esc cancels it).", severity="warning")
            return
        box = self.query_one("#ask-question", QuestionInput)
        box.remember(question)
        box.value = ""
        self._answering = True
        self._cancel_event = threading.Event()
        self._asked_at = time.perf_counter()
        self.query_one(CitationList).show([])
        self.query_one("#ask-query", Static).update("")
        await self.query_one(AnswerView).start(f"**Q:** {clean(question)}\n\n")
        self._status("Answering… (Esc cancels)")
        view = self._filters() if self.scope_view else None
        feed = self.query_one(AnswerView).feed
        cancel = self._cancel_event
        self.run_worker(lambda: self._ask(question, view, feed, cancel), thread=True, group="ask",
                        exit_on_error=False)

    def _ask(self, question: str, view, feed, cancel: threading.Event) -> None:
        try:
            answer = self.answerer.ask(question, view=view, on_token=feed, cancel=cancel)
        except Exception as exc:  # noqa: BLE001 - e.g. a question that is too long
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._answered, answer)

    def _gone(self) -> bool:
        return self not in self.app.screen_stack  # the user went back while the answer was being written

    async def _failed(self, exc: Exception) -> None:
        self._answering = False
        if self._gone():
            return
        await self.query_one(AnswerView).show(f"**Could not answer:** {clean(exc)}")
        self._ready()

    async def _answered(self, answer) -> None:
        self._answering = False
        self.answers.append(answer)
        if self._gone():
            return
        body = clean(answer.answer, multiline=True)
        if answer.cancelled:
            body += "\n\n*(cancelled: the answer may be incomplete)*"
        await self.query_one(AnswerView).show(f"**Q:** {clean(answer.question)}\n\n{body}")
        info = [f"route: {answer.route}"]
        if answer.structured_query:
            info.append(f"query: {answer.structured_query}")
        if answer.unsupported:
            info.append(f"{len(answer.unsupported)} unsupported sentence(s) dropped")
        t = answer.timings_ms
        info.append(f"{t.get('total', 0)} ms")
        self.query_one("#ask-query", Static).update(Text(clean(" · ".join(info)), style="dim"))
        citations = self.query_one(CitationList)
        citations.show(answer.citations)
        self._ready()

    # -- citations -------------------------------------------------------------------------------------------
    @on(CitationList.Chosen)
    def _open_citation(self, event: CitationList.Chosen) -> None:
        c = event.citation
        if c.kind == "event" and c.event_key:
            if self.on_open_event is not None:
                self.on_open_event(c.event_key)
            else:
                self.notify(clean(f"event {c.event_key}: {c.url or ''}"), markup=False)
            return
        from gsi_explorer.tui.widgets.citation_context import CitationContextScreen

        paragraphs = self.answerer.passage_context(c) if self.answerer else [(c.where, c.text, True)]
        self.app.push_screen(CitationContextScreen(f"[{c.n}] {c.where}", paragraphs))
