"""Junk in a URL is a 4xx, never a 500 (issue 12): every URL of the access matrix, as an anonymous visitor,
an enterprise user, an officer, the Finance Bureau and an administrator, with junk in each path id (what the
URL's converter lets through: 0, past PostgreSQL's integer and bigint, text where the route takes text) and
junk in every query parameter a view or an API filter reads.

The world is the access matrix's (tests/portal/access_world.py), built once for this module.
"""

import json
from urllib.parse import parse_qsl

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.portal.test_access_matrix import (  # noqa: F401 -- the matrix's world and its fixtures
    BODIES,
    JSON_BODIES,
    MATRIX,
    OBJECTS,
    _clear_cache,
    _worker_answers,
    world,
)

PERSONAS = ["anon", "alice", "lead", "fin", "admin"]

# Past PostgreSQL's integer (2**31) and bigint (2**63) ranges; a converter that takes digits takes these too.
PATH_JUNK = ["0", "2147483648", "99999999999999999999", "abc", "1.5", " ", "1e3", "-1", "\x00"]
QUERY_JUNK = ["abc", "1.5", " ", "1e3", "99999999999999999999", "-1", "\x00", "１２３"]
# Each parameter alone (a junk value in one parameter must not hide another's): what breaks a lookup by id.
EACH_JUNK = ["abc", "99999999999999999999", "\x00"]
# Every query parameter the pages and the API read (request.GET, the filter sets, DRF's pagination and format):
# grep request.GET, query_params and the FilterSets' fields.
QUERY_PARAMS = [
    "call",
    "page",
    "page_size",
    "cursor",
    "state",
    "status",
    "program",
    "commission",
    "kind",
    "policy",
    "district",
    "year",
    "overdue",
    "mine",
    "q",
    "measure",
    "next",
    "format",
]
REACHED = {"200", "done", "kept", "302"}


def _client(w, persona: str) -> Client:
    # Collect every 500 rather than stop at the first exception.
    client = Client(raise_request_exception=False)
    if persona != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[persona]
    client.cookies["django_language"] = "en"
    return client


def _send(client: Client, row, url: str, w, query: dict | None = None):
    if row.method == "get":
        response = client.get(url, query or {})
    else:
        body = BODIES[row.body](w) if row.body else {}
        if row.body in JSON_BODIES:
            response = client.generic(row.method.upper(), url, json.dumps(body), content_type="application/json")
        else:
            response = client.post(url, body)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _path_variants(row, w):
    """The row's URL with each of its path arguments replaced by each junk value its converter accepts."""
    if not row.target:
        return
    kwargs = OBJECTS[row.target](w)
    for name in kwargs:
        for junk in PATH_JUNK:
            try:
                yield reverse(row.name, kwargs={**kwargs, name: junk})
            except NoReverseMatch:
                continue  # the converter refuses it: the URL does not exist


def _url(row, w) -> str:
    return reverse(row.name, kwargs=OBJECTS[row.target](w) if row.target else None)


# One case per URL (name, method, object kind) and persona; duplicate rows of a URL add nothing here.
ROWS = list({(row.name, row.method, bool(row.target)): row for row in MATRIX}.values())
CASES = [pytest.param(row, persona, id=f"{row.id} as {persona}") for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_junk_in_a_url_never_answers_500(world, db, row, persona):  # noqa: F811 -- world is the fixture
    client = _client(world, persona)
    failures = []
    for url in _path_variants(row, world):
        status = _send(client, row, url, world).status_code
        if status >= 500:
            failures.append(f"{row.method.upper()} {url!r}: {status}")
    # Query values matter where the view runs: for the personas the matrix lets in, every parameter at once;
    # for the first of them, each parameter alone too.
    if row.method == "get" and row.expected[persona] in REACHED:
        url = _url(row, world)
        given = dict(parse_qsl(row.query(world).lstrip("?"))) if row.query else {}
        if persona == next(p for p in PERSONAS if row.expected[p] in REACHED):
            for param in QUERY_PARAMS:
                for junk in EACH_JUNK:
                    status = _send(client, row, url, world, {**given, param: junk}).status_code
                    if status >= 500:
                        failures.append(f"GET {url}?{param}={junk!r}: {status}")
        for junk in QUERY_JUNK:
            status = _send(client, row, url, world, dict.fromkeys(QUERY_PARAMS, junk)).status_code
            if status >= 500:
                failures.append(f"GET {url} with every parameter {junk!r}: {status}")
    assert failures == []
