"""The exchange log (packages sent and received) and each town's exchange status at the county:
last package received and sent, what is pending, and the towns that have not reported."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .. import dates
from ..db import Database
from ..registry.offices import local_office
from .merge import COUNT_KEYS

KIND_LABELS = {"town": "乡镇数据", "county": "县里回复", "recovery": "恢复数据"}


@dataclass
class LogEntry:
    package_id: str
    direction: str
    kind: str
    peer: str
    peer_office_id: str | None
    created_at: str
    created_by: str
    processed_at: str
    processed_by: str
    sender_fingerprint: str
    recipient_fingerprint: str | None
    counts: dict[str, dict[str, int]]
    file_name: str | None
    file_size: int | None
    file_sha256: str | None
    note: str
    base_tx: int | None = None
    tip_tx: int | None = None

    @property
    def totals(self) -> dict[str, int]:
        keys = ("rows", "deleted", "returned") if self.direction == "out" else COUNT_KEYS
        return {k: sum(int(c.get(k, 0)) for c in self.counts.values()) for k in keys}

    @property
    def direction_label(self) -> str:
        return "导出" if self.direction == "out" else "导入"

    def to_dict(self) -> dict[str, Any]:
        return {"package": self.package_id, "direction": self.direction, "kind": self.kind, "peer": self.peer,
                "peer_office": self.peer_office_id, "created_at": self.created_at, "created_by": self.created_by,
                "processed_at": self.processed_at, "processed_by": self.processed_by,
                "sender_fingerprint": self.sender_fingerprint, "recipient_fingerprint": self.recipient_fingerprint,
                "counts": self.counts, "total": self.totals, "file": self.file_name, "size": self.file_size,
                "note": self.note}


def _entry(r) -> LogEntry:
    try:
        counts = json.loads(r["counts_json"] or "{}")
    except ValueError:
        counts = {}
    return LogEntry(r["id"], r["direction"], r["kind"], r["peer_name"], r["peer_office_id"], r["created_at"],
                    r["created_by"], r["processed_at"], r["processed_by"], r["sender_fingerprint"],
                    r["recipient_fingerprint"], counts, r["file_name"], r["file_size"], r["file_sha256"],
                    r["note"], r["base_tx"], r["tip_tx"])


def exchange_log(db: Database, *, peer: str | None = None) -> list[LogEntry]:
    """Packages made and applied here, newest first (optionally for one peer, by name)."""
    sql, params = "SELECT * FROM exchange_package", []
    if peer:
        sql += " WHERE peer_name = ?"
        params.append(peer)
    return [_entry(r) for r in db.query(sql + " ORDER BY processed_at DESC, rowid DESC", params)]


def log_entry(db: Database, package_id: str) -> LogEntry | None:
    r = db.one("SELECT * FROM exchange_package WHERE id = ? ORDER BY processed_at DESC LIMIT 1", (package_id,))
    return _entry(r) if r else None


@dataclass
class TownStatus:
    """One town as the county's 数据交换 page lists it (or, at a town, its county)."""
    name: str
    office_id: str | None
    state: str                          # 'not-invited', 'invited', 'enrolled'
    fingerprint: str | None
    last_in: LogEntry | None
    last_out: LogEntry | None
    open_conflicts: int = 0
    returned_pending: int = 0
    pending: list[str] = field(default_factory=list)

    @property
    def reported(self) -> bool:
        return self.last_in is not None

    @property
    def state_label(self) -> str:
        return {"not-invited": "未邀请", "invited": "已邀请，尚未完成加入", "enrolled": "已加入"}[self.state]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "office": self.office_id, "state": self.state, "state_label": self.state_label,
                "fingerprint": self.fingerprint, "reported": self.reported,
                "last_received": self.last_in.to_dict() if self.last_in else None,
                "last_sent": self.last_out.to_dict() if self.last_out else None,
                "open_conflicts": self.open_conflicts, "returned_pending": self.returned_pending,
                "pending": self.pending}


