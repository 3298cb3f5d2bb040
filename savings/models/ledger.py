"""The group's books: a chart of accounts and a double-entry journal that is only ever
added to (research/savings.md §3).

The database holds the invariants, whatever writes (services, admin, shell, imports):
- a journal entry's debits equal its credits, with at least two lines (a deferred
  constraint trigger checks at commit);
- each line has exactly one side, positive;
- entries and lines are never changed or deleted; a mistake is reversed by a new entry;
- no entry is dated in a closed month;
- a line on a member sub-ledger names the saver (and the loan, for loans; the collector,
  for cash with collectors), and the saver's balances (SaverAccount) and the loan's
  principal follow from the lines, by trigger.

Ledger rows hold no personal data: a line refers to a saver, a loan or a collector by
key, and an entry's memo is written by the services from references, never from names.
"""

from decimal import Decimal

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet
from savings.models.policy import MONEY

LEDGER_SQLSTATE = "P0001"  # what the triggers raise (plpgsql's RAISE EXCEPTION)


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


DEBIT_NORMAL = {AccountKind.ASSET, AccountKind.EXPENSE}


class Subledger(models.TextChoices):
    NONE = "", _("None")
    PLEDGED = "pledged", _("Pledged savings of each member")
    DEPOSITS = "deposits", _("Deposits of each member")
    LOANS = "loans", _("Loans of each member")
    COLLECTORS = "collectors", _("Cash with each collector")


class Role(models.TextChoices):
    """The accounts the services post to, found by role rather than by code."""

    CASH = "cash", _("Cash on hand")
    COLLECTORS = "collectors", _("Cash with district collectors")
    LOANS = "loans", _("Loans to members")
    DEPOSITS = "deposits", _("Members' deposits")
    PLEDGED = "pledged", _("Members' pledged savings")
    RESERVE = "reserve", _("Reserve")
    WELFARE = "welfare", _("Welfare fund")
    COMMITTEE = "committee", _("Committee pay owed")
    NETWORK = "network", _("Support owed to the OTOP network")
    SURPLUS = "surplus", _("Surplus awaiting allocation")
    INTEREST = "interest", _("Loan interest")
    FINES = "fines", _("Fines")
    FEES = "fees", _("Entry fees")
    OTHER_INCOME = "other_income", _("Other income")
    DEPOSIT_INTEREST = "deposit_interest", _("Interest paid on deposits")
    EXPENSES = "expenses", _("Running expenses")


class AccountQuerySet(ScopedQuerySet):
    district_path = None


@track()
class Account(models.Model):
    """An account of the chart. A bank account of the group is an asset account with
    its bank's name and number."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, blank=True, null=True, unique=True
    )
    subledger = models.CharField(
        _("member sub-ledger"), max_length=12, choices=Subledger.choices, blank=True, default=""
    )
    is_bank = models.BooleanField(_("bank account"), default=False)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_number = models.CharField(_("bank account number"), max_length=30, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_bank=False) | Q(kind=AccountKind.ASSET, subledger=""),
                name="bank_is_plain_asset",
            )
        ]
        triggers = [pgtrigger.Protect(name="accounts_stay", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (Thai unless English is chosen)."""
        from otop_portal.lib.language import reads_english

        return self.name_en if self.name_en and reads_english() else self.name

    @property
    def debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL


class EntryKind(models.TextChoices):
    OPENING = "opening", _("Opening balance")
    ENTRY_FEE = "entry_fee", _("Entry fee")
    PLEDGE = "pledge", _("Pledged savings")
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    DISBURSEMENT = "disbursement", _("Loan paid out")
    REPAYMENT = "repayment", _("Loan repayment")
    INCOME = "income", _("Other income")
    EXPENSE = "expense", _("Expense")
    HANDOVER = "handover", _("Cash handed over")
    TRANSFER = "transfer", _("Cash and bank transfer")
    DEPOSIT_INTEREST = "deposit_interest", _("Interest on deposits")
    SETTLEMENT = "settlement", _("Settlement on leaving")
    YEAR_CLOSE = "year_close", _("Closing of the year")
    ALLOCATION = "allocation", _("Allocation of the year's profit")
    REVERSAL = "reversal", _("Reversal")


