"""The fields of a worker ledger (搬迁劳动力台账) that Anye understands, with their Chinese labels.

Headers in real ledgers are spelled many ways; ``ingest/data/ledger_columns.csv`` lists the spellings
(synonyms) of each field, and ``ingest.header`` maps a sheet's columns onto these names.
The labels here are the county reporting layout's headers, used by the export.
"""

from __future__ import annotations

__all__ = ["LEDGER_FIELDS", "SENSITIVE_FIELDS"]

LEDGER_FIELDS: dict[str, str] = {
    "seq": "序号",
    "anye_id": "安业编号",
    "household_number": "户编号",
    "head_name": "户主姓名",
    "relation": "与户主关系",
    "name": "姓名",
    "sex": "性别",
    "id_number": "身份证号",
    "birth_date": "出生日期",
    "age": "年龄",
    "phone": "联系电话",
    "site": "安置点",
    "origin": "迁出地",
    "origin_town": "迁出乡镇",
    "origin_village": "迁出村",
    "household_size": "家庭人口数",
    "household_category": "户类型",
    "is_lifted": "是否脱贫户",
    "is_monitored": "是否监测户",
    "education": "文化程度",
    "labour_capacity": "劳动能力",
    "health": "健康状况",
    "employment_status": "就业状态",
    "employment_place": "务工地点",
    "employer_name": "务工单位",
    "months_worked": "务工时间（月）",
    "monthly_income": "月收入（元）",
    "wish_employment": "就业意愿",
    "wish_job": "意向工种",
    "wish_place": "意向地点",
    "wish_wage": "期望月薪（元）",
    "skills": "技能特长",
    "certificates": "持证情况",
    "training_wish": "培训意愿",
    "training_trade": "已参加培训工种",
    "training_date": "培训时间",
    "training_certified": "是否取证",
    "not_working_reason": "未就业原因",
    "assistance": "帮扶措施",
    "remarks": "备注",
}

SENSITIVE_FIELDS = frozenset({"id_number", "phone"})
