"""Every model the apps define has trigger-written history, unless it is exempt here
with a reason: a new model cannot ship without deciding."""

import pytest
from django.apps import apps

PROJECT_APPS = {"members", "equipment", "savings", "fairs"}
EXEMPT = {
    "members.Province": "loaded from geothai by load_geography, never edited by hand",
    "members.District": "loaded from geothai by load_geography, never edited by hand",
    "members.Subdistrict": "loaded from geothai by load_geography, never edited by hand",
    "members.NationalIdView": "itself a log, and the database refuses to change its rows",
    "members.ReceiptCounter": "a counter; the receipts it numbers have history",
    "members.PasswordResetRequest": "a short-lived log of reset requests, to throttle the form",
    "equipment.RuleOverride": "a record of a decision; the database refuses to change it",
    "equipment.BookingRefusal": "a log of refused requests; the database refuses to change it",
    "equipment.Reminder": "a log of reminders sent, kept so that none is sent twice",
    "members.ProducerMerge": "itself a record of a change, and the database refuses to change it",
    "members.PersonDataAction": "itself a log (PDPA exports, anonymisations); the database "
    "refuses to change its rows",
    "savings.JournalEntry": "the journal is append-only: the database refuses to change it",
    "savings.JournalLine": "the journal is append-only: the database refuses to change it",
    "savings.IdempotencyKey": "a log of forms posted; the database refuses to change it",
    "savings.PeriodClose": "a closing is final: the database refuses to change it",
    "savings.Instalment": "the schedule is fixed at pay-out: the database refuses to change it",
    "savings.SaverAccount": "balances kept by triggers from the journal, which is their history",
    "savings.AllocationLine": "a draft's lines are recomputed; a posted run's are refused changes",
    "fairs.FrozenList": "published once: the database refuses to change it",
    "fairs.FrozenEntry": "a line of the published list: the database refuses to change it",
    "fairs.RandomSource": "its one change, the confirmation, records who and when in the row; "
    "the database refuses any other",
    "fairs.Draw": "its one change, publishing, records who and when in the row; the database "
    "refuses any other",
    "fairs.DrawLine": "a draw's result: the database refuses to change it",
    "fairs.Payment": "money received, append-only: corrections are new rows",
    "equipment.UseMonth": "the use report's kept month, derived from loans and bookings "
    "(which have history) and forgotten when they change",
    "equipment.UnitUseMonth": "a unit's figures in a kept month, derived like the month",
}


def _event_models():
    return [m for m in apps.get_models() if hasattr(m, "pgh_tracked_model")]


def _tracked() -> set[str]:
    return {m.pgh_tracked_model._meta.label for m in _event_models()}


def _project_models():
    events = set(_event_models())
    return [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model not in events
    ]


@pytest.mark.parametrize("label", _project_models())
def test_each_model_has_history_or_a_reason_not_to(label):
    assert label in _tracked() or label in EXEMPT, f"track {label} or exempt it with a reason"


def test_the_exemptions_name_real_models():
    assert set(EXEMPT) <= set(_project_models())
