"""The XLSX export: our own streaming SpreadsheetML writer, read back with openpyxl as a spreadsheet would."""

import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from awards import exports, xlsx
from awards.models import Award
from awards.reports import COLUMNS
from tests import journeys
from tests.awards.bulk import make_awards

HEADERS = [f"{en} / {zh}" for _key, en, zh in COLUMNS]


def column(header: str) -> int:
    """The 1-based column of a report column whose English header starts so."""
    return next(i for i, text in enumerate(HEADERS, start=1) if text.startswith(header))


@pytest.fixture
def awards(review_call, alice):
    make_awards(review_call, 30, decided_by=journeys.lead_of_call(review_call), creator=alice)
    return Award.objects.filter(call=review_call).order_by("pk")


@pytest.fixture
def export(awards, tmp_path):
    """Writes the award export and opens it; change the awards before asking for it."""

    def build():
        path = tmp_path / "awards.xlsx"
        assert exports.write_xlsx(awards, path) == awards.count()
        return path, load_workbook(path)

    return build


def rename_first_organisation(awards, name: str) -> None:
    from portal.accounts.models import Organisation

    Organisation.objects.filter(pk=awards.first().organisation_id).update(name=name)


def organisation_cell(sheet):
    return sheet.cell(row=2, column=column("Organisation"))


def test_workbook_has_the_award_sheet_two_pivots_and_totals_with_a_bilingual_header(export, awards):
    _path, book = export()
    assert book.sheetnames == ["Awards 资助", "Program x year 支持事项×年度", "District x year 区×年度", "Totals 合计"]
    sheet = book["Awards 资助"]
    header = [cell.value for cell in sheet[1]]
    assert header == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.max_row == 31
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == list(awards.values_list("pk", flat=True))
    assert sheet.freeze_panes == "A2"


def test_money_is_exact_with_thousands_separators(export, awards):
    Award.objects.filter(pk=awards.first().pk).update(amount=Decimal("1234567.89"))
    _path, book = export()
    cell = book["Awards 资助"].cell(row=2, column=column("Awarded"))
    assert cell.value == 1234567.89 and cell.data_type == "n"
    assert cell.number_format == "#,##0.00"


def test_moments_show_date_and_time_and_days_show_the_date(export, awards):
    from reviews.models import Decision

    award = awards.first()
    Decision.objects.filter(pk=award.decision_id).update(decided_at=datetime.fromisoformat("2026-05-01T01:30:15+08:00"))
    Award.objects.filter(pk=award.pk).update(notice_until=date(2026, 5, 20))
    _path, book = export()
    sheet = book["Awards 资助"]
    decided = sheet.cell(row=2, column=column("Decided at"))
    assert decided.value == datetime(2026, 5, 1, 1, 30, 15)  # Shanghai wall-clock time, to the second
    assert decided.number_format == "yyyy-mm-dd hh:mm:ss"
    notice = sheet.cell(row=2, column=column("Notice until"))
    assert notice.value == datetime(2026, 5, 20) and notice.number_format == "yyyy-mm-dd"
    assert sheet.cell(row=2, column=column("Confirmed at")).number_format == "yyyy-mm-dd hh:mm:ss"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil.example.com","Open")', "+1", "-1+2", "@x", "=1+1"])
def test_company_name_starting_with_a_formula_sign_stays_text(export, awards, name):
    rename_first_organisation(awards, name)
    path, book = export()
    cell = organisation_cell(book["Awards 资助"])
    assert (cell.value, cell.data_type) == (name, "s")
    with zipfile.ZipFile(path) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_markup_characters_round_trip(export, awards):
    rename_first_organisation(awards, 'A <b>&amp; "C" & D\'s > E')
    _path, book = export()
    assert organisation_cell(book["Awards 资助"]).value == 'A <b>&amp; "C" & D\'s > E'


def test_control_characters_do_not_corrupt_the_file(export, awards):
    rename_first_organisation(awards, "Bad\x01Name\x1f Ltd\tTab")
    _path, book = export()
    # Characters XML 1.0 forbids become U+FFFD; a tab is allowed and kept.
    assert organisation_cell(book["Awards 资助"]).value == "Bad\ufffdName\ufffd Ltd\tTab"


def test_missing_values_are_empty_cells(export, awards):
    path, book = export()
    sheet = book["Awards 资助"]
    assert sheet.cell(row=2, column=column("Letter number")).value is None
    assert sheet.cell(row=2, column=column("Letter issued on")).value is None
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    letter = xlsx.column_letter(column("Letter number") - 1)
    assert f'<c r="{letter}2"' not in xml


