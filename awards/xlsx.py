"""A minimal streaming SpreadsheetML (XLSX) writer for the award exports.

XlsxWriter costs ~6 µs of Python per cell, too slow for 100,000 awards x 21 columns. This writes the
few parts a workbook needs and streams each sheet's XML into its zip entry a batch of rows at a time
(memory stays flat whatever the count). A batch is built column by column from pieces of XML worked
out once per column, so what is left per cell is one f-string (~0.6 µs a cell all told).

    with Workbook(path) as book:
        with book.sheet("Awards", [TEXT, MONEY]) as sheet:
            sheet.write_header(["Name", "Amount"])
            count = sheet.write_rows(rows, [TEXT, MONEY])

Sheets are written one after the other (a zip takes one entry at a time). Every string is an inline
string, never a formula, so a name starting with "=" stays text (formula injection)."""

import re
import zipfile
from datetime import datetime, timedelta
from itertools import chain, islice, repeat
from operator import is_
from xml.sax.saxutils import quoteattr

# What a column holds; each kind has a style (index into cellXfs in STYLES) and a converter below.
TEXT, HEADING, INTEGER, MONEY, DATE, DATETIME = "text", "heading", "integer", "money", "date", "datetime"
_BOLD_NUMBER = "bold number"  # a pivot's years in its header
_BOLD, _MONEY, _DATE, _DATETIME = 1, 2, 3, 4
WIDTHS = {TEXT: 24, HEADING: 24, INTEGER: 10, MONEY: 18, DATE: 12, DATETIME: 20}

# Measured on the award sheet: level 1 adds ~4 µs a row (~1/3 of the writing), level 6 ~12 µs for a file
# a quarter smaller (6.1 against 4.5 MB for 37,000 awards).
COMPRESSLEVEL = 1
BATCH_ROWS = 1000  # rows turned into XML together, column by column, and written in one go

# Characters XML 1.0 forbids (all C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF).
# They are replaced by U+FFFD "�" rather than dropped, so a reader can see something was there.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel reads "_x0041_" in a string as the escaped character "A"; a literal one gets its "_" escaped.
_EXCEL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
# Excel's day 0 (serials are right from 1 March 1900 on, after its phantom 29 February 1900).
_EPOCH, _DAY = datetime(1899, 12, 30), timedelta(days=1)
_EXCEL_EPOCH = _EPOCH.toordinal()

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Fonts: 0 normal, 1 bold. Fills: Excel wants the two defaults. cellXfs follow the _BOLD.. indices;
# #,##0.00 is built-in format 4, the date formats are custom (ids from 164 on).
STYLES = f"""{_XML}<styleSheet xmlns="{_MAIN}">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>\
</fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def text(value: str) -> str:
    """A string as XML text: &, <, > escaped, illegal characters replaced, Excel's _xHHHH_ kept literal."""
    value = _EXCEL_ESCAPE.sub(r"_x005F\1", _ILLEGAL.sub("\ufffd", value))
    # An XML parser turns a raw CR into LF; the character reference keeps it.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def texts(values) -> tuple[list, bool]:
    """A column's strings as XML text, escaped all together in the usual case (printable strings),
    and whether any has leading or trailing spaces (to keep them, the cells say xml:space="preserve")."""
    whole = "".join(values)
    if not whole.isprintable() or "_x" in whole:
        return list(map(text, values)), True  # the careful way, string by string
    # Printable strings hold no \0, so it can separate them while they are checked and escaped together.
    joined = "\0".join(values)
    spaced = joined[:1] == " " or joined[-1:] == " " or " \0" in joined or "\0 " in joined
    if "&" in joined or "<" in joined or ">" in joined:
        return joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split("\0"), spaced
    return values, spaced


def dates(values):
    return [str(value.toordinal() - _EXCEL_EPOCH) for value in values]


def datetimes(values):
    """Naive (already local) wall-clock times as days since Excel's epoch, the time as the fraction."""
    return [repr((value - _EPOCH) / _DAY) for value in values]


def numbers(values):
    """str() of a Decimal is exact (no float on the way), and twice as fast as an f-string's format()."""
    return map(str, values)


# Per kind: the cell's XML between row number and value and after the value (the column letter goes
# before the row number), and what turns a column of values into the strings to put there.
_TEXT = '" t="inlineStr"><is><t>', "</t></is></c>"
_CELLS = {
    TEXT: (*_TEXT, texts),
    HEADING: (f'" s="{_BOLD}" t="inlineStr"><is><t>', _TEXT[1], texts),
    INTEGER: ('"><v>', "</v></c>", numbers),
    MONEY: (f'" s="{_MONEY}"><v>', "</v></c>", numbers),
    DATE: (f'" s="{_DATE}"><v>', "</v></c>", dates),
    DATETIME: (f'" s="{_DATETIME}"><v>', "</v></c>", datetimes),
    _BOLD_NUMBER: (f'" s="{_BOLD}"><v>', "</v></c>", numbers),
}


