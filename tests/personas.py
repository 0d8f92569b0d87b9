"""The people of the tests, one name each (healthchecks' alice/bob/charlie, plus the portal's staff).

    alice            administrator of Zhangjiang Demo Biotech (org_a): files for it (apply_for) and runs its team
    bob              her colleague at org_a: files for it, does not run the team
    charlie          administrator of Other Pharma (org_b), an outsider to org_a's files
    hana             administrator of Shanghai Demo Hospital (a public institution: it applies for research beds)
    dora             an enterprise account that belongs to no organisation (for example removed from one)
    <code>_officer   the officer of each commission the catalogue routes to (stcsm_officer leads the BIO24
                     calls of the tests; smpa_officer co-reviews them; commerce_officer is never routed to them)
    finance_officer  the Finance Bureau's officer (FIN confirms budgets, records payments)
    expert           dr-wang, an external expert (invited to nothing until a test invites him)
    admin            the portal administrator, with an authenticator app (tests/factories.TOTP_KEY)

Each function gives the same person however often it is called in a test (looked up by username first), so
fixtures (tests/conftest.py), the journeys and the access matrix's world all mean the same people. Officers
need the catalogue's commissions loaded.
"""

from portal.accounts.models import Commission, Organisation, OrganisationKind, Role, User
from tests import factories

ORG_A = "Zhangjiang Demo Biotech"
ORG_B = "Other Pharma"
HOSPITAL = "Shanghai Demo Hospital"

# The commissions of applications/catalogue.toml, each with its officer's persona below.
COMMISSIONS = ("STCSM", "SHEITC", "DRC", "SMPA", "FIN", "HEALTH", "HSA", "COMMERCE", "SHDC")


def _existing(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _organisation(name: str, kind: str = OrganisationKind.ENTERPRISE) -> Organisation:
    return Organisation.objects.filter(name=name).first() or factories.OrganisationFactory(name=name, kind=kind)


def org_a() -> Organisation:
    return _organisation(ORG_A)


def org_b() -> Organisation:
    return _organisation(ORG_B)


def hospital() -> Organisation:
    return _organisation(HOSPITAL, OrganisationKind.PUBLIC_INSTITUTION)


def hana() -> User:
    return _existing("hana") or factories.member(
        hospital(), admin=True, username="hana", first_name="Hana", last_name="Wu"
    )


def alice() -> User:
    return _existing("alice") or factories.member(
        org_a(), admin=True, username="alice", first_name="Alice", last_name="Li"
    )


def bob() -> User:
    return _existing("bob") or factories.member(org_a(), username="bob", first_name="Bob", last_name="Zhang")


def charlie() -> User:
    return _existing("charlie") or factories.member(org_b(), admin=True, username="charlie")


def dora() -> User:
    return _existing("dora") or factories.UserFactory(username="dora")


def officer_of(code: str) -> User:
    """The officer persona of the commission `code` (for the Finance Bureau, its finance officer)."""
    username = "finance-officer" if code == "FIN" else f"{code.lower()}-officer"
    existing = _existing(username)
    if existing is not None:
        return existing
    commission = Commission.objects.get(code=code)
    role = Role.FINANCE if commission.confirms_budget else Role.OFFICER
    return factories.UserFactory(role=role, commission=commission, username=username)


def stcsm_officer() -> User:
    return officer_of("STCSM")


def sheitc_officer() -> User:
    return officer_of("SHEITC")


def drc_officer() -> User:
    return officer_of("DRC")


def smpa_officer() -> User:
    return officer_of("SMPA")


def health_officer() -> User:
    return officer_of("HEALTH")


def hsa_officer() -> User:
    return officer_of("HSA")


def commerce_officer() -> User:
    return officer_of("COMMERCE")


def shdc_officer() -> User:
    return officer_of("SHDC")


def finance_officer() -> User:
    return officer_of("FIN")


def expert() -> User:
    return _existing("dr-wang") or factories.expert(username="dr-wang")


def admin() -> User:
    """Staff and superuser, as `load_demo` makes administrators."""
    return _existing("admin-ops") or factories.administrator(username="admin-ops", is_superuser=True)
