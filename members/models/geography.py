"""The geography everything is scoped by: DOPA provinces, districts, subdistricts."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from otop_portal.lib.language import reads_english
from otop_portal.lib.scoping import ScopedQuerySet


class NamedArea(models.Model):
    """A DOPA area with its Thai and English names; shown in the reader's language."""

    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if reads_english() and self.name_en:
            return self.name_en
        return self.name_th


class ProvinceQuerySet(ScopedQuerySet):
    district_path = None


class Province(NamedArea):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]


class DistrictQuerySet(ScopedQuerySet):
    district_path = "code"


class District(NamedArea):
    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]


class SubdistrictQuerySet(ScopedQuerySet):
    district_path = "district"


class Subdistrict(NamedArea):
    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    postal_codes = ArrayField(
        models.CharField(max_length=5), verbose_name=_("postal codes"), default=list
    )

    objects = SubdistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["code"]
