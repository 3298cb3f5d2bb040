"""Who may do what in the savings group. District scoping itself is the project's one
rule (otop_portal.lib.scoping); these add the group's functions on top of it:

- the treasurer records money: provincial staff, or a user holding the savings
  treasurer function (a district member holding it: for their own district only);
- the loan committee decides loans; the audit committee closes months;
- a second approver (loans, large withdrawals, reversals) is a committee member or
  provincial staff other than the person who recorded the thing.
"""

from members.models import Function, User

COMMITTEE = (Function.SAVINGS_TREASURER, Function.LOAN_COMMITTEE, Function.AUDIT_COMMITTEE)


def _in_district(user: User, district_id: str | None) -> bool:
    if user.sees_all_districts:
        return True
    return district_id is not None and user.district_id == district_id


def may_see(user: User) -> bool:
    """Whether the savings pages are open to `user` at all."""
    return user.is_authenticated and user.is_active


def may_record(user: User, district_id: str | None = None) -> bool:
    """Record savers, pledges, deposits and withdrawals (for `district_id`)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_provincial_staff:
        return True
    if not user.has_function(Function.SAVINGS_TREASURER):
        return False
    if user.is_network_officer:
        return True
    return district_id is None or _in_district(user, district_id)


def may_keep_books(user: User) -> bool:
    """Group-wide bookkeeping: expenses, income, bank transfers, handovers, policy."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_provincial_staff:
        return True
    return user.has_function(Function.SAVINGS_TREASURER) and user.sees_all_districts


def may_decide_loans(user: User) -> bool:
    return user.is_authenticated and (
        user.is_provincial_staff or user.has_function(Function.LOAN_COMMITTEE)
    )


def may_close(user: User) -> bool:
    return user.is_authenticated and (
        user.is_provincial_staff or user.has_function(Function.AUDIT_COMMITTEE)
    )


def may_approve(user: User) -> bool:
    """A second committee member: approves large withdrawals and reversals."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_provincial_staff or any(user.has_function(f) for f in COMMITTEE)


def may_see_books(user: User) -> bool:
    """The group's books and reports (journal, cash book, statements of the group, the
    receipts and vouchers of every district): those who see every district, and the
    group's loan and audit committees, who oversee the whole group. A district member
    holding the treasurer function records for their district only and does not."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.sees_all_districts or any(
        user.has_function(f) for f in (Function.LOAN_COMMITTEE, Function.AUDIT_COMMITTEE)
    )
