"""The tables of the 数据交换 page: preview counts, the exchange log, each town's status, conflicts."""

from __future__ import annotations

from typing import Any

from ...exchange.conflicts import column_text, value_text
from ...exchange.ledger import KIND_LABELS, fmt_time
from ...exchange.merge import COUNT_KEYS
from ...exchange.ownership import label
from ..kit.palette import RED
from ..kit.row_model import ALIGN_RIGHT, Col

COUNT_HEADERS = dict(zip(COUNT_KEYS, ("新增", "修改", "未变", "冲突", "拒收", "删除")))


def preview_rows(result: Any) -> list[dict[str, Any]]:
    """One row per table of an ImportResult (sorted by its Chinese name) and 合计."""
    rows = [{"table": label(t), **c.to_dict()} for t, c in sorted(result.counts.items(), key=lambda kv: label(kv[0]))]
    if rows:
        rows.append({"table": "合计", **result.total.to_dict()})
    return rows


def _count(key: str) -> Col:
    def colour(r):
        return RED if key in ("conflicts", "refused") and r.get(key) else None

    return Col(COUNT_HEADERS[key], key, ALIGN_RIGHT, color=colour)


PREVIEW_COLUMNS = (Col("数据", "table"), *[_count(k) for k in COUNT_KEYS])


def _log_what(e) -> str:
    t = e.totals
    if e.direction == "out":
        return f"{t.get('rows', 0)} 条记录" + (f"，删除 {t['deleted']} 条" if t.get("deleted") else "")
    return f"新增 {t['new']}，修改 {t['updated']}，未变 {t['unchanged']}，冲突 {t['conflicts']}"


LOG_COLUMNS = (
    Col("时间", lambda e: fmt_time(e.processed_at), sort=lambda e: e.processed_at or ""),
    Col("方向", lambda e: e.direction_label),
    Col("对方", "peer", name=True),
    Col("种类", lambda e: KIND_LABELS.get(e.kind, e.kind)),
    Col("数据包编号", "package_id"),
    Col("对方密钥指纹", lambda e: e.recipient_fingerprint if e.direction == "out" else e.sender_fingerprint),
    Col("内容", _log_what),
    Col("操作人", "processed_by"),
)


def _last(entry) -> str:
    return f"{fmt_time(entry.processed_at)}　{entry.package_id}" if entry else "无"


STATUS_COLUMNS = (
    Col("单位", "name", name=True),
    Col("状态", lambda s: s.state_label),
    Col("对方密钥指纹", lambda s: s.fingerprint or "—"),
    Col("最近收到", lambda s: _last(s.last_in), color=lambda s: None if s.reported else RED,
        sort=lambda s: s.last_in.processed_at if s.last_in else ""),
    Col("最近发出", lambda s: _last(s.last_out), sort=lambda s: s.last_out.processed_at if s.last_out else ""),
    Col("待办", lambda s: "；".join(s.pending), tip=lambda s: "\n".join(s.pending) or None),
)


def _side(values: dict | None, diffs) -> str:
    if values is None:
        return "（没有这条记录）"
    return "\n".join(f"{column_text(col)}：{value_text(here)}" for col, here in diffs)


CONFLICT_COLUMNS = (
    Col("对方", "peer_name", name=True),
    Col("数据", "label"),
    Col("记录", "what"),
    Col("本单位的版本", lambda c: _side(c.local, [(col, a) for col, a, _b in c.differences()])),
    Col("对方的版本", lambda c: _side(c.remote, [(col, b) for col, _a, b in c.differences()])),
    Col("发现时间", lambda c: fmt_time(c.found_at), sort=lambda c: c.found_at or ""),
)
