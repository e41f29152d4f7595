"""评定规则: how a scheme rates (ui/schemes_rule.ui): the rule in words, 分数取整, the levels (name,
lowest score, stars, full title) and the vetoes, edited in place; quotas, bonuses, consequences,
notes and the resolutions of the document's inconsistencies as text (edited in Excel).

The panel changes the scheme it shows and says so with `edited(vetoes)` (vetoes: the veto list
changed, so the 试算 table is rebuilt)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTableWidgetItem, QWidget

from ...schemes import model as m
from ...schemes import star_word
from ...schemes.model import fmt_num
from ..forms import load_form
from ..kit.messages import slot
from ..kit.plain_text import literal
from .cells import compact, fit_height, parse_number, put_in_place
from .rounding_row import RoundingRow


class RulePanel(QWidget):
    edited = Signal(bool)  # the rule changed; True: the vetoes changed

    def __init__(self, tab: Any, parent: QWidget | None = None):
        """`tab`: the page, where errors are shown."""
        super().__init__(parent)
        self.tab = tab
        self.scheme: m.Scheme | None = None
        self._loading = False
        self.form = f = load_form("schemes_rule.ui", self)
        self.rule_label, self.levels_table, self.vetoes_label = f.ruleLabel, f.levelsTable, f.vetoesLabel
        self.vetoes_table, self.rule_text = f.vetoesTable, f.ruleText
        self.add_veto_button, self.remove_veto_button = f.addVetoButton, f.removeVetoButton
        self.rounding_row = put_in_place(f.roundingPlaceholder, RoundingRow(f))
        self.levels_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.vetoes_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        compact(self.levels_table)
        compact(self.vetoes_table)
        self.rounding_row.changed.connect(self._rounding_changed)
        self.levels_table.itemChanged.connect(self._on_level_edit)
        self.vetoes_table.itemChanged.connect(self._on_veto_edit)
        self.add_veto_button.clicked.connect(self.add_veto)
        self.remove_veto_button.clicked.connect(self.remove_veto)

    # ---- showing ----------------------------------------------------------------------------------
    def show_scheme(self, scheme: m.Scheme) -> None:
        self.scheme = scheme
        self.fill()

    def fill(self) -> None:
        s = self.scheme
        rule = s.rating
        self._loading = True
        text = f"评定方式：{m.RULE_LABELS.get(rule.kind, rule.kind)}"
        if rule.kind == m.SECTION_STARS:
            text += f"；每部分达到 {fmt_num(rule.bar)} 分得一星"
        if rule.veto_rating:
            text += f"；有否决项时评定为“{rule.veto_rating}”"
        if rule.award:
            text += f"；“{'、'.join(rule.award.levels)}”可评为“{rule.award.name}”"
        if rule.note:
            text += f"\n文件原文：{rule.note}"
        self.rule_label.setText(text)
        self.rounding_row.set_value(rule.rounding, applies=rule.kind != m.CLASSIFICATION)
        self.levels_table.setRowCount(len(rule.levels))
        for r, lv in enumerate(rule.levels):
            for c, val in enumerate((lv.name, fmt_num(lv.min) if lv.min is not None else "",
                                     "" if lv.stars is None else str(lv.stars), lv.label or "")):
                self.levels_table.setItem(r, c, QTableWidgetItem(val))
        self.vetoes_label.setText("否决项" + ("（文件列举后写“等等”，可补充）" if s.vetoes_open else "") +
                                  ("" if s.vetoes else "：本方案没有否决项"))
        self.vetoes_table.setRowCount(len(s.vetoes))
        for r, v in enumerate(s.vetoes):
            self.vetoes_table.setItem(r, 0, QTableWidgetItem(v.code))
            self.vetoes_table.setItem(r, 1, QTableWidgetItem(v.title))
        fit_height(self.levels_table)
        fit_height(self.vetoes_table, 6)
        self._loading = False
        self.fill_text()

    def fill_text(self) -> None:
        """Quotas, bonuses, consequences, notes and resolutions (edited in Excel)."""
        self.rule_text.setHtml(rule_html(self.scheme) or "（无）")

    # ---- editing ----------------------------------------------------------------------------------
    @slot
    def _on_level_edit(self, it: QTableWidgetItem) -> None:
        if self._loading:
            return
        lv = self.scheme.rating.levels[it.row()]
        text = it.text().strip()
        try:
            if it.column() == 0:
                if not text:
                    raise ValueError("等次名称不能为空")
                self.scheme.rename_level(lv, text)
            elif it.column() == 1:
                lv.min = parse_number(text)
            elif it.column() == 2:
                v = parse_number(text)
                if v is not None and (not isinstance(v, int) or v < 0):
                    raise ValueError("星数应为不小于 0 的整数")
                lv.stars = v
            else:
                lv.label = text or None
        except ValueError as e:
            QMessageBox.warning(self, "输入有误", literal(str(e) + "。"))  # it may name a level
            self.fill()
            return
        self.edited.emit(False)

    def _rounding_changed(self, rounding: str) -> None:
        if self._loading or self.scheme is None or self.scheme.rating.rounding == rounding:
            return
        self.scheme.rating.rounding = rounding
        self.edited.emit(False)

    @slot
    def _on_veto_edit(self, it: QTableWidgetItem) -> None:
        if self._loading:
            return
        v = self.scheme.vetoes[it.row()]
        text = it.text().strip()
        if not text:
            QMessageBox.warning(self, "输入有误", "否决项的编号和内容不能为空。")
            self.fill()
            return
        if it.column() == 0:
            v.code = text
        else:
            v.title = text
        self.edited.emit(True)

    @slot
    def add_veto(self) -> None:
        if self.scheme is None:
            return
        used = {v.code for v in self.scheme.vetoes}
        n = 1
        while f"V{n}" in used:
            n += 1
        self.scheme.vetoes.append(m.Veto(code=f"V{n}", title="新否决项"))
        self.fill()
        self.edited.emit(True)
        self.vetoes_table.setCurrentCell(len(self.scheme.vetoes) - 1, 1)

    @slot
    def remove_veto(self) -> None:
        row = self.vetoes_table.currentRow()
        if self.scheme is None or not 0 <= row < len(self.scheme.vetoes):
            return
        del self.scheme.vetoes[row]
        self.fill()
        self.edited.emit(True)


def condition_text(c: m.Consequence) -> str:
    """When a consequence applies, in words."""
    if c.kind == m.RUN:
        years = f"{c.min_years}" + (f"—{c.max_years}" if c.max_years and c.max_years != c.min_years else
                                    ("" if c.max_years else " 年及以上"))
        return f"连续 {years} 年评为{'、'.join(c.ratings)}".replace("年及以上 年", "年及以上")
    if c.kind == m.RATING_IN:
        return "评为" + "、".join(c.ratings)
    if c.kind == m.STARS_AT_MOST:
        return f"{star_word(c.stars or 0)}及以下"
    if c.kind == m.STAR_LOSS:
        return "比上年减星"
    if c.kind == m.TOWN_NO_AWARD:
        return f"全镇连续 {c.min_years} 年无表彰"
    return c.kind


def rule_html(s: m.Scheme) -> str:
    """The parts of a scheme edited in Excel, as rich text ('' when it has none). The scheme's own
    texts (a file from anywhere) are escaped: shown as written, never read as markup."""
    e = escape
    html = []
    if s.quotas:
        html.append("<b>名额</b><ul>" + "".join(
            f"<li>{e(q.code)}：{e('、'.join(q.ratings))} {m.BOUND_LABELS.get(q.bound)} "
            f"{fmt_num(q.percent) + '%' if q.percent is not None else str(q.count) + ' 个'}"
            f"（{m.SCOPE_LABELS.get(q.scope)}{'，强制' if q.enforced else '，提示'}）"
            + (f"；例外：{e('、'.join(f'{t} {n} 个' for t, n in q.exceptions.items()))}" if q.exceptions else "")
            + (f"<br><span style='color:#555'>{e(q.note)}</span>" if q.note else "") + "</li>"
            for q in s.quotas) + "</ul>")
    if s.bonuses:
        html.append("<p><b>加分</b>：" + e("，".join(f"{k} {fmt_num(v)} 分" for k, v in s.bonuses.items())) + "</p>")
    if s.consequences:
        html.append("<b>后果</b><ul>" + "".join(
            f"<li>{e(c.code)}（{e(condition_text(c))}）：{e(c.title)}</li>" for c in s.consequences) + "</ul>")
    if s.notes:
        html.append("<b>说明</b><ul>" + "".join(f"<li>{e(n)}</li>" for n in s.notes) + "</ul>")
    if s.resolutions:
        html.append("<b>不一致的处理</b><ul>" + "".join(f"<li>{e(r.text)}</li>" for r in s.resolutions) + "</ul>")
    return "".join(html)