def exchange_status(db: Database) -> list[TownStatus]:
    """Each town (at the county) or the county (at a town) with its exchange state."""
    me = local_office(db)
    out: list[TownStatus] = []
    for p in db.query("SELECT * FROM exchange_peer ORDER BY name"):
        key = db.scalar("SELECT id FROM exchange_key WHERE peer_id = ? AND retired_at IS NULL "
                        "ORDER BY first_seen DESC LIMIT 1", (p["id"],))
        last_in = _last(db, p, "in")
        last_out = _last(db, p, "out")
        state = "enrolled" if p["status"] == "enrolled" and p["office_id"] else "invited"
        if me["level"] == "county" and p["invite_id"] and p["office_id"]:
            state = "invited"  # re-invited: the town has to join again
        s = TownStatus(p["name"], p["office_id"], state, key, last_in, last_out)
        if p["office_id"]:
            s.open_conflicts = db.scalar("SELECT count(*) FROM exchange_conflict WHERE peer_office_id = ? "
                                         "AND status = 'open'", (p["office_id"],)) or 0
            s.returned_pending = db.scalar(
                "SELECT count(*) FROM exchange_conflict WHERE peer_office_id = ? AND status = 'resolved' "
                "AND choice = 'local' AND returned_acked IS NULL", (p["office_id"],)) or 0
        s.pending = _pending(me["level"], s, p) + _sheets_pending(db, me, p["office_id"])
        out.append(s)
    if me["level"] == "county":
        known = {s.office_id for s in out} | {s.name for s in out}
        for t in db.query("SELECT id, name FROM office WHERE parent_id = ? ORDER BY name", (me["id"],)):
            if t["id"] not in known and t["name"] not in known:
                out.append(TownStatus(t["name"], t["id"], "not-invited", None, None, None,
                                      pending=["未加入数据交换（数据不是收到的）"]))
    return out


def _last(db: Database, p, direction: str) -> LogEntry | None:
    r = db.one("SELECT * FROM exchange_package WHERE direction = ? AND (peer_office_id = ? OR "
               "(peer_office_id IS NULL AND peer_name = ?)) ORDER BY processed_at DESC, rowid DESC LIMIT 1",
               (direction, p["office_id"], p["name"]))
    return _entry(r) if r else None


def _pending(level: str, s: TownStatus, p) -> list[str]:
    todo = []
    if level == "county":
        if s.state == "invited":
            todo.append("等待乡镇加入后发来第一个数据包")
        elif s.last_in is None:
            todo.append("尚未报送数据")
        if s.last_in is not None and (s.last_out is None or s.last_out.processed_at < s.last_in.processed_at):
            todo.append("收到数据包后还没有给乡镇发回执（在“导出与导入”中选这个乡镇导出；"
                        "命令行：exchange export --town）")
        if s.open_conflicts:
            todo.append(f"{s.open_conflicts} 个冲突待处理")
        if s.returned_pending:
            todo.append(f"{s.returned_pending} 条县里保留的记录待乡镇确认")
    else:
        if p["invite_secret"]:
            todo.append("县里还没有确认收到本镇的数据包")
        if s.last_out is None:
            todo.append("还没有导出过数据包")
        if s.open_conflicts:
            todo.append(f"{s.open_conflicts} 个冲突待处理")
    return todo


def _sheets_pending(db: Database, me, peer_office: str | None) -> list[str]:
    """County rounds' sheets in a town's hands (assessment.stage_owner): at the county, those the
    town holds; at a town, those it has to work on."""
    if not peer_office:
        return []
    if me["level"] == "county":
        n = db.scalar("SELECT count(*) FROM round_branch b JOIN assessment_round r ON r.id = b.round_id "
                      "WHERE r.office_id = ? AND b.owner = ?", (me["id"], peer_office)) or 0
        return [f"{n} 张县里考核的考核表在乡镇自评或初审"] if n else []
    n = db.scalar("SELECT count(*) FROM round_branch b JOIN assessment_round r ON r.id = b.round_id "
                  "WHERE r.office_id = ? AND b.owner = ?", (peer_office, me["id"])) or 0
    return [f"{n} 张县里考核的考核表待本镇办理（自评、初审），办完请提交并导出数据包"] if n else []


def fmt_time(at: str | None) -> str:
    return dates.format_cn_time(at)
