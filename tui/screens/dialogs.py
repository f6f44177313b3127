"""Small modal screens: help, a one-line text prompt, the export path prompt and a yes/no confirm.

Escape always closes a dialog first (the app's Escape and q only act once no dialog is open).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.text import clean_line

ResultT = TypeVar("ResultT")


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, description in self.rows:
            table.add_row(Text(key), Text(description))
        with Vertical(id="help-box", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
            yield Static(Text("Views switch with 1-6 or a click on their tab; the command palette "
                              "(ctrl+p) offers every action. Escape leaves search and dialogs.",
                              style="dim"), classes="dialog-note")

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)


class _Dialog(ModalScreen[ResultT]):
    """A title, subject lines (feed text: shown as plain text), the dialog's own fields, and
    an accept and a Cancel button; Escape or Cancel dismisses it with `cancelled`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, subjects: list[str], *, accept: str, cancelled: ResultT) -> None:
        super().__init__()
        self.title_text = title
        self.subjects = subjects
        self.accept = accept
        self.cancelled = cancelled

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            for subject in self.subjects:
                yield Static(Text(clean_line(subject), style="italic"), classes="dialog-note")
            yield from self.fields()
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.accept, variant="primary", id="dialog-ok")
                yield Button("Cancel", id="dialog-cancel")

    def fields(self) -> ComposeResult:
        return iter(())

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(self.cancelled)


class TextDialog(_Dialog[str | None]):
    """Ask for one line of text; Enter accepts, Escape cancels."""

    def __init__(self, title: str, subject: str = "", *, value: str = "", placeholder: str = "",
                 accept: str = "Save") -> None:
        super().__init__(title, [subject] if subject else [], accept=accept, cancelled=None)
        self.value = value
        self.placeholder = placeholder

    def fields(self) -> ComposeResult:
        yield Input(value=self.value, placeholder=self.placeholder, id="dialog-input")

    def on_mount(self) -> None:
        self.query_one("#dialog-input", Input).focus()

    @on(Input.Submitted, "#dialog-input")
    @on(Button.Pressed, "#dialog-ok")
    def _accept(self) -> None:
        self.dismiss(self.query_one("#dialog-input", Input).value)


class ExportDialog(TextDialog):
    def __init__(self, default: str) -> None:
        super().__init__("Export the briefing to Markdown", "Where should it be written?", value=default,
                         accept="Export")


class ConfirmDialog(_Dialog[bool]):
    """Ask before a change that is not undone by a key (a story merge or split): Enter or the
    button confirms, Escape cancels."""

    def __init__(self, title: str, subjects: list[str], *, accept: str) -> None:
        super().__init__(title, subjects, accept=accept, cancelled=False)

    def on_mount(self) -> None:
        self.query_one("#dialog-ok", Button).focus()

    @on(Button.Pressed, "#dialog-ok")
    def _accept(self) -> None:
        self.dismiss(True)
