"""Devices at the till: the cash drawer (and, through it, the receipt printer that kicks it)."""

from pos_app.devices.drawer import CashDrawer, DrawerKick

__all__ = ["CashDrawer", "DrawerKick"]
