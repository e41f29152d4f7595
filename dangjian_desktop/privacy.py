"""The privacy guard for everything printed: no ID number or private phone on a printed page.

Every PDF builder (publicity sheets, the lots record) passes every string it draws through a
PrivacyGuard made for that one document. The guard refuses (PrivacyError, a UserError that
names the field and shows the number masked, e.g. 1101**********7774):

- a value holding any member's ID number or phone stored in the database (load_private_numbers:
  only the digit runs of 7 or more digits actually printed are looked up, the ID numbers by
  their index; the phones, which no index holds, are read once and kept until the database
  changes; the guard is dropped with the document);
- an ID-shaped run: any run of 15 or more digits (an 18-character number with its X, a
  15-digit old number, or either glued to other digits, like 党支部1101011990030777742026);
  digit groups joined by spaces, hyphens or dots (110101 19900307 7774) are read as one number
  and refused when a window of them is a well-formed ID number;
- a mobile-shaped run: 11 digits 1[3-9]xxxxxxxxx anywhere in a run of digits, also when
  written in groups (138 0013 8000) or glued to other digits.

Landline numbers (0898-12345678) are not shape-refused: the office prints its own objection
phone. The contact line's phone field (check_contact_phone) may hold a mobile; when it equals
a member's phone it prints only after the clerk confirmed it once (setting
CONFIRMED_PHONE_KEY holds the confirmed digits, see registry.print_settings).

Publicity tables are also checked as a whole before building (check_privacy): no column
headed 身份证/电话/住址 and no phone (landlines included) or house address in a cell.

Pure Python, no reportlab: the settings code uses it too.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Sequence

from .errors import UserError

#: Setting key: the digits of the objection phone the clerk confirmed although a member has it.
CONFIRMED_PHONE_KEY = "publicity_contact_phone_confirmed"

ID_KIND = "身份证号码"
MOBILE_KIND = "手机号码"
MEMBER_ID_KIND = "党员的身份证号码"
MEMBER_PHONE_KIND = "党员的电话号码"
_ORDER = {MEMBER_ID_KIND: 0, MEMBER_PHONE_KIND: 1, ID_KIND: 2, MOBILE_KIND: 3}


def _rank(f: "Finding") -> tuple:
    # A 15-digit ID read across gaps is the likeliest coincidence (two numbers side by side).
    weak_id = f.across_gaps and f.kind == ID_KIND and len(f.number) == 15
    return (f.across_gaps, weak_id, _ORDER[f.kind])

# Phones stored with fewer digits are not real numbers; matching them would refuse scores.
MIN_PHONE_DIGITS = 7

# One digit group; a trailing X belongs to it when no letter or digit follows (ID check digit).
_GROUP = re.compile(r"[0-9]+(?:X(?![0-9A-Z]))?")
# What people put between the groups of one number: "138 0013 8000", "110101-19900307-7774".
_JOIN = re.compile(r"[\s\-‐‑‒–—―−.·•_]{1,3}")
_ID18 = re.compile(r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9X]")
_ID15 = re.compile(r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_DATE = re.compile(r"(?<![0-9])(?:19|20)\d{2}([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![0-9])")


def normalise(text: str) -> str:
    """Full-width and other decimal digits as ASCII, letters upper-case (x -> X)."""
    t = unicodedata.normalize("NFKC", text or "").upper()
    if any(ch.isdecimal() and not "0" <= ch <= "9" for ch in t):
        t = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in t)
    return t


def digits_of(text: str) -> str:
    """The digits (and an X check digit) of a number as written: '138 0013 8000' -> '13800138000'."""
    if text.isascii() and text[:-1].isdigit() and (text[-1:].isdigit() or text[-1:] in ("X", "x")):
        return text.upper()  # the stored form of IDs and mobiles: tens of thousands per document
    return "".join(m.group() for m in _GROUP.finditer(normalise(text)))


def mask(number: str) -> str:
    """A number with its middle hidden: 1101**********7774, 138****8000, 0898****5678."""
    n = len(number)
    if n >= 12:
        head, tail = 4, 4
    elif n >= 9:
        head, tail = 3, 4
    else:
        head, tail = min(2, n // 3), min(2, n // 3)
    return number[:head] + "*" * (n - head - tail) + number[n - tail:]


@dataclass(frozen=True)
class PrivateNumbers:
    """People's ID numbers and phones (digits, upper-case X): given as sets, or looked up in a
    database (`stored`, made by load_private_numbers) for the digit runs actually printed."""

    ids: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    confirmed_phone: str = ""  # digits of the objection phone the clerk confirmed
    stored: "StoredNumbers | None" = field(default=None, compare=False, repr=False)

    @cached_property
    def lengths(self) -> tuple[int, ...]:
        return tuple(sorted({len(x) for x in self.ids} | {len(x) for x in self.phones}))

    def among(self, run: str, *, ids: bool = True) -> tuple[set[str], set[str]]:
        """(IDs, phones): the windows of `run` (digits, an X) that are someone's ID number or
        phone. `ids=False`: phones only."""
        found_ids: set[str] = set()
        found_phones: set[str] = set()
        if self.ids or self.phones:
            for w in _windows(run, self.lengths):
                if ids and w in self.ids:
                    found_ids.add(w)
                if w in self.phones:
                    found_phones.add(w)
        if self.stored is not None and len(run) >= MIN_PHONE_DIGITS:
            more_ids, more_phones = self.stored.among(run, ids=ids)
            found_ids |= more_ids
            found_phones |= more_phones
        return found_ids, found_phones


def _person_tables(db) -> list[tuple[str, bool]]:
    """(table, has phone column) for every table holding people's ID numbers."""
    out = []
    for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        cols = {r[1] for r in db.query(f'PRAGMA table_info("{name}")')}
        if "id_number" in cols:
            out.append((name, "phone" in cols))
    return out


