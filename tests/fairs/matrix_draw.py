"""Permission-matrix rows of the draw pipeline and the public verification pages.

Every login reads a fair's draw page and its draws (province-wide); the actions are
for staff and the fair committee (403 for everyone else, 405 for a GET). An action
without a form answers with messages and a redirect (302) even when refused; a form
posted empty shows the page again with its errors (200). The verification pages are
public: everyone, anonymous included, reads them once the list is frozen (the draw
once published).
"""

from tests.fairs.builders_draw import draw_row, fair_row, published_fair_row, source_row
from tests.matrix import Row, all_, logged_in, staff_only

ROWS: dict = {
    "fairs:draw": Row(get=logged_in(200), post=logged_in(405), kwargs=fair_row),
    "fairs:list_freeze": Row(get=logged_in(405), post=staff_only(302), kwargs=fair_row),
    "fairs:source_enter": Row(get=logged_in(405), post=staff_only(200), kwargs=fair_row),
    "fairs:source_confirm": Row(get=logged_in(405), post=staff_only(200), kwargs=source_row),
    "fairs:draw_run": Row(get=logged_in(405), post=staff_only(302), kwargs=fair_row),
    "fairs:draw_rerun": Row(get=logged_in(405), post=staff_only(200), kwargs=fair_row),
    "fairs:draw_detail": Row(get=logged_in(200), post=logged_in(405), kwargs=draw_row),
    "fairs:draw_publish": Row(get=logged_in(405), post=staff_only(302), kwargs=draw_row),
    "fairs:verify_index": Row(get=all_(200), post=all_(405)),
    "fairs:verify": Row(get=all_(200), post=all_(405), kwargs=published_fair_row),
    "fairs:verify_list": Row(get=all_(200), post=all_(405), kwargs=published_fair_row),
    "fairs:verify_results": Row(get=all_(200), post=all_(405), kwargs=published_fair_row),
    "fairs:verify_code": Row(get=all_(200), post=all_(405)),
}
