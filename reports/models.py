from __future__ import annotations

from django.db import models


class KeptFigures(models.Model):
    """A program's dashboard figures as last worked out, for one way of showing them (time zone,
    language, privacy threshold): materialised, so a dashboard of tens of thousands of people
    reads them in one query. A task works out again the ones admins have read lately
    (``reports.figures``)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    variant = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64)
    language = models.CharField(max_length=10)
    threshold = models.PositiveIntegerField()
    figures = models.BinaryField()
    computed_at = models.DateTimeField()
    read_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "variant"], name="kept_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.variant} at {self.computed_at:%Y-%m-%d %H:%M:%S}"
