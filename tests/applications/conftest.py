import pytest

from applications import filing
from tests.filings import make_draft


@pytest.fixture
def submitted(filing_call, alice):
    application = make_draft(filing_call, alice)
    return filing.application_submit(application=application, by=alice)
