"""Every paginated list answers a bad or out-of-range page number with the nearest page, never a 404."""

import pytest
from django.urls import reverse

from conftest import client_for
from tests.factories import AssuranceRequestFactory

LISTS = ["actions:list", "board:reviews", "assurance:requests", "assurance:challenges", "board:security-log"]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(("page", "expected"), [("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("999", "last")])
def test_a_bad_page_number_shows_the_nearest_page(client, manager, action_a, name, page, expected):
    AssuranceRequestFactory(agency=action_a.agency)
    response = client_for(client, manager).get(reverse(name), {"page": page})
    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    assert page_obj.number == (page_obj.paginator.num_pages if expected == "last" else expected)
