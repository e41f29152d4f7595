"""党建台账 (dangjian-desktop): registry, assessments and member points for township party offices."""

__version__ = "0.1.0"
APP_NAME = "dangjian-desktop"
APP_TITLE = "党建台账"
