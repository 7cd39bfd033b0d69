from __future__ import annotations

from django.contrib import admin

from goals.models import Goal, GoalShare, GoalStep, ProgressUpdate


class GoalStepInline(admin.TabularInline):
    model = GoalStep
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "progress", "position"]
    list_filter = ["status", "horizon"]
    raw_id_fields = ["owner"]
    inlines = [GoalStepInline]


admin.site.register(ProgressUpdate)
admin.site.register(GoalShare)
