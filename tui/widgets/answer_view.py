"""The answer pane: a Markdown document that grows as tokens arrive and is replaced by the verified answer.

Tokens come from a worker thread; they are buffered and handed to a MarkdownStream a few times a second, so a
fast model never floods the UI. The pane follows new text only while the reader is already at the bottom.
"""

from __future__ import annotations

import threading

from textual.containers import VerticalScroll
from textual.widgets import Markdown

FLUSH_SECONDS = 0.08


class AnswerView(VerticalScroll):
    """Streams a draft, then shows the final Markdown."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self._buffer: list[str] = []
        self._lock = threading.Lock()
        self._stream = None
        self._timer = None
        self.markdown = Markdown("", classes="answer-markdown")

    def compose(self):
        yield self.markdown

    # -- called from any thread ----------------------------------------------------------------------------
    def feed(self, piece: str) -> None:
        with self._lock:
            self._buffer.append(piece)

    # -- UI thread -----------------------------------------------------------------------------------------
    async def start(self, heading: str = "") -> None:
        await self.stop()
        with self._lock:
            self._buffer.clear()
        await self.markdown.update(heading)
        self.add_class("-drafting")
        self._stream = Markdown.get_stream(self.markdown)
        self._timer = self.set_interval(FLUSH_SECONDS, self._flush)

    async def _flush(self) -> None:
        with self._lock:
            text = "".join(self._buffer)
            self._buffer.clear()
        if not text or self._stream is None:
            return
        follow = self.is_vertical_scroll_end or self.max_scroll_y == 0
        await self._stream.write(text)
        if follow:
            self.call_after_refresh(self.scroll_end, animate=False)

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._stream is not None:
            await self._flush()
            await self._stream.stop()
            self._stream = None

    async def show(self, markdown: str) -> None:
        """Replace whatever is shown (the draft) with `markdown`."""
        await self.stop()
        self.remove_class("-drafting")
        follow = self.is_vertical_scroll_end or self.max_scroll_y == 0
        await self.markdown.update(markdown)
        if follow:
            self.call_after_refresh(self.scroll_home, animate=False)
