"""A producer's best current stars, kept by the database in Producer.best_stars: each
product's latest round, the highest of those, whatever writes the ratings."""

import pytest
from pghistory.models import Events

from members.models import Producer, StarRating
from tests.factories import ProducerFactory, ProductFactory, StarRatingFactory

pytestmark = pytest.mark.django_db


def _best(producer) -> int | None:
    return Producer.objects.values_list("best_stars", flat=True).get(pk=producer.pk)


def test_a_producer_without_ratings_has_no_stars():
    producer = ProducerFactory()
    ProductFactory(producer=producer)
    assert _best(producer) is None


def test_the_latest_round_of_each_product_counts_and_the_best_product_wins():
    producer = ProducerFactory()
    silk, rice = ProductFactory(producer=producer), ProductFactory(producer=producer)
    StarRatingFactory(product=silk, round_year_be=2565, stars=5)
    StarRatingFactory(product=silk, round_year_be=2567, stars=3)  # silk's latest: 3
    assert _best(producer) == 3
    StarRatingFactory(product=rice, round_year_be=2566, stars=4)
    assert _best(producer) == 4


def test_changing_and_deleting_a_rating_follow():
    producer = ProducerFactory()
    rating = StarRatingFactory(product=ProductFactory(producer=producer), stars=2)
    StarRating.objects.filter(pk=rating.pk).update(stars=5)  # no save(): SQL alone
    assert _best(producer) == 5
    rating.delete()
    assert _best(producer) is None


def test_a_product_moved_to_another_producer_takes_its_stars_along():
    old, new = ProducerFactory(), ProducerFactory()
    product = ProductFactory(producer=old)
    StarRatingFactory(product=product, stars=4)
    product.producer = new
    product.save()
    assert (_best(old), _best(new)) == (None, 4)


def test_deleting_a_product_drops_its_stars():
    producer = ProducerFactory()
    product = ProductFactory(producer=producer)
    StarRatingFactory(product=product, stars=4)
    product.delete()
    assert _best(producer) is None


def test_the_stars_change_leaves_no_event_in_the_producers_history():
    producer = ProducerFactory()
    before = Events.objects.references(producer).filter(pgh_model="members.ProducerEvent").count()
    StarRatingFactory(product=ProductFactory(producer=producer), stars=4)
    after = Events.objects.references(producer).filter(pgh_model="members.ProducerEvent").count()
    assert (_best(producer), after) == (4, before)
