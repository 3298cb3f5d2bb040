"""The network's registry: producers, the people in them, their products, star ratings,
quadrants and certifications.

Personal data (names, national IDs, phones, addresses) lives on Person only; every
other record refers to a person by id, so a person who leaves can be anonymised
without touching anything else.
"""

from contextlib import suppress
from datetime import timedelta

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.geography import District, Subdistrict
from otop_portal.lib.history import track
from otop_portal.lib.natid import (
    normalize_national_id,
    validate_juristic_id,
    validate_national_id,
)
from otop_portal.lib.scoping import ScopedQuerySet, default_can_write
from otop_portal.lib.thaisort import ThaiSortKey

BE_YEAR_VALIDATORS = [MinValueValidator(2540), MaxValueValidator(2700)]
DIGITS_13 = RegexValidator(r"^[0-9]{13}$", _("Must be a 13-digit number."))
POSTAL_CODE = RegexValidator(r"^[0-9]{5}$", _("A postal code has 5 digits."))
PHONE = RegexValidator(
    r"^0[0-9]{8,9}$", _("A Thai phone number has 9 or 10 digits and starts with 0.")
)


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Address(models.Model):
    """A Thai address: house number, village (หมู่), lane, road and a DOPA subdistrict."""

    house_no = models.CharField(_("house number"), max_length=30, blank=True)
    moo = models.PositiveSmallIntegerField(
        _("village number (หมู่ที่)"), null=True, blank=True, validators=[MaxValueValidator(99)]
    )
    village = models.CharField(_("village"), max_length=100, blank=True)
    soi = models.CharField(_("lane (ซอย)"), max_length=100, blank=True)
    road = models.CharField(_("road"), max_length=100, blank=True)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subdistrict"),
    )
    postal_code = models.CharField(
        _("postal code"), max_length=5, blank=True, validators=[POSTAL_CODE]
    )

    class Meta:
        abstract = True

    def address_lines(self) -> str:
        parts = [self.house_no]
        if self.moo:
            parts.append(f"ม.{self.moo}")
        parts += [
            self.village,
            f"ซ.{self.soi}" if self.soi else "",
            f"ถ.{self.road}" if self.road else "",
        ]
        if self.subdistrict_id:
            area = self.subdistrict
            parts += [
                f"ต.{area.name_th}",
                f"อ.{area.district.name_th}",
                f"จ.{area.district.province.name_th}",
            ]
        parts.append(self.postal_code)
        return " ".join(part for part in parts if part)


# --- People ---------------------------------------------------------------------


class Title(models.TextChoices):
    MR = "นาย", _("Mr (นาย)")
    MRS = "นาง", _("Mrs (นาง)")
    MISS = "นางสาว", _("Miss (นางสาว)")
    DR = "ดร.", _("Dr (ดร.)")
    OTHER = "", _("Other or none")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNSPECIFIED = "unspecified", _("Not stated")


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Signed paper form")
    PORTAL = "portal", _("In the portal, in front of a district member")
    SPOKEN = "spoken", _("Spoken, with a witness")


class PersonQuerySet(ScopedQuerySet):
    district_path = "district"

    def without_consent(self):
        """People with no consent on record, or who withdrew it."""
        return self.filter(Q(consent_on__isnull=True) | Q(consent_withdrawn_on__isnull=False))

    def ordered(self):
        return self.order_by(ThaiSortKey("first_name"), ThaiSortKey("last_name"), "pk")


