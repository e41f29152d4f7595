"""Settings printed on publicity sheets (落款, objection contact): refused when saved if they hold
an ID number or a private phone, by the same PrivacyGuard the PDF builders use.

The objection phone may be a mobile. When it is also a member's phone the clerk confirms it
once: the CLI refuses with PhoneConfirmationNeeded (its message tells how to confirm), the GUI
asks with a yes/no box; the answer is the setting CONFIRMED_PHONE_KEY (the confirmed digits),
written in the same logged unit of work as the phone.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..errors import UserError
from ..privacy import CONFIRMED_PHONE_KEY, PhoneConfirmationNeeded, PrivacyGuard, digits_of

__all__ = ["PRINTED", "CONTACT_PHONE_KEY", "CONFIRMED_PHONE_KEY", "PhoneConfirmationNeeded",
           "check_printed_settings", "save_settings"]

CONTACT_PHONE_KEY = "publicity_contact_phone"

#: Values that end up on a printed page, with the name the refusal gives them. The first four
#: are settings (table `setting`); `operator` is the database's meta value, printed as the
#: person who drew the lots.
PRINTED = {
    "publicity_issuer": "公示发布单位（落款）",
    "publicity_contact_office": "异议受理单位",
    CONTACT_PHONE_KEY: "异议受理电话",
    "publicity_contact_address": "来信来访地址",
    "operator": "操作人姓名",
}

ACTION = "不能保存（它会被打印出来）"
#: The longest value a line of the publicity sheet holds.
MAX_CHARS = {"publicity_issuer": 60, "publicity_contact_office": 60, "publicity_contact_address": 120,
             CONTACT_PHONE_KEY: 40}
# A phone as printed: digits (half or full width), dashes, spaces, brackets, an extension (转801);
# 5 digits at least (12380, the reporting line) and 20 at most.
_PHONE_TEXT = re.compile(r"[0-9０-９\-－—\s（）()]+(?:转[0-9０-９]+)?")


def _check_form(key: str, value: str) -> None:
    if len(value) > MAX_CHARS.get(key, 10 ** 6):
        raise UserError(f"{PRINTED[key]}最多{MAX_CHARS[key]}个字，现在有{len(value)}个字。")
    if key == CONTACT_PHONE_KEY and (not _PHONE_TEXT.fullmatch(value) or not 5 <= len(digits_of(value)) <= 20):
        raise UserError(f"{PRINTED[key]}不是电话号码：请填写如 0359-7123456、12380 这样的号码。")


def check_printed_settings(db, values: Mapping[str, str | None], *,
                           confirm_member_phone: bool = False) -> dict[str, str]:
    """Refuse (PrivacyError) printed values holding an ID number or a private phone, and an
    objection phone that is a member's unless confirmed (PhoneConfirmationNeeded). Returns the
    further settings to write with them: the confirmation, when one is given now."""
    printed = {k: (v or "").strip() for k, v in values.items() if k in PRINTED and (v or "").strip()}
    if not printed:
        return {}
    guard = PrivacyGuard.for_db(db)
    extra: dict[str, str] = {}
    for key, value in printed.items():
        if key != CONTACT_PHONE_KEY:
            guard.check(value, PRINTED[key], action=ACTION)
            continue
        guard.check_contact_phone(value, PRINTED[key], action=ACTION, confirmed=confirm_member_phone)
        digits = digits_of(value)
        if confirm_member_phone and guard.member_phone_in(value) and digits != guard.numbers.confirmed_phone:
            extra[CONFIRMED_PHONE_KEY] = digits
    for key, value in printed.items():  # after the privacy checks, which refuse without quoting
        _check_form(key, value)
    return extra


def save_settings(db, values: Mapping[str, str | None], *, confirm_member_phone: bool = False,
                  reason: str = "修改设置") -> None:
    """Write settings (key -> value; None or '' clears) in one unit of work after
    check_printed_settings, which sees every printed value given, changed or not. Unchanged
    values are not rewritten."""
    if "operator" in values:
        raise ValueError("operator is a meta value, not a setting")
    rows = {**values, **check_printed_settings(db, values, confirm_member_phone=confirm_member_phone)}
    with db.transaction(reason) as tx:
        for key, value in rows.items():
            old = db.get("setting", key)
            if ((old["value"] if old is not None else None) or "") == (value or ""):
                continue
            if old is None:
                tx.insert("setting", {"id": key, "value": value})
            else:
                tx.update("setting", key, {"value": value})
