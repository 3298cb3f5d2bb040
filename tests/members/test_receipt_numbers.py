"""Receipt and document numbers: one statement creates a year's counter or takes its
next number; a number taken in a transaction that rolls back is given back."""

import threading

import pytest
from django.db import transaction

from members.models import ReceiptCounter
from members.services.membership import next_number, next_receipt_number

pytestmark = pytest.mark.django_db


def test_a_new_year_starts_at_one_and_goes_on_without_gaps():
    assert [next_number(series="test-series", year_be=2569) for _ in range(3)] == [1, 2, 3]
    assert next_number(series="test-series", year_be=2570) == 1
    assert next_receipt_number(series="test-series", year_be=2569) == "2569/0004"
    assert ReceiptCounter.objects.get(series="test-series", year_be=2569).last_number == 4


def test_a_number_taken_in_a_rolled_back_transaction_is_given_back():
    next_number(series="test-series", year_be=2569)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(series="test-series", year_be=2569) == 2
        raise RuntimeError("the receipt was not saved")
    assert next_number(series="test-series", year_be=2569) == 2


@pytest.mark.django_db(transaction=True)
def test_two_transactions_taking_numbers_at_once_never_get_the_same_one():
    """The second waits on the counter row the first updated, then takes the next."""
    from django.db import connections

    taken, errors = [], []
    start = threading.Barrier(2)

    def take():
        try:
            start.wait()
            with transaction.atomic():
                taken.append(next_number(series="race", year_be=2569))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(taken) == [1, 2]
