from __future__ import annotations

from celery import shared_task


@shared_task(
    name="privacy.build_export",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def build_export(export_id: int) -> bool:
    """Build one "Download my data" zip and tell its person; a built one is left alone."""
    from privacy.services import export_build

    export = export_build(export_id=export_id)
    return export is not None and export.ready_at is not None


@shared_task(name="privacy.retention", acks_late=True)
def retention() -> int:
    """Daily: each organization's retention rule, and exports past their 7 days removed."""
    from privacy.services import exports_expire, retention_apply

    exports_expire()
    return retention_apply()
