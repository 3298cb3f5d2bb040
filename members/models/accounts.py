"""Accounts: who logs in, with which role, district and functions."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from members.models.geography import District
from otop_portal.lib.history import track
from otop_portal.lib.scoping import ScopedQuerySet


class Role(models.TextChoices):
    PROVINCIAL_STAFF = "provincial_staff", _("Provincial CDD staff")
    NETWORK_OFFICER = "network_officer", _("Network officer")
    DISTRICT_MEMBER = "district_member", _("District committee member")


class Function(models.TextChoices):
    """Functions held on top of a role; each is a Django group of this name."""

    SAVINGS_TREASURER = "savings_treasurer", _("Savings treasurer")
    LOAN_COMMITTEE = "loan_committee", _("Loan committee")
    AUDIT_COMMITTEE = "audit_committee", _("Audit committee")
    EQUIPMENT_APPROVER = "equipment_approver", _("Equipment approver")
    FAIR_COMMITTEE = "fair_committee", _("Fair committee")


# Functions that handle money or check it: their holders may (and, with OTP_REQUIRED,
# must) log in with a second factor, as provincial staff do.
SECOND_FACTOR_FUNCTIONS = (
    Function.SAVINGS_TREASURER,
    Function.LOAN_COMMITTEE,
    Function.AUDIT_COMMITTEE,
)


class UserQuerySet(ScopedQuerySet):
    district_path = "district"


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra_fields):
        if not username:
            raise ValueError("A username is required.")
        user = self.model(username=self.model.normalize_username(username), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra_fields):
        extra_fields.update(role=Role.PROVINCIAL_STAFF, is_superuser=True, district=None)
        return self.create_user(username, password, **extra_fields)


@track(exclude=["password", "last_login"])
class User(AbstractBaseUser, PermissionsMixin):
    """A login. The role sets the reach; functions (groups) give the right to act."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("district"),
        help_text=_("Required for district committee members, empty for everyone else."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to deactivate the account instead of deleting it."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_district_iff_district_member",
                condition=(
                    Q(role=Role.DISTRICT_MEMBER, district__isnull=False)
                    | (~Q(role=Role.DISTRICT_MEMBER) & Q(district__isnull=True))
                ),
                violation_error_message=_(
                    "A district committee member needs a district; other roles have none."
                ),
            ),
            models.CheckConstraint(
                name="user_superuser_is_provincial_staff",
                condition=Q(is_superuser=False) | Q(role=Role.PROVINCIAL_STAFF),
                violation_error_message=_("Only provincial staff can be superusers."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.username

    # Provincial staff are the only users of Django admin, and may do everything there.
    @property
    def is_staff(self) -> bool:
        return self.role == Role.PROVINCIAL_STAFF

    @property
    def is_provincial_staff(self) -> bool:
        return self.is_active and self.role == Role.PROVINCIAL_STAFF

    @property
    def is_network_officer(self) -> bool:
        return self.is_active and self.role == Role.NETWORK_OFFICER

    @property
    def is_district_member(self) -> bool:
        return self.is_active and self.role == Role.DISTRICT_MEMBER

    @property
    def sees_all_districts(self) -> bool:
        return self.role in (Role.PROVINCIAL_STAFF, Role.NETWORK_OFFICER)

    @cached_property
    def functions(self) -> frozenset[str]:
        # .all() so that a prefetch of groups (lists, exports) is used, not a query per user
        return frozenset(group.name for group in self.groups.all())

    def has_function(self, function: str) -> bool:
        return self.is_active and function in self.functions

    @property
    def second_factor_eligible(self) -> bool:
        """Provincial staff and the money functions may use a second factor at login."""
        if self.role == Role.PROVINCIAL_STAFF:
            return self.is_active
        if self.pk is None:  # an account being created holds no function yet
            return False
        return any(self.has_function(function) for function in SECOND_FACTOR_FUNCTIONS)

    def function_labels(self) -> list[str]:
        labels = dict(Function.choices)
        return [str(labels.get(name, name)) for name in sorted(self.functions)]

    def has_perm(self, perm, obj=None) -> bool:
        if self.is_provincial_staff:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_provincial_staff:
            return True
        return super().has_module_perms(app_label)


class PasswordResetRequest(models.Model):
    """One request of the password reset form, kept an hour or so to throttle the form
    per client address and per e-mail address. In the database, so that several app
    servers count together. The e-mail address is kept only as a keyed hash."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    email_hash = models.CharField(_("e-mail address (hashed)"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["address", "at"], name="pwreset_address_at"),
            models.Index(fields=["email_hash", "at"], name="pwreset_email_at"),
        ]

    def __str__(self) -> str:
        return f"{self.address or '-'} {self.at:%Y-%m-%d %H:%M}"
