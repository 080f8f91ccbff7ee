"""The import page /reviews/<slug>/import/: permissions, upload, preview, confirm, and a change in between."""

import re
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actions.choices import ActionStatus
from actions.models import Action
from conftest import client_for
from lscb.board.plan_import import uploads
from lscb.board.plan_import.service import import_plan
from lscb.board.tests.plan_import_support import (
    SAMPLE_CSV,
    SAMPLE_NAME,
    database_snapshot,
    sample_with,
    to_csv,
    to_xlsx,
)
from lscb.board.tests.plan_import_support import sample_rows as rows_of_sample
from reviews.models import PlanImport, Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pending_files(media_root) -> list:
    folder = media_root / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def url(review: Review) -> str:
    return reverse("board:plan-import", args=[review.slug])


def upload(client, review, content=SAMPLE_CSV, name=SAMPLE_NAME):
    return client.post(url(review), {"plan_file": SimpleUploadedFile(name, content)})


def confirm_fields(response) -> dict:
    html = response.content.decode()
    return {name: re.search(rf'name="{name}" value="([0-9a-f]+)"', html).group(1) for name in ("token", "fingerprint")}


@pytest.fixture
def both_agencies(review, action_a, action_b):
    """The review holds an action for each lead's agency, so both leads can see it."""
    return review


EXPECTED = {"manager": 200, "chair": 403, "lead_a": 403, "lead_b": 403, "outsider": 404, "anonymous": 302}


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_business_manager_may_open_the_import_page(client, personas, persona, both_agencies):
    response = client_for(client, personas[persona]).get(url(both_agencies))
    assert response.status_code == EXPECTED[persona]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_business_manager_may_upload_and_an_upload_alone_changes_nothing(
    client, personas, persona, both_agencies, media_root
):
    before = database_snapshot()
    response = upload(client_for(client, personas[persona]), both_agencies)
    assert response.status_code == EXPECTED[persona]
    assert database_snapshot() == before  # a preview writes nothing, even for the manager
    assert len(pending_files(media_root)) == (1 if persona == "manager" else 0)


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_business_manager_may_confirm(client, personas, persona, both_agencies, manager):
    fields = confirm_fields(upload(client_for(client, manager), both_agencies))
    someone = client if persona == "manager" else client_for(Client(), personas[persona])
    before = database_snapshot()
    response = someone.post(url(both_agencies), fields)
    if persona == "manager":
        assert response.status_code == 302
        assert PlanImport.objects.filter(review=both_agencies, imported_by=manager).count() == 1
    else:
        assert response.status_code == EXPECTED[persona]
        assert database_snapshot() == before


def test_a_lead_whose_agencies_are_not_in_the_review_gets_404(client, lead_b, action_a):
    assert client_for(client, lead_b).get(url(action_a.recommendation.review)).status_code == 404
    assert upload(client, action_a.recommendation.review).status_code == 404


def test_an_unknown_review_is_404(client, manager):
    assert client_for(client, manager).get("/reviews/no-such-review/import/").status_code == 404


def test_the_manager_uploads_previews_and_confirms(client, manager, review, media_root):
    client_for(client, manager)
    response = upload(client, review)
    html = response.content.decode()
    assert response.status_code == 200 and "Check the import" in html
    assert "14 to create, 0 to update, 0 unchanged" in html and "15 to create" in html
    assert "8 agencies are new to the tracker" in html and "9 themes are new to the tracker" in html
    assert "11 to record" in html
    assert not Action.objects.exists()
    (stored,) = pending_files(media_root)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stored.read_bytes() == SAMPLE_CSV

    response = client.post(url(review), confirm_fields(response), follow=True)

    assert response.redirect_chain == [(url(review), 302)]
    html = response.content.decode()
    assert "Imported child-a-plan.csv: 14 recommendations created and 0 updated; 15 actions created" in html
    assert "Earlier imports into this review" in html and "Morgan" in html
    assert Action.objects.filter(recommendation__review=review).count() == 15
    action = Action.objects.get(recommendation__review=review, recommendation__number="1.2")
    assert action.history.get().history_user == manager
    assert PlanImport.objects.get().imported_by == manager
    assert pending_files(media_root) == []


def test_an_xlsx_upload_previews_the_same_plan(client, manager, review):
    response = upload(client_for(client, manager), review, to_xlsx(rows_of_sample()), "child-a-plan.xlsx")
    assert "15 to create" in response.content.decode()


def test_a_bad_file_shows_every_problem_with_row_and_column_and_stores_nothing(client, manager, review, media_root):
    content = sample_with(9, "due_date", "31/02/2026").replace(b"Not started", b"Parked")
    response = upload(client_for(client, manager), review, content)
    html = response.content.decode()
    assert response.status_code == 200
    assert "child-a-plan.csv cannot be imported" in html and "these 2 problems" in html
    assert "Row 3, column status: &quot;Parked&quot; is not a status" in html
    assert "Row 9, column due_date: &quot;31/02/2026&quot; is not a date" in html
    assert '<td class="govuk-table__cell">due_date</td>' in html
    assert pending_files(media_root) == [] and not Action.objects.exists()


def test_no_file_and_too_big_a_file_are_form_errors(client, manager, review, monkeypatch):
    client_for(client, manager)
    response = client.post(url(review), {})
    assert "Select a CSV or XLSX file to import" in response.content.decode()
    monkeypatch.setattr("lscb.board.plan_import.forms.MAX_FILE_BYTES", 100)
    assert "The file must be smaller than" in upload(client, review).content.decode()


