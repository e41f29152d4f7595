"""The ledgers behind the checklists (台账), kept once and offered as evidence to the items that ask
for them. No Qt here: the CLI (commands/dues.py, pipeline.py, ledgers.py) and the GUI call these.

    ledgers.dues            党费: yearly bases, rate table (resources/ledgers/dues_rates.json),
                            payments by month or in advance, exemptions, arrears, totals per branch
    ledgers.dues_excel      党费收缴登记表: export, all-or-nothing import with row-level errors
    ledgers.pipeline        发展党员: applicants → activists → candidates → probationary → full,
                            the roster's own history for acceptance and conversion, yearly plans
    ledgers.pipeline_checks warnings from the intervals in resources/ledgers/pipeline_rules.json
    ledgers.records         training, rewards and punishments, visits to hardship and old members,
                            谈心谈话, their photos
    ledgers.funds           党建工作经费 per branch and year, per member against the standard
    ledgers.cadres          后备干部; the committee's age and education structure
    ledgers.plaques         挂牌/摘牌 (from confirmed results: assessment.plaque_results) and revocations
    ledgers.evidence        figures for a checklist item's wording (meetings.compliance calls it;
                            assessment.figures adds the meeting lines for a whole sheet)
    ledgers.vetoes          facts for veto proposals (punishments, funds)
    ledgers.demo            a year of each ledger for the demo database
Each ledger as a table for Excel and print: tables.ledger_tables.
"""
