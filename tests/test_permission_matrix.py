"""The permission matrix, discovered from the URLconf (issue 7, DESIGN.md §4).

Every URL pattern of lscb.urls needs a row in tests/permission_matrix/matrix.py, so a
new view without one fails this suite by name. Each row is checked for every persona
(manager, chair, agency A's lead, agency B's lead, an outsider with no role, signed out)
with GET and with POST (a valid form where the view writes): the status code, and that
the request changed the board (rows of every table of reviews, actions, assurance and
auth, history included, and the files under MEDIA_ROOT) exactly when it should.
"""

import itertools
import re

import pytest
from django.urls import resolve, reverse

from tests.permission_matrix.fixtures import board_fixture, media_root_fixture  # noqa: F401  (fixtures)
from tests.permission_matrix.matrix import CASES, MATRIX_NAMES, PENDING, PERSONAS, Case
from tests.permission_matrix.requests import clients_for, observe
from tests.permission_matrix.urls import EXCLUDED_NAMESPACES, covered_patterns, discover
from tests.permission_matrix.world import World

pytestmark = pytest.mark.django_db

PATTERNS = covered_patterns()
WIRED = {pattern.name for pattern in PATTERNS}
NEVER_USED_PK = 987_654
NEVER_USED_SLUG = "child-never-used"


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = [f"{p.name or '(unnamed)'} at /{p.route}" for p in PATTERNS if p.name not in MATRIX_NAMES]
    assert not missing, (
        "These URL patterns have no row in tests/permission_matrix/matrix.py; add one saying what each persona "
        "may do (DESIGN.md §4): " + "; ".join(missing)
    )


def test_every_url_pattern_has_a_name_of_its_own():
    names = [pattern.name for pattern in PATTERNS]
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})


def test_every_row_of_the_matrix_is_a_wired_view_or_pending():
    stale = sorted(MATRIX_NAMES - WIRED - PENDING)
    assert not stale, f"Matrix rows for URL names that are not in lscb.urls (and not PENDING): {stale}"


def test_pending_names_are_still_missing():
    arrived = sorted(PENDING & WIRED)
    assert not arrived, f"{arrived} are wired now and tested by the matrix: take them out of PENDING in matrix.py"


def test_only_the_admin_is_excluded_and_it_is_really_there():
    excluded = {pattern.namespace.split(":")[0] for pattern in discover() if pattern not in PATTERNS}
    assert excluded == set(EXCLUDED_NAMESPACES)


def test_every_view_behind_sign_in_sends_a_signed_out_visitor_to_sign_in():
    """The matrix's last column must say 302 for every view that needs a signed-in user; 401 for the API,
    which signs in by token or session itself (lscb.platform.api_tokens.rest) and so is login_not_required."""
    api = {name for name in WIRED if name.startswith("api:")}
    # @login_not_required: checked against the views themselves below. Single sign-on's pages come before
    # sign-in (start, callback) or after sign-out (signed-out). The calendar feed is reached by its secret
    # token, since calendar clients cannot sign in (lscb/board/tests/test_calendar.py). The user guide is product
    # help, linked from the sign-in page's footer too.
    open_views = {
        "healthz",
        "login",
        "sso-start",
        "sso-callback",
        "sso-signed-out",
        "board:calendar-feed",
        "user-guide",
        "user-guide-power-bi",
        "user-guide-picture",
        *api,
    }
    for case in CASES:
        if case.name in WIRED and case.name not in open_views - api:
            anonymous = [case.expected[method]["anonymous"] for method in ("get", "post")]
            refused = 401 if case.name in api else 302
            assert all(cell.status == refused and not cell.writes for cell in anonymous), case.id
    for name in WIRED:
        func = resolve(reverse(name, kwargs=_placeholder_kwargs(name))).func
        assert getattr(func, "login_required", True) == (name not in open_views), name


def _placeholder_kwargs(name: str) -> dict:
    pattern = next(p for p in PATTERNS if p.name == name)
    return {key: NEVER_USED_SLUG if key == "slug" else NEVER_USED_PK for key in pattern.kwarg_names}


def _url(case: Case, world: World) -> str:
    url = reverse(case.name, kwargs=case.kwargs(world))
    query = case.query(world)
    return f"{url}?{query}" if query else url


