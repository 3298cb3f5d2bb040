"""The nightly reconciliation command reports agreement, and names any mismatch."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from savings import services
from tests.savings.conftest import JOINED

pytestmark = pytest.mark.django_db


def test_books_that_agree_are_reported_so(treasurer, saver):
    services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    out = StringIO()
    call_command("check_savings_books", stdout=out)
    assert "no mismatch" in out.getvalue()


def test_a_balance_changed_behind_the_ledgers_back_is_reported(treasurer, saver):
    services.deposit(saver=saver, amount=Decimal("500"), on=JOINED, by=treasurer)
    with connection.cursor() as cursor:  # a bug or a hand edit in the database
        cursor.execute(
            "UPDATE savings_saveraccount SET deposits = deposits + 1 WHERE saver_id = %s",
            [saver.pk],
        )
    err = StringIO()
    with pytest.raises(CommandError, match="do not reconcile"):
        call_command("check_savings_books", stdout=StringIO(), stderr=err)
    assert f"saver {saver.pk} deposits" in err.getvalue()
    with connection.cursor() as cursor:  # put it right for the teardown's own check
        cursor.execute(
            "UPDATE savings_saveraccount SET deposits = deposits - 1 WHERE saver_id = %s",
            [saver.pk],
        )
