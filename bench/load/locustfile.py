"""The portal's simulated users, one class per persona, logging in with the demo logins
through the real login form (CSRF token and all) and using the pages as people do:
following the links a page shows, filling its forms with what a browser would post.

    browse     district committee members on a phone: home, producers (with a search),
               a producer's page, the machines and a unit's calendar, the savings
               sheet and a saver's statement, the fairs
    book       district committee members booking machines for their producers on
               random free days (collisions are refused, never double-booked), and
               now and then cancelling one
    approve    the equipment approver deciding on waiting requests (approving one
               rejects the requests that compete with it)
    treasurer  savings treasurers recording pledged savings and deposits: the
               collection sheet of a district, a member's payment form, now and then
               the same form posted twice (a double click records once)
    apply      district chairs applying for booths for their producers at the fair open
               for applications today
    staff      provincial staff and network officers reading reports and exports

With LOAD_YARDSTICK set, every persona's users log in the same way, with the same
weights and pauses, and only open the yardstick page (the trivial logged-in page of
bench/urls.py): the same load on the page that does nothing, to compare with.

Run by bench/load/run.py, which hands over the logins (LOAD_ACCOUNTS, from
bench/load/accounts.py) and where to write the statistics (LOAD_STATS). Request names
read "<persona>: <page>", so the statistics add up per persona as well as per page.
"""

import itertools
import json
import os
import random
import re
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task
from locust.stats import StatsEntry

from bench.load.pages import ids, links, post_form

BANGKOK = ZoneInfo("Asia/Bangkok")
SEARCHES = ["กลุ่ม", "ผ้า", "ข้าว", "น้ำพริก", "ขนม", "สมุนไพร", "จักสาน", "ไม้", "ผลิตภัณฑ์"]
WAIT = tuple(float(s) for s in os.environ.get("LOAD_WAIT", "3,10").split(","))
HOT = 0.3  # the share of bookings that ask for the one most wanted slot of a machine type
PLEDGE_UNIT = 50  # the demo group's value of one pledged unit
OUTCOMES: Counter = Counter()  # what the posts came to, for the summary
RULE = re.compile(r'data-rule="(R\d+)"')  # a lending rule that refused a booking


def _accounts() -> list[dict]:
    path = os.environ.get("LOAD_ACCOUNTS")
    if not path:
        raise SystemExit("LOAD_ACCOUNTS is not set: run the load test with bench/load/run.py.")
    with open(path, encoding="utf-8") as source:
        return json.load(source)


ACCOUNTS = _accounts()
DISTRICT_MEMBERS = [a for a in ACCOUNTS if a["role"] == "district_member"]
CHAIRS = [a for a in DISTRICT_MEMBERS if a["username"].endswith(".chair")] or DISTRICT_MEMBERS
TREASURERS = [a for a in ACCOUNTS if "savings_treasurer" in a["functions"]]
APPROVERS = [a for a in ACCOUNTS if "equipment_approver" in a["functions"]]
STAFF = [a for a in ACCOUNTS if a["role"] in ("provincial_staff", "network_officer")]
DISTRICTS = sorted({a["district"] for a in DISTRICT_MEMBERS})


def today() -> date:
    return datetime.now(BANGKOK).date()


