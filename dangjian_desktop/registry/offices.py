"""The office that keeps this database (a town or a county) and its settings."""

from __future__ import annotations

from ..db import Database
from ..errors import UserError

LEVELS = {"town": "乡镇", "county": "县（区）"}


def init_office(db: Database, *, name: str, level: str, parent_name: str | None = None) -> str:
    """Create the database's own office; a town also gets its 党委 as the tree's root."""
    name = (name or "").strip()
    if not name:
        raise UserError("单位名称不能为空")
    if level not in LEVELS:
        raise UserError("级别只能是 town（乡镇）或 county（县）")
    if db.local_office_id:
        raise UserError("此数据库已经建立过单位，不能重复初始化")
    with db.transaction(f"初始化单位 {name}") as tx:
        from ..db import new_id

        office_id = new_id()
        # The office owns its own row and everything created here from now on.
        tx.insert("office", {"id": office_id, "name": name, "level": level, "parent_id": None,
                             "owner": office_id})
        tx.set_meta("local_office_id", office_id)
        if level == "town":
            _create_root_org(tx, office_id, name, owner=office_id)
    return office_id


def _create_root_org(tx, office_id: str, office_name: str, owner: str) -> str:
    return tx.insert("org", {"office_id": office_id, "parent_id": None, "name": f"{office_name}党委",
                             "org_type": "党委", "kind": None, "owner": owner})


def add_town(db: Database, name: str, *, code: str | None = None) -> str:
    """A county database keeps its towns (each with its 党委) as offices under the county."""
    county = local_office(db)
    if county["level"] != "county":
        raise UserError("只有县级数据库可以添加乡镇")
    name = (name or "").strip()
    if not name:
        raise UserError("乡镇名称不能为空")
    if db.scalar("SELECT 1 FROM office WHERE name = ? AND parent_id = ?", (name, county["id"])):
        raise UserError(f"乡镇“{name}”已存在")
    with db.transaction(f"添加乡镇 {name}") as tx:
        from ..db import new_id

        town_id = new_id()
        tx.insert("office", {"id": town_id, "name": name, "level": "town", "parent_id": county["id"],
                             "code": code, "owner": town_id})
        _create_root_org(tx, town_id, name, owner=town_id)
    return town_id


def local_office(db: Database):
    oid = db.local_office_id
    row = db.get("office", oid) if oid else None
    if row is None:
        raise UserError("数据库中还没有建立单位，请先执行初始化（dangjian init）")
    return row


def held_office(db: Database) -> str | None:
    """At a town: its own office, the only one whose organisations belong to it (a cross-assessment
    by lot brings another town's organisations, read-only, for the sheets the town's team assesses:
    they are no part of its registry, statistics or imports). None at a county: every town's."""
    office = local_office(db)
    return office["id"] if office["level"] == "town" else None


def own_orgs_sql(db: Database, alias: str = "o") -> str:
    """An SQL condition on org rows: those of this database's own registry (see held_office)."""
    oid = held_office(db)
    if oid is None:
        return "1"
    return f"{alias + '.' if alias else ''}office_id = '{oid.replace(chr(39), chr(39) * 2)}'"


def towns(db: Database) -> list:
    """The towns this database holds: itself for a town database, its towns for a county."""
    office = local_office(db)
    if office["level"] == "town":
        return [office]
    return db.query("SELECT * FROM office WHERE parent_id = ? ORDER BY name", (office["id"],))


def office_names(db: Database) -> dict[str, str]:
    """Office id -> its name, of every office the database holds (a county's towns too)."""
    return dict(db.tuples("SELECT id, name FROM office"))


def org_towns(db: Database) -> dict[str, str]:
    """Organisation id -> the name of its town, in a database of several towns (empty in one of
    one town: there is nothing to tell apart)."""
    if (db.scalar("SELECT count(DISTINCT office_id) FROM org") or 0) < 2:
        return {}
    return dict(db.tuples("SELECT o.id, f.name FROM org o JOIN office f ON f.id = o.office_id"))


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    value = db.scalar("SELECT value FROM setting WHERE id = ?", (key,))
    return default if value is None else value


def set_setting(db: Database, key: str, value: str | None, *, confirm_member_phone: bool = False) -> None:
    """Save one setting. A value printed on publicity sheets is refused when it holds an ID
    number or a private phone; an objection phone that is a member's needs
    `confirm_member_phone` once (registry.print_settings)."""
    from .print_settings import save_settings

    save_settings(db, {key: value}, confirm_member_phone=confirm_member_phone, reason=f"修改设置 {key}")


def save_backup_rules(db: Database, policy=None, space=None) -> list:
    """Save the backups' keep rule (db.backup_rules.KeepPolicy) and/or their space ceiling
    (db.backup_rules.SpaceRule) as settings of the database, in one unit of work, then thin its
    backups by them. Returns the paths of the backups deleted."""
    from ..db.backup import thin_backups
    from ..db.backup_rules import SETTING_KEEP, SETTING_SPACE
    from .print_settings import save_settings

    values = {}
    if policy is not None:
        values[SETTING_KEEP] = policy.text()
    if space is not None:
        values[SETTING_SPACE] = space.text()
    if values:
        save_settings(db, values, reason="修改备份保留规则")
    return thin_backups(db)
