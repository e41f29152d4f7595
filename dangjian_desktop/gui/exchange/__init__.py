"""数据交换: export and import packages (preview first), conflicts, the exchange log, and each
town's status at the county (invitations) or joining the county's exchange at a town."""

from .page import ExchangeWindow, open_exchange_window

__all__ = ["ExchangeWindow", "open_exchange_window"]
