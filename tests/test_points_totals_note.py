"""The 年度积分与星级 table's note counts the levels in their order (most stars first, 免评 last),
not in the order their first members happen to be listed."""

from __future__ import annotations

from types import SimpleNamespace

from dangjian_desktop.tables.sources import points_totals_table


def _total(name, stars, label, exempt=None):
    return SimpleNamespace(org_name="东村党支部", name=name, base=60, items=0, total=60, stars=stars, label=label,
                           exempt_reason=exempt, locked=False)


def test_the_note_counts_levels_from_most_stars_to_exempt(db):
    totals = [_total("白一", 2, "二星党员"), _total("白二", None, "免评", "病休"), _total("白三", 3, "三星党员"),
              _total("白四", 1, "一星党员"), _total("白五", 2, "二星党员"), _total("白六", 0, "不合格党员")]
    table = points_totals_table(db, 2025, totals)
    assert table.notes == ["共6人：三星党员1人，二星党员2人，一星党员1人，不合格党员1人，免评1人"]
    assert [r[2] for r in table.rows] == ["白一", "白二", "白三", "白四", "白五", "白六"]  # the rows as given
