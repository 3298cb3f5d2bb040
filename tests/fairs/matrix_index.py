"""Permission-matrix rows of the fairs front page: every login reads it (what it shows
follows the user's reach and role)."""

from tests.matrix import Row, logged_in

ROWS: dict = {
    "fairs:index": Row(get=logged_in(200), post=logged_in(405)),
}
