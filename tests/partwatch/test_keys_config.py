"""[keys]: binding id -> keys for the dashboard, checked when the config is loaded."""

from __future__ import annotations

from collections.abc import Callable

from partwatch.config import load_config
from partwatch.keys import BINDING_IDS
from tests.partwatch.test_config import Writer, error


def test_keys_map_binding_ids_quoted_or_dotted(write_config: Writer) -> None:
    text = '[keys]\n"view.feeds" = "f"\nlist.down = "j,ctrl+n"\nquit = "ctrl+q"\n'
    config = load_config(write_config(text))
    assert dict(config.keys) == {"view.feeds": "f", "list.down": "j,ctrl+n", "quit": "ctrl+q"}


def test_unknown_binding_id_is_one_line_with_the_closest(write_config: Writer) -> None:
    message = error(write_config, '[keys]\n"view.feed" = "f"\n')
    assert message.endswith('config.toml:2: [keys] has unknown binding id "view.feed"; '
                            'did you mean "view.feeds"?')


def test_a_key_that_is_not_a_key_name(write_config: Writer) -> None:
    message = error(write_config, '[keys]\nquit = "ctrl q"\n')
    assert message.endswith('config.toml:2: [keys] quit = "ctrl q": "ctrl q" is not a key name; '
                            'write keys like "f", "ctrl+f" or "f5,ctrl+f"')


def test_a_key_must_be_text(write_config: Writer) -> None:
    message = error(write_config, "[keys]\nhelp = 3\n")
    assert message.endswith('config.toml:2: [keys] help = 3 is a whole number, not a quoted string; '
                            'write it like help = "ctrl+f"')


def test_a_bad_keys_section_exits_2_with_one_line(partwatch: Callable[[str], object]) -> None:
    run = partwatch('[keys]\n"view.nope" = "f"\n')
    result = run("tui")  # type: ignore[operator]
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and 'unknown binding id "view.nope"' in lines[0]


def test_binding_ids_are_the_dashboards() -> None:
    """The list the config checks against is exactly the ids the dashboard declares."""
    from textual.binding import Binding

    from tui.app import PartwatchApp
    from tui.screens.dialogs import ConfirmDialog, HelpScreen, TextDialog
    from tui.screens.story import StoryScreen
    from tui.widgets.lazylist import LazyList

    declared = {binding.id for owner in (PartwatchApp, LazyList, StoryScreen, HelpScreen, TextDialog,
                                         ConfirmDialog)
                for binding in owner.BINDINGS if isinstance(binding, Binding) and binding.id}
    assert declared == set(BINDING_IDS)
