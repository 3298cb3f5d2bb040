"""The audit trail for provincial staff: every change the history triggers wrote, in
every app, and every full view of a national ID (issue 7, point 3).

It reads the apps' models through the app registry only (`apps.get_model`), so
`otop_portal` still imports no app.
"""
