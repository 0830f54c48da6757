"""The dashboard keeps no data: these unmanaged models only name what the permission table and the menu
refer to (no database table is created for them)."""

from django.db import models


class Overview(models.Model):
    """领导总览: the figures of the committee's year, each linking to its records."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = "领导总览"
        verbose_name_plural = "领导总览"

    def __str__(self):
        return "领导总览"


class WorkSummary(models.Model):
    """年度工作总结（草稿）: generated from the records, on screen and as Word for staff to edit."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = "年度工作总结"
        verbose_name_plural = "年度工作总结"

    def __str__(self):
        return "年度工作总结"
