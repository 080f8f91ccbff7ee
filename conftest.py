"""The cast every test draws on (STYLE.md "Tests").

Personas: a business manager, a subgroup chair, two agency leads of
different agencies (A and B), and an outsider with no role. `plan` gives a
small review with one action for each agency.
"""

import pytest

from reviews import roles
from tests.factories import ActionFactory, AgencyFactory, RecommendationFactory, ReviewFactory, UserFactory


@pytest.fixture
def agency_a(db):
    return AgencyFactory(name="Agency A (Children's Social Care)", short_name="CSC")


@pytest.fixture
def agency_b(db):
    return AgencyFactory(name="Agency B (Police)", short_name="Police")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", first_name="Morgan", role=roles.BUSINESS_MANAGER)


@pytest.fixture
def chair(db):
    return UserFactory(username="chair", first_name="Priya", role=roles.SUBGROUP_CHAIR)


@pytest.fixture
def lead_a(db, agency_a):
    return UserFactory(username="lead_a", first_name="Sam", role=roles.AGENCY_LEAD, role__agencies=[agency_a])


@pytest.fixture
def lead_b(db, agency_b):
    return UserFactory(username="lead_b", first_name="Jo", role=roles.AGENCY_LEAD, role__agencies=[agency_b])


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", first_name="Olly")


@pytest.fixture
def personas(manager, chair, lead_a, lead_b, outsider):
    """Every signed-in persona by name; `None` stands for signed out."""
    return {
        "manager": manager,
        "chair": chair,
        "lead_a": lead_a,
        "lead_b": lead_b,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def review(db):
    return ReviewFactory(slug="child-q", subject="Child Q", title="Child Q: serious case review")


@pytest.fixture
def action_a(review, agency_a):
    rec = RecommendationFactory(
        review=review, agency=agency_a, number="1.1", text="Agency A should see the child alone."
    )
    return ActionFactory(recommendation=rec, description="Revise the visit template.")


@pytest.fixture
def action_b(review, agency_b):
    rec = RecommendationFactory(review=review, agency=agency_b, number="2.1", text="Agency B should check every adult.")
    return ActionFactory(recommendation=rec, description="Amend the triage checklist.")


def client_for(client, user):
    """The test client signed in as `user`, or signed out for None."""
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.5 s a user; the tests are about permissions, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_found_on_request(settings):
    """Every test Client builds its own middleware, and WhiteNoise would index all ~1,000 static files
    (GOV.UK Frontend's included) each time: ~0.1 s a client. Looking each file up on request, as in
    development, serves the same files without the index."""
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _two_factor_off_unless_marked(request, settings):
    """Most tests sign in with force_login and are about other things, so two-factor sign-in is off.

    Tests of two-factor sign-in itself are marked `@pytest.mark.two_factor` and run with it on,
    as production does (LSCB_REQUIRE_2FA defaults to on).
    """
    settings.LSCB_REQUIRE_2FA = request.node.get_closest_marker("two_factor") is not None


@pytest.fixture(autouse=True)
def _own_ready_plans(settings, tmp_path):
    """Each test's ready plans (actions/plan/ready.py) in its own folder, as its cache is its own."""
    settings.READY_PLANS_ROOT = tmp_path / "ready-plans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Test databases reuse primary keys after each rollback, so a plan or dashboard cached in one
    test (keyed on history ids) could match another test's key: every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def run_queued_tasks(only=None, args: list | None = None) -> int:
    """Run the tasks queued in the database, as the worker (`manage.py db_worker`) would; how many ran.

    `only` (a task) and `args` run just those and leave the rest queued: the demo queues a print of every
    review's whole plan and each agency's extract (20 s of WeasyPrint), which a test about one page need not pay.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ran = 0
    queue = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at")
    if only is not None:
        queue = queue.filter(task_path=only.module_path)
    for queued in queue:
        if args is not None and queued.args_kwargs["args"] != args:
            continue
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()
        ran += 1
    return ran


def print_when_ready(client, url: str):
    """GET a print (a plan, an export): when it answers "being prepared" (202), run the worker's
    queued tasks and ask again, as the page's own refresh would."""
    response = client.get(url)
    if response.status_code == 202:
        assert run_queued_tasks() >= 1, "a print being prepared must have queued its task"
        response = client.get(url)
    return response


def pdf_accessibility(content: bytes) -> dict:
    """What `pdfinfo` says of a PDF (Title, Tagged, Pages…), plus its catalogue's language (/Lang)."""
    import io
    import subprocess

    from pypdf import PdfReader

    shown = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    facts = dict(line.split(":", 1) for line in shown.splitlines() if ":" in line)
    facts = {name.strip(): value.strip() for name, value in facts.items()}
    facts["Lang"] = str(PdfReader(io.BytesIO(content)).trailer["/Root"].get("/Lang", ""))
    return facts


def assert_accessible_pdf(content: bytes, title: str) -> None:
    """A tagged PDF (PDF/UA) with its title and language, as a screen reader needs (issue 16)."""
    facts = pdf_accessibility(content)
    assert facts["Tagged"] == "yes", "the PDF is not tagged"
    assert facts["Title"] == title
    assert facts["Lang"] == "en-GB"
