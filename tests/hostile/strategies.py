"""What a careless or hostile user types into a field: numbers too large, negative,
not numbers at all; Thai and emoji; invisible and right-to-left characters; NUL bytes;
SQL and HTML; dates in the Buddhist era where the Common era is expected (and the
other way round) and dates that do not exist; Thai digits; nothing at all."""

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

NUMBERS = [
    "0",
    "-1",
    "-0.01",
    "0.001",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "99999999999999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "12345678901234.56",
    "1,000.50",
    "1.000,50",
    " 42 ",
    "0x1F",
    "๑๒๓",
    "๕๐๐.๕๐",
    "１２３",
    "1_000",
    "5e2",
]
DATES = [
    "2567-01-15",  # B.E. typed into a C.E. field
    "2026-01-15",
    "1/1/2026",  # C.E. where B.E. is expected
    "15/01/2568",
    "31/02/2567",
    "29/02/2566",
    "2567-13-01",
    "2025-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "00/00/0000",
    "๑๕/๐๑/๒๕๖๘",
    "2568-06-15T25:61",
    "2025-06-15 10:30",
    "2025-06-15T10:30:00+07:00",
    "25:99",
    "-2025-01-01",
]
TEXTS = [
    "",
    " ",
    "สวัสดีครับ ผ้าไหมมัดหมี่",
    "ก" * 5000,
    "x" * 300,
    "😀🙏🏽👨‍👩‍👧‍👦",
    "\u200b\u200b",
    "\u202eอักษรกลับด้าน\u202c",
    "\ufeff",
    "a\x00b",
    "\x00",
    "' OR 1=1 --",
    "'; DROP TABLE members_producer; --",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}{% debug %}",
    "%s%s%s%(x)s",
    "../../etc/passwd",
    "\r\n\r\nX-Injected: 1",
    '=HYPERLINK("http://x")',
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
EXTRA_FIELDS = [
    "district",
    "producer",
    "person",
    "saver",
    "application",
    "booking",
    "unit",
    "fair",
    "user",
    "id",
    "pk",
    "is_superuser",
    "is_staff",
    "role",
    "status",
    "next",
]

hostile_text = st.sampled_from(TEXTS) | st.text(max_size=40)
hostile_number = st.sampled_from(NUMBERS) | st.integers().map(str) | st.decimals().map(str)
hostile_date = st.sampled_from(DATES) | st.dates().map(
    lambda d: d.isoformat() if d.year % 2 else f"{d.day}/{d.month}/{d.year + 543}"
)
any_hostile = hostile_text | hostile_number | hostile_date


def upload():
    """A file as an upload field receives it: an image that is not one, HTML, a
    script, nothing, a name that climbs directories."""
    names = st.sampled_from(
        ["photo.jpg", "../../evil.html", "x.svg", "ภาพ.png", "a\x00.jpg", "data.csv", ""]
    )
    contents = st.sampled_from(
        [
            b"",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            b"<html><script>alert(1)</script></html>",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "ชื่อ,นามสกุล\nสมศรี,ใจดี\n".encode(),
            b"\xff\xd8\xff\xe0" + b"A" * 64,
        ]
    ) | st.binary(max_size=64)
    return st.builds(
        lambda name, content: SimpleUploadedFile(name or "blank", content), names, contents
    )
