"""The public verification pages: no login, the frozen list and its hash from the
freeze, the draw once published, names only of producers who got a booth, and a
downloadable program that recomputes the published result exactly."""

import hashlib
import io
import subprocess
import sys
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fairs.models import Outcome
from fairs.services import applications, lottery
from tests.fairs.builders import SOURCE, make_fair
from tests.fairs.builders_draw import drawn, frozen_fair, manager, second_manager

pytestmark = pytest.mark.django_db


def test_the_index_lists_frozen_fairs_only(client):
    open_fair = make_fair(name="งานที่ยังรับสมัคร")
    frozen = frozen_fair()
    response = client.get(reverse("fairs:verify_index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("fairs:verify", args=[frozen.pk]) in page
    assert reverse("fairs:verify", args=[open_fair.pk]) not in page


def test_a_fair_whose_list_is_not_frozen_has_no_verification_page(client):
    fair = make_fair()
    assert client.get(reverse("fairs:verify", args=[fair.pk])).status_code == 404
    assert client.get(reverse("fairs:verify_list", args=[fair.pk])).status_code == 404
    assert client.get(reverse("fairs:verify_code") + f"?fair={fair.pk}").status_code == 404


def test_the_hash_is_public_from_the_freeze_and_the_draw_once_published(client):
    fair, official = drawn(publish=False, applicants=4, food=0)
    response = client.get(reverse("fairs:verify", args=[fair.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert fair.frozen_list.list_hash in page
    assert official.seed not in page  # run, but not published
    assert response.context["rows"] == []
    assert client.get(reverse("fairs:verify_results", args=[fair.pk])).status_code == 404

    lottery.draw_publish(draw=official, by=manager())
    page = client.get(reverse("fairs:verify", args=[fair.pk])).content.decode()
    assert official.seed in page
    assert official.source_text in page


def test_the_list_download_hashes_to_the_published_hash(client):
    fair, _official = drawn(applicants=4, food=1)
    response = client.get(reverse("fairs:verify_list", args=[fair.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest == fair.frozen_list.list_hash
    assert digest in client.get(reverse("fairs:verify", args=[fair.pk])).content.decode()


def test_names_only_of_producers_who_got_a_booth(client):
    fair, official = drawn(applicants=10, food=2)  # 10 textile applicants for 8 booths
    lines = list(official.lines.select_related("application__producer"))
    selected = [line for line in lines if line.outcome == Outcome.SELECTED]
    others = [line for line in lines if line.outcome != Outcome.SELECTED]
    assert selected and others
    response = client.get(reverse("fairs:verify", args=[fair.pk]))
    page = response.content.decode()
    for line in selected:
        assert line.application.producer.name in page
    for line in others:
        assert line.application.producer.name not in page
        assert repr(line.key) in page  # the key in full precision
    results = client.get(reverse("fairs:verify_results", args=[fair.pk])).content.decode()
    for line in lines:
        assert line.application.producer.name not in results


def _verify_queries(client, fair) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("fairs:verify", args=[fair.pk])).status_code == 200
    return len(queries)


def test_the_verification_page_takes_the_same_queries_for_3_and_30_lines(client):
    small, _draw = drawn(applicants=1, food=2)
    large, _draw = drawn(applicants=28, food=2)
    assert _verify_queries(client, small) == _verify_queries(client, large)


def test_the_program_download_is_the_same_bytes_every_time(client):
    fair, _official = drawn(applicants=2, food=0)
    first = client.get(reverse("fairs:verify_code"))
    assert first["Content-Type"] == "application/zip"
    assert first.content == client.get(reverse("fairs:verify_code")).content
    names = zipfile.ZipFile(io.BytesIO(first.content)).namelist()
    assert "verify.py" in names and "policy.json" not in names
    assert any(name.startswith("fairs/draw") for name in names)
    url = reverse("fairs:verify_code") + f"?fair={fair.pk}"
    with_policy = client.get(url)
    assert with_policy.content == client.get(url).content
    assert "policy.json" in zipfile.ZipFile(io.BytesIO(with_policy.content)).namelist()
    assert client.get(reverse("fairs:verify_code") + "?fair=x").status_code == 404


def _recompute(client, fair, tmp_path, source: str) -> tuple[str, str]:
    archive = client.get(reverse("fairs:verify_code") + f"?fair={fair.pk}").content
    zipfile.ZipFile(io.BytesIO(archive)).extractall(tmp_path)
    (tmp_path / "list.csv").write_bytes(
        client.get(reverse("fairs:verify_list", args=[fair.pk])).content
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own downloaded script
        [sys.executable, "verify.py", "list.csv", source],
        cwd=tmp_path,
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    published = client.get(reverse("fairs:verify_results", args=[fair.pk])).content
    return done.stdout.decode("utf-8"), published.decode("utf-8")


def test_the_downloaded_program_recomputes_the_published_result(client, tmp_path):
    fair, official = drawn(applicants=10, food=3)
    mine, published = _recompute(client, fair, tmp_path, official.source_text)
    assert mine == published
    assert len(published.splitlines()) == official.lines.count() + 1


def test_the_program_skips_applications_withdrawn_after_the_freeze(client, tmp_path):
    fair = frozen_fair(applicants=5)
    withdrawn = fair.applications.order_by("number").first()
    applications.application_withdraw(application=withdrawn, by=manager(), reason="ไม่ว่าง")
    source = lottery.source_enter(fair=fair, by=manager(), text=SOURCE)
    lottery.source_confirm(source=source, by=second_manager(), retyped=SOURCE)
    official = lottery.draw_run(fair=fair, by=manager(), official=True)
    lottery.draw_publish(draw=official, by=manager())
    mine, published = _recompute(client, fair, tmp_path, SOURCE)
    assert mine == published
    assert f",{withdrawn.number}," in published and "withdrawn" in published


def test_another_source_gives_another_result(client, tmp_path):
    fair, official = drawn(applicants=10, food=2)
    mine, published = _recompute(client, fair, tmp_path, official.source_text + " 1")
    assert mine != published


def test_odd_fair_numbers_in_the_download_are_not_found(client, db):
    from django.urls import reverse

    for odd in ("²", "9" * 5000, "-1", "abc"):
        response = client.get(reverse("fairs:verify_code"), {"fair": odd})
        assert response.status_code == 404
