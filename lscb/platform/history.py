"""The change history behind the History pages and the board's change log.

django-simple-history keeps a full copy of a record on every save. To show who
changed what, each historical row is compared with the one before it for the
same record, and the differences are put in the board's words: verbose field
names, choice labels, UK dates, agency names rather than ids.

The cost is fixed per page, never per row (STYLE.md "History"):
- `timeline()` is ONE query: a UNION ALL over the historical models asked for,
  ordered newest first, that a paginator slices and counts;
- `entries_for()` then loads, for each kind of record on the page, the page's
  rows and the row before each of them in one query (`select_related` on the
  user), diffs neighbours in Python, and resolves foreign keys and
  many-to-many snapshots with one query per related model.
"""

import datetime
import functools
import inspect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.text import capfirst

from lscb.platform.diff import FieldChange, display_user, field_change, label_of, name_of, set_change

# The apps whose records the board's change log covers.
AUDITED_APPS = ("reviews", "actions", "assurance")
# Bookkeeping that changes on every save and means nothing to the board.
HIDDEN_FIELDS = frozenset({"id", "updated_at", "created_at", "sort_key"})
KINDS = {"+": "created", "~": "changed", "-": "deleted"}
KIND_LABELS = {"created": "Created", "changed": "Changed", "deleted": "Deleted"}


@dataclass(frozen=True)
class Source:
    """One stream of history: a historical model narrowed to the rows a page shows."""

    history_model: type[models.Model]
    where: Q = field(default_factory=Q)
    # Fields not worth repeating on this page, such as the action on its own progress updates.
    hidden: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return tracked_model(self.history_model)._meta.label_lower


@dataclass
class HistoryEntry:
    """One change to one record, as the History pages and the change log show it."""

    history_id: int
    when: datetime.datetime
    user: str
    kind: str
    reason: str
    record_label: str
    changes: list[FieldChange]
    record_name: str = ""
    record_url: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def tracked_model(history_model: type[models.Model]) -> type[models.Model]:
    """The board's model that a historical model keeps copies of (simple-history's `instance_type`)."""
    return history_model.instance_type


@functools.cache
def history_model_of(model: type[models.Model], attr: str = "history") -> type[models.Model]:
    """The model behind a simple-history descriptor (`Action.history`, `HistoricalRecommendation.themes`).

    Read statically: going through the descriptor builds a new manager class
    each time, which costs milliseconds a page.
    """
    return inspect.getattr_static(model, attr).model


def audited_history_models() -> list[type[models.Model]]:
    """Every historical model of the audited apps, found in the apps registry."""
    found = []
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr and model._meta.app_label in AUDITED_APPS:
            found.append(history_model_of(model, attr))
    return found


