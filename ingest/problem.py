"""Problems found while reading data in, and the ``Checked`` result every normaliser returns.

A normaliser never raises on bad text: it returns ``Checked`` with a value, or with a problem ``code``
and a Chinese ``reason`` that tells staff what to fix. The codes are stable: the demo city's answer key
and the import report speak them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["CODES", "Checked", "Problem", "fail", "ok"]

T = TypeVar("T")

# code -> (Chinese reason, whether the row is rejected)
CODES: dict[str, tuple[str, bool]] = {
    "id_missing": ("缺少身份证号，无法确认是谁，整行未导入。请补填身份证号后重新导入。", True),
    "id_bad_format": ("身份证号格式不对（应为18位，或旧的15位），整行未导入。请核对后重新导入。", True),
    "id_bad_checksum": ("身份证号校验位不对，可能抄错了某一位，整行未导入。请核对后重新导入。", True),
    "id_bad_birth_date": ("身份证号中的出生日期不存在，整行未导入。请核对后重新导入。", True),
    "id_truncated": (
        "身份证号被 Excel 存成了数字（如 1.40902E+17），后几位已丢失，无法还原，整行未导入。"
        "请把该列设为文本格式，重新填写完整号码后再导入。",
        True,
    ),
    "name_missing": ("缺少姓名，其余信息已导入。请补填姓名。", False),
    "birth_date_mismatch": ("出生日期与身份证号不一致，已按身份证号记录。请核对。", False),
    "sex_mismatch": ("性别与身份证号不一致，已按身份证号记录。请核对。", False),
    "age_mismatch": ("年龄与身份证号推算的年龄不一致，已按身份证号记录。请核对。", False),
    "date_invalid": ("日期无法识别，该项未导入，其余信息已导入。请写成 1990-01-01 或 1990年1月 这样的格式。", False),
    "phone_invalid": ("电话号码无效（手机应为11位，座机应带区号），该项未导入，其余信息已导入。请核对。", False),
    "number_invalid": ("数字无法识别，该项未导入，其余信息已导入。请只填写数字，如 3000。", False),
    "value_unknown": ("填写的内容不在可选范围内，该项未导入（原文已保留在备注信息中）。请按填表说明填写。", False),
    "value_assumed": (
        "填写的内容不够具体，已按最接近的选项导入（原文已保留在备注信息中）。请核对后按填表说明填写。",
        False,
    ),
    "certificate_unknown": ("证书名称无法识别，已按原文保存。请写出证书全称，如“叉车司机”“低压电工作业”。", False),
    "duplicate_conflict": (
        "同一人（身份证号相同）在本批数据中出现多次且内容不一致，已保留先出现的一条。请核对。",
        False,
    ),
    "duplicate_row": ("同一人（身份证号相同）在本批数据中重复出现，已合并为一人。", False),
    "household_unknown": ("无法确定所属户（缺少户编号且上方没有户主），已单独建户。请补填户编号。", False),
    "site_unknown": (
        "无法确定安置点（表中和标题中都没有写明），整行未导入。请在表中写明安置点，或导入时指定安置点。",
        True,
    ),
    "site_not_served": (
        "不属于您负责的安置点，整行未导入。请交由该安置点的工作人员或管理员导入。",
        True,
    ),
    "sheet_no_header": ("此工作表中找不到表头（姓名、身份证号等列），未导入。若此表有人员信息，请检查表头。", False),
    "credit_code_bad_format": (
        "统一社会信用代码应为18位数字或大写字母（不含 I、O、S、V、Z），该项未导入，其余信息已导入。请核对营业执照。",
        False,
    ),
    "credit_code_bad_checksum": (
        "统一社会信用代码校验位不对，可能抄错了某一位，该项未导入，其余信息已导入。请核对营业执照。",
        False,
    ),
    "title_missing": ("缺少岗位名称，整行未导入。请补填岗位名称。", True),
    "title_from_occupation": ("缺少岗位名称，已按职业（工种）填写，其余信息已导入。请核对岗位名称。", False),
    "employer_missing": ("缺少用人单位名称，整行未导入。请补填单位名称。", True),
    "pay_invalid": ("薪资无法识别，该项未导入，其余信息已导入。请写成 3000、3000-4000 或 150元/天 这样的格式。", False),
    "age_invalid": ("年龄要求无法识别，该项未导入，其余信息已导入。请写成 18-45 或 45岁以下 这样的格式。", False),
    "value_refused": ("该项不符合要求，未导入，其余信息已导入。", False),
    "posting_refused": ("该行岗位信息不符合要求，整行未导入。", True),
    "posting_repeated": ("与已有岗位相同或仅有少量改动，已更新原岗位，没有重复建岗。", False),
    "person_unknown": ("台账中找不到此身份证号的人员，整行未导入。请先导入或登记此人，再重新导入。", True),
    "start_missing": ("缺少入职（上岗）日期，整行未导入。请补填入职日期后重新导入。", True),
    "dates_reversed": ("离职日期早于入职日期，或入职日期晚于今天，整行未导入。请核对日期。", True),
    "end_invalid": (
        "离职日期无法识别，整行未导入（否则会被当作仍在岗）。请写成 2024-05-01 或 2024年5月 这样的格式。",
        True,
    ),
    "file_unreadable": ("文件无法打开或已损坏，未导入。请用 Excel 或 WPS 另存为 .xlsx 后重新导入。", True),
}


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    """A normaliser's result: ``value`` when the text was understood, else ``code`` and ``reason``.

    A value may come with a code too: then it was understood, with a warning (e.g. a mismatch).
    """

    value: T | None
    code: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


def ok(value: T) -> Checked[T]:
    return Checked(value)


def fail(code: str, detail: str | None = None) -> Checked[T]:
    """A failed check with the standard Chinese reason for ``code`` (plus ``detail`` if given)."""
    reason = CODES[code][0]
    return Checked(None, code, f"{detail}：{reason}" if detail else reason)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of one cell or row: where (sheet, 1-based row, column header), what, and why."""

    sheet: str
    row: int
    column: str | None
    value: str | None
    code: str
    reason: str

    @property
    def rejected(self) -> bool:
        return CODES.get(self.code, ("", False))[1]

    def as_dict(self) -> dict[str, Any]:
        """The problem as the import report and the ``import_problem`` table hold it."""
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "reason": self.reason,
            "rejected": self.rejected,
        }

    def __reduce__(self) -> tuple[type[Problem], tuple[Any, ...]]:
        # plain positional pickling (the slots dataclass default calls fields() per object)
        return (
            Problem,
            (
                self.sheet,
                self.row,
                self.column,
                self.value,
                self.code,
                self.reason,
            ),
        )
