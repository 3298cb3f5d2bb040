"""Fair services: everything that writes. Each runs in one transaction, takes
keyword-only arguments and refuses bad input with a ValidationError in Thai-first
words (translated messages)."""