def next_workday(day: date) -> date:
    """The day, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def be(day: date) -> str:
    """25/10/2568: a date as people type it, in the Buddhist Era."""
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    persona = ""
    logins: list[dict] = []

    def on_start(self):
        counter = type(self).__dict__.get("_counter")
        if counter is None:
            counter = type(self)._counter = itertools.count()
        self.account = self.logins[next(counter) % len(self.logins)]
        self.log_in()

    def name(self, page: str) -> str:
        return f"{self.persona}: {page}"

    def log_in(self):
        page = self.client.get("/accounts/login/", name=self.name("login form"))
        form = post_form(page.text, needs="username")
        form.set("username", self.account["username"])
        form.set("password", self.account["password"])
        with self.client.post(
            "/accounts/login/",
            data=form.data(),
            name=self.name("log in"),
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302 or "/accounts/login/" in answer.headers.get(
                "Location", ""
            ):
                answer.failure(f"{self.account['username']} could not log in")

    def get(self, url: str, page: str, **kwargs):
        return self.client.get(url, name=self.name(page), **kwargs)

    def post(self, url: str, data, page: str, outcome: str):
        """POST as a browser does; a redirect means it was recorded (its target is
        returned), the page again (200) that it was refused with a message (None),
        anything else is a failure."""
        location, _refused = self.post_page(url, data, page, outcome)
        return location

    def post_page(self, url: str, data, page: str, outcome: str):
        """`post`, with the page of a refusal: (redirect target or None, page or "")."""
        with self.client.post(
            url, data=data, name=self.name(page), allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code in (301, 302, 303):
                if "/accounts/login/" in answer.headers["Location"]:
                    answer.failure("sent to the login page: the session was lost")
                    return None, ""
                OUTCOMES[f"{outcome}: recorded"] += 1
                answer.success()
                return answer.headers["Location"], ""
            if answer.status_code == 200:
                rules = sorted(set(RULE.findall(answer.text)))
                OUTCOMES[f"{outcome}: refused" + (f" ({', '.join(rules)})" if rules else "")] += 1
                answer.success()
                return None, answer.text
            answer.failure(f"HTTP {answer.status_code}")
            return None, ""


class DistrictBrowser(PortalUser):
    """A district committee member reading their district's pages on a phone."""

    weight = 45
    persona = "browse"
    logins = DISTRICT_MEMBERS

    @task(3)
    def home(self):
        self.get("/", "home")

    @task(4)
    def producers(self):
        page = self.get(f"/producers/?q={random.choice(SEARCHES)}", "producer list, search")
        if random.random() < 0.5:
            page = self.get("/producers/", "producer list")
        found = ids(page.text, r"/producers/(\d+)/")
        if found:
            self.get(f"/producers/{random.choice(found)}/", "producer page")

    @task(3)
    def equipment_calendar(self):
        page = self.get("/equipment/", "machines")
        types = ids(page.text, r"/equipment/types/(\d+)/")
        if not types:
            return
        page = self.get(f"/equipment/types/{random.choice(types)}/", "machine type")
        units = ids(page.text, r"/equipment/units/(\d+)/")
        if units:
            unit = random.choice(units)
            self.get(f"/equipment/units/{unit}/", "unit calendar")
            month = today().replace(day=1) + timedelta(days=32)
            self.get(f"/equipment/units/{unit}/?month={month:%Y-%m}", "unit calendar")

    @task(2)
    def savings(self):
        self.get("/savings/", "savings")
        code = self.account["district"]
        self.get(f"/savings/sheet/{code}/{today():%Y-%m}/", "collection sheet")
        page = self.get("/savings/savers/", "savers")
        savers = ids(page.text, r"/savings/savers/(\d+)/")
        if savers:
            saver = random.choice(savers)
            self.get(f"/savings/savers/{saver}/", "saver page")
            self.get(f"/savings/savers/{saver}/statement/", "saver statement")

    @task(2)
    def fairs(self):
        page = self.get("/fairs/", "fairs")
        fairs = ids(page.text, r"/fairs/(\d+)/")
        if fairs:
            fair = random.choice(fairs)
            self.get(f"/fairs/{fair}/", "fair page")
            self.get(f"/fairs/{fair}/plan/", "fair plan")


