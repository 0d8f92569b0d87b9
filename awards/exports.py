"""Award report exports. CSV streams row by row; XLSX streams too, through our own minimal writer
(`xlsx.py`). Small exports answer the request directly; large ones are built by Celery (`Export` rows
carry the progress the page shows)."""

import csv
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from applications.models import Program
from awards import xlsx
from awards.models import AwardState, Export, ExportState
from awards.reports import COLUMNS, EXTRA_KINDS, AwardReportFilter, pivot, report_awards, report_rows, totals
from portal.accounts.districts import DISTRICT_CHOICES
from portal.bilingual import is_chinese, localized
from portal.queueing import enqueue_on_commit

# Above this many rows an export goes to Celery instead of the request.
DIRECT_LIMIT = 5000
PROGRESS_EVERY = 2000


class _Echo:
    """csv.writer target that hands each line back instead of buffering it."""

    def write(self, value):
        return value


# A cell starting with one of these is a formula to a spreadsheet opening the CSV (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FREE_TEXT = {"organisation__name", "call__title_en"}


def csv_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, as OWASP advises;
    numbers and dates are written as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _value_labels() -> dict[int, dict[str, str]]:
    """{column: {code: name in the active language}} of the columns whose values are codes (district, state)."""
    choices = {"organisation__district": DISTRICT_CHOICES, "state": AwardState.choices}
    return {
        i: {code: str(label) for code, label in choices[key]}
        for i, (key, _en, _zh) in enumerate(COLUMNS)
        if key in choices
    }


def csv_lines(queryset):
    """The report as CSV lines: a BOM so Excel reads UTF-8, the headers in both languages, then rows whose
    districts, states and call titles are in the active language (read now: the lines stream after the view)."""
    labels = _value_labels()
    chinese = is_chinese()

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff"
        yield writer.writerow([f"{en} / {zh}" for _key, en, zh in COLUMNS])
        # Only free text typed by people can start with "="; csv writes None as "".
        typed = [i for i, (key, _en, _zh) in enumerate(COLUMNS) if key in FREE_TEXT]
        for row in report_rows(queryset, chinese_titles=chinese):
            row = list(row)
            for i, names in labels.items():
                row[i] = names.get(row[i], row[i])
            if any(row[i] and row[i].startswith(FORMULA_START) for i in typed):
                row = [csv_cell(value) for value in row]
            yield writer.writerow(row)

    return lines()


# How the XLSX writes each report column that is not text: money with thousands separators and two
# decimals, dates as dates, and the two moments (Shanghai time from PostgreSQL) to the second.
XLSX_KINDS = {
    "pk": xlsx.INTEGER,
    "year": xlsx.INTEGER,
    "application__estimated_amount": xlsx.MONEY,
    "decision__recommended_amount": xlsx.MONEY,
    "amount": xlsx.MONEY,
    "paid": xlsx.MONEY,
    "clawed_back": xlsx.MONEY,
    "decision__decided_at": xlsx.DATETIME,
    "notice_until": xlsx.DATE,
    "confirmed_at": xlsx.DATETIME,
    "letter__issued_on": xlsx.DATE,
}


def _reporting(rows, progress):
    """The rows, calling progress(count) every PROGRESS_EVERY of them."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_EVERY == 0:
            progress(count)


def write_xlsx(queryset, path: Path, progress=None) -> int:
    """The award sheet plus pivot sheets (program x year, district x year) and totals. Returns rows.
    Strings are always text in the file, so a name starting with "=" never runs as a formula."""
    kinds = [XLSX_KINDS.get(key) or EXTRA_KINDS.get(key, xlsx.TEXT) for key, _en, _zh in COLUMNS]
    # Names in the export's language (export_build activates it), as the CSV: districts, states, call titles.
    labels = _value_labels()

    def named(rows):
        for row in rows:
            row = list(row)
            for i, names in labels.items():
                row[i] = names.get(row[i], row[i])
            yield row

    rows = named(report_rows(queryset, chinese_titles=is_chinese()))
    districts = dict(DISTRICT_CHOICES)
    row_names = {
        "program__code": lambda codes: {
            p.code: f"{localized(p, 'title')} ({p.code})" for p in Program.objects.filter(code__in=codes)
        },
        "organisation__district": lambda codes: {code: str(districts.get(code, code)) for code in codes},
    }
    with xlsx.Workbook(path) as book:
        with book.sheet("Awards 资助", kinds) as sheet:
            sheet.write_header([f"{en} / {zh}" for _key, en, zh in COLUMNS])
            count = sheet.write_rows(_reporting(rows, progress) if progress else rows, kinds)
        for title, field in (
            ("Program x year 支持事项×年度", "program__code"),
            ("District x year 区×年度", "organisation__district"),
        ):
            keys, years, cells = pivot(queryset, field)
            names = row_names[field](keys)
            pivot_kinds = [xlsx.TEXT] + [xlsx.MONEY] * (len(years) + 1)
            with book.sheet(title, pivot_kinds) as sheet:
                sheet.write_header(["", *years, "Total 合计"])
                for key in keys:
                    values = [cells.get((key, year)) or 0 for year in years]
                    sheet.write_rows([[names.get(key, key), *values, sum(values)]], pivot_kinds)
        summary = totals(queryset)
        with book.sheet("Totals 合计", [xlsx.HEADING, xlsx.MONEY], header=False) as sheet:
            sheet.write_rows([("Awards 项数", summary["count"])], [xlsx.HEADING, xlsx.INTEGER])
            money = [
                ("Awarded 核定金额", summary["awarded"]),
                ("Paid 已拨付", summary["paid"]),
                ("Clawed back 已追回", summary["clawed_back"]),
            ]
            sheet.write_rows(money, [xlsx.HEADING, xlsx.MONEY])
    return count


def filtered(user, filters: dict):
    return AwardReportFilter(filters, queryset=report_awards(user)).qs


@transaction.atomic
def export_request(*, user, kind: str, filters: dict, language: str = settings.LANGUAGE_CODE) -> Export:
    """Queue an export, built later in `language` (the page's: the worker has no request)."""
    export = Export.objects.create(requested_by=user, kind=kind, filters=filters, language=language)
    enqueue_on_commit("awards.tasks.build_export", export.pk)
    return export


def export_build(*, export_id: int) -> Export:
    """Build the file of a queued export (idempotent: a finished export is left as it is)."""
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    if export.state == ExportState.DONE:
        return export
    queryset = filtered(export.requested_by, export.filters)
    Export.objects.filter(pk=export.pk).update(state=ExportState.RUNNING, rows_total=queryset.count(), rows_done=0)

    def progress(done):
        Export.objects.filter(pk=export.pk).update(rows_done=done)

    try:
        with translation.override(export.language):
            _write(export, queryset, progress)
    except Exception as error:
        Export.objects.filter(pk=export.pk).update(state=ExportState.FAILED, error=str(error)[:2000])
        raise
    return export


def _write(export: Export, queryset, progress) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"awards-{export.pk}.{export.kind}"
        if export.kind == "xlsx":
            rows = write_xlsx(queryset, path, progress)
        else:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                rows = 0
                for rows, line in enumerate(csv_lines(queryset)):
                    handle.write(line)
                    if rows and rows % PROGRESS_EVERY == 0:
                        progress(rows)
                rows = max(0, rows - 1)  # the BOM and header lines are not rows
        with open(path, "rb") as handle:
            export.file.save(path.name, File(handle), save=False)
    export.state, export.rows_done, export.finished_at = ExportState.DONE, rows, timezone.now()
    export.save(update_fields=["file", "state", "rows_done", "finished_at"])
