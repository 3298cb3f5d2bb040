import random

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from hypothesis import given, settings
from hypothesis import strategies as st

from otop_portal.lib.thaisort import ThaiSortKey, thai_sort_key

# Thai dictionary order (Royal Institute): the first consonant decides, so every
# ก word comes before every ข word whatever vowel is written first; within ก, vowel
# forms come in the order -า, เ-, แ-, โ-, ใ-, ไ-, and a tone mark only breaks a tie.
DICTIONARY_ORDER = ["กา", "ก่า", "ก้า", "กาก", "เก", "แก", "โก", "ใกล้", "ไก่", "ขวด", "เขา"]

MIXED_WORDS = [
    "",
    " ",
    "สมชาย ใจดี",
    "นางสาวแก้วตา",
    "เกลือ",
    "ไม้เรียว",
    "ก็",
    "ก์",
    "ก็่้๊๋์ํ๎า",  # every mark and sign, U+0E47–U+0E4E
    "กำ",
    "ฤดี",
    "Apple",
    "apple",
    "BANANA",
    "Émile",
    "OTOP 2568",
    "เ",
    "เเก",
    "๑๒๓",
    "ร้านค้า O'Neil",
    r"back\slash 100%",
]


def sql_keys(words: list[str]) -> list[str]:
    """ThaiSortKey of every word, computed by PostgreSQL in one query."""
    query = Query(None)
    expression = ThaiSortKey(RawSQL("word", ())).resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    # `sql` is Django's compilation of ThaiSortKey; every value in it is a parameter.
    select = "SELECT " + sql + " FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, n) ORDER BY n"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(select, [*params, words])
        return [row[0] for row in cursor.fetchall()]


def test_it_sorts_thai_words_in_dictionary_order():
    shuffled = DICTIONARY_ORDER[:]
    random.Random(2568).shuffle(shuffled)
    assert sorted(shuffled, key=thai_sort_key) == DICTIONARY_ORDER
    backwards = list(reversed(DICTIONARY_ORDER))
    assert sorted(backwards, key=thai_sort_key) == DICTIONARY_ORDER


def test_the_consonant_decides_before_a_leading_vowel():
    assert sorted(["เขา", "กาก"], key=thai_sort_key) == ["กาก", "เขา"]
    assert sorted(["ไก่", "ขวด"], key=thai_sort_key) == ["ไก่", "ขวด"]


def test_tone_marks_only_break_ties():
    assert sorted(["กาก", "ก้า", "กา", "ก่า"], key=thai_sort_key) == ["กา", "ก่า", "ก้า", "กาก"]
    # Without the two levels, ก่ (U+0E48) would sort ก่ก after กาก.
    assert sorted(["ก่ก", "กาก"], key=thai_sort_key) == ["ก่ก", "กาก"]


def test_every_leading_vowel_in_a_name_is_swapped():
    assert thai_sort_key("สมใจ ไกรทอง") == "สมจใ กไรทอง สมจใ กไรทอง"


def test_latin_letters_sort_without_case():
    assert sorted(["banana", "Cherry", "apple", "Banana2"], key=thai_sort_key) == [
        "apple",
        "banana",
        "Banana2",
        "Cherry",
    ]


def test_the_key_is_primary_space_secondary():
    assert thai_sort_key("ใกล้") == "กใล กใล้"
    assert thai_sort_key("Ab") == "ab ab"


@pytest.mark.django_db
def test_postgresql_computes_the_same_key_as_python():
    words = DICTIONARY_ORDER + MIXED_WORDS
    assert sql_keys(words) == [thai_sort_key(word) for word in words]


# Every assigned Thai character, plus spaces, digits and Latin letters of both cases.
THAI_CHARACTERS = [chr(c) for c in [*range(0x0E01, 0x0E3B), *range(0x0E3F, 0x0E5C)]]
ALPHABET = st.sampled_from([*THAI_CHARACTERS, " ", "0", "9", "A", "Z", "a", "z", "É", "-"])


@pytest.mark.django_db
@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=12), min_size=1, max_size=40))
def test_postgresql_and_python_keys_never_drift(words):
    assert sql_keys(words) == [thai_sort_key(word) for word in words]


@pytest.mark.django_db
def test_querysets_order_by_the_key():
    shuffled = DICTIONARY_ORDER[:]
    random.Random(7).shuffle(shuffled)
    Group.objects.bulk_create(Group(name=name) for name in shuffled)
    names = Group.objects.filter(name__in=DICTIONARY_ORDER).order_by(ThaiSortKey("name"))
    assert list(names.values_list("name", flat=True)) == DICTIONARY_ORDER
    descending = names.order_by(ThaiSortKey("name").desc())
    assert list(descending.values_list("name", flat=True)) == DICTIONARY_ORDER[::-1]


@pytest.mark.django_db
def test_the_key_can_be_a_generated_column():
    """PostgreSQL accepts only immutable expressions in a generated column (and an
    index), so this also guards against a stable function (concat, say) creeping in."""
    query = Query(None)
    expression = ThaiSortKey(RawSQL("word", ())).resolve_expression(query)
    sql, params = query.get_compiler(connection=connection).compile(expression)
    shuffled = DICTIONARY_ORDER[:]
    random.Random(11).shuffle(shuffled)
    with connection.cursor() as cursor:
        generated = cursor.mogrify(sql, params).decode()
        cursor.execute(
            "CREATE TEMPORARY TABLE sort_key_check (word text, sort_key text "
            "GENERATED ALWAYS AS (" + generated + ") STORED)"
        )
        cursor.execute("CREATE INDEX ON sort_key_check ((" + generated + "))")
        cursor.execute("INSERT INTO sort_key_check (word) SELECT unnest(%s::text[])", [shuffled])
        cursor.execute('SELECT word FROM sort_key_check ORDER BY sort_key COLLATE "C"')
        assert [row[0] for row in cursor.fetchall()] == DICTIONARY_ORDER
        cursor.execute("DROP TABLE sort_key_check")


def test_the_expression_deconstructs_for_migrations():
    path, args, kwargs = ThaiSortKey("name").deconstruct()
    assert path == "otop_portal.lib.thaisort.ThaiSortKey"
    assert args == ("name",)
    assert kwargs == {}