class Booker(PortalUser):
    """A district committee member booking a machine for one of their producers."""

    weight = 20
    persona = "book"
    logins = DISTRICT_MEMBERS

    @task(5)
    def book(self):
        page = self.get("/equipment/", "machines")
        types = ids(page.text, r"/equipment/types/(\d+)/")
        if not types:
            return
        url = f"/equipment/types/{random.choice(types)}/book/"
        page = self.get(url, "booking form")
        form = post_form(page.text, needs="producer")
        if form is None:
            return
        producers = [value for value in form.choices.get("producer", []) if value]
        units = [value for value in form.choices.get("unit", []) if value]
        if not producers or not units:
            return
        if random.random() < HOT:
            # Everyone wants the same machine on the same day: the collisions to refuse.
            form.set("unit", units[0])
            first = next_workday(today() + timedelta(days=7))
        else:
            form.set("unit", random.choice(units))
            first = next_workday(today() + timedelta(days=random.randint(1, 14)))
        form.set("first_day", be(first))
        if "starts" in form.names:
            start = random.randint(9, 14)
            form.set("starts", f"{start:02d}:00")
            form.set("ends", f"{start + random.randint(1, 2):02d}:00")
        else:
            last = first + timedelta(days=random.choice((0, 0, 1, 2)))
            form.set("last_day", be(next_workday(last)))
        form.set("purpose", "ทดสอบการใช้งานพร้อมกัน")
        # Refused for the producer (not eligible, quota used up), a person tries another.
        for producer in random.sample(producers, min(5, len(producers))):
            form.set("producer", producer)
            booking, refused = self.post_page(url, form.data(), "book", "booking")
            if booking:
                self.get(booking, "booking page")
                return
            if not set(RULE.findall(refused)) & {"R1", "R5", "R6", "R7", "R8", "R9"}:
                return  # refused for the time or the unit: another producer would not help

    @task(3)
    def cancel(self):
        """Plans change: cancel one of the district's bookings not yet picked up (which
        also frees the producer's quota for the next booking)."""
        status = random.choice(("requested", "approved"))
        page = self.get(f"/equipment/bookings/?status={status}", "bookings")
        bookings = ids(page.text, r"/equipment/bookings/(\d+)/")
        if not bookings:
            return
        page = self.get(f"/equipment/bookings/{random.choice(bookings)}/", "booking page")
        cancel = links(page.text, r"/equipment/bookings/\d+/cancel/")
        if not cancel:
            return
        page = self.get(cancel[0], "cancel form")
        form = post_form(page.text, needs="reason")
        if form is not None and "override" not in form.names:
            form.set("reason", "ผู้ผลิตเปลี่ยนแผน")
            self.post(cancel[0], form.data(), "cancel", "cancellation")


class Approver(PortalUser):
    """The equipment approver working through the requests waiting for a decision."""

    weight = 3
    persona = "approve"
    logins = APPROVERS

    @task
    def decide(self):
        page = self.get("/equipment/approvals/", "approval inbox")
        waiting = ids(page.text, r"/equipment/bookings/(\d+)/")
        if not waiting:
            return
        pk = random.choice(waiting[:10])
        page = self.get(f"/equipment/bookings/{pk}/", "request page")
        form = post_form(page.text, needs="note")
        if form is not None:
            self.post(f"/equipment/bookings/{pk}/approve/", form.data(), "approve", "approval")


