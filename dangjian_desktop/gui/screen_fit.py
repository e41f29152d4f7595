"""Windows and dialogs sized from the screen they open on.

A town laptop has a 1366×768 screen (or 1280×720 at 150 % scaling); a county office may have a
1920×1080 one. `fit_to_screen` is the one place that decides how big a window is:

- the preferred size (or the size the layout asks for), shrunk to the available geometry of the
  screen its parent is on (task bar excluded), leaving room for the title bar and borders;
- a size the user chose before, remembered in the main window's QSettings, restored and clamped;
- a dialog whose content cannot shrink to the screen scrolls its content; its error line and
  buttons stay outside the scrolled part, always visible;
- when shown, the frame is moved (and if need be shrunk) to lie inside the available geometry.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFrame, QLabel, QLayout, QMainWindow, QScrollArea,
                               QVBoxLayout, QWidget)

# Title bar and borders a window manager adds, used until the real frame margins are known.
FRAME_ALLOWANCE = QSize(16, 40)
# Objects kept under the scrolled part of a tall dialog: its error lines and buttons.
FOOTER_NAMES = ("formError", "errorLabel")
SETTINGS_GROUP = "windows"


def screen_of(widget: QWidget) -> QScreen:
    """The screen the widget opens on: its parent window's, else its own, else the primary one."""
    parent = widget.parentWidget()
    for w in (parent.window() if parent is not None else None, widget):
        if w is not None and w.screen() is not None:
            return w.screen()
    return QGuiApplication.primaryScreen()


def available_rect(widget: QWidget) -> QRect:
    return screen_of(widget).availableGeometry()


def frame_extra(widget: QWidget) -> QSize:
    """Width and height the frame adds to the widget: the real margins once shown, else an allowance."""
    if widget.isVisible() and widget.windowHandle() is not None:
        m = widget.windowHandle().frameMargins()
        if m.left() + m.right() + m.top() + m.bottom() > 0:
            return QSize(m.left() + m.right(), m.top() + m.bottom())
    return QSize(FRAME_ALLOWANCE)


def room_for(widget: QWidget) -> QSize:
    """The largest client size whose frame fits the available geometry."""
    avail = available_rect(widget)
    extra = frame_extra(widget)
    return QSize(max(200, avail.width() - extra.width()), max(150, avail.height() - extra.height()))


def settings_for(widget: QWidget) -> QSettings | None:
    """The main window's settings (where sizes are remembered), found through the parent chain."""
    w: QWidget | None = widget
    while w is not None:
        s = getattr(w, "settings", None)
        if isinstance(s, QSettings):
            return s
        w = w.parentWidget()
    return None


def fit_to_screen(widget: QWidget, preferred_w: int | None = None, preferred_h: int | None = None, *,
                  key: str | None = None, settings: QSettings | None = None) -> None:
    """Size a top-level window (or dialog) to its screen; see the module's doc.

    Without a preferred size the layout's own size is used. `key` names the remembered size
    (default: the widget's objectName, or its class when that is not a plain Qt class); the
    settings are `settings` or those of the main window the widget belongs to.
    Call it again to change the preferred size.
    """
    fitter = widget.findChild(_ScreenFit, "screenFit", Qt.FindChildOption.FindDirectChildrenOnly)
    if fitter is None:
        fitter = _ScreenFit(widget)
    fitter.preferred = QSize(preferred_w or 0, preferred_h or 0)
    if key is None:
        own_class = type(widget).__module__.startswith("dangjian_desktop")
        key = widget.objectName() or (type(widget).__name__ if own_class else "")
    fitter.key = key  # "": not remembered
    fitter.settings = settings
    if fitter.preferred.width() or fitter.preferred.height():
        fitter.started = False
        fitter.fit()


def fits(widget: QWidget) -> bool:
    """The window's frame lies inside its screen's available geometry (what the tests check)."""
    return available_rect(widget).contains(widget.frameGeometry())


