"""factory_boy factories and the builders of each kind of person; the named people (alice, bob, charlie, the
officers, expert, admin) are made from these in tests/personas.py."""

import factory
from django.utils import timezone

from portal.accounts.models import Organisation, OrganisationKind, Role, User
from portal.accounts.organisations import member_add
from portal.accounts.uscc import make_uscc

PASSWORD = "correct-horse-battery-9"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    uscc = factory.Sequence(lambda n: make_uscc(f"91310115MA1{n:06d}"))
    name = factory.Sequence(lambda n: f"Demo Biotech {n} Co., Ltd.")
    kind = OrganisationKind.ENTERPRISE
    district = "pudong"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.ENTERPRISE
    # Everyone made here has confirmed their address; tests of verification pass email_verified_at=None.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(organisation: Organisation, *, admin: bool = False, **kwargs) -> User:
    """An enterprise user who files for `organisation` (membership through the service)."""
    return member_add(organisation=organisation, user=UserFactory(**kwargs), admin=admin)


def officer(commission_code: str, **kwargs) -> User:
    from portal.accounts.models import Commission

    return UserFactory(role=Role.OFFICER, commission=Commission.objects.get(code=commission_code), **kwargs)


def finance_officer(**kwargs) -> User:
    from portal.accounts.models import Commission

    return UserFactory(role=Role.FINANCE, commission=Commission.objects.get(code="FIN"), **kwargs)


def expert(*, organisation: Organisation | None = None, **kwargs) -> User:
    """An external expert; `organisation` is their own affiliation, which conflict checks compare."""
    return UserFactory(role=Role.EXPERT, organisation=organisation, **kwargs)


def administrator(**kwargs) -> User:
    """An administrator with the authenticator app the portal requires of them (TOTP_KEY, so a test
    can compute the code a phone would show: `totp_code(user)`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(role=Role.ADMIN, is_staff=True, **kwargs)
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    return user


TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def totp_code(user: User) -> str:
    """The code the user's authenticator app shows now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