def _id_indexed(db, table: str) -> bool:
    """Whether an index (not a partial one) finds the table's rows by id_number."""
    for idx in db.query(f'PRAGMA index_list("{table}")'):
        if not idx[4]:
            cols = db.query(f'PRAGMA index_info("{idx[1]}")')
            if cols and cols[0][2] == "id_number":
                return True
    return False


def _add_phones(phone, phones: set[str]) -> None:
    for part in re.split(r"[,，;；/、]", str(phone)):
        d = digits_of(part)
        if len(d) >= MIN_PHONE_DIGITS:
            phones.add(d)


# A line (one stored value) that is not what digits_of makes of it (ASCII digits, an ID's X last),
# and quick searches that tell whether there is one.
_IRREGULAR_ID = re.compile(r"^(?![0-9]+X?$).+$", re.M)
_IRREGULAR_PHONE = re.compile(r"^[0-9]*[^0-9\n].*$", re.M)
_ODD_ID = (re.compile(r"[^0-9X\n]"), re.compile(r"X[^\n]"))
_ODD_PHONE = (re.compile(r"[^0-9\n]"),)
_IN_CHUNK = 500


def _odd_lines(text: str, quick: tuple[re.Pattern, ...], lines: re.Pattern) -> list[str]:
    return lines.findall(text) if any(q.search(text) for q in quick) else []


def _column_text(cur, table: str, col: str) -> tuple[str | None, int]:
    """The column's values joined by newlines (NULLs left out), read in one aggregate (far
    cheaper than fetching the rows), and the longest value's length. The text is None when a
    value is a BLOB or holds a newline."""
    text, values, blobs, longest = cur.execute(
        f"SELECT group_concat({col}, char(10)), count({col}), count(*) FILTER (WHERE {col} >= x''), "
        f'max(length({col})) FROM "{table}"').fetchone()  # any TEXT < any BLOB
    if not values:
        return "", 0
    return (None if blobs or text.count("\n") + 1 != values else text), longest or 0


