"""The publicity sheet (公示) of an assessment round: gathers the round's results and hands them
to the shared publicity-sheet builder (reports.pdf), which embeds the font and guards privacy.

Settings (registry get_setting/set_setting):
    publicity_issuer            发布单位 (落款), default 中共<town>委员会 / 中共<county>委员会组织部
    publicity_contact_office    受理单位   (reports.pdf.SETTING_CONTACT_OFFICE)
    publicity_contact_phone     受理电话   (reports.pdf.SETTING_CONTACT_PHONE)
    publicity_contact_address   来信来访地址 (reports.pdf.SETTING_CONTACT_ADDRESS)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import dates
from ..db import Database
from ..errors import UserError
from ..schemes.model import fmt_num, quoted

SETTING_ISSUER = "publicity_issuer"


# Sheets in these states have a reviewed result that may be published — when no 考核分 is blank.
PUBLISHABLE = ("公示", "申诉", "确定")


@dataclass
class PublicityOptions:
    paper: str = "A4"  # A4 | A3
    landscape: bool = False
    start: dt.date | str | None = None  # first day of publicity (default: the round's if still ahead, else today)
    title: str | None = None  # default: 关于<office><round title>结果的公示
    opening: str | None = None
    issue_date: dt.date | str | None = None  # default: the first day of publicity
    issuer: str | None = None  # default: the setting, else derived from the office


def default_issuer(db: Database) -> str:
    """The setting publicity_issuer, else 中共<town>委员会 (town) / 中共<county>委员会组织部 (county)."""
    from ..registry import get_setting, local_office

    value = (get_setting(db, SETTING_ISSUER) or "").strip()
    if value:
        return value
    office = local_office(db)
    name = office["name"]
    return f"中共{name}委员会" if office["level"] == "town" else f"中共{name}委员会组织部"


@dataclass
class PublicityInfo:
    """What the sheet will show, for the preview dialog and the CLI."""

    sheet: object  # reports.pdf.PublicitySheet
    rows: int
    left_out: int  # branches whose review is not complete (before 公示, or a 考核分 blank): not printed
    start: dt.date
    end: dt.date
    warnings: list[str] = field(default_factory=list)  # the period has ended, starts too early …
    end_unconfirmed: list[int] = field(default_factory=list)  # years the end was counted Monday–Friday for
    # Branches left out because a veto the registry's data proves awaits the reviewer (veto_proposals)
    vetoes_pending: list[str] = field(default_factory=list)

    @property
    def end_text(self) -> str:
        """The last day as printed: marked 未确认 when it rests on a year without a holiday table."""
        return end_text(self.end, self.end_unconfirmed)


def end_text(end: dt.date, unconfirmed) -> str:
    """'2027年1月4日（未确认：2027年放假安排尚未录入）', or the plain date."""
    from ..assessment.workdays import unconfirmed_note

    return dates.format_cn(end) + (f"（{unconfirmed_note(unconfirmed)}）" if unconfirmed else "")


def default_start(rnd, today: dt.date | None = None) -> dt.date:
    """The round's publicity date while it is still ahead, otherwise today."""
    today = today or dates.today()
    if rnd.publicity_start and rnd.publicity_start >= today.isoformat():
        return dates.parse_iso(rnd.publicity_start)
    return today


def _start(db: Database, rnd, value, today: dt.date) -> dt.date:
    if value is None:
        return default_start(rnd, today)
    if isinstance(value, dt.date):
        return value
    try:
        return dates.parse_iso(str(value))
    except ValueError:
        raise UserError(f"公示开始日期“{value}”无效，应为 2026-03-01 这样的格式。") from None


def period_warnings(rnd, start: dt.date, end: dt.date, unknown: list[int], today: dt.date) -> list[str]:
    """What is wrong with a publicity period about to be printed."""
    out = []
    if end < today:
        out.append(f"公示期 {dates.format_cn(start)}至{dates.format_cn(end)} 已于{dates.format_cn(end)}结束，"
                   f"张贴这张公示表已无意义，请改为今天或之后的日期。")
    if rnd.review_due and start.isoformat() < rnd.review_due:
        out.append(f"公示开始日期 {dates.format_cn(start)} 早于本轮的审核截止日期 {dates.format_cn(rnd.review_due)}。")
    if unknown:
        years = "、".join(str(y) for y in unknown)
        out.append(f"公示截止日 {dates.format_cn(end)} 未确认：{years} 年的放假安排尚未录入，暂按周一至周五推算，"
                   f"公示表上印作“{end_text(end, unknown)}”。请先录入该年的放假安排或确认按周一至周五计算。")
    return out