def _other_agencys(board: World, persona: str) -> list[str]:
    """Texts found only in the other agency's records (DESIGN.md §4: a lead sees only their own agency's)."""
    a = [board.action_a.description, board.recommendation_a.text, board.evidence_a.title, board.action_r.description]
    b = [board.action_b.description, board.action_b.recommendation.text, board.evidence_b.title]
    return {"lead_a": b, "lead_b": a}.get(persona, [])


def _check(case: Case, method: str, persona: str, outcome, board: World) -> list[str]:
    where = f"{method.upper()} {case.id} as {persona}"
    expected = case.expected[method][persona]
    if outcome.error:
        return [f"{where}: raised {outcome.error}"]
    problems = []
    if outcome.status != expected.status:
        problems.append(f"{where}: expected {expected.status}, got {outcome.status}")
    if expected.writes and not outcome.changed:
        problems.append(f"{where}: should have changed the board but changed nothing")
    if not expected.writes and outcome.changed:
        problems.append(f"{where}: answered {outcome.status} and changed {', '.join(outcome.changed)}")
    if outcome.wrote is False:
        problems.append(f"{where}: did not make the change it was asked for")
    for text in _other_agencys(board, persona) if outcome.page else []:
        if text in outcome.page:
            problems.append(f"{where}: shows another agency's record: {text!r}")
    sign_in = reverse("login")
    if persona == "anonymous" and expected.status == 302 and case.name != "login":
        if not outcome.location.startswith(sign_in):
            problems.append(f"{where}: sent to {outcome.location!r}, not to sign in")
    return problems


RUN = [case for case in CASES if case.name in WIRED]


@pytest.mark.parametrize("case", RUN, ids=[case.id for case in RUN])
def test_view_answers_every_persona_as_design_section_4_says(case: Case, board: World):
    url = _url(case, board)
    clients = clients_for(board.personas)
    problems = []
    for method in ("get", "post"):
        for persona in PERSONAS:
            expected = case.expected[method][persona]
            data = case.data(board) if method == "post" else None
            check = (lambda: case.wrote(board)) if case.wrote and method == "post" and expected.writes else None
            outcome = observe(clients[persona], method, url, data, check)
            problems += _check(case, method, persona, outcome, board)
    assert not problems, f"{url}\n" + "\n".join(problems)


# No existence leak: agency B's lead gets the same answer, byte for byte, for a real record of
# agency A as for an id that was never used. Every parameter below is agency A's alone.
def _agency_a_kwargs(world: World) -> dict[str, dict]:
    rec = world.recommendation_r
    return {
        "slug": {"slug": world.review_a.slug},
        "pk": {
            "board:action-history": world.action_r.pk,
            "assurance:evidence-create": world.action_r.pk,
            "assurance:judgement-create": world.action_r.pk,
            "actions:detail": world.action_r.pk,
            "actions:edit": world.action_r.pk,
            "actions:status": world.action_r.pk,
            "actions:progress": world.action_r.pk,
            "assurance:evidence-detail": world.evidence_a.pk,
            "assurance:evidence-download": world.file_a.pk,
            "assurance:evidence-review": world.evidence_a.pk,
            "assurance:evidence-withdraw": world.evidence_a.pk,
            "assurance:request-detail": world.request.pk,
            "assurance:request-chase": world.request.pk,
            "assurance:request-reply": world.request.pk,
            "assurance:request-no-response": world.request.pk,
            "assurance:challenge-detail": world.event.pk,
            "assurance:challenge-edit": world.event.pk,
            "assurance:challenge-raise": world.event.pk,
            "assurance:challenge-update": world.event.pk,
            "board:task-retry": str(world.failed_task.pk),
            "actions:export": world.export.pk,
            "actions:export-download": world.export.pk,
            "reviews:learning": world.briefing.pk,
            "board:learning-history": world.briefing.pk,
            "reviews:learning-edit": world.briefing.pk,
            "reviews:learning-attendance": world.briefing.pk,
            "reviews:learning-cascade": world.briefing.pk,
            "assurance:annual-report-progress": world.annual_report.pk,
            "assurance:annual-report-download": world.annual_report.pk,
            "api:recommendation-detail": rec.pk,
            "api:action-detail": world.action_r.pk,
            "api:assurance-judgement-detail": world.judgement.pk,
            "api:agency-detail": world.agency_a.pk,
            "api:milestone-detail": world.milestone_r.pk,
            "api:learning-activity-detail": world.briefing.pk,
            "api-token-revoke": world.api_token.pk,
            "assurance:subgroup": world.subgroup.pk,
            "assurance:subgroup-edit": world.subgroup.pk,
            "assurance:meeting-create": world.subgroup.pk,
            "assurance:meeting-edit": world.meeting.pk,
            "board:meeting-pack": world.meeting.pk,
            "board:meeting-pack-progress": world.meeting_pack.pk,
            "board:meeting-pack-pdf": world.meeting_pack.pk,
            "board:meeting-pack-docx": world.meeting_pack.pk,
        },
        "recommendation": {"pk": rec.pk, "recommendation_pk": rec.pk},
        "cpk": {"cpk": world.challenge.pk},
    }


