from django.db.backends.postgresql import base

from otop_portal.lib.database import embedded_server_address
from otop_portal.lib.postgres.creation import DatabaseCreation


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def get_connection_params(self):
        params = super().get_connection_params()
        pgdata = self.settings_dict.get("EMBEDDED_PGDATA")
        if pgdata:
            # Started here, on the first connection, not when settings are read:
            # commands that never touch the database never start it.
            params["host"], params["port"] = embedded_server_address(pgdata)
        return params