class Document(models.TextChoices):
    NONE = "", _("None")
    RECEIPT = "receipt", _("Receipt")
    VOUCHER = "voucher", _("Payment voucher")


class JournalEntryQuerySet(ScopedQuerySet):
    district_path = None  # the books are the group's; member pages filter by saver

    def not_reversed(self):
        return self.filter(reversed_by__isnull=True).exclude(kind=EntryKind.REVERSAL)


class JournalEntry(models.Model):
    number = models.CharField(_("entry number"), max_length=20, unique=True)
    on = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    document = models.CharField(
        _("document"), max_length=10, choices=Document.choices, blank=True, default=""
    )
    document_number = models.CharField(_("document number"), max_length=20, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    approved_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["on", "pk"]
        # the journal page reads entries by (date, id), newest first (keyset pagination)
        indexes = [models.Index(fields=["on", "id"], name="entry_on_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "document_number"],
                condition=~Q(document=""),
                name="one_entry_per_document",
            ),
            models.CheckConstraint(
                condition=Q(reversal_of__isnull=True) | Q(kind=EntryKind.REVERSAL),
                name="reversal_kind",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="approver_is_another_person",
                violation_error_message=_("The person who recorded it cannot approve it."),
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="not_in_closed_month",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func="""
                IF EXISTS (SELECT 1 FROM savings_periodclose c WHERE c.month_end >= NEW."on") THEN
                    RAISE EXCEPTION 'savings: % is in a closed month', NEW."on";
                END IF;
                RETURN NEW;
                """,
            ),
            pgtrigger.Trigger(
                name="entry_balances",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func="""
                IF (SELECT COUNT(*) < 2 OR SUM(l.debit) <> SUM(l.credit)
                    FROM savings_journalline l WHERE l.entry_id = NEW.id) THEN
                    RAISE EXCEPTION 'savings: entry % does not balance', NEW.number;
                END IF;
                RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.number


class JournalLineQuerySet(ScopedQuerySet):
    district_path = None


class JournalLine(models.Model):
    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="lines", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    debit = models.DecimalField(_("debit"), default=Decimal("0"), **MONEY)
    credit = models.DecimalField(_("credit"), default=Decimal("0"), **MONEY)
    saver = models.ForeignKey(
        "savings.Saver",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("saver"),
    )
    loan = models.ForeignKey(
        "savings.Loan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("loan"),
    )
    collector = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collector"),
    )

    objects = JournalLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry", "pk"]
        indexes = [
            models.Index(fields=["account", "saver"], name="line_account_saver"),
            models.Index(fields=["saver", "account"], name="line_saver_account"),
            models.Index(fields=["loan"], name="line_loan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0) & Q(credit=0)) | (Q(credit__gt=0) & Q(debit=0)),
                name="one_positive_side",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="subledger_reference",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert,
                func="""
                DECLARE sub text;
                BEGIN
                    SELECT a.subledger INTO sub FROM savings_account a WHERE a.id = NEW.account_id;
                    IF sub IN ('pledged', 'deposits', 'loans') AND NEW.saver_id IS NULL THEN
                        RAISE EXCEPTION 'savings: a line on a member sub-ledger needs a saver';
                    END IF;
                    IF sub = 'loans' AND NEW.loan_id IS NULL THEN
                        RAISE EXCEPTION 'savings: a line on loans needs the loan';
                    END IF;
                    IF sub = 'collectors' AND NEW.collector_id IS NULL THEN
                        RAISE EXCEPTION 'savings: a line on collectors'' cash needs the collector';
                    END IF;
                    RETURN NEW;
                END;
                """,
            ),
            pgtrigger.Trigger(
                name="keep_balances",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func="""
                DECLARE sub text;
                BEGIN
                    SELECT a.subledger INTO sub FROM savings_account a WHERE a.id = NEW.account_id;
                    IF sub NOT IN ('pledged', 'deposits', 'loans') THEN
                        RETURN NULL;
                    END IF;
                    -- a row for the saver first (an INSERT checks its own values before
                    -- ON CONFLICT, so the change itself is an UPDATE)
                    INSERT INTO savings_saveraccount
                        (saver_id, pledged, deposits, held, loan_principal)
                        VALUES (NEW.saver_id, 0, 0, 0, 0) ON CONFLICT (saver_id) DO NOTHING;
                    IF sub = 'pledged' THEN
                        UPDATE savings_saveraccount SET pledged = pledged + NEW.credit - NEW.debit
                            WHERE saver_id = NEW.saver_id;
                    ELSIF sub = 'deposits' THEN
                        UPDATE savings_saveraccount SET deposits = deposits + NEW.credit - NEW.debit
                            WHERE saver_id = NEW.saver_id;
                    ELSE
                        UPDATE savings_saveraccount
                            SET loan_principal = loan_principal + NEW.debit - NEW.credit
                            WHERE saver_id = NEW.saver_id;
                        UPDATE savings_loan
                            SET principal_outstanding =
                                principal_outstanding + NEW.debit - NEW.credit
                            WHERE id = NEW.loan_id;
                    END IF;
                    RETURN NULL;
                END;
                """,
            ),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit}" if self.debit else f"Cr {self.credit}"
        return f"{self.entry_id} {self.account_id} {side}"

    @property
    def amount(self) -> Decimal:
        return self.debit or self.credit


class IdempotencyKeyQuerySet(ScopedQuerySet):
    district_path = None


class IdempotencyKey(models.Model):
    """The one-time key a money form carries: the first post records what it did; a
    repeat with the same payload gets the same result, a different payload is refused."""

    key = models.UUIDField(primary_key=True)
    action = models.CharField(max_length=40)
    payload_hash = models.CharField(max_length=64)
    result = models.CharField(max_length=40, help_text="model label and primary key")
    created_by = models.ForeignKey("members.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-time key")
        verbose_name_plural = _("one-time keys")
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return str(self.key)


class PeriodCloseQuerySet(ScopedQuerySet):
    district_path = None


class PeriodClose(models.Model):
    """A month closed by the audit committee after the meeting: nothing is posted or
    reversed in it afterwards. Closing is in order, month after month, and final."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    month_end = models.DateField(_("last day"), unique=True)
    cash_counted = models.DecimalField(_("cash counted"), **MONEY)
    cash_in_books = models.DecimalField(_("cash in the cash book"), **MONEY)
    meeting_number = models.CharField(_("meeting"), max_length=50, blank=True)
    closed_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = PeriodCloseQuerySet.as_manager()

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="close_first_of_month"),
            models.CheckConstraint(
                condition=Q(cash_counted=models.F("cash_in_books")),
                name="close_only_when_cash_agrees",
                violation_error_message=_("The cash counted does not match the cash book."),
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="closing_is_final", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReversalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second approver")
    DONE = "done", _("Reversed")
    REFUSED = "refused", _("Refused")


class ReversalRequestQuerySet(ScopedQuerySet):
    district_path = None


@track()
class ReversalRequest(models.Model):
    """A request to reverse a posted entry: one committee member asks with a reason,
    another approves, and the reversal is posted in the open month."""

    entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, related_name="reversal_requests"
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        "members.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReversalStatus.choices,
        default=ReversalStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        "members.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    reversal = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReversalRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("reversal request")
        verbose_name_plural = _("reversal requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status="pending"),
                name="one_pending_reversal_per_entry",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="reversal_decided_by_another",
                violation_error_message=_("The person who asked cannot approve it."),
            ),
        ]
        triggers = [pgtrigger.Protect(name="requests_stay", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status}"
