"""Every paginated list answers a bad or out-of-range page number with the nearest page, never a 404."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import AssuranceRequestFactory

LISTS = [
    "actions:list",
    "board:reviews",
    "board:milestones",
    "assurance:requests",
    "assurance:challenges",
    "board:security-log",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(("page", "expected"), [("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("999", "last")])
def test_a_bad_page_number_shows_the_nearest_page(client, manager, action_a, name, page, expected):
    AssuranceRequestFactory(agency=action_a.agency)
    response = client_for(client, manager).get(reverse(name), {"page": page})
    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    assert page_obj.number == (page_obj.paginator.num_pages if expected == "last" else expected)


def test_page_links_keep_the_filters_and_elide_the_middle():
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from lscb.platform.pagination import pagination_links

    page = Paginator(range(100), 10).get_page(5)
    links = pagination_links(page, QueryDict("status=open&agency=3&page=5"))
    assert links["previous"] == "?status=open&agency=3&page=4"
    assert links["next"] == "?status=open&agency=3&page=6"
    numbers = [item.get("number") for item in links["items"]]
    assert numbers == [1, None, 4, 5, 6, None, 10]
    assert [item["number"] for item in links["items"] if item.get("current")] == [5]


def test_a_single_page_draws_no_pagination():
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from lscb.platform.pagination import pagination_links

    assert pagination_links(Paginator(range(3), 10).get_page(1), QueryDict())["items"] == []