class _Known:
    """What one state of one database holds. IDs stored plainly in an indexed table are looked
    up by the windows printed (an indexed id_number IN (...), remembered); everything else is
    read once, when first needed: every phone (no table indexes them), IDs stored otherwise
    (1101 0119 ..., a lower-case x, full-width digits) and the IDs of tables without an index."""

    def __init__(self, db, key: tuple):
        self.key = key  # holds no reference to the database: _KNOWN's key
        tables = _person_tables(db)
        self.tables = [(t, has_phone, _id_indexed(db, t)) for t, has_phone in tables]
        self.indexed = [t for t, _, indexed in self.tables if indexed]
        self.longest = 0  # no number read or looked up is longer
        self._read: tuple[frozenset[str], frozenset[str]] | None = None
        self._memo: dict[str, bool] = {}  # window -> an indexed table holds it as an ID
        self._lock = threading.Lock()

    def read(self, db) -> tuple[frozenset[str], frozenset[str]]:
        """(IDs the index cannot find, every phone), digits as digits_of makes them."""
        with self._lock:
            if self._read is None:
                self._read = self._read_unindexed(db)
            return self._read

    def _read_unindexed(self, db) -> tuple[frozenset[str], frozenset[str]]:
        ids: set[str] = set()
        phones: set[str] = set()  # also plain values too short to be found (windows are longer)
        odd_phones: set[str] = set()
        cur = db.conn.cursor()
        for table, has_phone, indexed in self.tables:
            text, longest = _column_text(cur, table, "id_number")
            if text is None:  # read as the guard always did
                found = [str(r[0]) for r in cur.execute(f'SELECT id_number FROM "{table}"') if r[0]]
            else:  # the index finds the plainly stored ones
                found = _odd_lines(text, _ODD_ID, _IRREGULAR_ID) if indexed else text.split("\n")
                self.longest = max(self.longest, longest)
            for idn in found:
                d = digits_of(idn)
                if len(d) >= MIN_PHONE_DIGITS:
                    ids.add(d)
            if not has_phone:
                continue
            text, longest = _column_text(cur, table, "phone")
            if text is None:
                for (phone,) in cur.execute(f'SELECT phone FROM "{table}"'):
                    if phone:
                        _add_phones(phone, odd_phones)
                continue
            # Plain phones are their own digits; the others as digits_of reads their parts.
            odd = _odd_lines(text, _ODD_PHONE, _IRREGULAR_PHONE)
            phones.update(text.split("\n"))
            phones.difference_update(odd)
            self.longest = max(self.longest, longest)
            for phone in odd:
                _add_phones(phone, odd_phones)
        self.longest = max([self.longest, *map(len, ids), *map(len, odd_phones)])
        phones |= odd_phones
        phones.discard("")
        return frozenset(ids), frozenset(phones)

    def indexed_ids(self, db, windows: set[str]) -> set[str]:
        """The windows an indexed table holds as an ID number, stored as written."""
        with self._lock:
            todo = [w for w in windows if w not in self._memo]
            for k in range(0, len(todo), _IN_CHUNK):
                part = todo[k:k + _IN_CHUNK]
                marks = ", ".join("?" * len(part))
                found = {r[0] for t in self.indexed
                         for r in db.query(f'SELECT id_number FROM "{t}" WHERE id_number IN ({marks})', part)}
                self._memo.update((w, w in found) for w in part)
            return {w for w in windows if self._memo[w]}


# The latest state each open database was seen in (dropped with the database).
_KNOWN: "weakref.WeakKeyDictionary[Any, _Known]" = weakref.WeakKeyDictionary()


def _state_key(db) -> tuple:
    """Changes when anyone commits to the file (data_version counts the other connections),
    when this connection writes (total_changes, uncommitted too) or when the schema changes."""
    conn = db.conn
    return (id(conn), conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes,
            conn.execute("PRAGMA schema_version").fetchone()[0])


class StoredNumbers:
    """The database's ID numbers and phones, looked up for the digit runs a document prints:
    what it costs follows what is printed, not the membership. What it finds is what reading
    every person's numbers would find, in the database as it is at each look-up."""

    def __init__(self, db):
        self.db = db

    def _known(self) -> _Known:
        key = _state_key(self.db)
        try:
            known = _KNOWN.get(self.db)
        except TypeError:  # a database object without weak references: nothing kept
            known = None
        if known is None or known.key != key:
            known = _Known(self.db, key)
            try:
                _KNOWN[self.db] = known
            except TypeError:
                pass
        return known

    def among(self, run: str, *, ids: bool = True) -> tuple[set[str], set[str]]:
        known = self._known()
        other_ids, phones = known.read(self.db)
        n = len(run)
        windows = {run[k:k + m] for m in range(MIN_PHONE_DIGITS, min(n, known.longest) + 1)
                   for k in range(n - m + 1)}
        found_ids = (known.indexed_ids(self.db, windows) | (windows & other_ids)) if ids else set()
        return found_ids, windows & phones