class _ScreenFit(QObject):
    """The event filter behind fit_to_screen: fits on every show, remembers the size on hide."""

    def __init__(self, widget: QWidget):
        super().__init__(widget)
        self.setObjectName("screenFit")
        self.widget = widget
        self.preferred = QSize(0, 0)
        self.key: str | None = None
        self.settings: QSettings | None = None
        self.started = False  # the first fit takes the remembered or preferred size
        self.scrolled: QScrollArea | None = None
        widget.installEventFilter(self)

    # -- settings ----------------------------------------------------------------------------
    def _settings(self) -> QSettings | None:
        return self.settings if self.settings is not None else settings_for(self.widget)

    def _remembered(self) -> QSize | None:
        s = self._settings()
        if s is None or not self.key:
            return None
        return _size_value(s.value(f"{SETTINGS_GROUP}/{self.key}"))

    def remember(self) -> None:
        s = self._settings()
        w = self.widget
        if s is None or not self.key or w.isMaximized() or w.isFullScreen():
            return
        s.setValue(f"{SETTINGS_GROUP}/{self.key}", f"{w.width()}x{w.height()}")

    # -- fitting -----------------------------------------------------------------------------
    def fit(self, showing: bool = False) -> None:
        w = self.widget
        if w.isMaximized() or w.isFullScreen():
            return
        room = room_for(w)
        if isinstance(w, QDialog):
            self._scroll_if_too_tall(room)
        # When shown, Qt has already sized a window nobody resized to its layout (adjustSize).
        size = QSize(w.size()) if showing or w.testAttribute(Qt.WidgetAttribute.WA_Resized) else w.sizeHint()
        if not self.started:
            self.started = True
            remembered = self._remembered()
            if remembered is not None:
                size = remembered
            else:
                if self.preferred.width():
                    size.setWidth(self.preferred.width())
                if self.preferred.height():
                    size.setHeight(self.preferred.height())
        size = size.expandedTo(w.minimumSizeHint()).boundedTo(room)
        if size != w.size():
            w.resize(size)

    def place(self) -> None:
        """After showing: move the frame inside the available geometry (shrink it if it is larger)."""
        w = self.widget
        if w.isMaximized() or w.isFullScreen():
            return
        avail = available_rect(w)
        frame = w.frameGeometry()
        extra = QSize(frame.width() - w.width(), frame.height() - w.height())
        if frame.width() > avail.width() or frame.height() > avail.height():
            w.resize(QSize(w.width(), w.height()).boundedTo(
                QSize(avail.width() - extra.width(), avail.height() - extra.height())))
            frame = w.frameGeometry()
        x = min(max(frame.x(), avail.left()), avail.right() + 1 - frame.width())
        y = min(max(frame.y(), avail.top()), avail.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            w.move(x, y)

    def _scroll_if_too_tall(self, room: QSize) -> None:
        """Put the dialog's content in a scroll area when it cannot shrink to the screen."""
        dialog = self.widget
        hint = dialog.minimumSizeHint()
        if self.scrolled is not None or (hint.height() <= room.height() and hint.width() <= room.width()):
            return
        old = dialog.layout()
        if old is None:
            return
        footer = [x for x in dialog.findChildren(QDialogButtonBox) if x.parentWidget() is dialog]
        footer = [x for x in dialog.findChildren(QLabel) if x.objectName() in FOOTER_NAMES
                  and x.parentWidget() is dialog] + footer
        body = QWidget()
        body.setObjectName("scrolledBody")
        body.setLayout(old)  # takes the layout and its widgets off the dialog
        for x in footer:
            _take_from(old, x)
        area = QScrollArea(dialog)
        area.setObjectName("dialogScroll")
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        area.setWidget(body)
        # The scrolled part asks for its full width, so only its height scrolls when there is room.
        area.setMinimumWidth(min(body.minimumSizeHint().width() + 24, room.width() - 24))
        outer = QVBoxLayout(dialog)
        margins = old.contentsMargins()
        outer.setContentsMargins(margins)
        old.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(area, 1)
        for x in footer:
            x.setParent(dialog)
            outer.addWidget(x)
            if isinstance(x, QLabel):
                x.setVisible(bool(x.text()))
        self.scrolled = area

    # -- events ------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        # A window being torn down may still send events after Python's collector has cleared this
        # filter's attributes (the filter and its window form a cycle): nothing is left to fit then.
        if obj is getattr(self, "widget", None):
            t = event.type()
            if t == QEvent.Type.Show and not event.spontaneous():
                self.fit(showing=True)
            elif t == QEvent.Type.ShowToParent:
                self.place()
            elif t == QEvent.Type.Hide and not event.spontaneous():
                self.remember()
            elif t == QEvent.Type.LayoutRequest and isinstance(self.widget, QDialog) and self.widget.isVisible():
                # Content grew (an error line appeared): keep the dialog on the screen.
                self._scroll_if_too_tall(room_for(self.widget))
                self.place()
        return False


def _take_from(layout: QLayout, widget: QWidget) -> bool:
    """Remove a widget from a layout or any layout nested in it."""
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is widget:
            layout.takeAt(i)
            return True
        child = item.layout()
        if child is not None and _take_from(child, widget):
            return True
    return False


# ---- the main window ------------------------------------------------------------------------

MAIN_KEY = "mainWindow/geometry"
MAIN_SIZE_KEY = "mainWindow/size"
MAIN_MAXIMIZED_KEY = "mainWindow/maximized"


def _size_value(value) -> QSize | None:
    if isinstance(value, QSize) and value.isValid():
        return value
    if isinstance(value, str) and "x" in value:  # an INI file reads it back as text
        try:
            w, h = (int(x) for x in value.split("x"))
        except ValueError:
            return None
        return QSize(w, h)
    return None


def fit_main_window(window: QMainWindow, settings: QSettings, preferred_w: int = 1280, preferred_h: int = 800) -> None:
    """The main window: the geometry the user left it in, clamped to this screen; else the preferred
    size when it fits, else maximised on a small screen (a 1366×768 laptop)."""
    fit_to_screen(window, preferred_w, preferred_h, key="", settings=settings)
    fitter = window.findChild(_ScreenFit, "screenFit", Qt.FindChildOption.FindDirectChildrenOnly)
    saved = settings.value(MAIN_KEY)
    if isinstance(saved, (QByteArray, bytes)) and window.restoreGeometry(QByteArray(saved)):
        fitter.fit()  # the user's geometry wins over the preferred size, within this screen
        return
    # Qt declines a geometry saved on a screen of quite another width: keep the user's size and state.
    size = _size_value(settings.value(MAIN_SIZE_KEY))
    maximised = str(settings.value(MAIN_MAXIMIZED_KEY, "false")).lower() == "true"
    room = room_for(window)
    if size is not None:
        fit_to_screen(window, size.width(), size.height(), key="", settings=settings)
    if maximised or (size is None and (room.width() < preferred_w or room.height() < preferred_h)):
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    avail = available_rect(window)
    extra = FRAME_ALLOWANCE
    window.move(avail.x() + max(0, (avail.width() - window.width() - extra.width()) // 2),
                avail.y() + max(0, (avail.height() - window.height() - extra.height()) // 2))


def remember_main_window(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(MAIN_KEY, window.saveGeometry())
    normal = window.normalGeometry() if window.isMaximized() else window.geometry()
    settings.setValue(MAIN_SIZE_KEY, f"{normal.width()}x{normal.height()}")
    settings.setValue(MAIN_MAXIMIZED_KEY, "true" if window.isMaximized() else "false")
