"""Issue 7, faults: when the database goes away under a request the user gets the Thai
"try again" page (503 with Retry-After), nothing is half-written, and the portal serves
again by itself when the database is back, without a restart.

The tests start their own PostgreSQL cluster on a free port (tests/faults/cluster.py),
never the shared server, and the portal under gunicorn with DEBUG off; they stop the
cluster during requests and start it again."""

import threading
import time
import uuid

import pytest

from tests.faults.cluster import ThrowawayCluster
from tests.faults.portal import DATABASE, Client, Portal, prepare_database

TRY_AGAIN = "ลองใหม่"


@pytest.fixture(scope="module")
def cluster():
    cluster = ThrowawayCluster()
    try:
        cluster.init()
        cluster.start()
        prepare_database(cluster)
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="module")
def portal(cluster):
    portal = Portal(cluster)
    try:
        yield portal
    finally:
        portal.stop()


@pytest.fixture
def client(portal):
    client = Client(portal.url)
    client.log_in()
    return client


@pytest.fixture
def database_down(cluster):
    """Stop the cluster for the test, and make sure it runs again afterwards."""
    yield cluster
    if not cluster.running:
        cluster.start()


def assert_try_again_page(answer):
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "30"
    assert TRY_AGAIN in answer.text
    assert "Traceback" not in answer.text


def test_pages_say_try_again_while_the_database_is_down_and_come_back_by_themselves(
    portal, client, database_down
):
    workers = portal.worker_pids()
    assert client.get("/").status == 200, portal.log_text()
    database_down.stop("fast")

    assert_try_again_page(client.get("/"))
    assert_try_again_page(client.get("/admin/"))
    notice = client.get("/producers/", headers={"HX-Request": "true"})
    assert_try_again_page(notice)
    assert notice.headers["HX-Retarget"] == "#main"
    assert "<html" not in notice.text  # the notice alone, for htmx to put on the page
    assert client.get("/health/").status == 503

    database_down.start()
    assert client.get("/").status == 200
    assert client.get("/admin/").status == 200
    assert portal.worker_pids() == workers  # the same worker, no restart

    # A restart between two requests goes unnoticed: the kept connection fails its
    # health check (CONN_HEALTH_CHECKS) and the worker connects afresh.
    database_down.stop("fast")
    database_down.start()
    assert client.get("/").status == 200

    log = portal.log_text()
    # one line for each of the four requests above, no traceback
    assert log.count("ERROR otop_portal.faults: Database unavailable") == 4
    assert "Traceback" not in log


def producer_form(name: str) -> dict:
    return {
        "producer-name": name,
        "producer-producer_type": "community_group",
        "producer-district": "2701",
        "person-first_name": f"{name} contact",
        "person-sex": "unspecified",
        "person-role": "member",
    }


def count(cluster, sql: str, *params) -> int:
    connection = cluster.connect(DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    finally:
        connection.close()


PRODUCERS_NAMED = "SELECT count(*) FROM members_producer WHERE name = %s"
PEOPLE_NAMED = "SELECT count(*) FROM members_person WHERE first_name = %s"
BLOCKED_REGISTRATION = """
    SELECT count(*) FROM pg_stat_activity activity
    JOIN pg_locks written ON written.pid = activity.pid AND written.granted
        AND written.relation = 'members_producer'::regclass
        AND written.mode = 'RowExclusiveLock'
    WHERE activity.wait_event_type = 'Lock'
        AND activity.query LIKE '%%INSERT INTO "members_networkmembership"%%'
"""


def wait_for(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_registration_cut_off_mid_request_leaves_nothing_and_succeeds_when_sent_again(
    portal, client, database_down
):
    cluster = database_down
    workers = portal.worker_pids()
    name = f"กลุ่มทดสอบ {uuid.uuid4().hex[:8]}"
    # Another session holds the membership table: the registration writes the producer,
    # its contact person and their link, then waits to open the membership.
    holder = cluster.connect(DATABASE)
    holder.cursor().execute("LOCK TABLE members_networkmembership IN EXCLUSIVE MODE")
    answers = []
    request = threading.Thread(
        target=lambda: answers.append(client.post("/producers/new/", producer_form(name)))
    )
    request.start()
    try:
        wait_for(lambda: count(cluster, BLOCKED_REGISTRATION) == 1)
        cluster.stop("immediate")  # the server dies under the waiting request
    finally:
        request.join(60)
        holder.close()
    assert_try_again_page(answers[0])

    cluster.start()
    assert count(cluster, PRODUCERS_NAMED, name) == 0
    assert count(cluster, PEOPLE_NAMED, f"{name} contact") == 0

    again = client.post("/producers/new/", producer_form(name))
    assert again.status == 302, again.text
    assert count(cluster, PRODUCERS_NAMED, name) == 1
    assert count(cluster, PEOPLE_NAMED, f"{name} contact") == 1
    assert portal.worker_pids() == workers
    assert "Traceback" not in portal.log_text()