class Treasurer(PortalUser):
    """A savings treasurer recording pledged savings and deposits of their district."""

    weight = 12
    persona = "treasurer"
    logins = TREASURERS

    def district(self) -> str:
        return self.account["district"] or random.choice(DISTRICTS)

    @task(2)
    def sheet(self):
        url = f"/savings/sheet/{self.district()}/{today():%Y-%m}/"
        page = self.get(url, "collection sheet")
        form = post_form(page.text, needs="key")
        members = [name for name in (form.names if form else []) if name.startswith("deposit-")]
        if not members:
            return
        for name in random.sample(members, min(len(members), random.randint(1, 3))):
            if random.random() < 0.5:
                form.set(name, random.randrange(100, 1000, 10))
            else:
                form.set(name.replace("deposit-", "pledged-"), PLEDGE_UNIT * random.randint(1, 3))
        done = self.post(url, form.data(), "record the sheet", "sheet")
        if done:
            self.get(done, "sheet recorded")

    @task(3)
    def payment(self):
        page = self.get(f"/savings/savers/?district={self.district()}", "savers")
        savers = ids(page.text, r"/savings/savers/(\d+)/")
        if not savers:
            return
        kind = random.choice(("deposit", "pay-pledge"))
        url = f"/savings/savers/{random.choice(savers)}/{kind}/"
        page = self.get(url, f"{kind} form")
        form = post_form(page.text, needs="amount")
        if form is None:
            return
        if kind == "deposit":
            form.set("amount", random.randrange(100, 2000, 10))
        else:
            form.set("amount", PLEDGE_UNIT * random.randint(1, 4))
        receipt = self.post(url, form.data(), kind, kind)
        if receipt and random.random() < 0.1:
            # A double click: the same one-time key again records nothing new.
            self.post(url, form.data(), f"{kind} again", f"{kind} posted twice")
        if receipt:
            self.get(receipt, "receipt")


class FairApplicant(PortalUser):
    """A district chair applying for booths for the district's producers."""

    weight = 8
    persona = "apply"
    logins = CHAIRS

    def on_start(self):
        super().on_start()
        self.open_fairs = None

    @task(4)
    def apply(self):
        fair = self.open_fair()
        if fair is None:
            return
        page = self.get(f"/fairs/{fair}/apply/", "choose a producer")
        candidates = links(page.text, rf"/fairs/{fair}/apply/\d+/")
        if not candidates:
            return
        url = random.choice(candidates)
        page = self.get(url, "application form")
        form = post_form(page.text, needs="booth_type")
        if form is None:
            return
        for name, choices in form.choices.items():
            if len(choices) == 1 and not form.values.get(name):
                form.set(name, choices[0])  # the consent the producer gave
        if not form.values.get("booth_type") and form.choices.get("booth_type"):
            form.set("booth_type", random.choice(form.choices["booth_type"]))
        zones = [zone for zone in form.choices.get("zone_1", []) if zone]
        if zones:
            form.set("zone_1", random.choice(zones))
        products = form.choices.get("products", [])
        if products:
            form.set("products", *random.sample(products, min(2, len(products))))
        else:
            form.set("products_note", "ผักปลอดสารพิษจากสวน")
        application = self.post(url, form.data(), "apply", "application")
        if application:
            self.get(application, "application page")

    @task(1)
    def withdraw(self):
        """Now and then a producer cannot come after all: withdraw, which lets them
        apply again later."""
        fair = self.open_fair()
        if fair is None:
            return
        page = self.get(f"/fairs/{fair}/applications/", "applications")
        found = ids(page.text, r"/fairs/applications/(\d+)/")
        if not found:
            return
        page = self.get(f"/fairs/applications/{random.choice(found)}/", "application page")
        withdraw = links(page.text, r"/fairs/applications/\d+/withdraw/")
        if not withdraw:
            return  # withdrawn already, or past the fair
        url = withdraw[0]
        page = self.get(url, "withdraw form")
        form = post_form(page.text, needs="reason")
        if form is not None:
            form.set("reason", "ผู้ผลิตติดธุระในวันงาน")
            self.post(url, form.data(), "withdraw", "withdrawal")

    def open_fair(self):
        if self.open_fairs is None:
            page = self.get("/fairs/", "fairs")
            self.open_fairs = ids(page.text, r"/fairs/(\d+)/apply/")
        return random.choice(self.open_fairs) if self.open_fairs else None


