"""The fair's reports, each on screen and as CSV/XLSX with the same figures:
applicants and results, the booth allocation, fees and payments, attendance,
sales, and the fairness of the draw.

Each module builds one report from a fixed number of queries whatever the number of
applications, booths or payments (`build(fair, user, now)`) and describes its file
(`export(data)`, written by otop_portal.lib.exports). Rows about producers are read
within the reader's reach (`for_user`): a district member's report covers their own
district. The fairness report's figures cover the whole fair and name no one.
"""