def test_pivot_and_totals_sheets_add_up_to_the_awards(export, awards):
    _path, book = export()
    awarded = sum(a.amount for a in awards)
    for title in ["Program x year 支持事项×年度", "District x year 区×年度"]:
        rows = list(book[title].iter_rows(values_only=True))
        years = sorted({a.year for a in awards})
        assert rows[0] == (None, *years, "Total 合计")
        assert sum(Decimal(str(row[-1])) for row in rows[1:]) == awarded
        assert all(sum(row[1:-1]) == pytest.approx(row[-1]) for row in rows[1:])
    by_district = {row[0]: row[-1] for row in book["District x year 区×年度"].iter_rows(min_row=2, values_only=True)}
    pudong = sum(a.amount for a in awards if a.organisation.district == "pudong")
    assert Decimal(str(by_district["Pudong New Area"])) == pudong  # the name, never the code
    totals = {row[0].value: row[1] for row in book["Totals 合计"].iter_rows()}
    assert totals["Awards 项数"].value == 30
    assert Decimal(str(totals["Awarded 核定金额"].value)) == awarded
    assert totals["Paid 已拨付"].number_format == "#,##0.00"


def test_file_is_a_sound_zip_of_well_formed_xml_parts(export):
    path, _book = export()
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml"} <= set(names)
        assert [n for n in names if n.startswith("xl/worksheets/")] == [
            f"xl/worksheets/sheet{i}.xml" for i in range(1, 5)
        ]
        for name in names:
            ElementTree.fromstring(archive.read(name))  # noqa: S314 (our own file); raises on malformed XML


def test_progress_is_reported_every_so_many_rows(awards, tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 10)
    seen = []
    assert exports.write_xlsx(awards, tmp_path / "a.xlsx", progress=seen.append) == 30
    assert seen == [10, 20, 30]


def test_an_empty_selection_gives_a_workbook_with_just_the_headers(awards, tmp_path):
    path = tmp_path / "empty.xlsx"
    assert exports.write_xlsx(awards.none(), path) == 0
    book = load_workbook(path)
    assert [cell.value for cell in book["Awards 资助"][1]] == HEADERS and book["Awards 资助"].max_row == 1
    assert book["Totals 合计"]["B1"].value == 0


# --- the writer on its own --------------------------------------------------------------------------


def test_rows_stream_in_batches_and_keep_their_numbers(tmp_path):
    count = xlsx.BATCH_ROWS * 2 + 7
    rows = ((i, f"name {i}", Decimal(i) / 100, None if i % 3 else date(2026, 1, 1)) for i in range(count))
    kinds = [xlsx.INTEGER, xlsx.TEXT, xlsx.MONEY, xlsx.DATE]
    with xlsx.Workbook(tmp_path / "big.xlsx") as book, book.sheet("Big", kinds) as sheet:
        sheet.write_header(["n", "name", "money", "day"])
        assert sheet.write_rows(rows, kinds) == count
    sheet = load_workbook(tmp_path / "big.xlsx", read_only=True)["Big"]
    read = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(read) == count
    assert read[-1][:3] == (count - 1, f"name {count - 1}", (count - 1) / 100) and read[-1][3:] in [(), (None,)]
    assert read[1500] == (1500, "name 1500", 15.0, datetime(2026, 1, 1))


def test_text_keeps_spaces_line_breaks_and_literal_excel_escapes(tmp_path):
    values = ["  padded  ", "two\r\nlines", "_x0041_ stays", "中文 ＆ 全角"]
    with xlsx.Workbook(tmp_path / "t.xlsx") as book, book.sheet("T", [xlsx.TEXT]) as sheet:
        sheet.write_rows([[v] for v in values], [xlsx.TEXT])
    with zipfile.ZipFile(tmp_path / "t.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "two&#13;\nlines" in xml and "_x005F_x0041_ stays" in xml  # Excel would read _x0041_ as "A"
    read = [row[0] for row in load_workbook(tmp_path / "t.xlsx").active.iter_rows(values_only=True)]
    assert read[0] == "  padded  " and read[1] == "two\r\nlines" and read[3] == "中文 ＆ 全角"


@pytest.mark.parametrize("name", ["", "a/b", "a:b", "x" * 32, "'quoted'", "what?"])
def test_invalid_sheet_names_are_refused(tmp_path, name):
    with xlsx.Workbook(tmp_path / "n.xlsx") as book, pytest.raises(ValueError):
        book.sheet(name)


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_a_sheet_name_is_used_once_whatever_its_case(tmp_path):
    with xlsx.Workbook(tmp_path / "d.xlsx") as book:
        book.sheet("Totals").close()
        with pytest.raises(ValueError):
            book.sheet("TOTALS")
    assert load_workbook(tmp_path / "d.xlsx").sheetnames == ["Totals"]
