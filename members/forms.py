"""Registry forms: they validate and normalise; services write."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.models import (
    Certification,
    ConsentMethod,
    ContactLog,
    District,
    MemberRole,
    Person,
    Producer,
    Product,
    QuadrantAssessment,
    SalesReport,
    StarRating,
    Subdistrict,
)
from otop_portal.lib.natid import mask_national_id, normalize_national_id
from otop_portal.lib.thaidate import BEDateField

ADDRESS_FIELDS = ["house_no", "moo", "village", "soi", "road", "subdistrict", "postal_code"]
CONSENT_FIELDS = [
    "consent_on",
    "consent_method",
    "consent_witness",
    "consent_fairs",
    "consent_savings",
    "consent_withdrawn_on",
]


def phone_field(model_field) -> forms.CharField:
    """A phone typed as people write it (081-234-5678); stored as digits."""
    return forms.CharField(
        label=model_field.verbose_name,
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


def clean_phone_digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


class SubdistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subdistrict):
        return f"{subdistrict.name} ({subdistrict.district.name})"


class AddressFormMixin:
    """The address part of a form: subdistricts of the districts the user may register
    in, and the postal code filled in from the subdistrict (a choice where it has two)."""

    def setup_address(self, districts):
        self.fields["subdistrict"] = SubdistrictChoiceField(
            queryset=Subdistrict.objects.filter(district__in=districts)
            .select_related("district")
            .order_by("code"),
            required=False,
            label=_("subdistrict"),
        )
        self.fields["postal_code"].help_text = _("Filled in from the subdistrict.")
        self.fields["postal_code"].widget.attrs.update(inputmode="numeric", maxlength="5")
        self.fields["subdistrict"].widget.attrs.update(
            {
                "hx-get": reverse("members:postal_codes"),
                "hx-target": f"#id_{self.add_prefix('postal_code')}_helptext",
                "hx-trigger": "change",
                "hx-vals": f'{{"prefix": "{self.prefix or ""}"}}',
            }
        )

    def clean_address(self, cleaned):
        subdistrict, postal = cleaned.get("subdistrict"), cleaned.get("postal_code")
        if not subdistrict:
            return
        codes = subdistrict.postal_codes
        if not postal and len(codes) == 1:
            cleaned["postal_code"] = codes[0]
        elif not postal:
            self.add_error(
                "postal_code",
                _("This subdistrict has two postal codes: choose %(codes)s.")
                % {"codes": _(" or ").join(codes)},
            )
        elif postal not in codes:
            self.add_error(
                "postal_code",
                _("%(subdistrict)s has postal code %(codes)s.")
                % {"subdistrict": subdistrict.name, "codes": _(" or ").join(codes)},
            )


class ProducerForm(AddressFormMixin, forms.ModelForm):
    class Meta:
        model = Producer
        fields = [
            "name",
            "name_en",
            "producer_type",
            "is_community_enterprise",
            "community_enterprise_no",
            "cdd_code",
            "juristic_id",
            "district",
            "phone",
            *ADDRESS_FIELDS,
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from members.selectors import districts_for

        districts = districts_for(user)
        if user.is_provincial_staff:
            self.fields["district"].queryset = districts
        else:
            # a district member registers producers of their own district only
            del self.fields["district"]
            districts = districts.filter(pk=user.district_id)
        self.setup_address(districts)
        self.fields["phone"] = phone_field(Producer._meta.get_field("phone"))
        self.fields["cdd_code"].required = False
        self.fields["juristic_id"].required = False

    def clean_phone(self):
        return clean_phone_digits(self.cleaned_data["phone"])

    def clean_cdd_code(self):
        return self.cleaned_data["cdd_code"] or None

    def clean_juristic_id(self):
        return self.cleaned_data["juristic_id"] or None

    def clean(self):
        cleaned = super().clean()
        self.clean_address(cleaned)
        if cleaned.get("is_community_enterprise") and not cleaned.get("community_enterprise_no"):
            self.add_error(
                "community_enterprise_no",
                _("A community enterprise needs its registration number."),
            )
        return cleaned


class PersonForm(AddressFormMixin, forms.ModelForm):
    role = forms.ChoiceField(
        label=_("role in the group"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )

    class Meta:
        model = Person
        fields = [
            "title",
            "first_name",
            "last_name",
            "first_name_en",
            "last_name_en",
            "sex",
            "national_id",
            "birth_date",
            "phone",
            "line_id",
            "email",
            *ADDRESS_FIELDS,
            *CONSENT_FIELDS,
        ]
        field_classes = {
            "birth_date": BEDateField,
            "consent_on": BEDateField,
            "consent_withdrawn_on": BEDateField,
        }

    def __init__(self, *args, user, with_role: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # where the person lives may be anywhere in the province
        self.setup_address(District.objects.filter(province_id=settings.PORTAL_PROVINCE_CODE))
        self.fields["national_id"].required = False
        self.fields["national_id"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["phone"] = phone_field(Person._meta.get_field("phone"))
        if not with_role:
            del self.fields["role"]
        self.setup_consent()
        self.setup_masked_national_id()

    def setup_consent(self):
        if self.instance.pk is None:
            self.fields["consent_on"].help_text = _(
                "The date on the consent form the person signed (PDPA). Without it the "
                "person is listed as having no consent on record."
            )
            del self.fields["consent_withdrawn_on"]  # nothing to withdraw yet

    def setup_masked_national_id(self):
        """Only provincial staff see a national ID in full (issue 7): for anyone else
        the number on file is not put in the form; they may type a new one."""
        self.keeps_national_id = bool(
            self.instance.national_id and not self.user.is_provincial_staff
        )
        if self.keeps_national_id:
            field = self.fields["national_id"]
            self.initial["national_id"] = ""
            try:
                field.widget.attrs["placeholder"] = mask_national_id(self.instance.national_id)
            except forms.ValidationError:  # a malformed stored number is never shown either
                field.widget.attrs["placeholder"] = "X-XXXX-XXXXX-XX-X"
            field.help_text = _(
                "The number on file is shown masked. Leave it blank to keep it; type the "
                "whole number to correct it."
            )

    def clean_national_id(self):
        value = self.cleaned_data.get("national_id")
        if not value:
            return self.instance.national_id if self.keeps_national_id else None
        digits = normalize_national_id(value)
        existing = Person.objects.filter(national_id=digits).exclude(pk=self.instance.pk)
        if existing.exists():
            mine = existing.for_user(self.user).first()
            if mine is None:
                raise forms.ValidationError(
                    _(
                        "This person is already registered in another district: contact "
                        "provincial staff."
                    ),
                    code="other_district",
                )
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This person is already registered:"),
                    reverse("members:person_detail", args=[mine.pk]),
                    mine.full_name,
                ),
                code="duplicate",
            )
        return digits

    def clean_phone(self):
        return clean_phone_digits(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        self.clean_address(cleaned)
        self.clean_consent(cleaned)
        return cleaned

    def clean_consent(self, cleaned):
        given, withdrawn = cleaned.get("consent_on"), cleaned.get("consent_withdrawn_on")
        if given and not cleaned.get("consent_method"):
            cleaned["consent_method"] = ConsentMethod.PAPER
        if (
            cleaned.get("consent_method") == ConsentMethod.SPOKEN
            and not cleaned.get("consent_witness", "").strip()
        ):
            self.add_error("consent_witness", _("A spoken consent needs the name of its witness."))
        if withdrawn and not given:
            self.add_error("consent_withdrawn_on", _("Record when the consent was given first."))
        elif withdrawn and given and withdrawn < given:
            self.add_error(
                "consent_withdrawn_on", _("Consent can only be withdrawn after it was given.")
            )

    def validate_unique(self):
        # national_id uniqueness is told in clean_national_id, in a way that does not
        # reveal another district's person; the database still holds it.
        exclude = self._get_validation_exclusions()
        exclude.add("national_id")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name",
            "category",
            "price",
            "unit",
            "monthly_capacity",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].widget.attrs.update(inputmode="decimal")


class StarRatingForm(forms.ModelForm):
    class Meta:
        model = StarRating
        fields = ["round_year_be", "stars", "level", "certificate_no"]
        widgets = {"stars": forms.Select(choices=[(n, "★" * n) for n in range(1, 6)])}

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.fields["round_year_be"].widget.attrs.update(inputmode="numeric", placeholder="2567")


class QuadrantForm(forms.ModelForm):
    class Meta:
        model = QuadrantAssessment
        fields = ["fiscal_year_be", "quadrant"]

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product
        self.fields["fiscal_year_be"].widget.attrs.update(inputmode="numeric")


class CertificationForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["standard", "number", "issued_on", "expires_on"]
        field_classes = {"issued_on": BEDateField, "expires_on": BEDateField}

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.product = product


class ContactLogForm(forms.ModelForm):
    class Meta:
        model = ContactLog
        fields = ["on", "kind", "notes"]
        field_classes = {"on": BEDateField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class SalesReportForm(forms.ModelForm):
    class Meta:
        model = SalesReport
        fields = ["fiscal_year_be", "quarter", "channel", "amount"]

    def __init__(self, *args, producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.producer = producer
        self.fields["amount"].widget.attrs.update(inputmode="decimal")


class RenewalForm(forms.Form):
    fiscal_year_be = forms.IntegerField(
        label=_("fiscal year (B.E.)"), min_value=2540, max_value=2700
    )
    paid_on = BEDateField(label=_("paid on"))

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        from members.models import fiscal_year_be

        today = timezone.localdate()
        kwargs.setdefault("initial", {"fiscal_year_be": fiscal_year_be(today), "paid_on": today})
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year_be"].widget.attrs.update(inputmode="numeric")


class EndMembershipForm(forms.Form):
    status = forms.ChoiceField(
        label=_("how it ends"),
        choices=[("resigned", _("Resigned")), ("removed", _("Removed"))],
    )
    on = BEDateField(label=_("ended"))
    reason = forms.CharField(label=_("reason"), max_length=200)
