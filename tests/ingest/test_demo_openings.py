"""Demo employers and postings: valid credit codes, realistic proportions, reproducible files, an exact key."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ingest.demo import employers as employers_module
from ingest.demo import generate_city
from ingest.demo.draw import Draw
from ingest.demo.employers import EMPLOYER_HEADERS, KINDS, is_valid_credit_code, make_credit_code, openings_data
from ingest.demo.population import City
from ingest.demo.postings import HEADERS, MISTAKES, generate_openings
from ingest.demo.sites import plan_sites

SEED = 20261128
ROOT = Path(__file__).resolve().parents[2]
KEYS = ("headcount", "salary_min", "salary_max", "salary_period", "age_min", "age_max", "gender",
        "certificates_required", "certificates_preferred", "meals", "housing")  # fmt: skip


def _city(scale: str) -> City:
    """The city's sites without its people (openings need only the sites)."""
    households = 34_434 if scale == "full" else 800
    return City(scale, SEED, plan_sites(Draw(f"{SEED}:sites"), households, small=scale == "small"), [])


def _generate(out: Path, scale: str, seed: int = SEED) -> dict[str, Any]:
    return generate_openings(out, _city(scale), scale=scale, seed=seed).key


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("openings") / "full"
    return out, _generate(out, "full")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("openings") / "small"
    return out, _generate(out, "small")