def load_private_numbers(db) -> PrivateNumbers:
    """The confirmed objection phone, and members' (and any other person table's) ID numbers
    and phones to be looked up as the document's strings are checked (StoredNumbers)."""
    confirmed = db.scalar("SELECT value FROM setting WHERE id = ?", (CONFIRMED_PHONE_KEY,)) or ""
    return PrivateNumbers(confirmed_phone=digits_of(confirmed), stored=StoredNumbers(db))


@dataclass(frozen=True)
class Finding:
    kind: str  # ID_KIND, MOBILE_KIND, MEMBER_ID_KIND, MEMBER_PHONE_KIND
    number: str  # the digits found (never shown unmasked)
    across_gaps: bool = False  # read from digit groups written with gaps between them

    @property
    def masked(self) -> str:
        return mask(self.number)


class PrivacyError(UserError):
    """A printed value holds an ID number or a private phone; `field` and `finding` say where and what."""

    def __init__(self, field_name: str, finding: Finding, action: str = "已停止生成"):
        self.field = field_name
        self.finding = finding
        super().__init__(
            f"打印的材料不得公开身份证号码或个人电话号码：“{field_name}”中有{finding.kind}"
            f"（{finding.masked}），{action}。请删去这个号码后再试。")


class PhoneConfirmationNeeded(UserError):
    """The objection phone equals a member's phone and the clerk has not confirmed it."""

    def __init__(self, number: str):
        self.number = number
        self.masked = mask(number)
        super().__init__(
            f"异议受理电话（{self.masked}）与一名党员登记的个人电话相同。"
            "若这确是本单位对外公开的受理电话，请确认一次："
            f"命令行执行 dangjian settings set publicity_contact_phone 号码 --confirm-member-phone，"
            "或在“文件 → 设置”中保存时选择确认；否则请改填办公电话。")


def _windows(s: str, lengths: Iterable[int]):
    for n in lengths:
        for k in range(len(s) - n + 1):
            yield s[k:k + n]


