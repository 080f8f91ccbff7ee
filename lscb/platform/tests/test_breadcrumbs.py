"""One breadcrumbs include, fed by (label, url) pairs from a view or from the `breadcrumbs` tag."""

from django.template import Context, Template


def test_the_tag_links_each_pair_and_marks_the_page_itself():
    html = Template('{% load govuk %}{% breadcrumbs "Reviews" "/reviews/" "Child D" "/reviews/child-d/" "Import" "" %}')
    html = html.render(Context())
    assert '<a class="govuk-breadcrumbs__link" href="/reviews/">Reviews</a>' in html
    assert '<a class="govuk-breadcrumbs__link" href="/reviews/child-d/">Child D</a>' in html
    assert '<li class="govuk-breadcrumbs__list-item" aria-current="page">Import</li>' in html


def test_a_views_pairs_and_the_current_page_draw_the_same_trail():
    template = Template('{% include "includes/breadcrumbs.html" with current="History" %}')
    html = template.render(Context({"breadcrumbs": [("Dashboard", "/dashboard/"), ("Action 1.1", "/actions/1/")]}))
    assert html.count("govuk-breadcrumbs__link") == 2 and html.count('aria-current="page"') == 1
    assert '<li class="govuk-breadcrumbs__list-item" aria-current="page">History</li>' in html


def test_long_labels_are_cut_between_words_never_mid_word():
    from lscb.platform.values import shortened

    text = "Revise the home visit template so that practitioners see the child alone"
    assert shortened(text, 30) == "Revise the home visit template…"
    assert shortened(text, 200) == text
    assert shortened("Supercalifragilistic", 5) == "Super…"  # one long word: cut it, there is nothing else
