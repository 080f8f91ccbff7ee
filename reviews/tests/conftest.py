import pytest

from tests.pending_urls import pending_urls  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _links_to_other_branches(pending_urls):  # noqa: F811
    """Pages here link to pages built on other branches; see tests/pending_urls.py."""
