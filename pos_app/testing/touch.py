"""TouchDriving: the till worked by touch (PosDriver's part): the product tiles and the number pads.

tap_tile(name) taps the tile on screen whose label, sku or category is `name` (a category tile
opens its items; tile_back() goes back to the favourites); tiles() lists the tiles shown.
numpad(digits, enter=True) taps the digits (and Enter) on the number pad of whatever is in front:
the approval prompt, the cash dialog, the PIN screen, else the till's quantity pad (opened with its
Qty… button first), which sets the selected cart line's quantity. Taps are mouse clicks on the real
buttons, as a finger's are.
"""

from __future__ import annotations

from pos_app.qt.numpad import Numpad
from pos_app.qt.touch_controls import TouchControls, touch_controls
from pos_app.testing.screen import TillScreen


class TouchDriving(TillScreen):
    """Tiles and number pads, by taps."""

    @property
    def _touch(self) -> TouchControls:
        controls = touch_controls(self.window)
        if controls is None:
            raise AssertionError("this till window has no tiles (built without build_main_window)")
        return controls

    def tiles(self) -> list[str]:
        """The tiles on screen, by objectName (tile_<sku>, tileCategory_<category>), in order."""
        self._wait(lambda: self._touch.tiles.built, "the tiles to be shown")
        return [button.objectName() for button in self._touch.tiles.tiles()]

    def tap_tile(self, name: str) -> None:
        """Tap the tile labelled `name` (or of sku / category `name`); an item tile's item is then in the cart."""
        self._ready_for_cart_action(f"tap the tile {name!r}")
        panel = self._touch.tiles
        self._wait(lambda: panel.built, "the tiles to be shown")
        tile = panel.tile(name)
        if tile is None:
            raise AssertionError(f"no tile {name!r} on screen; the tiles are {self.tiles()}.\n{self.screen()}")
        category = tile.objectName().startswith("tileCategory_")
        before = self.window.local.carts.uuid
        self._click(tile)
        if category:
            self._wait(lambda: panel.category is not None, f"the category {name!r} to open")
        else:
            self._wait(lambda: self.window.local.carts.uuid != before or self._message()[1] == "error"
                       or self.window.terms.dialog is not None, f"the tile {name!r} to add its item")

    def tile_back(self) -> None:
        """Back from a category's items to the favourites."""
        self._click(self._touch.tiles.back_button)
        self._wait(lambda: self._touch.tiles.category is None, "the favourites")

    def numpad(self, digits: str, *, enter: bool = True) -> None:
        """Tap `digits` (and Enter) on the number pad in front (see the module's docstring)."""
        pad = self._front_numpad()
        for key in digits:
            self._click(pad.key(key))
        if enter:
            self._click(pad.key("enter"))

    def _front_numpad(self) -> Numpad:
        for name in ("approvalNumpad", "cashNumpad"):
            pads = [p for p in self.window.findChildren(Numpad, name) if p.isVisible()]
            if pads:
                return pads[-1]
        lock = self.window.till_lock
        if lock.locked:
            return lock.numpad
        touch = self._touch
        if not touch.quantity_button.isChecked():
            self._click(touch.quantity_button)
            self._wait(lambda: touch.quantity().isVisible(), "the quantity pad to open")
        return touch.quantity().numpad
