"""Forms of the application pages: they read what is asked; the services decide
whether the fair's rules allow it (and say why not)."""

import re
from collections import Counter

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairs.models import Application, ApplicationStatus, BoothType, Fair, FairCategory, Zone
from fairs.selectors_applications import ProductStars, product_stars, products_for_form
from members.models import District, Producer, Product
from otop_portal.lib.money import format_baht

ZONE_FIELDS = ("zone_1", "zone_2", "zone_3")
DECISIONS = [
    (ApplicationStatus.ELIGIBLE, ApplicationStatus.ELIGIBLE.label),
    (ApplicationStatus.NEEDS_INFO, ApplicationStatus.NEEDS_INFO.label),
    (ApplicationStatus.REJECTED, ApplicationStatus.REJECTED.label),
]


def _metres(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def booth_type_label(booth_type: BoothType) -> str:
    """E.g. "Standard booth 3×3 m · fee 300.00 baht · power · water"."""
    size = _("%(width)s×%(depth)s m") % {
        "width": _metres(booth_type.width_m),
        "depth": _metres(booth_type.depth_m),
    }
    parts = [
        f"{booth_type.name} {size}",
        _("fee %(fee)s") % {"fee": format_baht(booth_type.fee)} if booth_type.fee else _("no fee"),
        _("power") if booth_type.has_power else _("no power"),
        _("water") if booth_type.has_water else _("no water"),
    ]
    return " · ".join(parts)


def stars_label(rating: ProductStars | None) -> str:
    """What a product's rating gives the application, in words."""
    if rating is None:
        return _("no star rating")
    if rating.verified:
        return _("%(stars)s (round %(year)s, verified)") % {
            "stars": "★" * rating.stars,
            "year": rating.round_year_be,
        }
    return _("%(count)s stars (round %(year)s) not verified yet: it does not count") % {
        "count": rating.stars,
        "year": rating.round_year_be,
    }


class BoothTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, booth_type):
        return booth_type_label(booth_type)


class ProductChoiceField(forms.ModelMultipleChoiceField):
    stars: dict = {}

    def label_from_instance(self, product):
        return f"{product.name} · {product.get_category_display()} · " + stars_label(
            self.stars.get(product.pk)
        )


