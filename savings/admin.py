"""Django admin for the savings group, for provincial staff: the policy versions and the
chart of accounts are kept here; everything that moves money is recorded through the
savings pages and services (so the group's rules and the second approver apply) and is
read here only. Nothing of the books can be deleted — the database refuses it anyway.
Dates are B.E."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.admin_registry import BuddhistEraDates, be_date
from savings.models import (
    Account,
    AllocationLine,
    AllocationRun,
    Beneficiary,
    GroupPolicy,
    Guarantee,
    Instalment,
    JournalEntry,
    JournalLine,
    Loan,
    LoanType,
    PeriodClose,
    ReversalRequest,
    Saver,
    Withdrawal,
)


class SavingsAdmin(BuddhistEraDates, admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SavingsAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _in_effect(policy) -> bool:
    return policy is not None and policy.effective_from <= timezone.localdate()


class LoanTypeInline(BuddhistEraDates, admin.TabularInline):
    model = LoanType
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return not _in_effect(obj)

    def has_add_permission(self, request, obj=None):
        return not _in_effect(obj)


@admin.register(GroupPolicy)
class GroupPolicyAdmin(SavingsAdmin):
    """A version in effect is history; the committee adds a new version instead."""

    list_display = ("version", "effective", "adopted_at_meeting", "unit_value", "entry_fee")
    inlines = [LoanTypeInline]

    @admin.display(description=_("in effect from"), ordering="effective_from")
    def effective(self, obj):
        return be_date(obj.effective_from)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not _in_effect(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Account)
class AccountAdmin(SavingsAdmin):
    list_display = ("code", "name", "kind", "role", "subledger", "is_bank", "active")
    list_filter = ("kind", "is_bank", "active")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "kind", "role", "subledger", "is_bank") if obj else ("role", "subledger")


class BeneficiaryInline(ReadOnlyInline):
    model = Beneficiary


@admin.register(Saver)
class SaverAdmin(ReadOnlyAdmin):
    list_display = ("member_number", "person", "district", "status", "decided_on")
    list_filter = ("status", "district")
    search_fields = ("person__first_name", "person__last_name", "=member_number")
    list_select_related = ("person", "district")
    inlines = [BeneficiaryInline]


class JournalLineInline(ReadOnlyInline):
    model = JournalLine
    fields = ("account", "debit", "credit", "saver", "loan", "collector")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "date", "kind", "document_number", "memo", "reversal_of")
    list_filter = ("kind", "document")
    search_fields = ("number", "document_number", "memo")
    inlines = [JournalLineInline]
    date_hierarchy = "on"

    @admin.display(description=_("date"), ordering="on")
    def date(self, obj):
        return be_date(obj.on)


class GuaranteeInline(ReadOnlyInline):
    model = Guarantee


class InstalmentInline(ReadOnlyInline):
    model = Instalment


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("number", "saver", "loan_type", "amount", "principal_outstanding", "status")
    list_filter = ("status", "loan_type")
    search_fields = ("number",)
    list_select_related = ("saver__person", "loan_type")
    inlines = [GuaranteeInline, InstalmentInline]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("saver", "amount", "requested_on", "status", "requested_by", "decided_by")
    list_filter = ("status",)
    list_select_related = ("saver__person", "requested_by", "decided_by")


@admin.register(PeriodClose)
class PeriodCloseAdmin(ReadOnlyAdmin):
    list_display = ("month", "cash_counted", "meeting_number", "closed_by", "closed_at")


@admin.register(ReversalRequest)
class ReversalRequestAdmin(ReadOnlyAdmin):
    list_display = ("entry", "reason", "status", "requested_by", "decided_by")
    list_filter = ("status",)


class AllocationLineInline(ReadOnlyInline):
    model = AllocationLine


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin):
    list_display = ("year_end", "net_profit", "status", "meeting_number")
    inlines = [AllocationLineInline]
