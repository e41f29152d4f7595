"""Each table's name in words (党员, 考核表, 党费缴纳 …), for whatever names a table to the clerk:
the checks of the change log, the exchange's counts, rows received from another office."""

from __future__ import annotations

TABLE_LABELS: dict[str, str] = {
    "meta": "数据库信息", "setting": "设置", "tx_log": "事务记录",
    "office": "单位", "org": "党组织", "member": "党员", "member_event": "党员变动", "committee_term": "支委任期",
    "committee_member": "支委成员", "attachment": "附件（佐证材料、照片）", "assessment_round": "考核轮次",
    "round_branch": "考核表", "round_score": "考核得分", "round_veto": "否决项", "round_self_report": "自我评价报告",
    "round_history": "考核流程记录", "round_appeal": "申诉", "round_adjustment": "结果调整", "round_lot": "抽签结果",
    "round_evidence": "考核佐证", "holiday": "节假日", "holiday_year": "节假日年度", "rectification": "整改台账",
    "points_year": "积分年度设置", "points_item": "积分细则", "points_batch": "积分录入批次", "meeting": "会议",
    "meeting_attendance": "会议考勤", "meeting_photo": "会议照片", "points_entry": "积分记录",
    "points_exemption": "免评", "member_review": "民主评议", "points_result": "年度积分结果",
    "round_quota_decision": "名额决定", "round_veto_review": "否决项审核", "dues_base": "党费基数",
    "dues_payment": "党费缴纳", "dues_exemption": "党费减免", "dev_person": "发展党员对象", "dev_step": "发展党员环节",
    "dev_plan": "发展党员计划", "training_record": "培训记录", "reward_record": "奖惩记录", "care_visit": "走访慰问",
    "talk_record": "谈心谈话", "ledger_photo": "台账照片", "fund_entry": "党建经费", "reserve_cadre": "后备干部",
    "plaque": "挂牌",
}
