from django.db.backends.postgresql import creation

from otop_portal.lib.database import UTF8_CTYPE


class DatabaseCreation(creation.DatabaseCreation):
    def _get_database_create_suffix(self, encoding=None, template=None):
        """Test databases get a UTF-8 character type whatever the server's default
        (a cluster created under plain C would give them one PostgreSQL sees no Thai
        letters in)."""
        if template:
            return super()._get_database_create_suffix(encoding, template)
        return (
            f"WITH ENCODING '{encoding or 'UTF8'}' TEMPLATE template0 "
            f"LC_COLLATE '{UTF8_CTYPE}' LC_CTYPE '{UTF8_CTYPE}'"
        )