def prepare(db: Database, round_id: str, options: PublicityOptions | None = None, *,
            today: dt.date | None = None) -> PublicityInfo:
    """Gather the round's results into a PublicitySheet (nothing is written).

    Only branches whose review is complete are printed (at 公示 or later, no 考核分 blank); the
    sheet says how many are pending. Titles and levels a quota caps are printed as the reviewer
    decided; while a cap is exceeded without a decision the sheet is refused.
    """
    from ..assessment.rounds import get_round
    from ..assessment.results import rate_round
    from ..assessment.workdays import calendar
    from ..registry import get_setting, local_office
    from .fonts import SETTING_PDF_FONT
    from .pdf import Column, PublicitySheet, contact_from_settings, stars
    from ..privacy import load_private_numbers

    opt = options or PublicityOptions()
    if opt.paper not in ("A4", "A3"):
        raise UserError("纸张只能是 A4 或 A3。")
    rnd = get_round(db, round_id)
    scheme = rnd.scheme
    today = today or dates.today()
    rating = rate_round(db, round_id, proposals=False)
    shown = [b for b in rating.branches if b.state in PUBLISHABLE and b.result is not None and not b.provisional]
    # A veto the data proves that nobody has confirmed or dismissed yet: the review is not complete,
    # and a result is never published with an unread proposal (assessment.gates).
    from ..assessment.veto_proposals import pending_vetoes

    waiting = {b.sheet_id for b in shown if b.state != "确定" and pending_vetoes(db, b.sheet_id, today=today)}
    vetoes_pending = [b.org_name for b in shown if b.sheet_id in waiting]
    shown = [b for b in shown if b.sheet_id not in waiting]
    left_out = len(rating.branches) - len(shown)
    if not shown:
        raise UserError(f"“{rnd.title}”还没有审核完毕的党组织（须进入公示环节、考核分全部填写，"
                        f"据组织台账提出的否决项已逐项确认或驳回），暂无可公示的结果。")
    undecided = sorted({t for b in shown for t in b.quota_pending})
    if undecided:
        names = "、".join(b.org_name for b in shown if b.quota_pending)
        raise UserError(f"“{'、'.join(undecided)}”符合条件的党组织超过名额，尚未确定名单（涉及：{names}）。"
                        f"公示表只印审核人确定的结果，请先确定名单（命令 dangjian rounds quota 查看）。")
    many_towns = len({b.office_id for b in rating.branches}) > 1
    has_stars = scheme.rating.has_stars
    award = scheme.rating.award
    points = scheme.rating.kind != "classification"
    shown.sort(key=lambda b: (b.town if many_towns else "", -(b.result.rank), -(b.total or 0), b.org_name))

    columns = [Column("序号", 0.7)]
    if many_towns:
        columns.append(Column("乡镇", 1.0))
    columns += [Column("党组织名称", 2.8 if many_towns else 3.0, "left"), Column("类别", 1.25)]
    if points:
        columns.append(Column("总分", 0.8))
    columns.append(Column("评定等次", 1.75 if scheme.rating.veto_rating and len(scheme.rating.veto_rating) > 4 else 1.2))
    if has_stars:
        # Wide enough for ★★★★★ at the builder's star size.
        columns.append(Column("星级", 2.0))
    if award is not None:
        columns.append(Column("称号", 1.3))
    rows = []
    for n, b in enumerate(shown, start=1):
        row: list = [n]
        if many_towns:
            row.append(b.town)
        row += [b.org_name, b.kind or ""]
        if points:
            row.append(fmt_num(b.total))
        row.append(b.rating or "")
        if has_stars:
            row.append(stars(b.stars) if b.stars else "—")
        if award is not None:
            row.append(award.name if b.award else "")
        rows.append(row)

    office = local_office(db)
    start = _start(db, rnd, opt.start, today)
    cal = calendar(db)
    end = cal.window_end(start, rnd.appeal_days)
    unknown = cal.unknown_years(start, end)
    title = (opt.title or "").strip() or f"关于{office['name']}{rnd.title}结果的公示"
    source = scheme.source.title
    steps = "党组织自评、" + ("抽签交叉初评、" if db.scalar("SELECT 1 FROM round_lot WHERE round_id = ?", (round_id,))
                          else "初审、") + "审核评定"
    opening = opt.opening if opt.opening is not None else (
        (f"根据《{source.strip('《》')}》要求，" if source else f"根据{quoted(scheme.name)}有关要求，")
        + f"经{steps}，{office['name']}{rnd.year}年度{'星级党组织' if has_stars else scheme.name}评定工作已基本完成。"
        + f"现将{len(rows)}个党组织的评定结果予以公示，接受党员群众监督。")
    notes = []
    if scheme.rating.note:
        notes.append(f"评定标准：{scheme.rating.note}")
    if points:
        from ..schemes.rounding import rounding_text

        notes.append(rounding_text(scheme.rating.rounding))
    if left_out:
        notes.append(f"另有 {left_out} 个党组织的考核尚未审核完毕，未列入本次公示，审核完毕后另行公示。")
    vetoed = sum(1 for b in shown if b.vetoed)
    if vetoed and scheme.rating.veto_rating:
        notes.append(f"按规定触发否决情形的党组织评定为“{scheme.rating.veto_rating}”。")
    issuer = (opt.issuer or "").strip() or default_issuer(db)
    contact = contact_from_settings(db)
    if not contact.office.strip():
        # Objections go to the issuing body unless the settings name another office.
        contact = replace(contact, office=issuer.splitlines()[0])
    from ..assessment.workdays import unconfirmed_note

    sheet = PublicitySheet(
        title=title, issuer=issuer, columns=columns, rows=rows,
        period_start=start, period_end=end, period_end_note=unconfirmed_note(unknown) if unknown else "",
        contact=contact, opening=opening, notes=notes,
        issue_date=opt.issue_date or start, paper=opt.paper,
        orientation="landscape" if opt.landscape else "portrait",
        font_path=(get_setting(db, SETTING_PDF_FONT) or "").strip() or None,
        privacy_source=lambda: load_private_numbers(db))
    return PublicityInfo(sheet, len(rows), left_out, start, end, period_warnings(rnd, start, end, unknown, today),
                         unknown, vetoes_pending)


