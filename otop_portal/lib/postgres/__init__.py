"""The portal's PostgreSQL backend: Django's, plus the embedded server started on the
first connection, and test databases created with a UTF-8 character type."""