def column_cells(head: str, mid: str, tail: str, convert, values, rows) -> list[str]:
    """One column of a batch as its cells, "" where the value is None (no cell)."""
    if any(map(is_, values, repeat(None))):  # `None in values` would compare every Decimal with None
        where = [i for i, value in enumerate(values) if value is not None]
        present = iter(column_cells(head, mid, tail, convert, [values[i] for i in where], [rows[i] for i in where]))
        return [next(present) if value is not None else "" for value in values]
    if convert is texts:
        values, spaced = texts(values)
        if spaced:
            mid = mid.replace("<t>", '<t xml:space="preserve">')
    else:
        values = convert(values)
    return [f"{head}{row}{mid}{value}{tail}" for row, value in zip(rows, values, strict=True)]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_sheet_name(name: str) -> str:
    """Excel refuses a workbook whose sheet name is empty, over 31 UTF-16 units, has []:*?/\\ or
    starts or ends with an apostrophe."""
    length = len(name.encode("utf-16-le")) // 2
    if not 0 < length <= 31 or re.search(r"[\[\]:*?/\\]", name) or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"invalid sheet name: {name!r}")
    return name


class _Closes:
    """`with` closes it, also on an error (the zip is then left consistent, if incomplete)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Sheet(_Closes):
    """One worksheet being streamed; rows are numbered on from 1 across write_header/write_rows."""

    def __init__(self, stream, widths, first: bool, freeze: bool):
        self._stream, self.rows = stream, 0
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
        # A frozen pane below row 1 keeps the header in view when scrolling.
        pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' if freeze else ""
        selected = ' tabSelected="1"' if first else ""
        view = f'<sheetView workbookViewId="0"{selected}>{pane}</sheetView>'
        self._write(
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetViews>{view}</sheetViews>'
            f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
        )

    def _write(self, xml: str) -> None:
        self._stream.write(xml.encode())

    def write_header(self, values) -> None:
        """One bold row: strings as text, numbers (a pivot's years) as numbers, empty ones skipped."""
        kinds = [HEADING if isinstance(value, str) else _BOLD_NUMBER for value in values]
        self.write_rows([[value if value != "" else None for value in values]], kinds)

    def write_rows(self, rows, kinds) -> int:
        """Rows of values whose types `kinds` give column by column; None is no cell. Returns the count."""
        columns = [(f'<c r="{column_letter(i)}', *_CELLS[kind]) for i, kind in enumerate(kinds)]
        written, rows = 0, iter(rows)
        while batch := list(islice(rows, BATCH_ROWS)):
            first = self.rows + written + 1
            row_numbers = list(map(str, range(first, first + len(batch))))
            cells = [
                column_cells(*column, values, row_numbers)
                for column, values in zip(columns, zip(*batch, strict=True), strict=True)
            ]
            opens = map('<row r="%s">'.__mod__, row_numbers)
            self._write("".join(chain.from_iterable(zip(opens, *cells, repeat("</row>")))))
            written += len(batch)
        self.rows += written
        return written

    def close(self) -> None:
        self._write("</sheetData></worksheet>")
        self._stream.close()


class Workbook(_Closes):
    """The zip; the parts that list the sheets are written on close, once all sheets are known."""

    def __init__(self, path, compresslevel: int = COMPRESSLEVEL):
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._names: list[str] = []

    def sheet(self, name: str, kinds=(), header=True) -> Sheet:
        """A new worksheet, its column widths from the kinds of its columns; a header row stays in view."""
        if check_sheet_name(name).casefold() in {n.casefold() for n in self._names}:
            raise ValueError(f"duplicate sheet name: {name!r}")
        self._names.append(name)
        # Without force_zip64 zipfile refuses an entry past 2 GiB of XML (~1.5 million award rows).
        stream = self._zip.open(f"xl/worksheets/sheet{len(self._names)}.xml", "w")
        return Sheet(stream, [WIDTHS[kind] for kind in kinds], first=len(self._names) == 1, freeze=header)

    def close(self) -> None:
        ids = range(1, len(self._names) + 1)
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(self._names, 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>' for n in ids
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in ids
        )
        styles_id = len(self._names) + 1
        parts = {
            "[Content_Types].xml": (
                f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>{overrides}</Types>'
            ),
            "_rels/.rels": (
                f'{_XML}<Relationships xmlns="{_PKG_REL}">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_XML}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
                f'<Relationship Id="rId{styles_id}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": STYLES,
        }
        for name, xml in parts.items():  # dated 1980 like the sheets: the same data gives the same file
            self._zip.writestr(zipfile.ZipInfo(name), xml, zipfile.ZIP_DEFLATED)
        self._zip.close()
