"""simple-history's HistoricalRecords, with one signal for every history row written, bulk writes included.

simple-history sends `post_create_historical_record` for each row written by a
save, a delete or a many-to-many change (admin included), but nothing for the
rows of `bulk_create_with_history`, `bulk_update_with_history` or
`bulk_history_create` (the plan import's paths). `history_rows_created` is sent
for both: once per row saved one by one, once per batch for a bulk write, so a
receiver that needs a query can make one per batch rather than one per row.
Every tracked model declares its history with this class.
"""

from django.dispatch import Signal, receiver
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords as BaseHistoricalRecords
from simple_history.signals import post_create_historical_record

# sender: the historical model; rows: its new history rows; instances: the records they copy, in the same order.
history_rows_created = Signal()


class BulkSignallingHistoryManager(HistoryManager):
    def bulk_history_create(self, objs, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_history_create(objs, *args, **kwargs)
        if rows:
            history_rows_created.send(sender=self.model, rows=list(rows), instances=objs)
        return rows


class HistoricalRecords(BaseHistoricalRecords):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", BulkSignallingHistoryManager)
        super().__init__(*args, **kwargs)


@receiver(post_create_historical_record)
def _one_row(sender, instance, history_instance, **kwargs):
    history_rows_created.send(sender=sender, rows=[history_instance], instances=[instance])
