"""Load Qt Designer forms from ui/ (checkout or wheel) through one QUiLoader."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, Qt
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QLabel, QWidget

from pos_app.resources import ui_path


def load_form(name: str, parent: QWidget | None = None, custom_widgets: tuple[type, ...] = ()) -> QWidget:
    """The top widget of ui/<name>, built as a child of parent; find its parts with findChild."""
    loader = _new_loader()
    for widget_class in custom_widgets:
        loader.registerCustomWidget(widget_class)
    file = QFile(str(ui_path(name)))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise OSError(f"cannot open {file.fileName()}: {file.errorString()}")
    try:
        form = loader.load(file, parent)
    finally:
        file.close()
    if form is None:
        raise RuntimeError(f"cannot load {name}: {loader.errorString()}")
    plain_text_labels(form)
    if parent is not None:  # every control gets an accessible name and description once its window shows
        from pos_app.qt.accessible import describe_on_first_show
        describe_on_first_show(parent.window())
    return form


def _new_loader() -> QUiLoader:
    """A QUiLoader that loads no Qt Designer plugins. Its constructor loads every plugin in the
    library paths' designer/ folders (PySide6 ships QQuickWidget's and QWebEngineView's: QtQuick
    and QtWebEngine, 20-35 ms of the cold start); our forms use none (their own widgets are
    registered with registerCustomWidget), so the paths are empty while it is made."""
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        return QUiLoader()
    finally:
        QCoreApplication.setLibraryPaths(paths)


def plain_text_labels(widget: QWidget) -> None:
    """Every label shows its text as plain text unless its form asks for rich text.

    Qt's default (AutoText) renders anything that looks like HTML: an item named
    "<span style='font-size:40pt'>PAID</span>" would be big text in the message bar.
    """
    for label in widget.findChildren(QLabel):
        if label.textFormat() == Qt.TextFormat.AutoText:
            label.setTextFormat(Qt.TextFormat.PlainText)


def child(parent: QWidget, cls: type, name: str):
    """findChild that fails loudly: a renamed widget in a .ui form is a bug, not a None."""
    widget = parent.findChild(cls, name)
    if widget is None:
        raise LookupError(f"{parent.objectName() or type(parent).__name__} has no {cls.__name__} {name!r}")
    return widget


def plain_tooltip(text: str) -> str:
    """A tooltip that shows text as it is: Qt renders tooltips that look like HTML as HTML, so the
    text is escaped inside a paragraph that keeps its spaces."""
    return f"<p style='white-space:pre'>{escape(text, quote=False)}</p>"
