from members.demo import seed_accounts
from members.demo_registry import seed_registry


def test_smoke(db, settings):
    settings.DEBUG = True
    seed_accounts()
    seed_registry()
    seed_registry()
