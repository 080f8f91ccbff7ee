"""Fixtures shared by the matrix and the bad-input tests, imported into each test module.

Named with `name=` so that test parameters do not shadow the imported functions."""

import hashlib
from unittest import mock

import pytest

from actions import plan
from actions.plan.ready import print_review
from tests.permission_matrix.world import World, build_world

# PDFs printed by this test process, by the HTML printed. Every test of the matrix prints the same world's plans,
# so WeasyPrint runs once for each document rather than once for every test (3 PDFs, 1-3 s each, for each of
# some 600 tests). The HTML is the whole input of html_to_pdf, so the same HTML gives the same PDF.
_PRINTED: dict[str, bytes] = {}


def _html_to_pdf_once(html: str) -> bytes:
    key = hashlib.sha256(html.encode()).hexdigest()
    if key not in _PRINTED:
        _PRINTED[key] = _real_html_to_pdf(html)
    return _PRINTED[key]


_real_html_to_pdf = plan.html_to_pdf


@pytest.fixture(name="media_root")
def media_root_fixture(settings, tmp_path):
    """Each test keeps its evidence in its own MEDIA_ROOT, so the files on disk can be compared."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture(name="board")
def board_fixture(personas, agency_a, agency_b, review, action_a, action_b, media_root) -> World:
    """The board of tests/permission_matrix/world.py, its plans printed by the worker as after any change
    (actions/plan/ready.py), so that a print allowed answers the PDF and writes nothing."""
    world = build_world(personas, agency_a, agency_b, review, action_a, action_b)
    with mock.patch.object(plan, "html_to_pdf", _html_to_pdf_once):
        print_review.call(world.review.pk)
    return world
