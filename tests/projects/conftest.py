import pytest


@pytest.fixture
def project(review_call, alice):
    """alice's project, just opened by its confirmed award (its letter issued)."""
    from tests.projects.builders import issued_project

    return issued_project(review_call, alice)


@pytest.fixture
def running(review_call, alice):
    """alice's project with its task statement accepted (two milestones), first instalment not yet paid."""
    from tests.projects.builders import in_progress

    return in_progress(review_call, alice)
