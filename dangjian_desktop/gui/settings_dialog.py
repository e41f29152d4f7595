"""设置: the publicity issuer and objection contact printed on publicity sheets, and the PDF font.

Printed values holding an ID number or a private phone are refused (registry.print_settings);
an objection phone that is also a member's phone is saved after a yes/no question, and the
answer is recorded with it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QWidget

from ..db import Database
from ..errors import UserError
from ..registry import get_setting
from ..reports import fonts as pdf_fonts
from ..reports.pdf import SETTING_CONTACT_ADDRESS, SETTING_CONTACT_OFFICE, SETTING_CONTACT_PHONE
from ..registry.print_settings import PhoneConfirmationNeeded, save_settings
from ..reports.round_publicity import SETTING_ISSUER
from .errors import error_text
from .common import question_box
from .forms import load_form
from .screen_fit import fit_to_screen

# Fonts Chinese offices print notices in (installed with Chinese Windows), then free fonts of Linux desktops.
KNOWN_FONTS = (
    ("仿宋", "simfang.ttf"), ("宋体", "simsun.ttc"), ("黑体", "simhei.ttf"), ("楷体", "simkai.ttf"),
    ("方正小标宋", "FZXBSJW.TTF"), ("微软雅黑", "msyh.ttc"),
)
LINUX_FONTS = (
    ("文泉驿微米黑", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ("文泉驿正黑", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
SAMPLE = "关于2025年度星级党组织评定结果的公示 ★★★ 0123456789"
_qt_families: dict[str, str | None] = {}


def installed_fonts() -> list[tuple[str, str]]:
    """(label, path) of the usual Chinese TrueType fonts found on this computer."""
    out: list[tuple[str, str]] = []
    if sys.platform.startswith("win"):
        folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        for label, name in KNOWN_FONTS:
            p = folder / name
            if p.is_file():
                out.append((f"{label}（{name}）", str(p)))
    else:
        for label, path in LINUX_FONTS:
            if Path(path).is_file():
                out.append((f"{label}（{Path(path).name}）", path))
    return out


class SettingsDialog(QObject):
    """Open with `.open()` (window-modal, non-blocking); OK saves every value in one unit of work."""

    saved = Signal(object)

    KEYS = {"issuerEdit": SETTING_ISSUER, "contactOfficeEdit": SETTING_CONTACT_OFFICE,
            "contactPhoneEdit": SETTING_CONTACT_PHONE, "contactAddressEdit": SETTING_CONTACT_ADDRESS}

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.dialog: QDialog = load_form("settings_dialog.ui")
        self.dialog.setParent(parent, self.dialog.windowFlags())
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        fit_to_screen(self.dialog)
        self.current_dialog = None
        self.question: QMessageBox | None = None
        f = self.dialog
        bb: QDialogButtonBox = f.buttonBox
        bb.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        bb.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        bb.accepted.connect(self._accept)
        bb.rejected.connect(f.reject)
        for name, key in self.KEYS.items():
            getattr(f, name).setText(get_setting(db, key) or "")
        try:
            from ..reports.round_publicity import default_issuer

            f.issuerEdit.setPlaceholderText(f"留空则为“{default_issuer(db)}”")
        except Exception:  # noqa: BLE001 - the placeholder is a convenience only
            pass
        combo: QComboBox = f.fontCombo
        combo.addItem(pdf_fonts.BUNDLED_FONT_LABEL, "")
        for label, path in installed_fonts():
            combo.addItem(label, path)
        current = (get_setting(db, pdf_fonts.SETTING_PDF_FONT) or "").strip()
        if current and combo.findData(current) < 0:
            combo.addItem(f"{Path(current).name}（{current}）", current)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.currentIndexChanged.connect(self._font_changed)
        f.browseFontButton.clicked.connect(self.browse_font)
        self._font_changed()
        self.set_error("")
        if db.readonly:
            for name in self.KEYS:
                getattr(f, name).setReadOnly(True)
            combo.setEnabled(False)
            f.browseFontButton.setEnabled(False)
            bb.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            self.set_error("数据库以只读方式打开，设置不能修改。")

    def open(self) -> None:
        self.dialog.open()

    def set_error(self, text: str) -> None:
        self.dialog.formError.setText(text)
        self.dialog.formError.setVisible(bool(text))

    def error_shown(self) -> str:
        return self.dialog.formError.text() if self.dialog.formError.isVisibleTo(self.dialog) else ""

    # -- font -------------------------------------------------------------------------------
    def font_path(self) -> str:
        return self.dialog.fontCombo.currentData() or ""

    def _show_sample(self, path: str) -> None:
        """The sample line drawn in the chosen font (registered with Qt for this screen only)."""
        label = self.dialog.fontSampleLabel
        family = None
        if path:
            if path not in _qt_families:
                fid = QFontDatabase.addApplicationFont(path)
                fams = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
                _qt_families[path] = fams[0] if fams else None
            family = _qt_families[path]
        else:
            from .fonts import bundled_family

            family = bundled_family()
        font = QFont(label.font())
        if family:
            font.setFamilies([family])
        font.setPointSizeF(max(font.pointSizeF(), 12))
        label.setFont(font)
        label.setText(SAMPLE)

    def _font_changed(self, *_args) -> None:
        f = self.dialog
        path = self.font_path()
        self._show_sample(path)
        if not path:
            f.fontInfoLabel.setText("内置字体随程序提供，含常用汉字、数字和★，任何电脑上打印效果一致。")
            f.fontInfoLabel.setStyleSheet("color: #555555;")
            return
        try:
            family = pdf_fonts.validate_font_file(path)
            fonts = pdf_fonts.load_fonts(path)
            gaps = pdf_fonts.missing_glyphs(SAMPLE, fonts.primary)
            note = f"字体：{family}。"
            if gaps:
                note += f"此字体缺少“{''.join(sorted(gaps))}”，这些字符将改用内置字体打印。"
            f.fontInfoLabel.setText(note)
            f.fontInfoLabel.setStyleSheet("color: #555555;")
        except UserError as e:
            f.fontInfoLabel.setText(e.message)
            f.fontInfoLabel.setStyleSheet("color: #c62828;")

    def browse_font(self) -> None:
        start = str(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts") if sys.platform.startswith("win") else ""
        dlg = QFileDialog(self.dialog, "选择 PDF 字体文件", start, "TrueType 字体 (*.ttf *.ttc);;所有文件 (*)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self.choose_font_file)
        self.current_dialog = dlg
        dlg.open()

    def choose_font_file(self, path: str) -> bool:
        """Add a font file to the list and select it; refused (message shown) when it cannot print Chinese."""
        self.set_error("")
        try:
            family = pdf_fonts.validate_font_file(path)
        except UserError as e:
            self.set_error(e.message)
            return False
        combo = self.dialog.fontCombo
        i = combo.findData(path)
        if i < 0:
            combo.addItem(f"{family}（{Path(path).name}）", path)
            i = combo.count() - 1
        combo.setCurrentIndex(i)
        return True

    # -- saving -------------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        out = {key: getattr(self.dialog, name).text().strip() for name, key in self.KEYS.items()}
        out[pdf_fonts.SETTING_PDF_FONT] = self.font_path()
        return out

    def _accept(self) -> None:
        self.save()

    def save(self, confirm_member_phone: bool = False) -> bool:
        """Save every value in one unit of work; False (reason shown, or a question asked) if not."""
        self.set_error("")
        values = self.values()
        try:
            if values[pdf_fonts.SETTING_PDF_FONT]:
                pdf_fonts.validate_font_file(values[pdf_fonts.SETTING_PDF_FONT])
            # Every printed value is checked, changed or not (re-saving asks about an old phone too);
            # only changed ones are written.
            save_settings(self.db, values, confirm_member_phone=confirm_member_phone, reason="修改设置（公示与字体）")
        except PhoneConfirmationNeeded as e:
            self.ask_phone(e.masked)
            return False
        except Exception as e:  # noqa: BLE001 - the dialog stays open with the reason
            self.set_error(error_text(e))
            return False
        self.dialog.accept()
        self.saved.emit(values)
        return True

    def ask_phone(self, masked: str) -> None:
        """The objection phone is a member's phone too: ask once whether it is the office's."""
        box = question_box(
            "确认异议受理电话",
            f"异议受理电话（{masked}）与一名党员登记的个人电话相同，它将印在每一张公示表上。\n\n"
            "这确是本单位对外公开的受理电话吗？选择“是本单位电话”后保存，并记录这次确认；"
            "否则请取消，改填办公电话。",
            self.dialog, yes_text="是本单位电话")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.question = box

        def done(result: int) -> None:
            if self.question is box:
                self.question = None
            if result == QMessageBox.StandardButton.Yes:
                self.save(confirm_member_phone=True)
            else:
                self.set_error("未保存：异议受理电话与党员的个人电话相同，请确认或改填办公电话。")

        box.finished.connect(done)
        box.open()
