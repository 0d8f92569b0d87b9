"""The review tests' expert. Their people and calls are those of tests/conftest.py."""

import pytest

from reviews import services


@pytest.fixture
def invited_expert(expert, expert_call, admin):
    """The expert persona (dr-wang), invited to the expert call."""
    services.expert_invite(call=expert_call, expert=expert, by=admin)
    return expert
