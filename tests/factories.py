"""factory-boy factories for the portal's models."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from members.models import (
    Category,
    District,
    Function,
    MemberRole,
    NetworkMembership,
    Person,
    Producer,
    ProducerMember,
    ProducerType,
    Product,
    Role,
    StarRating,
    User,
)
from otop_portal.lib.natid import check_digit

PASSWORD = "correct-horse-battery-staple"


def sa_kaeo_district(code: str = "2701") -> District:
    """A district of Sa Kaeo; the geography is loaded for every test session."""
    return District.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="th_TH")
    last_name = factory.Faker("last_name", locale="th_TH")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.DISTRICT_MEMBER
    district = factory.LazyFunction(sa_kaeo_district)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def functions(self, create, extracted, **kwargs):
        if extracted:
            # get_or_create: live-server tests empty the tables, the migration's groups too
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))
        if create:
            self.save()

    class Params:
        staff = factory.Trait(role=Role.PROVINCIAL_STAFF, district=None)
        officer = factory.Trait(role=Role.NETWORK_OFFICER, district=None)


def national_id(n: int) -> str:
    """A valid national ID number, different for each n."""
    first_twelve = f"1{n:011d}"
    return first_twelve + str(check_digit(first_twelve))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    district = factory.LazyFunction(sa_kaeo_district)
    title = "นาง"
    first_name = factory.Iterator(["สมศรี", "บุญมา", "ประไพ", "วันดี", "มาลัย"])
    last_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    national_id = factory.Sequence(lambda n: national_id(n + 1))
    phone = factory.Sequence(lambda n: f"08{n:08d}")


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"กลุ่มทอผ้าบ้านทดสอบ {n}")
    producer_type = ProducerType.COMMUNITY_GROUP
    district = factory.LazyFunction(sa_kaeo_district)
    subdistrict_id = factory.LazyAttribute(lambda p: p.district.subdistricts.first().code)

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        """A chair who is the contact person, and a pending membership."""
        if not create:
            return
        person = PersonFactory(district=self.district)
        ProducerMember.objects.create(producer=self, person=person, role=MemberRole.CHAIR)
        self.contact_person = person
        self.save(update_fields=["contact_person"])
        NetworkMembership.objects.create(producer=self)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Iterator(["ผ้าขาวม้า", "น้ำพริกเผา", "กระเป๋าสาน", "สบู่สมุนไพร"])
    category = Category.TEXTILE
    price = Decimal("250.00")
    unit = "ผืน"


class StarRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StarRating

    product = factory.SubFactory(ProductFactory)
    round_year_be = 2567
    stars = 4


__all__ = [
    "PASSWORD",
    "Function",
    "PersonFactory",
    "ProducerFactory",
    "ProductFactory",
    "StarRatingFactory",
    "UserFactory",
    "national_id",
    "sa_kaeo_district",
]
