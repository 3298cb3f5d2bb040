"""List filters for the registry's pages and their exports (one definition for both)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import District, Role, User


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