def test_an_unchanged_file_previews_as_nothing_to_import(client, manager, review, media_root):
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    html = upload(client_for(client, manager), review).content.decode()
    assert "already matches child-a-plan.csv: there is nothing to import" in html
    assert "Import this plan" not in html and 'name="token"' not in html
    assert pending_files(media_root) == []


def test_the_preview_prints_values_as_every_other_page_does(client, manager, review):
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    # Row 3's action has no progress yet; the file now gives it some.
    html = upload(client_for(client, manager), review, sample_with(3, "progress", "Audit planned.")).content.decode()
    assert 'Action taken / progress:</span> <span class="lscb-diff-old">(none)</span>' in html


def test_confirm_after_the_database_changed_shows_the_new_preview_instead(client, manager, chair, review):
    import_plan(review, SAMPLE_CSV, SAMPLE_NAME, manager)
    client_for(client, manager)
    fields = confirm_fields(upload(client, review, sample_with(6, "status", "Completed")))
    # Meanwhile someone else imports a different change to the same action.
    import_plan(review, sample_with(6, "status", "Completed and evidenced"), "other.csv", chair)
    before = database_snapshot()

    response = client.post(url(review), fields)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the review's plan in the tracker changed after you previewed it" in html
    assert 'Status:</span> <span class="lscb-diff-old">Completed and evidenced</span>' in html
    assert database_snapshot() == before
    # Confirming the new preview imports it.
    response = client.post(url(review), confirm_fields(response))
    assert response.status_code == 302
    action = Action.objects.get(recommendation__review=review, recommendation__number="2.2")
    assert action.status == ActionStatus.COMPLETED


def test_confirm_after_the_stored_file_changed_shows_the_new_preview_instead(client, manager, review, media_root):
    client_for(client, manager)
    fields = confirm_fields(upload(client, review))
    (stored,) = pending_files(media_root)
    stored.write_bytes(sample_with(6, "status", "Completed"))

    response = client.post(url(review), fields)

    assert "Nothing was imported: the file changed after you previewed it" in response.content.decode()
    assert not Action.objects.exists()


def test_a_preview_can_be_confirmed_only_once(client, manager, review):
    client_for(client, manager)
    fields = confirm_fields(upload(client, review))
    assert client.post(url(review), fields).status_code == 302
    before = database_snapshot()
    response = client.post(url(review), fields)
    assert "That preview has expired or has already been imported" in response.content.decode()
    assert database_snapshot() == before


@pytest.mark.parametrize("token", ["0" * 32, "../../etc/passwd", ""])
def test_an_unknown_token_imports_nothing(client, manager, review, token):
    response = client_for(client, manager).post(url(review), {"token": token, "fingerprint": "a" * 64})
    assert response.status_code == 200 and "has expired" in response.content.decode()
    assert not Action.objects.exists()


def test_a_preview_for_one_review_cannot_be_confirmed_into_another(client, manager, review):
    other = ReviewFactory(slug="other-review")
    fields = confirm_fields(upload(client_for(client, manager), review))
    response = client.post(url(other), fields)
    assert "has expired" in response.content.decode() and not Action.objects.exists()


def test_the_session_keeps_only_a_few_pending_uploads(client, manager, review, media_root):
    client_for(client, manager)
    for _ in range(uploads.MAX_PENDING + 2):
        upload(client, review)
    assert len(pending_files(media_root)) == uploads.MAX_PENDING
    assert len(client.session[uploads.SESSION_KEY]) == uploads.MAX_PENDING


def test_the_limit_of_pending_uploads_is_per_user_not_per_session(manager, review, media_root):
    first, second = client_for(Client(), manager), client_for(Client(), manager)
    oldest = confirm_fields(upload(first, review))
    for _ in range(uploads.MAX_PENDING - 1):
        upload(first, review)
    upload(second, review)  # a sixth pending upload of the same user, from another session
    assert len(pending_files(media_root)) == uploads.MAX_PENDING
    assert "has expired" in first.post(url(review), oldest).content.decode()
    for _ in range(uploads.MAX_PENDING + 2):
        upload(second, review)
    assert len(pending_files(media_root)) == uploads.MAX_PENDING


@pytest.mark.parametrize("earlier", [5, 50])
def test_the_import_page_runs_the_same_queries_however_many_earlier_imports(
    client, manager, review, earlier, django_assert_num_queries
):
    for n in range(earlier):
        PlanImport.objects.create(review=review, imported_by=manager, file_name=f"plan-{n}.csv", sha256="0" * 64)
    client_for(client, manager)
    # Session, user, the user's memberships, the review, its partner boards (whose managers may import),
    # the earlier imports with their importers.
    with django_assert_num_queries(6):
        response = client.get(url(review))
    assert response.content.decode().count("plan-") == min(earlier, 20)


def test_a_new_agency_that_looks_like_an_existing_one_is_flagged(client, manager, review, agency_b):
    rows = [["agency", "number", "recommendation"], ["Agency B (Polise)", "1", "Check every adult."]]
    html = upload(client_for(client, manager), review, to_csv(rows)).content.decode()
    assert "1 agency is new to the tracker" in html
    assert 'Agency B (Polise) <strong class="govuk-tag govuk-tag--yellow">Looks like Agency B (Police)</strong>' in html
