"""Permission-matrix rows of the fair reports: every login reads a fair's reports
(fairs are province-wide; the lists inside are scoped to the reader's reach), and
nothing is posted to them.

The matrix builds URLs from the resolver's arguments alone, so the downloads
(?format=csv|xlsx) of each kind are crossed with every persona in
tests/fairs/test_reports.py (`test_files_need_a_login_and_are_for_every_login`)."""

from tests.matrix import Row, logged_in

KINDS = ("applicants", "allocation", "payments", "attendance", "sales", "fairness")


def fair(request):
    from tests.fairs.builders import make_fair

    return {"pk": make_fair().pk}


def kind_of_fair(kind):
    def kwargs(request):
        return {**fair(request), "kind": kind}

    return kwargs


ROWS: dict = {
    "fairs:reports": Row(get=logged_in(200), post=logged_in(405), kwargs=fair),
    "fairs:report": [
        Row(get=logged_in(200), post=logged_in(405), kwargs=kind_of_fair(kind)) for kind in KINDS
    ],
}