# The national ID stays out of history rows: they would keep every full ID where no
# view of it is recorded (DOMAIN.md §3); that it changed still shows as an update.
@track(exclude=["national_id"])
class Person(Timestamped, Address):
    """Someone in the registry: a producer, a group member, a saver. Personal data
    lives here only."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("district"),
        help_text=_("The network district that registered this person."),
    )
    title = models.CharField(_("title"), max_length=20, choices=Title.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name_en = models.CharField(_("first name (English)"), max_length=100, blank=True)
    last_name_en = models.CharField(_("last name (English)"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.UNSPECIFIED)
    national_id = models.CharField(
        _("national ID number"),
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_national_id],
        error_messages={"unique": _("This national ID number is already registered.")},
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=10, blank=True, validators=[PHONE])
    line_id = models.CharField(_("LINE ID"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Consent (PDPA): when and how the person agreed that the network keeps their data,
    # what it covers beyond the registry, and when they withdrew it.
    consent_on = models.DateField(
        _("consent date"),
        null=True,
        blank=True,
        help_text=_("When the person agreed that the network keeps their data (PDPA)."),
    )
    consent_method = models.CharField(
        _("consent given"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_witness = models.CharField(
        _("witness of a spoken consent"),
        max_length=150,
        blank=True,
        help_text=_("Who heard the person agree (needed when the consent was spoken)."),
    )
    consent_fairs = models.BooleanField(
        _("consent covers fairs"),
        default=False,
        help_text=_("Applying for fair booths on their behalf and naming them on fair results."),
    )
    consent_savings = models.BooleanField(
        _("consent covers savings"),
        default=False,
        help_text=_(
            "For savers the savings contract (form อทผ-01) is the lawful basis; tick when "
            "they also agreed here."
        ),
    )
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["phone"], name="person_phone"),
            GinIndex(fields=["phone"], opclasses=["gin_trgm_ops"], name="person_phone_trgm"),
            # substring search on names; UPPER() because that is what icontains compares
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_trgm"),
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                name="consent_withdrawn_after_given",
                condition=Q(consent_withdrawn_on__isnull=True)
                | Q(consent_on__isnull=False, consent_withdrawn_on__gte=models.F("consent_on")),
                violation_error_message=_("Consent can only be withdrawn after it was given."),
            ),
            models.CheckConstraint(
                name="spoken_consent_has_witness",
                condition=~Q(consent_method="spoken") | ~Q(consent_witness=""),
                violation_error_message=_("A spoken consent needs the name of its witness."),
            ),
        ]
        triggers = [
            # a group member's new name or phone is found by the search box (and an
            # anonymised one no longer is)
            pgtrigger.Trigger(
                name="producer_search_text_person",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("first_name", "last_name", "phone"),
                func="""
                    PERFORM members_refresh_search_text(member.producer_id)
                    FROM members_producermember member WHERE member.person_id = NEW.id;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:person_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Stored as 13 ASCII digits however typed (dashes, Thai digits), so the same
        # person cannot be registered twice under two spellings of one number.
        if self.national_id:
            # when it cannot be read, the field's own validator says what is wrong
            with suppress(ValidationError):
                self.national_id = normalize_national_id(self.national_id)
        super().clean_fields(exclude=exclude)

    @property
    def has_consent(self) -> bool:
        return self.consent_on is not None and self.consent_withdrawn_on is None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (f"{self.title}{self.first_name}", self.last_name) if part)


# --- Producers --------------------------------------------------------------------


class ProducerType(models.TextChoices):
    COMMUNITY_GROUP = "community_group", _("Community producer group")
    SINGLE_OWNER = "single_owner", _("Single-owner community producer")
    SME = "sme", _("SME")


class ProducerQuerySet(ScopedQuerySet):
    district_path = "district"

    def current(self):
        """Producers not merged into another: the ones lists, counts and choices show."""
        return self.filter(merged_into__isnull=True)


# A producer's best current rating: each of its products' latest round, the highest of
# those. Kept in Producer.best_stars by the database (the triggers below call it), so
# the lists filter and the dashboards count by stars without reading every rating.
# The function members_refresh_best_stars(producer) is made by migration 0012.

# A row that names its producer (a product, a group member) was added, moved or
# removed: both producers' search text is made again (function from migration 0014).
_REFRESH_SEARCH_TEXT_OF_OLD_AND_NEW_PRODUCER = """
                    IF TG_OP <> 'INSERT' THEN
                        PERFORM members_refresh_search_text(OLD.producer_id);
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM members_refresh_search_text(NEW.producer_id);
                    END IF;
                    RETURN NULL;
                """


