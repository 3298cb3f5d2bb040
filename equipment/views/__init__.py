"""Equipment pages: booking (booking.py), custody and care (care.py), reports (reports.py)."""
