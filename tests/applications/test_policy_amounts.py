"""Issue 14, correction 5: policy C's amounts (from press reports) are verified only by an administrator's
recorded act — who, when, against which text — which a reload of the same amounts keeps and new amounts drop."""

from pathlib import Path

import pytest
from django.conf import settings

from applications.catalogue import load_catalogue
from applications.models import Policy
from applications.services import policy_confirm_amounts
from portal.errors import ErrorCode, PortalError
from tests import personas
from tests.applications.test_catalogue import edited_catalogue
from tests.logins import login

POLICY_C = "SH-GOV-OFFICE-2024-9"
TEXT = "沪府办规〔2024〕9号, gazette 2024 no. 17"
C_YEARLY_CAP = 'reviewers = ["SHEITC", "DRC", "SMPA", "FIN"]\nyearly_cap = "100000000"'
CHANGELIST = "/admin/applications/policy/"


def policy_c() -> Policy:
    return Policy.objects.get(code=POLICY_C)


@pytest.mark.parametrize("who", ["stcsm_officer", "alice", "finance_officer"])
def test_only_an_administrator_confirms_and_a_refusal_saves_nothing(catalogue, who):
    with pytest.raises(PortalError) as refused:
        policy_confirm_amounts(policy_code=POLICY_C, by=getattr(personas, who)(), against=TEXT)
    assert refused.value.code == ErrorCode.NOT_ALLOWED
    policy = policy_c()
    assert (policy.amounts_verified, policy.amounts_verified_by, policy.amounts_verified_at) == (False, None, None)
    assert policy.amounts_verified_against == ""


def test_a_staff_account_without_the_administrator_role_is_refused(catalogue):
    staff = personas.stcsm_officer()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    with pytest.raises(PortalError):
        policy_confirm_amounts(policy_code=POLICY_C, by=staff, against=TEXT)
    assert policy_c().amounts_verified is False


def test_an_administrator_must_name_the_text(catalogue):
    with pytest.raises(PortalError) as refused:
        policy_confirm_amounts(policy_code=POLICY_C, by=personas.admin(), against="  ")
    assert refused.value.code == ErrorCode.INVALID and "against" in refused.value.errors
    assert policy_c().amounts_verified is False


def test_the_administrators_act_is_recorded(catalogue):
    admin = personas.admin()
    policy_confirm_amounts(policy_code=POLICY_C, by=admin, against=TEXT)
    policy = policy_c()
    assert policy.amounts_verified is True
    assert policy.amounts_verified_by == admin
    assert policy.amounts_verified_at is not None
    assert policy.amounts_verified_against == TEXT


def test_a_reload_keeps_the_act_and_new_amounts_drop_it(catalogue, tmp_path: Path):
    admin = personas.admin()
    policy_confirm_amounts(policy_code=POLICY_C, by=admin, against=TEXT)
    load_catalogue()
    assert (policy_c().amounts_verified, policy_c().amounts_verified_by) == (True, admin)
    # A wording change is not an amount change.
    load_catalogue(edited_catalogue(tmp_path, "Amounts to verify against the official text.", "Amounts to verify."))
    assert (policy_c().amounts_verified, policy_c().amounts_verified_by) == (True, admin)
    assert Path(settings.CATALOGUE_PATH).read_text(encoding="utf-8").count(C_YEARLY_CAP) == 1
    load_catalogue(edited_catalogue(tmp_path, C_YEARLY_CAP, C_YEARLY_CAP.replace("100000000", "90000000")))
    policy = policy_c()
    assert (policy.amounts_verified, policy.amounts_verified_by, policy.amounts_verified_at) == (False, None, None)
    assert policy.amounts_verified_against == ""


def test_the_django_admin_action_asks_for_the_text_then_records_the_act(client, catalogue):
    admin = personas.admin()
    login(client, admin)
    chosen = {"action": "confirm_amounts", "_selected_action": [policy_c().pk]}
    form = client.post(CHANGELIST, chosen)
    assert form.status_code == 200
    assert "Official text the amounts were checked against" in form.content.decode()
    assert policy_c().amounts_verified is False
    done = client.post(CHANGELIST, {**chosen, "against": TEXT})
    assert done.status_code == 302
    policy = policy_c()
    assert (policy.amounts_verified, policy.amounts_verified_by, policy.amounts_verified_against) == (True, admin, TEXT)
    listed = client.get(CHANGELIST).content.decode()
    assert TEXT in listed


def test_the_change_form_cannot_tick_the_flag_without_the_act(client, catalogue):
    login(client, personas.admin())
    page = client.get(f"{CHANGELIST}{policy_c().pk}/change/").content.decode()
    assert 'name="amounts_verified"' not in page
