"""What committees and activities add to the home pages, the producer page and the
navigation."""


def register() -> None:
    """Called from MembersConfig.ready()."""
