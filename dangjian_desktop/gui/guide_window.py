"""The user guide (使用说明): resources/guide/index.html in a window of its own.

Opened from 帮助 → 使用说明 (F1) of the main window, at the section about the tab that is
showing. The guide is hand-written HTML kept to what QTextBrowser renders; its pictures are
made from the real program by scripts/guide_screenshots.py. Pictures wider than the window
are shown scaled down (smoothly) to fit, so the window works on a 1366×768 screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout, QWidget)

from .. import APP_TITLE
from ..paths import resource

#: The section (anchor in index.html) about each tab of the main window, for F1.
TAB_SECTIONS = {"RegistryTab": "registry", "PointsTab": "points", "AssessmentTab": "round",
                "ReportsTab": "results", "StatisticsPage": "statistics", "LedgersPage": "ledgers"}
PREFERRED = QSize(1120, 720)
MARGIN = 14  # around the text, inside the window
BASE_POINTS = 11.0  # the text size; comfortable for reading on a laptop screen
IMAGE_RESOURCE = int(QTextDocument.ResourceType.ImageResource.value)


def guide_path() -> Path:
    return resource("guide", "index.html")


class GuideBrowser(QTextBrowser):
    """A QTextBrowser that shows the guide's pictures no wider than its viewport."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.document().setDocumentMargin(MARGIN)
        font = self.document().defaultFont()
        font.setPointSizeF(BASE_POINTS)  # headings scale from it, and 字大/字小 change it
        self.document().setDefaultFont(font)
        self.natural: dict[str, QImage] = {}  # image file -> the picture at its own size
        self.asked: dict[str, set[str]] = {}  # image file -> the names the document asked for it by
        self.fitted_width = 0  # the room the pictures were fitted to (0: none loaded yet)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(120)
        self._refit.timeout.connect(self.fit_images)

    def image_room(self) -> int:
        """The widest a picture may be: the viewport less the document's margins."""
        return max(160, self.viewport().width() - 2 * int(self.document().documentMargin()) - 8)

    def _image_path(self, url: QUrl) -> str:
        if url.isRelative() and self.source().isValid():
            url = self.source().resolved(url)
        return url.toLocalFile() if url.isLocalFile() else ""

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt API
        if int(kind) == IMAGE_RESOURCE:
            path = self._image_path(url)
            if path:
                image = self.natural.get(path)
                if image is None:
                    image = QImage(path)
                    if image.isNull():
                        return super().loadResource(kind, url)
                    self.natural[path] = image
                self.asked.setdefault(path, set()).add(url.toString())
                if not self.fitted_width:
                    self.fitted_width = self.image_room()
                return self._fitted(image, self.fitted_width)
        return super().loadResource(kind, url)

    @staticmethod
    def _fitted(image: QImage, room: int) -> QImage:
        if image.width() <= room:
            return image
        return image.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.natural:
            self._refit.start()

    def fit_images(self) -> None:
        """Re-fit the pictures after the window changed width; the line at the top stays at the top."""
        room = self.image_room()
        widest = max((img.width() for img in self.natural.values()), default=0)
        if min(room, widest) == min(self.fitted_width, widest):
            self.fitted_width = room
            return
        top = self.cursorForPosition(QPoint(0, 0))
        doc = self.document()
        for path, image in self.natural.items():
            fitted = self._fitted(image, room)
            for name in self.asked.get(path, ()):
                doc.addResource(IMAGE_RESOURCE, QUrl(name), fitted)
        self.fitted_width = room
        doc.markContentsDirty(0, doc.characterCount())
        self.scroll_to_position(top.position())

    def scroll_to_position(self, position: int) -> None:
        """Scroll so that the line holding the character at `position` is the first one shown."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(position, self.document().characterCount() - 1))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top())


class GuideWindow(QWidget):
    """使用说明: the guide with 目录 / 后退 / 前进, find-in-text and text size."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"使用说明 - {APP_TITLE}")
        # Closing the main window ends the program even while the guide is open.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        bar = QHBoxLayout()
        self.home_button = QPushButton("目录(&M)")
        self.back_button = QPushButton("后退(&B)")
        self.forward_button = QPushButton("前进")
        for b in (self.home_button, self.back_button, self.forward_button):
            bar.addWidget(b)
        bar.addSpacing(16)
        find_label = QLabel("查找(&F)：")
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("输入要查找的文字，按回车找下一处")
        self.find_edit.setClearButtonEnabled(True)
        find_label.setBuddy(self.find_edit)
        bar.addWidget(find_label)
        bar.addWidget(self.find_edit, 1)
        self.find_status = QLabel()
        self.find_status.setStyleSheet("color: #c62828;")
        bar.addWidget(self.find_status)
        bar.addSpacing(16)
        self.smaller_button = QPushButton("字小")
        self.larger_button = QPushButton("字大")
        bar.addWidget(self.smaller_button)
        bar.addWidget(self.larger_button)
        lay.addLayout(bar)
        self.browser = GuideBrowser(self)
        lay.addWidget(self.browser, 1)

        self.home_button.clicked.connect(lambda: self.show_section("toc"))
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        self.find_edit.returnPressed.connect(self.find_next)
        self.find_edit.textChanged.connect(lambda _t: self.find_status.clear())
        self.smaller_button.clicked.connect(lambda: self.browser.zoomOut(1))
        self.larger_button.clicked.connect(lambda: self.browser.zoomIn(1))
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_find)
        QShortcut(QKeySequence("Escape"), self, activated=self.close)

        self.resize(self.preferred_size())
        lay.activate()  # the browser takes its width now: the pictures are fitted to it as they load
        path = guide_path()
        if path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(path)))
        else:  # a damaged installation: say where the file should be
            self.browser.setHtml(f"<h2>找不到使用说明</h2><p>应在：{path}</p>"
                                 "<p>请重新安装程序，或运行“党建台账自检”检查安装。</p>")

    def preferred_size(self) -> QSize:
        """PREFERRED, shrunk to the screen (a 1366×768 laptop leaves room for the task bar and frame)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        avail = screen.availableGeometry() if screen is not None else None
        if avail is None or avail.isEmpty():
            return QSize(PREFERRED)
        return QSize(min(PREFERRED.width(), avail.width() - 40), min(PREFERRED.height(), avail.height() - 50))

    def show_section(self, anchor: str) -> None:
        self.browser.scrollToAnchor(anchor)

    def _focus_find(self) -> None:
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_next(self) -> bool:
        """Select the next place the text occurs (from the top again after the last one)."""
        text = self.find_edit.text().strip()
        if not text:
            return False
        found = self.browser.find(text)
        if not found:  # wrap around
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            found = self.browser.find(text)
        self.find_status.setText("" if found else "没有找到")
        return found


def open_guide(window) -> GuideWindow:
    """Show the guide (one window per main window) at the section about the tab that is showing.

    The guide is a window of its own, not a child of the main window, so the clerk can put
    either in front while following the steps; it closes when the main window goes away.
    """
    guide = getattr(window, "guide_window", None)
    if guide is None:
        guide = GuideWindow()
        guide.setWindowIcon(window.windowIcon())
        window.guide_window = guide
        window.destroyed.connect(guide.close)
    anchor = None
    if getattr(window, "db", None) is not None and hasattr(window, "tabs"):
        anchor = TAB_SECTIONS.get(type(window.tabs.currentWidget()).__name__)
    if guide.isVisible():
        bring_forward(guide)
    else:
        guide.show()
    if anchor:
        guide.show_section(anchor)
    return guide


def bring_forward(widget: QWidget) -> None:
    """Un-minimise a window and put it in front (the offscreen platform has no stacking to change)."""
    widget.setWindowState(widget.windowState() & ~Qt.WindowState.WindowMinimized)
    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
        widget.activateWindow()