@dataclass
class PrivacyGuard:
    """Checks the strings of one document. Make one per document; drop it with the document."""

    numbers: PrivateNumbers = field(default_factory=PrivateNumbers)
    checked: set[str] = field(default_factory=set, repr=False)

    @classmethod
    def for_db(cls, db) -> "PrivacyGuard":
        return cls(load_private_numbers(db) if db is not None else PrivateNumbers())

    # ---- finding -----------------------------------------------------------------------
    def findings(self, text: str, *, phone_field: bool = False, allow: Iterable[str] = ()) -> list[Finding]:
        """Everything private in `text`. `phone_field`: mobiles and members' phones are the
        caller's business (the objection phone); `allow`: substrings to skip (the phone in the
        contact line)."""
        norm = normalise(text)
        for a in allow:
            a = normalise(a).strip()
            if a:
                norm = norm.replace(a, "\u2612")
        out: list[Finding] = []
        chains = self._chains(norm)
        for chain in chains:
            for group in chain:
                self._scan_run(group, out, phone_field)
            if len(chain) > 1:
                self._scan_joined(chain, out, phone_field)
        if not phone_field:
            # A written date (2026-01-31) is not part of a phone: two dates in a row must not read
            # as one. A date inside an ID number (110101 1990-03-07 7774) is still joined above.
            if _DATE.search(norm):
                chains = self._chains(_DATE.sub("\u2612", norm))
            for chain in chains:
                if len(chain) > 1:
                    self._scan_joined_mobile("".join(chain), out)
        # The plainest reading first: a member's number, a run of digits, then numbers read across gaps.
        out.sort(key=_rank)
        return list(dict.fromkeys(out))

    @staticmethod
    def _chains(norm: str) -> list[list[str]]:
        chains: list[list[str]] = []
        end = -1
        for m in _GROUP.finditer(norm):
            if chains and _JOIN.fullmatch(norm, end, m.start()) and not chains[-1][-1].endswith("X"):
                chains[-1].append(m.group())
            else:
                chains.append([m.group()])
            end = m.end()
        return chains

    def _members(self, s: str, out: list[Finding], phone_field: bool) -> None:
        if len(s) < MIN_PHONE_DIGITS:
            return
        ids, phones = self.numbers.among(s)
        if not ids and (phone_field or not phones):
            return
        for w in _windows(s, sorted({len(x) for x in ids | phones})):
            if w in ids:
                out.append(Finding(MEMBER_ID_KIND, w))
            elif w in phones and not phone_field:
                out.append(Finding(MEMBER_PHONE_KIND, w))

    def _scan_run(self, run: str, out: list[Finding], phone_field: bool) -> None:
        """One run of digits written without gaps: any 15 digits are ID-shaped, any 11-digit
        window starting 1[3-9] is mobile-shaped."""
        digits = run.rstrip("X")
        if len(digits) >= 15:
            out.append(Finding(ID_KIND, run))
        elif not phone_field and len(digits) >= 11:
            for k in range(len(digits) - 10):
                if _MOBILE.fullmatch(digits, k, k + 11):
                    out.append(Finding(MOBILE_KIND, digits[k:k + 11]))
                    break
        self._members(run, out, phone_field)

    def _scan_joined(self, chain: list[str], out: list[Finding], phone_field: bool) -> None:
        """Groups written with gaps, read as one number: well-formed ID numbers, members' numbers."""
        # An ID number written in groups starts and ends with a group (110101 19900307 7774);
        # other windows would read two dates side by side (1999-01-01 2031-01-01) as one.
        for i in range(len(chain)):
            s = chain[i]
            for j in range(i + 1, len(chain)):
                s += chain[j]
                if len(s) > 18:
                    break
                if (_ID18 if len(s) == 18 else _ID15).fullmatch(s):
                    out.append(Finding(ID_KIND, s, across_gaps=True))
        self._members("".join(chain), out, phone_field)

    @staticmethod
    def _scan_joined_mobile(joined: str, out: list[Finding]) -> None:
        for k in range(len(joined) - 10):
            if _MOBILE.fullmatch(joined, k, k + 11):
                out.append(Finding(MOBILE_KIND, joined[k:k + 11], across_gaps=True))
                return

    # ---- refusing ----------------------------------------------------------------------
    def check(self, text, field_name: str, *, allow: Iterable[str] = (), action: str = "已停止生成") -> str:
        """Refuse (PrivacyError) a string to be printed that holds an ID number or a private
        phone; returns the text. Strings already checked (without `allow`) are not scanned again."""
        text = "" if text is None else str(text)
        allow = tuple(a for a in allow if a and a.strip())
        if not allow and text in self.checked:
            return text
        if any("0" <= ch <= "9" or ch.isdecimal() for ch in text):
            found = self.findings(text, allow=allow)
            if found:
                raise PrivacyError(field_name, found[0], action)
        if not allow:
            self.checked.add(text)
        return text

    def member_phone_in(self, phone: str) -> str | None:
        """The member's phone (digits) that the objection phone field holds, if any."""
        for chain in self._chains(normalise(phone)):
            for s in chain + (["".join(chain)] if len(chain) > 1 else []):
                phones = self.numbers.among(s, ids=False)[1]
                for w in _windows(s, sorted({len(x) for x in phones})):
                    if w in phones:
                        return w
        return None

    def check_contact_phone(self, phone: str, field_name: str = "异议受理电话", *,
                            action: str = "已停止生成", confirmed: bool = False) -> str:
        """The office's objection phone: a landline or a mobile may print here, an ID number
        never; a member's phone only once the clerk has confirmed it (PhoneConfirmationNeeded)."""
        phone = (phone or "").strip()
        found = self.findings(phone, phone_field=True)
        if found:
            raise PrivacyError(field_name, found[0], action)
        member = self.member_phone_in(phone)
        if member and not confirmed and digits_of(phone) != self.numbers.confirmed_phone:
            raise PhoneConfirmationNeeded(member)
        return phone


# ---- publicity tables: private columns, and phones or house addresses in cells ----------