class Staff(PortalUser):
    """Provincial staff and network officers reading reports and taking exports."""

    weight = 12
    persona = "staff"
    logins = STAFF

    @task(3)
    def registry_reports(self):
        page = self.get("/reports/", "registry reports")
        exports = links(page.text, r"/reports/[\w-]+/(csv|xlsx)/")
        if exports:
            self.get(random.choice(exports), "registry report export")
        self.get("/producers/export/csv/", "producer export")

    @task(2)
    def equipment_reports(self):
        page = self.get("/equipment/reports/", "equipment reports")
        reports = links(page.text, r"/equipment/reports/[\w-]+/")
        if reports:
            report = random.choice(reports)
            page = self.get(report, "equipment report")
            exports = links(page.text, re.escape(report) + r"(csv|xlsx)/")
            if exports:
                self.get(random.choice(exports), "equipment report export")

    @task(2)
    def savings_reports(self):
        page = self.get("/savings/reports/", "savings reports")
        reports = links(page.text, r"/savings/reports/[\w-]+/")
        if reports:
            report = random.choice(reports)
            page = self.get(report, "savings report")
            exports = links(page.text, re.escape(report) + r"export/(csv|xlsx)/")
            if exports:
                self.get(random.choice(exports), "savings report export")
        self.get("/savings/savers/export/csv/", "saver export")

    @task(2)
    def fair_reports(self):
        page = self.get("/fairs/", "fairs")
        fairs = ids(page.text, r"/fairs/(\d+)/")
        if not fairs:
            return
        fair = random.choice(fairs)
        page = self.get(f"/fairs/{fair}/reports/", "fair reports")
        reports = links(page.text, rf"/fairs/{fair}/reports/[\w-]+/")
        if reports:
            self.get(random.choice(reports), "fair report")
        self.get(f"/fairs/{fair}/applications/", "fair applications")

    @task(1)
    def home(self):
        self.get("/", "home")


# --- The statistics run.py reads ------------------------------------------------------------


LOGIN_PAGES = {"login form", "log in"}  # the same in a run and its yardstick run


def _entry(entry: StatsEntry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        "median": entry.median_response_time or 0,
        "p95": entry.get_response_time_percentile(0.95) or 0,
    }


def _yardstick(self):
    self.get("/bench/trivial/", "yardstick")


def _on_the_yardstick() -> None:
    """Every persona's users open only the yardstick page (in a function: a User class
    left in a module-level name would be collected by locust twice)."""
    for persona in (DistrictBrowser, Booker, Approver, Treasurer, FairApplicant, Staff):
        persona.tasks = [_yardstick]


if os.environ.get("LOAD_YARDSTICK"):
    _on_the_yardstick()


@events.quitting.add_listener
def _write_stats(environment, **_kwargs):
    target = os.environ.get("LOAD_STATS")
    if not target:
        return
    stats = environment.stats
    personas: dict[str, StatsEntry] = {}
    pages: dict[str, StatsEntry] = {}  # the same without logging in
    every_page = StatsEntry(stats, "pages", "")
    requests = {}
    for entry in stats.entries.values():
        persona, _sep, page = entry.name.partition(": ")
        requests[f"{entry.name} ({entry.method})"] = _entry(entry)
        if persona not in personas:
            personas[persona] = StatsEntry(stats, persona, "")
            pages[persona] = StatsEntry(stats, persona, "")
        personas[persona].extend(entry)
        if page not in LOGIN_PAGES:
            pages[persona].extend(entry)
            every_page.extend(entry)
    errors = [
        (error.name, error.error if isinstance(error.error, str) else repr(error.error), count)
        for error, count in ((error, error.occurrences) for error in stats.errors.values())
    ]
    runner = environment.runner
    exceptions = [
        (problem["msg"], problem["count"])
        for problem in (runner.exceptions.values() if runner is not None else [])
    ]
    summary = {
        "total": _entry(stats.total),
        "exceptions": exceptions,
        "personas": {name: _entry(entry) for name, entry in personas.items()},
        "pages": {name: _entry(entry) for name, entry in pages.items()},
        "pages_total": _entry(every_page),
        "requests": requests,
        "errors": errors,
        "outcomes": dict(OUTCOMES),
    }
    with open(target, "w", encoding="utf-8") as out:
        json.dump(summary, out, ensure_ascii=False, indent=1)
