"""factory-boy factories for the portal's models."""

import factory
from django.contrib.auth.models import Group

from members.models import District, Function, Role, User

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
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()

    class Params:
        staff = factory.Trait(role=Role.PROVINCIAL_STAFF, district=None)
        officer = factory.Trait(role=Role.NETWORK_OFFICER, district=None)


__all__ = ["PASSWORD", "Function", "UserFactory", "sa_kaeo_district"]
