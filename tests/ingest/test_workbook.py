"""Reading ledger files as offices send them: xlsx, old xls, CSV in GBK or UTF-8, and broken files."""

from __future__ import annotations

import codecs
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwt

from ingest.workbook import Sheet, read_workbook
from models.errors import InvalidInput

ID = "140922198506121234"
HEADER = ["序号", "户编号", "姓名", "身份证号码", "联系电话"]


def _xlsx(path: Path) -> Path:
    """A site ledger: merged title, data from column B, a household merged over two rows, an ID typed as
    a number, a hidden sheet and an empty one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "一组"
    ws["B1"] = "五台县幸福家园安置点劳动力台账"
    ws.merge_cells("B1:F1")
    for c, text in enumerate(HEADER, start=2):
        ws.cell(2, c, text)
    ws.append([None, 1, "WT001", "王建国", ID, "13812345678"])
    ws.append([None, 2, None, "李秀英", 140922198708150000, " "])
    ws.merge_cells("C3:C4")
    ws["D4"].number_format = "0"
    ws["E4"].number_format = "0"
    ws["G3"] = dt.date(1985, 6, 12)
    ws["H3"] = dt.time(8, 30)
    hidden = wb.create_sheet("旧表")
    hidden.append(["姓名", "身份证号"])
    hidden.sheet_state = "hidden"
    wb.create_sheet("空表")
    wb.save(path)
    return path


def _xls(path: Path) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("一组")
    ws.write_merge(0, 0, 0, 4, "五台县幸福家园安置点劳动力台账")
    for c, text in enumerate(HEADER):
        ws.write(1, c, text)
    ws.write(2, 0, 1)
    ws.write_merge(2, 3, 1, 1, "WT001")
    ws.write(2, 2, "王建国")
    ws.write(2, 3, ID)
    ws.write(3, 2, "李秀英")
    ws.write(3, 3, 140922198708150000.0)
    hidden = book.add_sheet("下拉选项")
    hidden.write(0, 0, "初中")
    hidden.visibility = 1
    book.save(str(path))
    return path


def test_xlsx_keeps_sheet_coordinates_merges_and_hidden_sheets(tmp_path: Path) -> None:
    sheets = read_workbook(_xlsx(tmp_path / "台账.xlsx"))

    assert [(s.name, s.hidden) for s in sheets] == [("一组", False), ("旧表", True), ("空表", False)]
    sheet = sheets[0]
    # Row and column indexes are the sheet's own (B1 is rows[0][1]), so merged ranges line up with them.
    assert sheet.rows[0][:2] == [None, "五台县幸福家园安置点劳动力台账"]
    assert sheet.rows[1][1:6] == HEADER
    assert sorted(sheet.merged) == [(0, 1, 0, 5), (2, 2, 3, 2)]
    assert sheets[2].rows == []


def test_xlsx_cells_keep_their_types_and_blanks_are_none(tmp_path: Path) -> None:
    rows = read_workbook(_xlsx(tmp_path / "台账.xlsx"))[0].rows

    assert rows[2][1:7] == [1.0, "WT001", "王建国", ID, "13812345678", dt.date(1985, 6, 12)]
    # An ID typed as a number stays a float: the importer must see that its last digits are gone.
    assert isinstance(rows[3][4], float)
    assert rows[3][2] is None  # covered by the household merge
    assert rows[3][5] is None  # a lone space
    assert rows[2][7] == "08:30"


def test_blank_rows_and_columns_before_the_data_are_kept(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"] = "姓名"
    ws["D4"] = "王建国"
    wb.save(tmp_path / "台账.xlsx")

    rows = read_workbook(tmp_path / "台账.xlsx")[0].rows

    assert rows == [[None] * 4, [None] * 4, [None, None, "姓名", None], [None, None, None, "王建国"]]


def test_merged_origin_points_covered_cells_at_the_top_left() -> None:
    sheet = Sheet("s", False, [["户1", "x"], [None, "y"], [None, "z"]], [(0, 0, 2, 0), (0, 1, 0, 1)])

    assert sheet.merged_origin() == {(1, 0): (0, 0), (2, 0): (0, 0)}
    assert sheet.merged_origin() is sheet.merged_origin()


def test_merged_origin_is_clipped_to_the_rows_read() -> None:
    # A title merged over whole columns (A1:Z1048576) must not cost millions of entries.
    sheet = Sheet("s", False, [["标题", None], [None, None]], [(0, 0, 1_048_575, 25)])

    assert sheet.merged_origin() == {(0, 1): (0, 0), (1, 0): (0, 0), (1, 1): (0, 0)}


def test_xls_reads_values_merges_and_hidden_sheets(tmp_path: Path) -> None:
    sheets = read_workbook(_xls(tmp_path / "台账.xls"))

    assert [(s.name, s.hidden) for s in sheets] == [("一组", False), ("下拉选项", True)]
    sheet = sheets[0]
    assert sheet.rows[1] == HEADER
    assert sheet.rows[2][:4] == [1, "WT001", "王建国", ID]
    assert isinstance(sheet.rows[3][3], float)
    # calamine gives xls merges as inclusive (first, last) corners, like xlsx.
    assert sorted(sheet.merged) == [(0, 0, 0, 4), (2, 1, 3, 1)]
    assert sheet.merged_origin()[(3, 1)] == (2, 1)


def test_content_decides_when_the_extension_lies(tmp_path: Path) -> None:
    xls_named_xlsx = tmp_path / "台账.xlsx"
    xls_named_xlsx.write_bytes(_xls(tmp_path / "a.xls").read_bytes())
    xlsx_named_csv = tmp_path / "导出.csv"
    xlsx_named_csv.write_bytes(_xlsx(tmp_path / "b.xlsx").read_bytes())

    assert read_workbook(xls_named_xlsx)[0].rows[2][2] == "王建国"
    assert read_workbook(xlsx_named_csv)[0].rows[2][3] == "王建国"


def _csv_text() -> str:
    return (
        "五台县幸福家园安置点劳动力台账,,,,\n"
        "序号,户编号,姓名,身份证号码,联系电话\n"
        f'1,WT001,王建国,{ID},"0350-1234567\n13812345678"\n'
        "2,,李秀英,,\n"
    )


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_csv_text().encode("gbk"), id="gbk"),
        pytest.param(_csv_text().encode("gb18030"), id="gb18030"),
        pytest.param(_csv_text().encode("utf-8"), id="utf8"),
        pytest.param(codecs.BOM_UTF8 + _csv_text().encode("utf-8"), id="utf8-bom"),
        pytest.param(_csv_text().encode("utf-16"), id="utf16-bom"),
    ],
)
def test_csv_in_any_office_encoding_reads_as_text(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "幸福家园.csv"
    path.write_bytes(raw)

    [sheet] = read_workbook(path)
    assert (sheet.name, sheet.hidden, sheet.merged) == ("幸福家园", False, [])
    assert sheet.rows[0] == ["五台县幸福家园安置点劳动力台账", None, None, None, None]
    assert sheet.rows[1] == HEADER
    # Values stay text: the ID keeps all 18 digits, the landline its leading zero and the line break.
    assert sheet.rows[2] == ["1", "WT001", "王建国", ID, "0350-1234567\n13812345678"]
    assert sheet.rows[3] == ["2", None, "李秀英", None, None]


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "台账.txt"
    text = _csv_text().replace(",", delimiter).replace("0350-1234567\n13812345678", "0350-1234567, 分机 2")
    path.write_bytes(text.encode("gbk"))

    rows = read_workbook(path)[0].rows

    assert rows[1] == HEADER
    assert rows[2][4] == "0350-1234567, 分机 2"


def test_csv_rows_are_padded_and_trailing_blank_rows_dropped(tmp_path: Path) -> None:
    path = tmp_path / "台账.csv"
    path.write_text("姓名,身份证号\n王建国\n,\n\n", encoding="utf-8")

    assert read_workbook(path)[0].rows == [["姓名", "身份证号"], ["王建国", None]]


def _truncated(tmp_path: Path) -> Path:
    data = _xlsx(tmp_path / "ok.xlsx").read_bytes()
    path = tmp_path / "台账.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _zip_without_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return path


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_truncated, id="truncated-xlsx"),
        pytest.param(_zip_without_workbook, id="zip-without-workbook"),
        pytest.param(lambda p: _write(p / "台账.xlsx", b""), id="empty"),
        pytest.param(lambda p: _write(p / "台账.xlsx", "姓名,身份证号\n".encode()), id="text-named-xlsx"),
        pytest.param(lambda p: _write(p / "台账.xls", b"<html><table><tr><td>1</td></tr></table>"), id="html-xls"),
        pytest.param(lambda p: _write(p / "台账.xls", bytes(range(256)) * 40), id="random-bytes"),
        pytest.param(lambda p: _write(p / "台账.csv", b"\x00\x01\x02\xff\xfe\x80" * 50), id="binary-csv"),
    ],
)
def test_unreadable_file_names_the_file_and_says_what_to_do(tmp_path: Path, make: object) -> None:
    path = make(tmp_path)  # type: ignore[operator]

    with pytest.raises(InvalidInput) as err:
        read_workbook(path)

    assert path.name in err.value.detail
    assert "未导入" in err.value.detail and "另存为 .xlsx" in err.value.detail


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_password_protected_workbook_asks_to_remove_the_password(tmp_path: Path) -> None:
    # Excel's "encrypt with password" stores the xlsx as an EncryptedPackage stream inside an OLE file.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path = _write(tmp_path / "加密台账.xlsx", ole + "EncryptedPackage".encode("utf-16-le") + bytes(2048))

    with pytest.raises(InvalidInput) as err:
        read_workbook(path)

    assert "加密台账.xlsx" in err.value.detail and "密码" in err.value.detail


def test_missing_file_says_it_was_not_found(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="找不到文件"):
        read_workbook(tmp_path / "没有这个文件.xlsx")
