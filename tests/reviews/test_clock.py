"""Stage deadlines count working days on the official mainland-China calendar."""

from datetime import date

from reviews.clock import add_working_days, is_working_day, stage_days, stage_due, working_days_left


def test_national_day_holiday_is_not_counted_and_the_make_up_saturday_is():
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are make-up working days.
    assert not is_working_day(date(2025, 10, 3))
    assert is_working_day(date(2025, 9, 28)) and is_working_day(date(2025, 10, 11))
    # Monday 29 September + 5 working days: 30 Sep, 9 Oct, 10 Oct, Sat 11 Oct, Mon 13 Oct.
    assert add_working_days(date(2025, 9, 29), 5) == date(2025, 10, 13)


def test_a_task_received_on_a_holiday_starts_counting_on_the_next_working_day():
    assert add_working_days(date(2025, 10, 1), 1) == date(2025, 10, 9)


def test_working_days_left_and_overdue_across_the_holiday():
    assert working_days_left(date(2025, 9, 29), date(2025, 10, 13)) == 5
    assert working_days_left(date(2025, 10, 13), date(2025, 10, 13)) == 0
    assert working_days_left(date(2025, 10, 14), date(2025, 10, 13)) == -1
    # Overdue since 30 September: 9, 10, 11 (make-up) and 13 October count, the holiday does not.
    assert working_days_left(date(2025, 10, 13), date(2025, 9, 30)) == -4


def test_spring_festival_2026():
    # 2026: 15-23 February off; Saturday 14 and Saturday 28 February are make-up working days.
    assert is_working_day(date(2026, 2, 14)) and not is_working_day(date(2026, 2, 16))
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_a_year_the_calendar_package_does_not_know_yet_counts_monday_to_friday():
    assert is_working_day(date(2031, 3, 3)) and not is_working_day(date(2031, 3, 1))
    assert add_working_days(date(2031, 2, 28), 1) == date(2031, 3, 3)


def test_a_call_sets_its_own_stage_deadlines():
    class Program:
        stage_days = {}

    class Call:
        stage_deadlines = {"formal_check": 2}
        program = Program

    assert stage_due(Call, "formal_check", date(2025, 9, 29)) == date(2025, 10, 9)
    assert stage_due(Call, "department_review", date(2025, 9, 29)) > date(2025, 10, 9)


def test_a_program_sets_its_own_clock_and_a_call_may_set_another():
    """The internationalisation desk answers in 10 working days (catalogue `working_days`); a call may say
    otherwise. 2025-09-29 is a Monday before the National Day week (1-8 October, make-up days 28 Sep, 11 Oct)."""

    class Program:
        stage_days = {"desk_answer": 10}

    class Call:
        stage_deadlines = {}
        program = Program

    assert stage_days(Call, "desk_answer") == 10
    assert stage_due(Call, "desk_answer", date(2025, 9, 29)) == date(2025, 10, 20)
    Call.stage_deadlines = {"desk_answer": 5}
    assert stage_due(Call, "desk_answer", date(2025, 9, 29)) == date(2025, 10, 13)
    # Neither the call nor the program names the stage: the default.
    assert stage_days(Call, "formal_check") == 5
