"""List filters for the registry's pages and their exports (one definition for both)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from members.models import (
    Category,
    District,
    MembershipStatus,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    Role,
    User,
)


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.none(), empty_label=_("All districts")
    )
    is_active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("1", _("Active")), ("0", _("Deactivated"))],
        empty_label=_("All"),
        method="active",
    )

    class Meta:
        model = User
        fields = ["q", "role", "district", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from members.selectors import districts_for

        self.filters["district"].queryset = districts_for(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
        )

    def active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


STARS_CHOICES = [("none", _("No rating")), *[(str(n), "★" * n) for n in range(1, 6)]]


class ProducerFilter(django_filters.FilterSet):
    """Finding producers: by name, person, phone or product (q), and by district,
    category, stars, membership status and type."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        help_text=_("Name, person, phone or product"),
    )
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.none(), empty_label=_("All districts")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        choices=Category.choices,
        empty_label=_("All categories"),
        method="in_category",
    )
    stars = django_filters.ChoiceFilter(
        label=_("Stars"), choices=STARS_CHOICES, empty_label=_("Any rating"), method="rated"
    )
    status = django_filters.ChoiceFilter(
        label=_("Membership"),
        choices=MembershipStatus.choices,
        empty_label=_("Any status"),
        method="with_status",
    )
    producer_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=ProducerType.choices, empty_label=_("All types")
    )
    consent = django_filters.ChoiceFilter(
        label=_("Consent (PDPA)"),
        choices=[("missing", _("Someone without consent on record"))],
        empty_label=_("Any"),
        method="without_consent",
    )

    class Meta:
        model = Producer
        fields = ["q", "district", "category", "stars", "status", "producer_type", "consent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from members.selectors import districts_for

        self.filters["district"].queryset = districts_for(user)
        if not user.sees_all_districts:
            del self.filters["district"]

    def search(self, queryset, name, value):
        from members.selectors import search_producers

        return search_producers(queryset, value)

    def in_category(self, queryset, name, value):
        return queryset.filter(
            Exists(Product.objects.filter(producer=OuterRef("pk"), category=value))
        )

    def rated(self, queryset, name, value):
        if value == "none":
            return queryset.filter(best_stars__isnull=True)
        return queryset.filter(best_stars=int(value))

    def with_status(self, queryset, name, value):
        return queryset.filter(membership_status=value)

    def without_consent(self, queryset, name, value):
        """Producers whose contact person or a group member has no consent on record."""
        lacking = Person.objects.without_consent()
        return queryset.filter(
            Q(contact_person__in=lacking)
            | Exists(ProducerMember.objects.filter(producer=OuterRef("pk"), person__in=lacking))
        )
