"""Hypothesis strategies for bad input: what a careless, curious or hostile person might type or send.

Values mix the plausible (real ids, choice values, dates at the edges of the calendar) with
the hostile (NUL bytes, unicode, numbers far beyond any database integer, very long text),
and any key may be sent several times.
"""

import string

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

EDGE_DATES = [
    "9999-12-31",
    "0001-01-01",
    "31/12/9999",
    "01/01/0001",
    "2026-02-30",
    "2026-13-01",
    "29/02/2025",
    "2026-03-31T00:00",
    "31.03.2026",
    " 2026-03-31 ",
]
EDGE_NUMBERS = ["0", "-1", "1e9", "NaN", "inf", "9" * 40, "-" + "9" * 40, "0x10", "1.5", " 1", "²"]
CHOICE_WORDS = [
    # DESIGN.md §8 values, and near misses
    "not_started", "in_progress", "on_hold", "completed", "evidenced", "embedded", "not_accepted", "superseded",
    "red", "amber", "green", "blue", "grey", "assured", "partial", "not_assured", "no_response", "awaiting",
    "submitted", "accepted", "more_requested", "open", "answered", "1", "Email", "created", "changed", "deleted",
    "actions.action", "RED", "Completed", "-due", "due", "number", "-number", "agency", "status",
]  # fmt: skip

hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any unicode, surrogates excluded
        st.sampled_from(["\x00", "\n", "\r", "\t", "'", '"', "<", ">", "&", "%", ";", "\\", "\u202e", "\ufeff"]),
    ),
    max_size=60,
)
long_text = st.integers(min_value=190, max_value=5000).map(lambda n: "x" * n)
huge_number = st.integers(min_value=-(10**40), max_value=10**40).map(str)


def plain_value(real_ids: list[int]) -> st.SearchStrategy[str]:
    """One value of one field, as a browser would send it: always a string."""
    return st.one_of(
        hostile_text,
        huge_number,
        st.sampled_from(EDGE_NUMBERS + EDGE_DATES + CHOICE_WORDS),
        st.sampled_from([str(pk) for pk in real_ids] or ["1"]),
        st.dates().map(lambda d: d.isoformat()),
        long_text,
        st.just(""),
    )


# The values most likely to break a field of each kind, tried on every field explicitly (hypothesis'
# random examples find them too, but 30 examples rarely land on one exact value for one exact field).
EDGES = {
    "date": ["9999-12-31", "31/12/9999", "0001-01-01"],
    "number": ["9" * 40, "9223372036854775808", "-1"],
    "choice": ["\x00", "x" * 300],
    "text": ["\x00", "x" * 10_000],
}


def edge_values(field) -> list:
    kind = kind_of(field) if field is not None else "text"
    if kind == "file":
        return [SimpleUploadedFile("x" * 300 + ".pdf", b""), SimpleUploadedFile("report.pdf.exe", b"MZ\x90\x00")]
    return EDGES[kind]


def kind_of(field) -> str:
    """What sort of value a form field expects, so most examples aim at it (and near misses of it)."""
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(field, forms.ModelChoiceField | forms.IntegerField | forms.FloatField | forms.DecimalField):
        return "number"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    return "text"


def typed_value(kind: str, real_ids: list[int], choices: list[str]) -> st.SearchStrategy[str]:
    if kind == "date":
        return st.one_of(st.sampled_from(EDGE_DATES), st.dates().map(lambda d: d.strftime("%d/%m/%Y")))
    if kind == "number":
        return st.one_of(huge_number, st.sampled_from(EDGE_NUMBERS + [str(pk) for pk in real_ids]))
    if kind == "choice":
        return st.sampled_from((choices or CHOICE_WORDS) + [c.upper() for c in choices] + [" ", "none"])
    return st.one_of(hostile_text, long_text)


def field_values(kind: str, real_ids: list[int], choices: list[str]) -> st.SearchStrategy[list[str]]:
    """Usually aimed at the field's kind, sometimes anything; sent once, several times or not at all."""
    typed = typed_value(kind, real_ids, choices)
    return st.lists(st.one_of(typed, typed, plain_value(real_ids)), min_size=0, max_size=3)


def choice_values(field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField) or not isinstance(field, forms.ChoiceField):
        return []
    return [str(value) for value, label in field.choices if value not in ("", None)]


def query_pairs(fields: dict, real_ids: list[int]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """A query string's (key, value) pairs, in any order; now and then a key the page does not know."""
    known = st.sampled_from(sorted(fields)).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.one_of(typed_value(kind_of(fields[name]), real_ids, choice_values(fields[name])), plain_value(real_ids)),
        )
    )
    unknown = st.tuples(st.one_of(st.sampled_from(["page", "export", "utm", ""]), hostile_text), plain_value(real_ids))
    return st.lists(st.one_of(known, known, known, unknown), max_size=8)


def uploaded_file() -> st.SearchStrategy:
    """A file as a form receives it: any name, any extension the board accepts or not, any bytes."""
    names = st.tuples(
        st.text(alphabet=string.ascii_letters + string.digits + " ._-'\u00e9\u202e", min_size=0, max_size=30),
        st.sampled_from(["pdf", "docx", "csv", "xlsx", "txt", "exe", "html", "svg", "", "PDF", "csv.exe"]),
    ).map(lambda parts: f"{parts[0]}.{parts[1]}" if parts[1] else parts[0])
    contents = st.one_of(
        st.binary(max_size=2000),
        st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"agency,number\r\nX,1.1\r\n", b"PK\x03\x04", b"\xef\xbb\xbf"]),
    )
    # Django's test client itself refuses to send a file named "", "." or "..".
    return st.builds(lambda name, content: SimpleUploadedFile(name.strip(".") or "x", content), names, contents)


def form_body(fields: dict, real_ids: list[int]) -> st.SearchStrategy[dict]:
    """A POST body with the form's own field names (each present, repeated or missing) and any values.

    `fields` maps each name to its form field, or to None for a name the view reads outside its form.
    """
    parts = {}
    for name, field in fields.items():
        kind = kind_of(field) if field is not None else "text"
        if kind == "file":
            parts[name] = st.one_of(st.lists(uploaded_file(), max_size=2), field_values("text", real_ids, []))
        else:
            parts[name] = field_values(kind, real_ids, choice_values(field))
    return st.fixed_dictionaries(parts).map(lambda body: {key: value for key, value in body.items() if value != []})
