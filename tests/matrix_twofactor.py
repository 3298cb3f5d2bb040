"""Permission-matrix rows of the second-factor pages.

Provincial staff may use a second factor; the personas without a money function may
not (403). No persona has a device here, so the pages that need one send staff to the
overview (302), and the code page sends everybody on (302)."""

from tests.matrix import Row, logged_in, staff_only


def _staff_redirect():
    return {**logged_in(403), "staff": 302}


ROWS: dict = {
    "twofactor:overview": Row(get=staff_only(), post=logged_in(405)),
    "twofactor:setup": Row(get=staff_only(), post=staff_only()),
    "twofactor:verify": Row(get=logged_in(302), post=logged_in(302)),
    "twofactor:codes": Row(get=logged_in(302), post=logged_in(405)),
    "twofactor:regenerate": Row(get=_staff_redirect(), post=_staff_redirect()),
    "twofactor:disable": Row(get=_staff_redirect(), post=_staff_redirect()),
}
