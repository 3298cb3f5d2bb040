"""Django admin for the registry: producers, people, products, ratings and the network's
records about them, for provincial staff (the admin turns everyone else away).

A provincial officer works through every district here, so every list can be narrowed
by district, category, stars, quadrant and membership status, and takes the same number
of queries whatever its length: what a row shows comes from select_related or from an
annotation, never from a query per row.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import (
    Certification,
    ContactLog,
    District,
    MembershipStatus,
    NationalIdView,
    NetworkMembership,
    NetworkSettings,
    Person,
    PersonDataAction,
    Producer,
    ProducerMember,
    ProducerMerge,
    Product,
    Quadrant,
    QuadrantAssessment,
    SalesReport,
    StarRating,
)
from members.selectors import EXPIRY_WARNING_DAYS, producers_for
from members.services.ratings import star_rating_unverify, star_ratings_verify
from otop_portal.lib.money import format_baht
from otop_portal.lib.natid import mask_national_id, normalize_national_id
from otop_portal.lib.thaidate import (
    BEDateField,
    BEDateInput,
    format_thai_date,
    format_thai_datetime,
)
from otop_portal.lib.thaisort import ThaiSortKey

NOT_A_MEMBER = "none"
NO_RATING = "none"
EMPTY = "—"


def be_datetime(value) -> str:
    return format_thai_datetime(value, short=True) if value else EMPTY


def be_date(value) -> str:
    return format_thai_date(value, short=True) if value else EMPTY


def province_districts():
    return District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE).order_by("code")


# --- "Current" ratings and quadrants, in SQL ------------------------------------------


def current_ratings():
    """Each product's rating of its latest round: the one no later round replaces.

    A product is rated again in later rounds and keeps only its newest stars, whether or
    not staff verified them yet: staff use these lists to find what to verify, so an
    unverified rating shows here (the rating list tells verified from not).
    """
    later = StarRating.objects.filter(
        product=OuterRef("product"), round_year_be__gt=OuterRef("round_year_be")
    )
    return StarRating.objects.filter(~Exists(later))


def latest_quadrants():
    """Each product's quadrant assessment of the latest fiscal year it has."""
    later = QuadrantAssessment.objects.filter(
        product=OuterRef("product"), fiscal_year_be__gt=OuterRef("fiscal_year_be")
    )
    return QuadrantAssessment.objects.filter(~Exists(later))


def stars_display(stars: int | None) -> str:
    return "★" * stars if stars else EMPTY


# --- Building blocks -------------------------------------------------------------------


class BuddhistEraDates:
    """Dates are typed and shown in the Buddhist Era, as everywhere in the portal;
    Django's own date widget would ask for C.E. years."""

    formfield_overrides = {models.DateField: {"form_class": BEDateField, "widget": BEDateInput}}


class RegistryAdmin(BuddhistEraDates, admin.ModelAdmin):
    """A registry model's admin: B.E. dates, and the timestamps shown read-only."""

    readonly_fields = ("created_display", "updated_display")

    @admin.display(description=_("created"), ordering="created_at")
    def created_display(self, obj):
        return be_datetime(obj.created_at)

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated_display(self, obj):
        return be_datetime(obj.updated_at)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is District:
            # The portal's province, not all 928 districts of the country: a district
            # from elsewhere is refused even if typed into the autocomplete.
            kwargs["queryset"] = province_districts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProvinceDistrictFilter(admin.RelatedFieldListFilter):
    """A district filter offering only the portal's province's districts."""

    def field_choices(self, field, request, model_admin):
        return [(district.code, str(district)) for district in province_districts()]


