"""Fixtures shared by the matrix and the bad-input tests, imported into each test module.

Named with `name=` so that test parameters do not shadow the imported functions."""

import pytest

from actions.plan.ready import print_review
from tests.permission_matrix.world import World, build_world


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
    print_review.call(world.review.pk)
    return world
