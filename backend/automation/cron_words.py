"""Crontab lines and time zones in the words the Tasks page shows."""

from __future__ import annotations

_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}


def same_zone(one: str, other: str) -> bool:
    """Two names of one zone as far as people reading a schedule care (UTC has several)."""
    return one == other or {one, other} <= _UTC_NAMES


WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def cron_words(cron: str) -> str:
    """The common crontab lines in words ("every minute", "every day at 09:00", "weekdays at
    09:00", "every Monday at 08:00"); any other stays the line itself."""
    fields = cron.split()
    if len(fields) != 5:
        return f"cron '{cron}'"
    minute, hour, day, month, weekday = fields
    if (day, month) != ("*", "*"):
        return f"cron '{cron}'"
    if (hour, weekday) == ("*", "*"):
        if minute == "*":
            return "every minute"
        if minute.startswith("*/") and minute[2:].isdigit():
            return f"every {int(minute[2:])} minutes"
        if minute == "0":
            return "every hour"
    if minute.isdigit() and hour.isdigit() and int(minute) < 60 and int(hour) < 24:
        at = f"at {int(hour):02d}:{int(minute):02d}"
        if weekday == "*":
            return f"every day {at}"
        if weekday == "1-5":
            return f"weekdays {at}"
        if weekday.isdigit() and int(weekday) <= 7:
            return f"every {WEEKDAYS[int(weekday) % 7]} {at}"
    return f"cron '{cron}'"
