"""The scale symbol of the login window is a picture rendered beforehand (issue 15: no icon fonts
before the login window): the shipped files are what qtawesome draws today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from xihu_desk.gui import theme

ROOT = Path(__file__).resolve().parents[2]


def make_start_icons():
    spec = importlib.util.spec_from_file_location("make_start_icons", ROOT / "packaging" / "make_start_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("colour", list(theme.START_ICONS))
def test_the_shipped_symbol_is_the_icon_fonts_symbol(qapp, colour):
    maker = make_start_icons()
    assert maker.COLOURS[theme.START_ICONS[colour]] == colour
    shipped = theme.start_icon(colour).pixmap(maker.SIZE, maker.SIZE).toImage()
    fresh = maker.render(colour)
    assert (shipped.width(), shipped.height()) == (fresh.width(), fresh.height())
    # the same picture, give or take antialiasing of a different font rasteriser
    differ = sum(
        1
        for y in range(0, fresh.height(), 4)
        for x in range(0, fresh.width(), 4)
        if abs(shipped.pixelColor(x, y).alpha() - fresh.pixelColor(x, y).alpha()) > 64
    )
    assert differ < fresh.width() * fresh.height() // 16 // 50
    assert not theme.start_icon(colour).pixmap(40, 40).isNull()


def test_the_icon_fonts_load_while_the_sign_in_runs(qtbot, ctx, monkeypatch):
    from xihu_desk.gui.login import LoginDialog

    loaded: list[bool] = []
    monkeypatch.setattr(theme, "preload_icons", lambda: loaded.append(True))
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "not-the-password")
    dialog.sign_in()
    qtbot.waitUntil(lambda: bool(loaded), timeout=3000)
    qtbot.waitUntil(lambda: not ctx.runner.busy(), timeout=10000)


def test_preloading_makes_the_icon_fonts_ready(qapp):
    import qtawesome

    theme.preload_icons()
    assert qtawesome._resource["iconic"] is not None
