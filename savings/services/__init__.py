"""The savings group's writes. Each runs in one transaction; the database holds the
invariants whatever the caller (see savings/models/ledger.py)."""

from savings.services.cash import (
    deposit,
    expense,
    handover,
    income,
    pledge_pay,
    transfer,
    withdraw,
    withdrawal_decide,
)
from savings.services.closing import (
    Mismatch,
    month_close,
    next_month_to_close,
    reconcile,
    reversal_decide,
    reversal_request,
)
from savings.services.ledger import (
    Line,
    account,
    balance,
    check_open,
    closed_through,
    collector_cash,
    cr,
    dr,
    post,
    reverse,
    reversible,
)
from savings.services.once import KeyReused, once
from savings.services.savers import (
    BeneficiaryData,
    pledge_change,
    pledge_units,
    policy_on,
    saver_apply,
    saver_decide,
)

__all__ = [
    "BeneficiaryData",
    "KeyReused",
    "Line",
    "Mismatch",
    "account",
    "balance",
    "check_open",
    "closed_through",
    "collector_cash",
    "cr",
    "deposit",
    "dr",
    "expense",
    "handover",
    "income",
    "month_close",
    "next_month_to_close",
    "once",
    "pledge_change",
    "pledge_pay",
    "pledge_units",
    "policy_on",
    "post",
    "reconcile",
    "reversal_decide",
    "reversal_request",
    "reverse",
    "reversible",
    "saver_apply",
    "saver_decide",
    "transfer",
    "withdraw",
    "withdrawal_decide",
]
