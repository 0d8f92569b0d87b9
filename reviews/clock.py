"""Stage deadlines in working days of the official mainland-China calendar (SPEC §3).

chinese-calendar knows the State Council's holidays and make-up working days year by year. For a year
it does not know yet (the schedule is announced each November), we count Monday to Friday, which is
the rule for every day the State Council has not moved; a newer package release fixes such dates.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

# Working days each stage gets when a call sets none (Call.stage_deadlines overrides per stage).
DEFAULT_STAGE_DAYS = {
    "formal_check": 5,
    "department_review": 15,
    "budget_confirmation": 15,
    "expert_review": 10,
}


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    # Cached: chinese-calendar validates every date it is asked about (tens of microseconds), and a
    # queue page counts the days of 25 deadlines, some months overdue (`make bench`).
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (a task received on a holiday starts counting on the
    next working day, as an office would)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_left(today: date, due: date) -> int:
    """Working days from `today` (exclusive) to `due` (inclusive); negative when overdue."""
    if due >= today:
        return sum(1 for n in range(1, (due - today).days + 1) if is_working_day(today + timedelta(days=n)))
    return -sum(1 for n in range(0, (today - due).days) if is_working_day(due + timedelta(days=n + 1)))


def stage_days(call, stage: str) -> int:
    """Working days `stage` gets on `call`: the call's own figure, else its program's (catalogue `working_days`:
    the internationalisation desk answers in 10), else the default above."""
    days = (call.stage_deadlines or {}).get(stage)
    if days is None:
        days = (call.program.stage_days or {}).get(stage)
    if days is None:
        days = DEFAULT_STAGE_DAYS[stage]
    return int(days)


def stage_due(call, stage: str, start: date) -> date:
    return add_working_days(start, stage_days(call, stage))
