"""The Union's bordered table (``server.documents.union.grid``), read back with python-docx: every
cell holds its own text with its own formatting, whichever way it was written (the first cell of a
kind is formatted by python-docx, the later ones are copies of it with their own text)."""

from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from server.documents.union import grid, new_document, to_bytes

ROWS = [
    ("Số ngày", "12"),
    ("Đơn vị đã đến", "Xã Tam Thanh, Phường Đông Kinh"),
    ("Ghi chú", ""),
    ("Nhiều dòng", "dòng một\ndòng hai"),
    ("  Có khoảng trắng ", " giữa  hai  "),
    ("Số ngày", "7"),
]


def _read_back(rows=ROWS, **kwargs):
    document = new_document()
    grid(document, ("Nội dung", "Kết quả"), rows, (6, 10.5), **kwargs)
    grid(document, ("Nội dung", "Kết quả"), rows[:2], (6, 10.5), **kwargs)  # a second table, same kinds
    return Document(to_bytes(document)).tables


def test_every_cell_holds_its_own_text():
    first, second = _read_back(labels=True)
    assert [[c.text for c in row.cells] for row in first.rows] == [["Nội dung", "Kết quả"], *map(list, ROWS)]
    assert [[c.text for c in row.cells] for row in second.rows] == [["Nội dung", "Kết quả"],
                                                                   *map(list, ROWS[:2])]


def test_every_cell_is_formatted_as_its_kind():
    (table, _) = _read_back(labels=True, centred=lambda col, value: col == 1 and value.isdigit())
    header, *rows = table.rows
    for cell in header.cells:
        (paragraph,) = cell.paragraphs
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold and run.font.size == Pt(12) for run in paragraph.runs)
    for row, (_label, value) in zip(rows, ROWS, strict=True):
        name, result = (cell.paragraphs[0] for cell in row.cells)
        assert all(run.bold for run in name.runs) and name.runs
        assert not any(run.bold for run in result.runs)
        assert all(run.font.size == Pt(12) for run in (*name.runs, *result.runs))
        assert (result.alignment == WD_ALIGN_PARAGRAPH.CENTER) == value.isdigit()
        # an empty cell's mark is 12 pt too, so the row is no taller than its neighbours
        if not value:
            assert result._p.pPr.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "24"


def test_every_row_keeps_together_and_every_cell_has_its_width():
    (table, _) = _read_back()
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert [round(cell.width.cm, 2) for cell in row.cells] == [6, 10.5]
    assert table.style.name == "Table Grid"


def test_a_table_without_rows_has_its_header_only():
    document = new_document()
    table = grid(document, ("TT", "Nội dung"), [], (1, 6))
    assert [[c.text for c in row.cells] for row in table.rows] == [["TT", "Nội dung"]]