class ApplicationForm(forms.Form):
    """What an application asks: the category, booth type, up to three zones in
    order of preference, the products to sell, other goods and special needs."""

    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=FairCategory.choices,
        help_text=gettext_lazy(
            "The five OTOP categories, or fresh farm produce; the category quotas of the "
            "policy count it."
        ),
    )
    booth_type = BoothTypeChoiceField(
        label=gettext_lazy("Booth type"),
        queryset=BoothType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    zone_1 = forms.ModelChoiceField(
        label=gettext_lazy("First choice of zone"),
        queryset=Zone.objects.none(),
        required=False,
        empty_label=gettext_lazy("No preference"),
    )
    zone_2 = forms.ModelChoiceField(
        label=gettext_lazy("Second choice of zone"),
        queryset=Zone.objects.none(),
        required=False,
        empty_label=gettext_lazy("No second choice"),
    )
    zone_3 = forms.ModelChoiceField(
        label=gettext_lazy("Third choice of zone"),
        queryset=Zone.objects.none(),
        required=False,
        empty_label=gettext_lazy("No third choice"),
    )
    products = ProductChoiceField(
        label=gettext_lazy("Products to sell"),
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "The application's stars are the highest verified current rating among the "
            "products ticked (3–5 stars give an extra ticket in the draw)."
        ),
    )
    products_note = forms.CharField(
        label=gettext_lazy("Other goods to sell"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Fresh produce or goods not in the registry."),
    )
    needs = forms.CharField(
        label=gettext_lazy("Special needs"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("E.g. a place for a wheelchair, a cold box, extra power."),
    )

    def __init__(self, *args, fair: Fair, producer: Producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth_type"].queryset = fair.booth_types.order_by("code")
        zones = fair.zones.order_by("code")
        for name in ZONE_FIELDS:
            self.fields[name].queryset = zones
        products = self.fields["products"]
        products.queryset = products_for_form(producer)
        found = list(products.queryset.values_list("pk", "category"))
        products.stars = product_stars(pk for pk, _category in found)
        if found and "category" not in self.initial:
            # The category most of the producer's products are in.
            self.initial["category"] = Counter(c for _pk, c in found).most_common(1)[0][0]

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in ZONE_FIELDS]
        seen = set()
        for index, (name, zone) in enumerate(zip(ZONE_FIELDS, chosen, strict=True)):
            if zone is None:
                continue
            if any(earlier is None for earlier in chosen[:index]):
                self.add_error(name, _("Choose the zones in order: fill the earlier choice first."))
            elif zone.pk in seen:
                self.add_error(name, _("Choose each zone only once."))
            seen.add(zone.pk)
        nothing = not data.get("products") and not (data.get("products_note") or "").strip()
        if nothing and "products" not in self.errors:
            self.add_error("products", _("List the products to sell."))
        return data

    def choices(self) -> dict:
        """The keyword arguments of `application_submit` and `application_change`."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "booth_type": data["booth_type"],
            "zones": [data[name] for name in ZONE_FIELDS if data.get(name) is not None],
            "products": list(data["products"]),
            "products_note": data["products_note"],
            "needs": data["needs"],
        }

    @staticmethod
    def initial_from(application: Application) -> dict:
        return {
            "category": application.category,
            "booth_type": application.booth_type_id,
            "zone_1": application.zone_1_id,
            "zone_2": application.zone_2_id,
            "zone_3": application.zone_3_id,
            "products": [p.pk for p in application.products.all()],
            "products_note": application.products_note,
            "needs": application.needs,
        }


class ApplyForm(ApplicationForm):
    consent = forms.BooleanField(
        label=gettext_lazy("The producer asked us to apply on their behalf"),
        help_text=gettext_lazy(
            "Producers do not log in: the application is recorded as submitted on the "
            "producer's behalf, by you."
        ),
        error_messages={
            "required": gettext_lazy("Confirm that the producer asked you to apply for them.")
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("E.g. the producer cannot come on the fair days."),
    )


class ReviewForm(forms.Form):
    """The fair committee's decision; a reason is always given."""

    status = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "The applicant's district sees it: say what is missing or why, in plain words."
        ),
        error_messages={"required": gettext_lazy("Give a reason for the decision.")},
    )


class ApplicationFilter(django_filters.FilterSet):
    """Finding applications: by producer name or number, status, district (for those
    who see every district), category and booth type."""

    q = django_filters.CharFilter(
        label=gettext_lazy("Search"),
        method="search",
        max_length=100,
        help_text=gettext_lazy("Producer name or application number"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=ApplicationStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    district = django_filters.ModelChoiceFilter(
        label=gettext_lazy("District"),
        queryset=District.objects.none(),
        empty_label=gettext_lazy("All districts"),
    )
    category = django_filters.ChoiceFilter(
        label=gettext_lazy("Category"),
        choices=FairCategory.choices,
        empty_label=gettext_lazy("Any category"),
    )
    booth_type = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Booth type"),
        queryset=BoothType.objects.none(),
        empty_label=gettext_lazy("Any booth type"),
    )

    class Meta:
        model = Application
        fields = ["q", "status", "district", "category", "booth_type"]

    def __init__(self, *args, user, fair: Fair, **kwargs):
        super().__init__(*args, **kwargs)
        from members.selectors import districts_for

        self.filters["booth_type"].queryset = fair.booth_types.order_by("code")
        if user.sees_all_districts:
            self.filters["district"].queryset = districts_for(user)
        else:
            del self.filters["district"]

    def search(self, queryset, name, value):
        value = value.strip().lstrip("#")
        if re.fullmatch(r"[0-9]{1,9}", value):
            return queryset.filter(number=int(value))
        return queryset.filter(producer__name__icontains=value)