class StarsFilter(admin.SimpleListFilter):
    """Rows with a product whose current rating has the chosen number of stars."""

    title = _("current stars")
    parameter_name = "stars"
    product_path = "product__producer"  # from a rating to the rows this list shows

    def lookups(self, request, model_admin):
        choices = [
            (str(n), ngettext("%(count)d star", "%(count)d stars", n) % {"count": n})
            for n in range(5, 0, -1)
        ]
        return [*choices, (NO_RATING, _("No rating"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        rated = current_ratings().filter(**{self.product_path: OuterRef("pk")})
        if value == NO_RATING:
            return queryset.filter(~Exists(rated))
        if value not in {str(n) for n in range(1, 6)}:
            return queryset
        return queryset.filter(Exists(rated.filter(stars=int(value))))


class ProductStarsFilter(StarsFilter):
    product_path = "product"


class QuadrantFilter(admin.SimpleListFilter):
    """Producers with a product in the chosen quadrant in its latest assessment.

    The latest, not any: a product assessed D three years ago and A this year is an A
    product now, and officers use this filter to find whom to support next.
    """

    title = _("quadrant (latest assessment)")
    parameter_name = "quadrant"

    def lookups(self, request, model_admin):
        return Quadrant.choices

    def queryset(self, request, queryset):
        if self.value() not in Quadrant.values:
            return queryset
        assessed = latest_quadrants().filter(
            product__producer=OuterRef("pk"), quadrant=self.value()
        )
        return queryset.filter(Exists(assessed))


class MembershipStatusFilter(admin.SimpleListFilter):
    """Producers by their membership's status as of today, derived from its dates in
    SQL (`with_status()`), so a lapsed membership is found without anyone marking it."""

    title = _("membership status")
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [*MembershipStatus.choices, (NOT_A_MEMBER, _("Not a member"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NOT_A_MEMBER:
            return queryset.filter(membership__isnull=True)
        if value not in MembershipStatus.values:
            return queryset
        memberships = NetworkMembership.objects.with_status().filter(
            producer=OuterRef("pk"), status_today=value
        )
        return queryset.filter(Exists(memberships))


class StatusTodayFilter(admin.SimpleListFilter):
    """Memberships by their status as of today (the list annotates it)."""

    title = _("membership status")
    parameter_name = "status_today"

    def lookups(self, request, model_admin):
        return MembershipStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in MembershipStatus.values:
            return queryset
        return queryset.filter(status_today=self.value())


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", _("Verified")), ("no", _("Not verified"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(verified_at__isnull=True)
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("soon", _("Expiring within %(days)d days") % {"days": EXPIRY_WARNING_DAYS}),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            return queryset.expiring_within(EXPIRY_WARNING_DAYS)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=timezone.localdate())
        return queryset


# --- People ------------------------------------------------------------------------------


class PersonForm(forms.ModelForm):
    def clean_national_id(self):
        """Stores the 13 digits of a number typed as printed on the card."""
        value = self.cleaned_data.get("national_id")
        return normalize_national_id(value) if value else None


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    """People, with their national ID masked in the list; the change page shows it in
    full (staff correct it there), and each opening of that page is logged."""

    form = PersonForm
    list_display = ("full_name_display", "national_id_display", "phone", "district", "sex")
    list_filter = (("district", ProvinceDistrictFilter), "sex")
    list_select_related = ("district",)
    ordering = (ThaiSortKey("first_name").asc(), ThaiSortKey("last_name").asc(), "pk")
    search_fields = (
        "first_name",
        "last_name",
        "first_name_en",
        "last_name_en",
        "phone",
        "=national_id",
    )
    autocomplete_fields = ("subdistrict",)
    actions = ["remove_personal_data"]

    @admin.display(description=_("name"), ordering=ThaiSortKey("first_name"))
    def full_name_display(self, person):
        return person.full_name

    @admin.display(description=_("national ID number"))
    def national_id_display(self, person):
        if not person.national_id:
            return EMPTY
        try:
            return mask_national_id(person.national_id)
        except ValidationError:
            # A malformed stored number is still never shown in a list.
            return "X-XXXX-XXXXX-XX-X"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "national_id":
            # Room for the number as printed on the card (1-2345-67890-12-1);
            # PersonForm stores the 13 digits.
            kwargs["max_length"] = 20
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.action(description=_("Remove the personal data of the person chosen (PDPA)"))
    def remove_personal_data(self, request, queryset):
        # Each removal needs its own reason and shows what stops it: the portal's
        # confirmation page, which calls members.privacy.person_anonymise.
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Choose one person: each removal needs its own reason."),
                messages.WARNING,
            )
            return None
        return redirect("members:person_anonymise", queryset.get().pk)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            digits = normalize_national_id(search_term.strip())
        except ValidationError:
            return results, may_have_duplicates
        return results | queryset.filter(national_id=digits), may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            person = response.context_data["original"]
            if person.national_id:
                # DOMAIN.md §3: every sight of a national ID in full is recorded.
                NationalIdView.objects.create(
                    person=person, viewed_by=request.user, path=request.path[:300]
                )
        return response


# --- Producers ---------------------------------------------------------------------------


class ProducerMemberInline(BuddhistEraDates, admin.TabularInline):
    model = ProducerMember
    fields = ("person", "role")
    autocomplete_fields = ("person",)
    extra = 0


class ProductInline(BuddhistEraDates, admin.TabularInline):
    model = Product
    fields = ("name", "category", "price", "unit", "is_active")
    show_change_link = True
    extra = 0


class NetworkMembershipInline(BuddhistEraDates, admin.StackedInline):
    model = NetworkMembership
    fields = (
        "status",
        "current_status_display",
        "joined_on",
        "valid_until",
        "fee_exempt",
        "ended_on",
        "end_reason",
    )
    readonly_fields = ("current_status_display",)
    max_num = 1
    # A membership ends as resigned or removed, with a date and a reason; deleting it
    # would also drop it from the counts of past years.
    can_delete = False

    @admin.display(description=_("status today"))
    def current_status_display(self, membership):
        if membership is None or membership.pk is None:
            return EMPTY
        return membership.get_current_status_display()


class MergedFilter(admin.SimpleListFilter):
    """Producers merged into another are hidden from the list unless asked for."""

    title = _("merged records")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("yes", _("Merged into another producer"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset.current()


@admin.register(Producer)
class ProducerAdmin(RegistryAdmin):
    list_display = (
        "name",
        "producer_type",
        "district",
        "contact_person",
        "product_count",
        "membership_status",
        "stars",
    )
    list_filter = (
        ("district", ProvinceDistrictFilter),
        "producer_type",
        "is_community_enterprise",
        "products__category",
        StarsFilter,
        QuadrantFilter,
        MembershipStatusFilter,
        MergedFilter,
    )
    actions = ("merge_two",)
    search_fields = (
        "name",
        "name_en",
        "cdd_code",
        "juristic_id",
        "phone",
        "people__first_name",
        "people__last_name",
        "people__phone",
        "contact_person__first_name",
        "contact_person__last_name",
        "contact_person__phone",
        "products__name",
    )
    autocomplete_fields = ("contact_person", "district", "subdistrict")
    readonly_fields = (*RegistryAdmin.readonly_fields, "registered_by", "merged_into")
    inlines = (NetworkMembershipInline, ProducerMemberInline, ProductInline)

    def get_queryset(self, request):
        # The registry's own pages and exports read producers the same way: district and
        # contact person joined, best current stars, membership status today and product
        # count annotated, so the list is one query however many rows it shows. Merged
        # records open (read-only); the list leaves them out (MergedFilter).
        return producers_for(request.user, include_merged=True)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.merged_into_id:
            return False  # a merged record is kept as it was
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Merge the two selected producers"))
    def merge_two(self, request, queryset):
        chosen = sorted(queryset.values_list("pk", flat=True))
        if len(chosen) != 2:
            self.message_user(
                request, _("Select exactly two producers to merge."), level=messages.ERROR
            )
            return None
        # The older record is proposed as the one kept; the page offers the other way round.
        return redirect("members:producer_merge", pk=chosen[0], other=chosen[1])

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, producer):
        return producer.product_count or 0

    @admin.display(description=_("membership status"), ordering="membership_status")
    def membership_status(self, producer):
        if producer.membership_status is None:
            return _("Not a member")
        return MembershipStatus(producer.membership_status).label

    @admin.display(description=_("best current stars"), ordering="best_stars")
    def stars(self, producer):
        return stars_display(producer.best_stars)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.registered_by = request.user
        super().save_model(request, obj, form, change)


# --- Products, ratings, quadrants, certifications -------------------------------------------


class StarRatingForm(forms.ModelForm):
    """Refuses changes to a verified rating: the verification vouches for these stars in
    this round, so correcting them means unverifying first."""

    VOUCHED_FOR = ("product", "round_year_be", "stars", "level", "certificate_no")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_verified:
            changed = set(self.changed_data) & set(self.VOUCHED_FOR)
            if changed:
                raise ValidationError(
                    _("This rating is verified: unverify it before changing it."),
                    code="verified",
                )
        return cleaned


class StarRatingInline(BuddhistEraDates, admin.TabularInline):
    model = StarRating
    form = StarRatingForm
    fields = ("round_year_be", "stars", "level", "certificate_no", "verified_display")
    readonly_fields = ("verified_display",)
    extra = 0

    @admin.display(description=_("verified"))
    def verified_display(self, rating):
        if rating is None or not rating.verified_at:
            return EMPTY
        return be_datetime(rating.verified_at)


class QuadrantAssessmentInline(BuddhistEraDates, admin.TabularInline):
    model = QuadrantAssessment
    fields = ("fiscal_year_be", "quadrant")
    extra = 0


class CertificationInline(BuddhistEraDates, admin.TabularInline):
    model = Certification
    fields = ("standard", "number", "issued_on", "expires_on")
    extra = 0


@admin.register(Product)
class ProductAdmin(RegistryAdmin):
    list_display = (
        "name",
        "producer",
        "district",
        "category",
        "price_display",
        "current_stars_display",
    )
    list_filter = ("category", ("producer__district", ProvinceDistrictFilter), ProductStarsFilter)
    list_select_related = ("producer__district",)
    search_fields = ("name", "producer__name", "producer__name_en")
    autocomplete_fields = ("producer",)
    inlines = (StarRatingInline, QuadrantAssessmentInline, CertificationInline)

    def get_queryset(self, request):
        current = current_ratings().filter(product=OuterRef("pk")).values("stars")[:1]
        return super().get_queryset(request).annotate(current_stars=Subquery(current))

    @admin.display(description=_("district"), ordering="producer__district")
    def district(self, product):
        return product.producer.district

    @admin.display(description=_("price (baht)"), ordering="price")
    def price_display(self, product):
        return format_baht(product.price)

    @admin.display(description=_("current stars"), ordering="current_stars")
    def current_stars_display(self, product):
        return stars_display(product.current_stars)


@admin.register(StarRating)
class StarRatingAdmin(RegistryAdmin):
    form = StarRatingForm
    list_display = (
        "product",
        "producer",
        "round_year_be",
        "stars",
        "level",
        "is_verified",
        "verified_by",
        "verified_at_display",
    )
    list_filter = (VerifiedFilter, "round_year_be", "stars", "level")
    list_select_related = ("product__producer", "verified_by")
    search_fields = ("product__name", "product__producer__name", "certificate_no")
    autocomplete_fields = ("product",)
    readonly_fields = (*RegistryAdmin.readonly_fields, "verified_at_display", "verified_by")
    exclude = ("verified_at",)
    actions = ("verify_ratings", "unverify_ratings")

    @admin.display(description=_("producer"), ordering="product__producer__name_sort")
    def producer(self, rating):
        return rating.product.producer

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def is_verified(self, rating):
        return rating.is_verified

    @admin.display(description=_("verified on"), ordering="verified_at")
    def verified_at_display(self, rating):
        return be_datetime(rating.verified_at)

    @admin.action(description=_("Mark selected ratings as verified"))
    def verify_ratings(self, request, queryset):
        count = star_ratings_verify(ratings=queryset, by=request.user)
        message = ngettext(
            "%(count)d rating marked as verified.", "%(count)d ratings marked as verified.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Unverify selected ratings"))
    def unverify_ratings(self, request, queryset):
        verified = list(queryset.filter(verified_at__isnull=False))
        for rating in verified:
            star_rating_unverify(rating=rating, by=request.user)
        message = ngettext(
            "%(count)d rating unverified.", "%(count)d ratings unverified.", len(verified)
        )
        self.message_user(request, message % {"count": len(verified)}, messages.SUCCESS)


@admin.register(QuadrantAssessment)
class QuadrantAssessmentAdmin(RegistryAdmin):
    list_display = ("product", "producer", "district", "fiscal_year_be", "quadrant")
    list_filter = (
        "fiscal_year_be",
        "quadrant",
        ("product__producer__district", ProvinceDistrictFilter),
    )
    list_select_related = ("product__producer__district",)
    search_fields = ("product__name", "product__producer__name")
    autocomplete_fields = ("product",)

    @admin.display(description=_("producer"), ordering="product__producer__name_sort")
    def producer(self, assessment):
        return assessment.product.producer

    @admin.display(description=_("district"), ordering="product__producer__district")
    def district(self, assessment):
        return assessment.product.producer.district


@admin.register(Certification)
class CertificationAdmin(RegistryAdmin):
    list_display = ("product", "producer", "standard", "number", "issued", "expires")
    list_filter = (
        ExpiryFilter,
        "standard",
        ("product__producer__district", ProvinceDistrictFilter),
    )
    list_select_related = ("product__producer",)
    search_fields = ("number", "product__name", "product__producer__name")
    autocomplete_fields = ("product",)

    @admin.display(description=_("producer"), ordering="product__producer__name_sort")
    def producer(self, certification):
        return certification.product.producer

    @admin.display(description=_("issued"), ordering="issued_on")
    def issued(self, certification):
        return be_date(certification.issued_on)

    @admin.display(description=_("expires"), ordering="expires_on")
    def expires(self, certification):
        return be_date(certification.expires_on)


# --- The network's records ----------------------------------------------------------------


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(RegistryAdmin):
    list_display = (
        "producer",
        "district",
        "status_today",
        "joined",
        "valid_until_display",
        "fee_exempt",
    )
    list_filter = (
        StatusTodayFilter,
        ("producer__district", ProvinceDistrictFilter),
        "fee_exempt",
    )
    list_select_related = ("producer__district",)
    search_fields = ("producer__name", "producer__cdd_code")
    autocomplete_fields = ("producer",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    @admin.display(description=_("district"), ordering="producer__district")
    def district(self, membership):
        return membership.producer.district

    @admin.display(description=_("status today"), ordering="status_today")
    def status_today(self, membership):
        return MembershipStatus(membership.status_today).label

    @admin.display(description=_("joined"), ordering="joined_on")
    def joined(self, membership):
        return be_date(membership.joined_on)

    @admin.display(description=_("valid until"), ordering="valid_until")
    def valid_until_display(self, membership):
        return be_date(membership.valid_until)


@admin.register(ContactLog)
class ContactLogAdmin(RegistryAdmin):
    list_display = ("date", "producer", "kind", "recorded_by")
    list_filter = ("kind", ("producer__district", ProvinceDistrictFilter))
    list_select_related = ("producer", "recorded_by")
    search_fields = ("producer__name", "notes")
    autocomplete_fields = ("producer",)
    readonly_fields = (*RegistryAdmin.readonly_fields, "recorded_by")

    @admin.display(description=_("date"), ordering="on")
    def date(self, contact):
        return be_date(contact.on)

    def save_model(self, request, obj, form, change):
        # Who recorded the contact is the one logged in, not a choice on the form.
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SalesReport)
class SalesReportAdmin(RegistryAdmin):
    list_display = (
        "producer",
        "district",
        "fiscal_year_be",
        "quarter",
        "channel",
        "amount_display",
    )
    list_filter = (
        "fiscal_year_be",
        "quarter",
        "channel",
        ("producer__district", ProvinceDistrictFilter),
    )
    list_select_related = ("producer__district",)
    search_fields = ("producer__name", "producer__cdd_code")
    autocomplete_fields = ("producer",)

    @admin.display(description=_("district"), ordering="producer__district")
    def district(self, report):
        return report.producer.district

    @admin.display(description=_("sales (baht)"), ordering="amount")
    def amount_display(self, report):
        return format_baht(report.amount)


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(admin.ModelAdmin):
    """The one settings row: it can be changed, not added twice or deleted."""

    list_display = ("__str__", "grace_days", "annual_fee_display", "representatives_per_district")

    @admin.display(description=_("annual membership fee (baht)"))
    def annual_fee_display(self, network_settings):
        return format_baht(network_settings.annual_fee)

    def has_add_permission(self, request):
        return not NetworkSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The table holds one row, pk 1 (a check constraint), whatever the sequence says.
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(NationalIdView)
class NationalIdViewAdmin(admin.ModelAdmin):
    """The log of who saw a national ID in full: read only, as the database keeps it."""

    list_display = ("viewed_at_display", "whose", "seen_by", "page")
    list_select_related = ("person", "viewed_by")
    search_fields = ("person__first_name", "person__last_name", "viewed_by__username", "path")
    fields = ("whose", "seen_by", "viewed_at_display", "page")
    readonly_fields = fields

    # The model's fields have no translated labels; these columns carry them.
    @admin.display(description=_("seen"), ordering="viewed_at")
    def viewed_at_display(self, view):
        return be_datetime(view.viewed_at)

    @admin.display(description=_("person"), ordering="person__first_name")
    def whose(self, view):
        return view.person

    @admin.display(description=_("seen by"), ordering="viewed_by__username")
    def seen_by(self, view):
        return view.viewed_by

    @admin.display(description=_("page"))
    def page(self, view):
        return view.path

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonDataAction)
class PersonDataActionAdmin(admin.ModelAdmin):
    """Exports and anonymisations of a person's data (PDPA): read only, as the database
    keeps them. The person is named by number: an anonymised one has no name left."""

    list_display = ("at_display", "kind", "person_id", "by", "reason")
    list_filter = ("kind",)
    list_select_related = ("by",)
    fields = ("at_display", "kind", "person_id", "by", "reason", "summary")
    readonly_fields = fields

    @admin.display(description=_("when"), ordering="at")
    def at_display(self, action):
        return be_datetime(action.at)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProducerMerge)
class ProducerMergeAdmin(admin.ModelAdmin):
    """Merges of duplicate producers: read only, as the database keeps them."""

    list_display = ("merged_at_display", "absorbed", "kept", "merged_by", "reason")
    list_select_related = ("absorbed", "kept", "merged_by")
    search_fields = ("kept__name", "absorbed__name", "reason")
    fields = ("merged_at_display", "absorbed", "kept", "merged_by", "reason", "summary_display")
    readonly_fields = fields

    @admin.display(description=_("merged"), ordering="merged_at")
    def merged_at_display(self, merge):
        return be_datetime(merge.merged_at)

    @admin.display(description=_("what moved"))
    def summary_display(self, merge):
        moved = [f"{label}: {count}" for label, count in merge.summary.get("moved", {}).items()]
        lines = moved + list(merge.summary.get("notes", []))
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines)) or EMPTY

    def has_add_permission(self, request):
        return False  # merges are made on the comparison page, which shows what moves

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