# best_stars and search_text are derived from other rows, whose own history has the change
# (and search_text holds people's names, which anonymisation must be able to remove).
@track(exclude=["best_stars", "search_text"])
class Producer(Timestamped, Address):
    """An OTOP producer (ผู้ผลิต/ผู้ประกอบการ): a group, a single owner or an SME."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    producer_type = models.CharField(_("type"), max_length=20, choices=ProducerType.choices)
    is_community_enterprise = models.BooleanField(_("community enterprise"), default=False)
    community_enterprise_no = models.CharField(
        _("community enterprise registration number"), max_length=30, blank=True
    )
    cdd_code = models.CharField(
        _("CDD producer code"),
        max_length=30,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("A producer with this CDD code is already registered.")},
    )
    juristic_id = models.CharField(
        _("juristic person ID"),
        max_length=13,
        null=True,
        blank=True,
        unique=True,
        validators=[DIGITS_13, validate_juristic_id],
        error_messages={"unique": _("A producer with this juristic ID is already registered.")},
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="producers",
        verbose_name=_("network district"),
    )
    phone = models.CharField(_("phone"), max_length=10, blank=True, validators=[PHONE])
    contact_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    people = models.ManyToManyField(Person, through="ProducerMember", related_name="producers")
    name_sort = models.GeneratedField(
        expression=ThaiSortKey("name"), output_field=models.TextField(), db_persist=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # Set when provincial staff merged this record into another (a duplicate): it stays,
    # read-only, so nothing about it is lost, and the lists show only the one kept.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="absorbed",
        verbose_name=_("merged into"),
    )

    best_stars = models.PositiveSmallIntegerField(
        _("best current stars"), null=True, blank=True, editable=False
    )
    # What the search box looks in, kept by the database (migration 0014): the name,
    # English name, phone and CDD code, the products' names and the group members'
    # names and phones, one per line; one trigram index answers a search over all.
    search_text = models.TextField(editable=False, default="")

    objects = ProducerQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name_sort", "pk"]
        indexes = [
            models.Index(fields=["district", "name_sort"], name="producer_district_name"),
            models.Index(fields=["best_stars", "name_sort"], name="producer_stars_name"),
            # the whole list, read a page at a time by its sort key (lib/keyset.py)
            models.Index(fields=["name_sort", "id"], name="producer_name_sort"),
            # Thai substring search ("as people type it") on the name: on UPPER(name),
            # which is what Django's icontains compares.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="producer_name_upper_trgm"),
            # the search box (search_text holds everything it looks in, in capitals:
            # a LIKE on the column itself, not UPPER() of every row a search reads)
            GinIndex(OpClass("search_text", name="gin_trgm_ops"), name="producer_search_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                name="producer_enterprise_has_number",
                condition=Q(is_community_enterprise=False) | ~Q(community_enterprise_no=""),
                violation_error_message=_("A community enterprise needs its registration number."),
            ),
            models.CheckConstraint(
                name="producer_not_merged_into_itself",
                condition=~Q(merged_into=models.F("pk")),
                violation_error_message=_("A producer cannot be merged into itself."),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="producer_search_text",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert
                | pgtrigger.UpdateOf("name", "name_en", "phone", "cdd_code"),
                func="""
                    NEW.search_text := members_search_text(
                        NEW.id, NEW.name, NEW.name_en, NEW.phone, NEW.cdd_code);
                    RETURN NEW;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:producer_detail", args=[self.pk])

    @property
    def membership_status_label(self) -> str:
        """The label of the `membership_status` a list annotated (producers_for), or ""."""
        from members.models.network import MembershipStatus

        status = getattr(self, "membership_status", None)
        return MembershipStatus(status).label if status else ""

    def is_writable_by(self, user) -> bool:
        """A merged record is kept as it was: nobody changes it any more."""
        return self.merged_into_id is None and default_can_write(user, self)

    def clean(self):
        # OTOP registration asks for a production site inside the district.
        if (
            self.subdistrict_id
            and self.district_id
            and (self.subdistrict.district_id != self.district_id)
        ):
            raise ValidationError(
                {"subdistrict": _("The subdistrict must be in the producer's district.")}
            )


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CHAIR = "chair", _("Group chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    TREASURER = "treasurer", _("Treasurer")
    MEMBER = "member", _("Member")


class ProducerMemberQuerySet(ScopedQuerySet):
    district_path = "producer__district"


@track()
class ProducerMember(Timestamped):
    """A person's place in a producer group, with their role."""

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="members", verbose_name=_("producer")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(
        _("role in the group"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    objects = ProducerMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["producer"],
                condition=Q(role="chair"),
                name="one_chair_per_group",
                violation_error_message=_("The group already has a chair."),
            ),
            models.UniqueConstraint(
                fields=["producer", "person"],
                name="member_once_per_group",
                violation_error_message=_("This person is already in the group."),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="producer_search_text_member",
                when=pgtrigger.After,
                operation=pgtrigger.Insert
                | pgtrigger.UpdateOf("producer_id", "person_id")
                | pgtrigger.Delete,
                func=_REFRESH_SEARCH_TEXT_OF_OLD_AND_NEW_PRODUCER,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


# --- Products ---------------------------------------------------------------------


class Category(models.TextChoices):
    FOOD = "food", _("Food")
    BEVERAGE = "beverage", _("Beverages")
    TEXTILE = "textile", _("Textiles and garments")
    DECOR = "decor", _("Household, decorative and souvenir items")
    HERBAL = "herbal", _("Non-food herbal products")


class ProductQuerySet(ScopedQuerySet):
    district_path = "producer__district"


@track()
class Product(Timestamped):
    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="products", verbose_name=_("producer")
    )
    name = models.CharField(_("product name"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("price (baht)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(
        _("unit"), max_length=30, help_text=_("What the price is for: piece, bottle, kg…")
    )
    monthly_capacity = models.PositiveIntegerField(
        _("monthly capacity (units)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("still made"), default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        indexes = [
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="product_name_upper_trgm"),
        ]
        constraints = [
            models.CheckConstraint(name="product_price_not_negative", condition=Q(price__gte=0)),
        ]
        triggers = [
            # A product moved to another producer (a merge) or deleted takes its stars along.
            pgtrigger.Trigger(
                name="producer_search_text_product",
                when=pgtrigger.After,
                operation=pgtrigger.Insert
                | pgtrigger.UpdateOf("name", "producer_id")
                | pgtrigger.Delete,
                func=_REFRESH_SEARCH_TEXT_OF_OLD_AND_NEW_PRODUCER,
            ),
            pgtrigger.Trigger(
                name="producer_best_stars_moved",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("producer_id") | pgtrigger.Delete,
                func="""
                    PERFORM members_refresh_best_stars(OLD.producer_id);
                    IF TG_OP = 'UPDATE' THEN
                        PERFORM members_refresh_best_stars(NEW.producer_id);
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial round")
    NATIONAL = "national", _("National round")


class StarRatingQuerySet(ScopedQuerySet):
    district_path = "product__producer__district"


@track()
class StarRating(Timestamped):
    """An OTOP Product Champion (OPC) rating of a product in one round year. It counts
    for fair tickets only once provincial staff verified it."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("product")
    )
    round_year_be = models.PositiveSmallIntegerField(
        _("OPC round (B.E. year)"), validators=BE_YEAR_VALIDATORS
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    level = models.CharField(
        _("level"), max_length=12, choices=RatingLevel.choices, default=RatingLevel.PROVINCIAL
    )
    certificate_no = models.CharField(_("certificate number"), max_length=50, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )

    objects = StarRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        ordering = ["-round_year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "round_year_be"],
                name="one_rating_per_product_and_round",
                violation_error_message=_("This product already has a rating for that round."),
            ),
            models.CheckConstraint(name="stars_1_to_5", condition=Q(stars__gte=1, stars__lte=5)),
            models.CheckConstraint(
                name="verified_with_who_and_when",
                condition=Q(verified_at__isnull=True, verified_by__isnull=True)
                | Q(verified_at__isnull=False, verified_by__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="producer_best_stars",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func="""
                    IF TG_OP <> 'INSERT' THEN
                        PERFORM members_refresh_best_stars(
                            (SELECT producer_id FROM members_product WHERE id = OLD.product_id));
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM members_refresh_best_stars(
                            (SELECT producer_id FROM members_product WHERE id = NEW.product_id));
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.stars}★ ({self.round_year_be})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Quadrant(models.TextChoices):
    A = "A", _("A: rising stars to world markets (ดาวเด่นสู่สากล)")
    B = "B", _("B: unique identity adding value (เอกลักษณ์สร้างคุณค่า)")
    C = "C", _("C: developing towards the market (พัฒนาสู่ตลาด)")
    D = "D", _("D: adapting for development (ปรับตัวสู่การพัฒนา)")


class QuadrantQuerySet(ScopedQuerySet):
    district_path = "product__producer__district"


@track()
class QuadrantAssessment(Timestamped):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="quadrants", verbose_name=_("product")
    )
    fiscal_year_be = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"), validators=BE_YEAR_VALIDATORS
    )
    quadrant = models.CharField(_("quadrant"), max_length=1, choices=Quadrant.choices)

    objects = QuadrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("quadrant assessment")
        verbose_name_plural = _("quadrant assessments")
        ordering = ["-fiscal_year_be"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "fiscal_year_be"],
                name="one_quadrant_per_product_and_year",
                violation_error_message=_("This product already has a quadrant for that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.quadrant} ({self.fiscal_year_be})"


class Standard(models.TextChoices):
    FDA = "fda", _("Thai FDA (อย.)")
    TCPS = "tcps", _("Community product standard (มผช.)")
    TIS = "tis", _("Thai industrial standard (มอก.)")
    GMP = "gmp", "GMP"
    HACCP = "haccp", "HACCP"
    HALAL = "halal", _("Halal")
    GAP = "gap", "GAP"
    ORGANIC = "organic", _("Organic")
    Q_MARK = "q_mark", _("Q mark")
    OTHER = "other", _("Other")


class CertificationQuerySet(ScopedQuerySet):
    district_path = "product__producer__district"

    def expiring_within(self, days: int):
        today = timezone.localdate()
        return self.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))


@track()
class Certification(Timestamped):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="certifications", verbose_name=_("product")
    )
    standard = models.CharField(_("standard"), max_length=12, choices=Standard.choices)
    number = models.CharField(_("certificate number"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["expires_on"]
        constraints = [
            models.CheckConstraint(
                name="certification_expires_after_issue",
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                violation_error_message=_("A certificate cannot expire before it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_standard_display()} {self.number}".strip()