def _employers(out: Path) -> list[dict[str, str]]:
    with (out / "employers.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _sheet(out: Path) -> list[dict[str, Any]]:
    book = load_workbook(out / "postings.xlsx", read_only=True)
    try:
        ws = book[book.sheetnames[0]]
        rows = list(ws.iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[1] == HEADERS
    return [dict(zip(HEADERS, row, strict=True)) for row in rows[2:]]


def _ads(out: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (out / "ads.jsonl").read_text(encoding="utf-8").splitlines()]


def test_credit_code_check_follows_gb32100() -> None:
    assert doctest.testmod(employers_module).failed == 0
    for published in ("91350100M000100Y43", "91110000802100433B"):
        assert is_valid_credit_code(published)
    rng = Draw(1)
    for prefix in ("91", "92", "93", "54", "11"):
        code = make_credit_code(rng, prefix, "140902")
        assert is_valid_credit_code(code) and code.startswith(prefix + "140902")
        for at in range(18):  # every single mistyped character is caught
            wrong = "1" if code[at] != "1" else "2"
            assert not is_valid_credit_code(code[:at] + wrong + code[at + 1 :])


def test_same_seed_gives_the_same_bytes(small: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, key = small
    again = _generate(tmp_path / "again", "small")
    assert again == key
    for name in ("employers.csv", "postings.xlsx", "ads.jsonl"):
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert _generate(tmp_path / "other", "small", SEED + 1)["mistakes"] != key["mistakes"]
    with zipfile.ZipFile(out / "postings.xlsx") as archive:  # nothing stamped with the time of writing
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 1, 9, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2026-11-01T09:00:00Z</dcterms:modified>" in core


def test_full_scale_has_every_kind_of_employer_and_public_welfare_post(full: tuple[Path, dict[str, Any]]) -> None:
    out, key = full
    counts = key["counts"]
    assert 60 <= counts["employers"] <= 90 and 250 <= counts["postings"] <= 400
    assert set(counts["employers_by_kind"]) == set(KINDS)
    assert set(counts["public_welfare_by_category"]) == set(openings_data()["welfare"])
    assert {e["单位类型"] for e in _employers(out)} >= {"村委会", "社区居委会", "乡镇人民政府", "合作社", "扶贫工坊"}
    assert set(counts["by_pay_period"]) == {"month", "day", "hour", "piece", "year"}
    assert 0.10 <= counts["ads"] / counts["postings"] <= 0.20
    places = {row["外出务工目的地"][:2] for row in _sheet(out) if row["是否外出务工"] == "是"}
    assert {"江苏", "浙江", "广东", "北京", "天津"} <= places


def test_small_scale_still_has_public_welfare_and_out_of_area_work(small: tuple[Path, dict[str, Any]]) -> None:
    _, key = small
    counts = key["counts"]
    assert 8 <= counts["employers"] <= 12 and 20 <= counts["postings"] <= 40
    assert counts["public_welfare"] >= 1 and counts["out_of_area"] >= 1 and counts["ads"] >= 1


def test_every_credit_code_is_valid_but_the_planted_one(full: tuple[Path, dict[str, Any]]) -> None:
    out, key = full
    employers = _employers(out)
    codes = [e["统一社会信用代码"] for e in employers]
    assert len(set(codes)) == len(codes) and all(is_valid_credit_code(c) for c in codes)
    assert all(c[2:8] == e["县区代码"] for c, e in zip(codes, employers, strict=True))
    (planted,) = [m for m in key["mistakes"] if m["code"] == "credit_code_bad_checksum"]
    rows = _sheet(out)
    written = [(n, r["统一社会信用代码"]) for n, r in enumerate(rows, start=3)]
    bad = [(n, code) for n, code in written if not is_valid_credit_code(code)]
    assert bad == [(planted["row"], planted["value"])]
    assert planted["correct"] in codes


def test_planted_mistakes_are_where_the_key_says(full: tuple[Path, dict[str, Any]]) -> None:
    out, key = full
    rows = _sheet(out)
    at = {m["code"]: m for m in key["mistakes"]}
    assert tuple(at) == MISTAKES
    assert [n for n, r in enumerate(rows, start=3) if not r["岗位名称"]] == [at["title_missing"]["row"]]
    texts = [(n, r["薪资下限"]) for n, r in enumerate(rows, start=3) if isinstance(r["薪资下限"], str)]
    assert texts == [(at["pay_as_text"]["row"], at["pay_as_text"]["value"])]
    low, high = at["pay_as_text"]["value"].split("-")
    assert at["pay_as_text"]["correct"] == {"pay_min": int(low), "pay_max": int(high)}
    dup = at["duplicate_row"]
    assert rows[dup["row"] - 3] == rows[dup["of_row"] - 3] and dup["row"] > dup["of_row"]
    again, first = rows[at["reposted"]["row"] - 3], rows[at["reposted"]["of_row"] - 3]
    assert first["岗位编号"] == at["reposted"]["of"] and again["岗位编号"] == at["reposted"]["id"]
    assert (again["单位名称"], again["岗位名称"]) == (first["单位名称"], first["岗位名称"])
    assert again["岗位描述"] != first["岗位描述"] and again["截止日期"] > first["截止日期"]
    ids = Counter(r["岗位编号"] for r in rows)
    assert [i for i, n in ids.items() if n > 1] == [dup["id"]]
    # apart from the repeats, an employer never posts two jobs under one title
    titled = Counter((r["单位名称"], r["岗位名称"]) for r in rows if r["岗位名称"])
    assert sum(n - 1 for n in titled.values()) == 2


def test_rows_use_the_documented_values(full: tuple[Path, dict[str, Any]]) -> None:
    out, _ = full
    occupations = _read(ROOT / "models" / "data" / "occupations.csv")
    known = {(r["name"], r["code"]) for r in occupations}
    certificates = {r["canonical"] for r in _read(ROOT / "models" / "data" / "certificates.csv")}
    employers = {e["单位名称"] for e in _employers(out)}
    for row in _sheet(out):
        assert (row["职业（工种）"], row["职业编码"]) in known
        assert row["单位名称"] in employers
        for column in ("证书要求", "优先证书"):
            assert set((row[column] or "").split("、")) - {""} <= certificates
        assert row["计薪方式"] in ("月薪", "日薪", "时薪", "计件", "年薪")
        assert row["用工形式"] in ("全职", "兼职", "季节性", "临时", "日结")
        assert row["包吃"] in ("是", "否", None) and row["包住"] in ("是", "否", None)
        assert isinstance(row["截止日期"], dt.datetime)
        assert (row["是否外出务工"] == "是") == bool(row["外出务工目的地"])
        assert (row["公益性岗位类别"] is None) == (row["资金来源"] is None) == (row["聘期"] is None)
        assert row["招聘人数"] == "若干" or isinstance(row["招聘人数"], int)


def test_pay_is_at_shanxi_levels(full: tuple[Path, dict[str, Any]]) -> None:
    out, _ = full
    for row in _sheet(out):
        low, high = row["薪资下限"], row["薪资上限"]
        if isinstance(low, str):
            continue
        assert high is None or low <= high
        monthly = {"月薪": 1, "年薪": 12}.get(row["计薪方式"])
        if row["公益性岗位类别"]:
            assert monthly and 800 * monthly <= low <= (high or low) <= 1800 * monthly
        elif row["职业（工种）"] == "保洁员" and row["是否外出务工"] == "否":
            assert 1800 <= low <= (high or low) <= 2500
        elif row["职业（工种）"] in ("其他建筑施工人员", "砌筑工", "钢筋工", "架子工"):
            assert row["计薪方式"] == "日薪" and 200 <= low <= (high or low) <= 350
        elif row["职业（工种）"] == "电子设备装接工" and row["计薪方式"] == "月薪" and row["是否外出务工"] == "是":
            assert 5000 <= low <= (high or low) <= 7000


def test_ads_carry_labels_in_the_hold_out_format(full: tuple[Path, dict[str, Any]]) -> None:
    out, key = full
    ads = _ads(out)
    labels = {a["id"]: a["expected"] for a in key["ads"]}
    assert [a["id"] for a in ads] == list(labels)
    sheet_ids = {r["岗位编号"] for r in _sheet(out)}
    names = {e["单位名称"] for e in _employers(out)}
    board = {(True, True): ("包吃住", "包食宿", "管吃管住"), (False, False): ("食宿自理", "不包吃住")}
    for ad in ads:
        expected = labels[ad["id"]]
        assert tuple(expected) == KEYS and ad["id"] not in sheet_ids and ad["employer"] in names
        assert expected["salary_period"] in ("month", "day", "hour", "piece")
        if expected["headcount"]:
            assert str(expected["headcount"]) in ad["text"]
        if (expected["meals"], expected["housing"]) in board:
            assert any(p in ad["text"] for p in board[expected["meals"], expected["housing"]])
        if expected["gender"] == "male":
            assert "男" in ad["text"] and "男女不限" not in ad["text"]


def test_generate_city_writes_the_openings_and_their_key(tmp_path: Path) -> None:
    generate_city(tmp_path, scale="small", seed=SEED)
    key = json.loads((tmp_path / "answer_key.json").read_text(encoding="utf-8"))
    assert key["openings"]["counts"]["employers"] == len(_employers(tmp_path))
    assert len(_sheet(tmp_path)) == key["openings"]["files"]["postings"]["rows"]
    assert tuple(_employers(tmp_path)[0]) == EMPLOYER_HEADERS


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
