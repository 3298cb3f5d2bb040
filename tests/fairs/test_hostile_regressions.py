"""Server errors the hostile-input test (tests/test_hostile_input.py) found in the fairs
pages, each pinned by the post that caused it."""

from django.urls import reverse

from tests.fairs.builders_applications import application_of, open_fair


def test_a_review_with_a_next_that_is_not_a_path_goes_to_the_application(client, staff):
    # "331" passed the same-host check and reached redirect() as a view name: a 500
    application = application_of(open_fair())
    client.force_login(staff)
    url = reverse("fairs:application_review", args=[application.pk])
    response = client.post(url, {"status": "eligible", "reason": "ครบถ้วน", "next": "331"})
    assert response.status_code == 302
    assert response["Location"] == reverse("fairs:application_detail", args=[application.pk])


def test_a_review_still_returns_to_the_queue_it_came_from(client, staff):
    application = application_of(open_fair())
    client.force_login(staff)
    queue = reverse("fairs:review_queue", args=[application.fair_id])
    url = reverse("fairs:application_review", args=[application.pk])
    response = client.post(url, {"status": "eligible", "reason": "ครบถ้วน", "next": queue})
    assert response["Location"] == queue
