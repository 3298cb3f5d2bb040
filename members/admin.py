"""Django admin for provincial staff: accounts, and the geography (read-only)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import services
from members.models import District, Function, Province, Subdistrict, User
from otop_portal.lib.thaidate import format_thai_datetime
from otop_portal.twofactor.services import devices_remove


class FunctionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return dict(Function.choices).get(group.name, group.name)


class AccountFormMixin:
    """Shows functions by their Thai names and checks role and district together."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            self.fields["groups"] = FunctionChoiceField(
                queryset=Group.objects.filter(name__in=Function.values).order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=_("Functions"),
                help_text=_("The functions this account holds on top of its role."),
            )


PERSON_FIELDS = ("first_name", "last_name", "email", "phone")
REACH_FIELDS = ("role", "district", "groups")


class AccountCreationForm(AccountFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", *PERSON_FIELDS, *REACH_FIELDS)


class AccountChangeForm(AccountFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "password", *PERSON_FIELDS, *REACH_FIELDS, "is_active")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
    list_display = (
        "username",
        "get_full_name",
        "role",
        "district",
        "functions_display",
        "is_active",
        "second_factor",
        "last_login_display",
    )
    list_filter = ("role", ("district", admin.RelatedOnlyFieldListFilter), "is_active", "groups")
    list_select_related = ("district",)
    search_fields = ("username", "first_name", "last_name", "email", "phone")
    ordering = ("username",)
    readonly_fields = ("last_login_display", "date_joined_display")
    filter_horizontal = ()
    actions = ["deactivate_accounts", "activate_accounts", "remove_second_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": PERSON_FIELDS}),
        (_("Role and reach"), {"fields": (*REACH_FIELDS, "is_active")}),
        (_("Dates"), {"fields": ("last_login_display", "date_joined_display")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Person"), {"fields": PERSON_FIELDS}),
        (_("Role and reach"), {"fields": REACH_FIELDS}),
    )

    def get_queryset(self, request):
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups")
            .annotate(has_second_factor=Exists(devices))
        )

    @admin.display(description=_("Second factor"), boolean=True, ordering="has_second_factor")
    def second_factor(self, user):
        return user.has_second_factor

    @admin.action(description=_("Remove the second factor (lost phone)"))
    def remove_second_factor(self, request, queryset):
        count = sum(1 for user in queryset if devices_remove(user=user, by=request.user))
        message = ngettext(
            "Second factor removed from %(count)d account: it logs in with the password "
            "alone until a new one is set up.",
            "Second factor removed from %(count)d accounts: they log in with the password "
            "alone until new ones are set up.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            # The portal's province, not all 928 districts of the country.
            kwargs["queryset"] = District.objects.filter(
                province_id=settings.PORTAL_PROVINCE_CODE
            ).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Django's admin would show C.E. years; every date the portal shows is B.E.
    @admin.display(description=_("Last login"), ordering="last_login")
    def last_login_display(self, user):
        return format_thai_datetime(user.last_login, short=True) if user.last_login else "—"

    @admin.display(description=_("Date joined"), ordering="date_joined")
    def date_joined_display(self, user):
        return format_thai_datetime(user.date_joined, short=True)

    @admin.display(description=_("Functions"))
    def functions_display(self, user):
        return ", ".join(user.function_labels()) or "—"

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: history and records point at them.
        return False

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate_accounts(self, request, queryset):
        count = services.users_set_active(users=queryset, active=False, by=request.user)
        message = ngettext(
            "%(count)d account deactivated.", "%(count)d accounts deactivated.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Reactivate the selected accounts"))
    def activate_accounts(self, request, queryset):
        count = services.users_set_active(users=queryset, active=True, by=request.user)
        message = ngettext(
            "%(count)d account reactivated.", "%(count)d accounts reactivated.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Geography is loaded from geothai by `load_geography`, not edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en")
    search_fields = ("code", "name_th", "name_en")


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en", "province")
    list_filter = ("province",)
    list_select_related = ("province",)
    search_fields = ("code", "name_th", "name_en")

    def get_search_results(self, request, queryset, search_term):
        """An autocomplete of a district field offers the portal's province only."""
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if "field_name" in request.GET:
            queryset = queryset.filter(province_id=settings.PORTAL_PROVINCE_CODE)
        return queryset, distinct


@admin.register(Subdistrict)
class SubdistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name_th", "name_en", "district", "postal_codes")
    list_select_related = ("district",)
    search_fields = ("code", "name_th", "name_en", "postal_codes")


# Functions are groups created by a migration and named in code: not edited by hand.
admin.site.unregister(Group)

# The registry's admin (producers, people, products, ratings…) and that of committees and
# activities live in modules of their own.
from members import admin_committees, admin_registry  # noqa: E402, F401
