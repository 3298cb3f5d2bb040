"""Permission-matrix rows of the savings group's front page: every login reads it."""

from tests.matrix import Row, logged_in

ROWS: dict = {
    "savings:index": Row(get=logged_in(200), post=logged_in(405)),
}
