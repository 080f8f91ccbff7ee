"""The user guide is linked from every page's footer (docs/user-guide.md)."""

import re

import pytest
from django.test import Client

from conftest import client_for

pytestmark = pytest.mark.django_db

IMAGE = re.compile(r"\]\((guide/img/[^)]+\.png)\)")


def test_every_page_links_the_guide_in_its_footer_signed_in_or_not(client, manager):
    footer = '<a class="govuk-footer__link" href="/guide/">User guide</a>'
    assert footer in Client().get("/accounts/login/").content.decode()
    client_for(client, manager)
    assert footer in client.get("/reviews/").content.decode()


def test_the_guide_is_a_page_with_its_pictures_or_the_deployments_published_copy(settings):
    response = Client().get("/guide/")
    html = response.content.decode()
    assert response.status_code == 200 and "<title>User guide" in html
    assert '<h2 class="govuk-heading-l" id="agency-lead">Agency lead</h2>' in html  # the contents link here
    pictures = re.findall(r'<img src="(/guide/img/[a-z0-9-]+\.png)"', html)
    assert len(pictures) >= 12
    assert Client().get(pictures[0])["Content-Type"] == "image/png"
    assert 'href="/guide/power-bi/"' in html and Client().get("/guide/power-bi/").status_code == 200
    settings.LSCB_USER_GUIDE_URL = "https://intranet.example.org/tracker-guide"
    response = Client().get("/guide/")
    assert (response.status_code, response["Location"]) == (302, "https://intranet.example.org/tracker-guide")


@pytest.mark.parametrize("name", ["../../README.md", "missing.png", "..png", "x.PNG", "a%2F..%2Fb.png"])
def test_only_the_guides_own_pictures_are_served(name):
    assert Client().get(f"/guide/img/{name}").status_code == 404


def test_the_guide_passes_no_html_from_its_markdown(settings, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "user-guide.md").write_text("# Guide\n\n<script>alert(1)</script>\n", encoding="utf-8")
    settings.BASE_DIR = tmp_path
    assert "<script>" not in Client().get("/guide/").content.decode()


def test_every_picture_the_guide_shows_is_in_the_repository_and_links_power_bi(settings):
    guide = settings.BASE_DIR / "docs" / "user-guide.md"
    text = guide.read_text(encoding="utf-8")
    pictures = IMAGE.findall(text)
    assert len(pictures) >= 12
    for picture in pictures:
        assert (guide.parent / picture).is_file(), picture
    assert "](power-bi.md)" in text
    for role in ("## Business manager", "## Agency lead", "## Subgroup chair", "## Independent scrutineer"):
        assert role in text