def vetoes_pending_text(names: list[str]) -> str:
    """What the clerk is told about branches left out for a veto proposal awaiting the reviewer."""
    if not names:
        return ""
    listed = "、".join(names[:5]) + (f"等 {len(names)} 个党组织" if len(names) > 5 else "")
    return (f"{listed}有据组织台账提出的否决项待审核人确认或驳回，未列入本次公示"
            f"（在考核表的“否决项”中逐项决定，或用命令 dangjian rounds vetoes 查看）。")


@dataclass
class PublicityPdf:
    """A publicity sheet built for a preview: the PDF, what it holds, what to tell the clerk."""

    data: bytes
    info: PublicityInfo
    warnings: list[str]  # the period's warnings (info.warnings), then the builder's (a font replaced …)


def publicity_pdf(db: Database, round_id: str, options: PublicityOptions | None = None) -> PublicityPdf:
    """Build the round's sheet as PDF bytes with what it holds (nothing is written). Built while
    `db` is open: the privacy guard reads its members' numbers."""
    from .pdf import build_publicity_pdf

    info = prepare(db, round_id, options)
    built: list[str] = []
    info.sheet.on_warning = built.append
    data = build_publicity_pdf(info.sheet)
    left = [vetoes_pending_text(info.vetoes_pending)] if info.vetoes_pending else []
    return PublicityPdf(data, info, list(info.warnings) + left + built)


def publicity_sheet(db: Database, round_id: str, options: PublicityOptions | None = None):
    """The reports.pdf.PublicitySheet for the round (title, opening, rows, period, contact)."""
    return prepare(db, round_id, options).sheet


def build_round_publicity(db: Database, round_id: str, out: str | Path | None = None,
                          options: PublicityOptions | None = None) -> bytes | Path:
    """Build the PDF; returns bytes, or the path when `out` is given (written atomically).

    Only branches whose review is complete (公示 and later, no blank 考核分) are printed. Raises
    UserError when none is, when no objection contact is set, or when a cell would
    publish an ID or phone number (the builder's privacy guard).
    """
    from .pdf import build_publicity_pdf

    return build_publicity_pdf(prepare(db, round_id, options).sheet, out)
