"""Stored text is shown as plain text: a catalogue name that looks like HTML is not rendered as HTML
in the message bar, the cart, the tooltips or the receipt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_app.domain.item import Item
from pos_app.domain.money import Money

EVIL = "<span style='font-size:40pt'>PAID</span>"


def test_a_name_that_looks_like_html_is_shown_as_text(pos, tmp_path):
    window = pos.window
    window.local.store.catalogue.upsert([Item("evil", EVIL, Money(250, "usd"))])
    pos.add("evil")
    message = window.message_label
    assert message.text() == f"Added {EVIL}"
    width = message.width()
    height = message.heightForWidth(width)
    window.grab().save(str(tmp_path / "plain-text.png"))
    window.show_info("Added " + "x" * len(EVIL))
    # As text, it is as high as any message of that length (as rich text, 40 pt made it 2-3 times higher).
    assert height == message.heightForWidth(width), (height, message.heightForWidth(width))
    for label in window.findChildren(QLabel):
        assert label.textFormat() != Qt.TextFormat.AutoText, label.objectName()
    tip = window.catalogue_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;span" in tip and "<span style='font-size:40pt'>" not in tip


def test_every_form_shows_its_labels_as_plain_text_unless_it_asks_for_rich_text(qtbot):
    from pos_app.qt.forms import load_form

    for name in ("main_window.ui", "history_window.ui", "refund_dialog.ui", "report_dialog.ui", "cash_dialog.ui"):
        form = load_form(name)
        qtbot.addWidget(form)
        for label in form.findChildren(QLabel):
            expected = Qt.TextFormat.RichText if label.objectName() == "refundTitle" else Qt.TextFormat.PlainText
            assert label.textFormat() == expected, (name, label.objectName())
