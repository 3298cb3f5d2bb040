"""What is recorded about a producer: its people, products, ratings, quadrants,
certifications, contacts and sales."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from members import privacy, services
from members.forms import (
    CertificationForm,
    ContactLogForm,
    PersonForm,
    ProductForm,
    QuadrantForm,
    SalesReportForm,
    StarRatingForm,
)
from members.models import NationalIdView, Person, Producer, Product, StarRating
from otop_portal.lib.history import changes_of
from otop_portal.lib.scoping import can_write, get_for_user


def _save_record(request, form, *, title, back_url, save=None):
    """The shape of every small registry form: validate, save through a service,
    say so, go back; a rule the database holds comes back as a form error."""
    if request.method == "POST" and form.is_valid():
        try:
            (save or (lambda record: services.record_save(record=record)))(form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back_url)
    return render(
        request, "members/record_form.html", {"form": form, "title": title, "back_url": back_url}
    )


def _producer(request, pk) -> Producer:
    return get_for_user(request, Producer, for_write=True, pk=pk)


def _product(request, pk) -> Product:
    return get_for_user(request, Product.objects.select_related("producer"), for_write=True, pk=pk)


def _warn_without_consent(request, person) -> None:
    if not person.has_consent:
        messages.warning(
            request,
            _(
                "No consent to keep this person's data is on record (PDPA): ask them to sign "
                "the consent form and record its date."
            ),
        )


@require_http_methods(["GET", "POST"])
def person_add(request, pk):
    producer = _producer(request, pk)
    form = PersonForm(request.POST or None, user=request.user)

    def save(person):
        services.person_join(producer=producer, person=person, role=form.cleaned_data["role"])
        _warn_without_consent(request, person)

    return _save_record(
        request,
        form,
        save=save,
        back_url=producer.get_absolute_url(),
        title=_("Add a person to %(name)s") % {"name": producer.name},
    )


@require_safe
def person_detail(request, pk):
    person = get_for_user(request, Person.objects.select_related("district", "subdistrict"), pk=pk)
    may_edit = can_write(request.user, person)
    full_id = request.user.is_provincial_staff and bool(person.national_id)
    if full_id:
        # Issue 7 (PDPA): only provincial staff see a national ID in full, and each
        # sight of it is recorded; everyone else sees it masked.
        NationalIdView.objects.create(person=person, viewed_by=request.user, path=request.path)
    memberships = person.memberships.select_related("producer").order_by("pk")
    history = {"changes": changes_of(person)} if request.user.is_provincial_staff else None
    return render(
        request,
        "members/person_detail.html",
        {
            "person": person,
            "may_edit": may_edit,
            "full_id": full_id,
            "anonymised": privacy.is_anonymised(person),
            "memberships": memberships,
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_for_user(request, Person, for_write=True, pk=pk)
    form = PersonForm(
        request.POST or None,
        instance=person,
        user=request.user,
        with_role=False,
    )
    return _save_record(
        request,
        form,
        back_url=person.get_absolute_url(),
        save=lambda record: (
            services.person_update(person=record),
            _warn_without_consent(request, record),
        ),
        title=_("Edit %(name)s") % {"name": person.full_name},
    )


@require_http_methods(["GET", "POST"])
def product_add(request, pk):
    producer = _producer(request, pk)
    form = ProductForm(request.POST or None, instance=Product(producer=producer))
    return _save_record(
        request,
        form,
        back_url=producer.get_absolute_url(),
        title=_("Add a product of %(name)s") % {"name": producer.name},
    )


@require_http_methods(["GET", "POST"])
def product_edit(request, pk):
    product = _product(request, pk)
    form = ProductForm(request.POST or None, instance=product)
    return _save_record(
        request,
        form,
        back_url=product.producer.get_absolute_url(),
        title=_("Edit %(name)s") % {"name": product.name},
    )


def _product_record(request, pk, form_class, title):
    """A rating, quadrant or certification of a product, added from the producer's page."""
    product = _product(request, pk)
    form = form_class(request.POST or None, product=product)
    return _save_record(
        request,
        form,
        back_url=product.producer.get_absolute_url(),
        title=title % {"name": product.name},
    )


@require_http_methods(["GET", "POST"])
def rating_add(request, pk):
    return _product_record(request, pk, StarRatingForm, _("Star rating of %(name)s"))


@require_http_methods(["GET", "POST"])
def quadrant_add(request, pk):
    return _product_record(request, pk, QuadrantForm, _("Quadrant of %(name)s"))


@require_http_methods(["GET", "POST"])
def certification_add(request, pk):
    return _product_record(request, pk, CertificationForm, _("Certification of %(name)s"))


@require_http_methods(["GET", "POST"])
def contact_add(request, pk):
    producer = _producer(request, pk)
    form = ContactLogForm(request.POST or None)
    form.instance.producer, form.instance.recorded_by = producer, request.user
    return _save_record(
        request,
        form,
        back_url=producer.get_absolute_url(),
        title=_("Contact with %(name)s") % {"name": producer.name},
    )


@require_http_methods(["GET", "POST"])
def sales_add(request, pk):
    producer = _producer(request, pk)
    form = SalesReportForm(request.POST or None, producer=producer)
    return _save_record(
        request,
        form,
        back_url=producer.get_absolute_url(),
        title=_("Sales of %(name)s") % {"name": producer.name},
    )


@require_POST
def rating_verify(request, pk):
    """Provincial staff verify a star rating: only verified ratings count for fairs."""
    rating = get_for_user(request, StarRating.objects.select_related("product__producer"), pk=pk)
    if not request.user.is_provincial_staff:
        raise PermissionDenied
    services.star_ratings_verify(ratings=StarRating.objects.filter(pk=rating.pk), by=request.user)
    messages.success(request, _("The rating is verified."))
    return redirect(rating.product.producer.get_absolute_url())
