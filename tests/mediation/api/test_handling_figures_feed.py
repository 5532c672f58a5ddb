"""The open feed of the handling figures, /api/public/handling-figures/: the same figures as the
pages, with their meanings, the period and the minimum; filters and pages; refusals in the reader's
language; nothing of a consumer or a case."""

import json

import pytest

from mediation.models import Authority
from tests.mediation.web.test_handling_figures_pages import handled, minimum  # noqa: F401

FEED = "/api/public/handling-figures/"


def test_the_authorities_with_their_figures_meanings_period_and_minimum(api, world, handled, minimum):  # noqa: F811
    minimum(1)
    response = api.get(FEED, {"region": "330106", "kind": "bureau", "year": "2026"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["of"] == "authorities" and body["minimum_cases"] == 1
    assert body["period"]["from"] == "2026-01-01" and body["period"]["year"] == 2026
    assert set(body["definitions"]) == {"received", "accepted_in_time", "mediated_in_time", "days_to_close"}
    assert "7 working days of receipt" in body["definitions"]["accepted_in_time"]["meaning"]
    (bureau,) = body["results"]
    assert (bureau["id"], bureau["kind"], bureau["region"]) == (
        world.shop_bureau.pk,
        "bureau",
        {"code": "330106", "name": "西湖区"},
    )
    assert bureau["url"] == f"/figures/authorities/{world.shop_bureau.pk}/"
    figures = bureau["figures"]
    assert figures["received"] == {"published": True, "unit": "count", "value": 3, "cases": 3, "part": None}
    assert figures["accepted_in_time"] == {"published": True, "unit": "share", "value": 0.6667, "cases": 3, "part": 2}
    assert figures["days_to_close"] == {
        "published": False,
        "unit": "working_days",
        "value": None,
        "cases": None,
        "part": None,
    }


def test_the_businesses_with_a_complaint_decided_in_the_period(api, world, handled, minimum):  # noqa: F811
    minimum(1)
    body = api.get(FEED, {"of": "businesses", "year": "2026"}).json()
    assert body["count"] == 1
    (shop,) = body["results"]
    assert (shop["id"], shop["uscc"], shop["is_odr"], shop["url"]) == (
        world.shop.pk,
        world.shop.uscc,
        True,
        f"/disclosure/{world.shop.pk}/",
    )
    assert shop["figures"]["response_rate"] == {"published": True, "unit": "share", "value": 0.5, "cases": 2, "part": 1}
    assert shop["figures"]["reply_median"] == {
        "published": True,
        "unit": "hours",
        "value": 24.0,
        "cases": 1,
        "part": None,
    }
    assert shop["figures"]["odr_kept"]["published"] is False
    assert api.get(FEED, {"of": "businesses", "year": "2025"}).json()["count"] == 0
    assert api.get(FEED, {"of": "businesses", "year": "2026", "region": "110105"}).json()["count"] == 0


def test_the_feed_is_paged_and_searched_by_region_name(api, world):
    body = api.get(FEED, {"q": "杭州", "page_size": "2"}).json()
    assert body["count"] > 2 and len(body["results"]) == 2 and body["next_page"] == 2
    second = api.get(FEED, {"q": "杭州", "page_size": "2", "page": "2"}).json()
    assert {entry["id"] for entry in second["results"]}.isdisjoint(entry["id"] for entry in body["results"])
    associations = api.get(FEED, {"kind": "consumer_association", "region": "330100"}).json()["results"]
    assert associations and {entry["kind"] for entry in associations} == {"consumer_association"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"of": "cases"}, "of", "Choose one of: authorities, businesses."),
        ({"year": "2019"}, "year", "Choose the last 12 months or a year from 2020 to"),
        ({"region": "999999"}, "region", "No region has the code 999999."),
        ({"region": "33"}, "region", "No region has the code 33."),
        ({"page": "0"}, "page", "Give a whole number from 1 to 100000."),
        ({"page_size": "1000"}, "page_size", "Give a whole number from 1 to 200."),
        ({"kind": "partner_agency"}, "kind", "Choose one of: bureau, consumer_association."),
        ({"q": "杭" * 51}, "q", "The search text is too long"),
        ({"of": "businesses", "entity": "x"}, "entity", "Give a whole number"),
    ],
)
def test_what_the_feed_cannot_read_is_refused_in_the_readers_language(api, world, query, field, message):
    response = api.get(FEED, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()[field][0].startswith(message)


def test_the_feed_names_no_consumer_and_no_case(api, world, handled, minimum):  # noqa: F811
    minimum(1)
    identity = world.consumer.identity
    for of in ("authorities", "businesses"):
        text = json.dumps(api.get(FEED, {"of": of, "year": "2026", "q": "西湖区"}).json(), ensure_ascii=False)
        for secret in (identity.real_name, identity.phone[-11:], world.consumer_user.username):
            assert secret not in text
        for case in handled:
            assert case.number not in text and case.facts not in text


def test_a_partner_agency_is_not_in_the_feed(api, world):
    partner = Authority.objects.create(name="Consumer Council", kind="partner_agency", country_code="HK")
    assert partner.pk and api.get(FEED, {"q": "Consumer Council"}).json()["count"] == 0