_PRIVATE_HEADERS = [
    ("身份证", "身份证号码"),
    ("身份号码", "身份证号码"),
    ("证件号", "身份证号码"),
    ("手机", "电话号码"),
    ("电话", "电话号码"),
    ("联系方式", "电话号码"),
    ("住址", "住址"),
    ("地址", "住址"),
    ("住所", "住址"),
    ("居住地", "住址"),
]

_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_TABLE_ID18 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE8}\d{{3}}[0-9Xx](?![0-9A-Za-z])")
_TABLE_ID15 = re.compile(rf"(?<![0-9A-Za-z])[1-9]\d{{5}}{_DATE6}\d{{3}}(?![0-9A-Za-z])")
_TABLE_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
# Area code 0xx/0xxx then a 7-8 digit local number (bare local numbers are too ambiguous).
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)\d{7,8}|0\d{2,3}\d{7,8})(?!\d)")
_ADDRESS = re.compile(
    r"(?:省|市|县|区|镇|乡|路|街|道|巷|弄|胡同|村|社区|小区|组|苑|园|庄|屯|里|大厦|公寓|新村)"
    r"[^\s，。；,;、]{0,12}?\d+\s*(?:号楼|号院|号|栋|幢|单元|室|户)"
)
# Separators people put inside numbers: "138 0013 8000", "0571-8888 6666".
_NUMBER_GAP = re.compile(r"(?<=\d)[\s\-–—－.·]+(?=\d)")

_KINDS = {"id": "身份证号码", "phone": "电话号码", "address": "住址"}


def find_private_data(text: str, *, kinds: Sequence[str] = ("id", "phone", "address")) -> list[tuple[str, str]]:
    """(kind, masked match) for every ID number, phone number or house address in `text`."""
    found: list[tuple[str, str]] = []
    norm = unicodedata.normalize("NFKC", text)
    compact = _NUMBER_GAP.sub("", norm)
    if "id" in kinds:
        for rx in (_TABLE_ID18, _TABLE_ID15):
            found += [("id", mask(m.group())) for m in rx.finditer(compact)]
    if "phone" in kinds:
        ids = {m.span() for m in _TABLE_ID18.finditer(compact)} | {m.span() for m in _TABLE_ID15.finditer(compact)}
        for rx in (_TABLE_MOBILE, _LANDLINE):
            for m in rx.finditer(compact):
                if not any(a <= m.start() < b for a, b in ids):
                    found.append(("phone", mask(m.group())))
    if "address" in kinds:
        found += [("address", m.group()) for m in _ADDRESS.finditer(norm)]
    return found


def check_privacy(columns: Sequence[Any], rows: Sequence[Sequence[Any]], *,
                  free_text: Sequence[str] = ()) -> None:
    """Refuse (UserError) a publicity table that shows members' ID numbers, phones or addresses.

    Looks at column headers (身份证, 电话, 住址 ...) and at every cell. `free_text` (title,
    opening, notes) is checked for ID-shaped and mobile-shaped numbers (a landline may be the
    office's). While building, every string also goes through the document's PrivacyGuard.
    """
    problems: list[str] = []
    headers = [str(getattr(c, "header", c)) for c in columns]
    for h in headers:
        for word, kind in _PRIVATE_HEADERS:
            if word in h:
                problems.append(f"表头“{h}”（{kind}）")
                break
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            text = "" if value is None else str(value)
            if not text or not any(ch.isdigit() for ch in text):
                continue
            for kind, shown in find_private_data(text):
                col = headers[c] if c < len(headers) else f"第{c + 1}列"
                problems.append(f"第{r}行“{col}”中的{_KINDS[kind]}（{shown}）")
        if len(problems) >= 5:
            break
    shapes = PrivacyGuard()
    for text in free_text:
        for found in shapes.findings(text or ""):
            problems.append(f"正文中的{found.kind}（{found.masked}）")
    if problems:
        more = "等" if len(problems) >= 5 else ""
        raise UserError(
            "公示材料不得公开党员的身份证号码、电话号码或住址，已停止生成。发现："
            + "；".join(problems[:5]) + more + "。请删去这些内容后再生成。"
        )
