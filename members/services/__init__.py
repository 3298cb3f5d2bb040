"""Registry writes: everything that writes more than one row or changes a state goes
through a service here (keyword-only arguments, one transaction each)."""

from members.services.accounts import users_set_active
from members.services.geography import GeographyResult, geography_load

__all__ = ["GeographyResult", "geography_load", "users_set_active"]