def _real_kwargs(pattern, world: World) -> dict:
    table = _agency_a_kwargs(world)
    kwargs = {}
    for key in pattern.kwarg_names:
        if key == "slug":
            kwargs[key] = table["slug"]["slug"]
        elif key == "cpk":
            kwargs[key] = table["cpk"]["cpk"]
        elif key == "agency_pk":
            kwargs[key] = world.agency_a.pk
        elif pattern.name == "reviews:milestone-edit" and key == "pk":
            kwargs[key] = world.milestone_r.pk
        elif key == "recommendation_pk" or (key == "pk" and "slug" in pattern.kwarg_names):
            kwargs[key] = table["recommendation"][key]
        else:
            kwargs[key] = table["pk"][pattern.name]
    return kwargs


def _normalised(response, *paths: str) -> str:
    body = response.content.decode()
    for path in paths:
        body = body.replace(path, "<PATH>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "<CSRF>", body)


# The calendar feed's token is a credential, not a record: whoever holds it reads the feed (test_calendar.py).
# A picture of the user guide is the product's help, open to everyone (lscb/platform/tests/test_user_guide.py).
NOT_RECORDS = {"board:calendar-feed", "user-guide-picture"}
PARAMETERISED = [pattern for pattern in PATTERNS if pattern.kwarg_names and pattern.name not in NOT_RECORDS]


def test_a_lead_of_another_agency_cannot_tell_a_real_record_from_a_never_used_id(board: World):
    """Every view with a record in its URL, GET and POST, as agency B's lead and as the outsider."""
    clients = clients_for({name: board.personas[name] for name in ("lead_b", "outsider")})
    problems = []
    for pattern in PARAMETERISED:
        real = reverse(pattern.name, kwargs=_real_kwargs(pattern, board))
        guessed = reverse(pattern.name, kwargs=_placeholder_kwargs(pattern.name))
        for (persona, client), method in itertools.product(clients.items(), ("get", "post")):
            answers = []
            for url in (real, guessed):
                response = client.get(url) if method == "get" else client.post(url, {})
                answers.append((response.status_code, _normalised(response, real, guessed)))
            where = f"{method.upper()} {real} as {persona}"
            if answers[0][0] not in (404, 405):
                problems.append(f"{where}: answered {answers[0][0]}, not 404 (or 405 for a method no one may use)")
            elif answers[0] != answers[1]:
                problems.append(f"{where}: answers differently from {guessed} ({answers[0][0]}, {answers[1][0]})")
    assert len(PARAMETERISED) >= 20
    assert not problems, "\n".join(problems)


def test_the_admin_needs_staff_and_two_factor(board: World, settings, django_user_model):
    """The admin's own URLs are excluded from the matrix: no persona of the board may open any of them."""
    action_url = f"/admin/actions/action/{board.action_a.pk}/change/"
    admin_urls = ["/admin/", "/admin/auth/user/", "/admin/actions/action/", action_url]
    assert not any(user.is_staff for user in board.personas.values() if user is not None)
    for persona, client in clients_for(board.personas).items():
        for url in admin_urls:
            response = client.get(url, follow=True)
            if persona == "anonymous":
                assert response.redirect_chain[-1][0].startswith(reverse("login")), url
            else:  # sent to the admin's sign-in, which refuses a signed-in user who is not staff
                assert response.status_code == 403, (persona, url, response.redirect_chain)
    staff = django_user_model.objects.create_superuser("boardadmin", "admin@example.org", "x-unused-password")
    staff_client = clients_for({"staff": staff})["staff"]
    assert staff_client.get(action_url).status_code == 200  # two-factor off, as in the demo
    settings.LSCB_REQUIRE_2FA = True
    response = staff_client.get(action_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-setup"))