def record_kind_choices() -> list[tuple[str, str]]:
    """(label, name) for each kind of record in the change log, for its filter."""
    models_ = (tracked_model(m) for m in audited_history_models())
    return sorted(((m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in models_), key=lambda c: c[1])


def timeline(sources: Iterable[Source], narrow: Callable[[QuerySet], QuerySet] | None = None) -> QuerySet:
    """Every historical row of the sources, newest first, as one UNION ALL query of small dicts.

    Each dict holds `history_id`, `history_date` and `record` (the model label);
    `entries_for()` turns a slice of them into entries. `narrow` filters each
    historical model's rows (the change log's FilterSet) and may return `.none()`.
    """
    parts = []
    for source in sources:
        rows = source.history_model._default_manager.filter(source.where)
        if narrow is not None:
            rows = narrow(rows)
        parts.append(
            rows.order_by().values("history_id", "history_date", record=Value(source.label, output_field=CharField()))
        )
    first, *rest = parts
    # union() drops parts that are .none(); ordering is by columns of the combined select.
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def entries_for(rows: list[dict], sources: Iterable[Source], *, with_records: bool = False) -> list[HistoryEntry]:
    """Turn a page of `timeline()` rows into entries with their changed fields.

    `with_records` also names each record and links to its page (the change
    log); that needs every foreign key a record's name or address uses.
    """
    by_label = {source.label: source for source in sources}
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        wanted[row["record"]].append(row["history_id"])
    loaded = {label: _load_with_predecessors(by_label[label], ids) for label, ids in wanted.items()}
    snapshots = {label: _m2m_snapshots(by_label[label], history) for label, history in loaded.items()}
    related = _related_objects(by_label, loaded, snapshots, every_fk=with_records)
    entries = []
    for row in rows:
        source = by_label[row["record"]]
        current, previous = loaded[row["record"]][row["history_id"]]
        snapshot = snapshots[row["record"]]
        entry = _entry(source, current, previous, snapshot, related)
        if with_records:
            _name_record(entry, source, current, related)
        entries.append(entry)
    return entries


def _load_with_predecessors(source: Source, history_ids: list[int]) -> dict[int, tuple]:
    """{history_id: (row, previous row or None)} for the page's rows, in one query.

    The previous row of the same record is found by a correlated subquery, so
    it is exact even when the page (or a filter) leaves it out.
    """
    model = source.history_model
    pk_name = tracked_model(model)._meta.pk.attname
    same_record = {pk_name: OuterRef(pk_name)}
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    previous_id = model._default_manager.filter(earlier, **same_record).order_by("-history_date", "-history_id")
    previous_ids = (
        model._default_manager.filter(history_id__in=history_ids)
        .annotate(previous_id=Subquery(previous_id.values("history_id")[:1]))
        .values("previous_id")
    )
    fetched = model._default_manager.filter(Q(history_id__in=history_ids) | Q(history_id__in=previous_ids))
    by_record: dict[object, list] = defaultdict(list)
    for historical in fetched.select_related("history_user").order_by():
        by_record[getattr(historical, pk_name)].append(historical)
    result = {}
    for timeline_ in by_record.values():
        timeline_.sort(key=lambda h: (h.history_date, h.history_id))
        # Neighbours in time: every row on the page has its true predecessor loaded.
        for before, after in zip([None, *timeline_], timeline_, strict=False):
            result[after.history_id] = (after, before)
    return result


def _shown_fields(source: Source) -> list[models.Field]:
    model = tracked_model(source.history_model)
    history_names = {f.name for f in source.history_model._meta.fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and f.name not in HIDDEN_FIELDS
        and f.name not in source.hidden
        and f.name in history_names
    ]


def _m2m_fields(source: Source) -> list[models.ManyToManyField]:
    return [f for f in getattr(source.history_model, "_history_m2m_fields", []) if f.name not in source.hidden]


def _m2m_snapshots(source: Source, loaded: dict[int, tuple]) -> dict[tuple[int, str], set]:
    """{(history_id, field name): set of related ids}: simple-history stores the whole set on every row."""
    history_ids = {h.history_id for pair in loaded.values() for h in pair if h is not None}
    snapshot: dict[tuple[int, str], set] = defaultdict(set)
    for m2m in _m2m_fields(source):
        m2m_history_model = history_model_of(source.history_model, m2m.name)
        target = m2m_history_model._meta.get_field(m2m.m2m_reverse_field_name()).attname
        pairs = m2m_history_model._default_manager.filter(history_id__in=history_ids).values_list("history_id", target)
        for history_id, target_id in pairs:
            snapshot[(history_id, m2m.name)].add(target_id)
    return snapshot


def _related_objects(by_label, loaded, snapshots, *, every_fk: bool) -> dict[type, dict]:
    """{related model: {pk: object}}, one `in_bulk` query per related model on the page."""
    wanted: dict[type, set] = defaultdict(set)
    for label, history in loaded.items():
        source = by_label[label]
        fks = _foreign_keys(source, every_fk)
        for pair in history.values():
            for historical in filter(None, pair):
                for fk in fks:
                    value = getattr(historical, fk.attname)
                    if value is not None:
                        wanted[fk.related_model].add(value)
        for m2m in _m2m_fields(source):
            for (_, name), ids in snapshots[label].items():
                if name == m2m.name:
                    wanted[m2m.related_model].update(ids)
    return {model: _in_bulk(model, ids) for model, ids in wanted.items() if ids}


def _foreign_keys(source: Source, every_fk: bool) -> list[models.ForeignKey]:
    if every_fk:
        model = tracked_model(source.history_model)
        kept = {f.name for f in source.history_model._meta.fields}  # not the fields history leaves out
        return [f for f in model._meta.concrete_fields if f.many_to_one and f.name in kept]
    return [f for f in _shown_fields(source) if f.many_to_one]


def _in_bulk(model: type[models.Model], ids: set) -> dict:
    # One level of foreign keys comes along, so names such as an action's "6.4: …" cost nothing more.
    one_level = [f.name for f in model._meta.concrete_fields if f.many_to_one]
    return model._base_manager.select_related(*one_level).order_by().in_bulk(ids)


def _entry(source: Source, current, previous, snapshot, related) -> HistoryEntry:
    kind = KINDS.get(current.history_type, "changed")
    changes = [] if kind == "deleted" else _changes(source, current, previous, snapshot, related)
    return HistoryEntry(
        history_id=current.history_id,
        when=current.history_date,
        user=display_user(current.history_user),
        kind=kind,
        reason=current.history_change_reason or "",
        record_label=capfirst(tracked_model(source.history_model)._meta.verbose_name),
        changes=changes,
    )


def _changes(source: Source, current, previous, snapshot, related) -> list[FieldChange]:
    """The fields that differ from the previous row; for a first row, every field that has a value."""
    changes = []
    for model_field in _shown_fields(source):
        after = getattr(current, model_field.attname)
        before = getattr(previous, model_field.attname) if previous is not None else None
        if (previous is None and _is_blank(after)) or (previous is not None and before == after):
            continue
        changes.append(field_change(model_field, before, after, related))
    for m2m in _m2m_fields(source):
        after_ids = snapshot.get((current.history_id, m2m.name), set())
        before_ids = snapshot.get((previous.history_id, m2m.name), set()) if previous is not None else set()
        if after_ids != before_ids:
            changes.append(set_change(label_of(m2m), _names(m2m, before_ids, related), _names(m2m, after_ids, related)))
    return changes


def _names(m2m: models.ManyToManyField, ids: set, related: dict) -> list[str]:
    objects = related.get(m2m.related_model, {})
    return [name_of(objects.get(pk), m2m.related_model, pk) for pk in ids]


def _is_blank(value) -> bool:
    return value is None or value == "" or value is False or value == {} or value == []


def _name_record(entry: HistoryEntry, source: Source, historical, related: dict) -> None:
    """Name the record as it was, and link to its page when it has one and still exists."""
    instance = _as_it_was(historical)
    for fk in _foreign_keys(source, every_fk=True):
        value = getattr(historical, fk.attname)
        if value is not None:
            # Missing objects are cached as None so that naming never queries.
            fk.set_cached_value(instance, related.get(fk.related_model, {}).get(value))
    try:
        entry.record_name = str(instance)
    except (AttributeError, TypeError):
        entry.record_name = f"{entry.record_label} {instance.pk}"
    if entry.kind != "deleted":
        entry.record_url = _record_url(instance)


def _as_it_was(historical) -> models.Model:
    """The record built from its history row alone. simple-history's `.instance` would also read
    the fields history leaves out (Action.review) from the live record: a query for every row."""
    model = tracked_model(type(historical))
    kept = {f.attname for f in type(historical)._meta.concrete_fields}
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in kept]
    return model(**{name: getattr(historical, name) for name in fields})


def _record_url(instance) -> str:
    """The record's page; for a record kept on its action's page (a progress update, a judgement), the action's."""
    try:
        if hasattr(instance, "get_absolute_url"):
            return instance.get_absolute_url()
        action = getattr(instance, "action", None)
        if isinstance(action, models.Model):
            return action.get_absolute_url()
    except AttributeError:
        pass  # a related record it needs for its address has since been deleted
    return ""
