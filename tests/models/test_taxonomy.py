"""Matching ledger words onto certificates and 大典 2022 occupations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from models.taxonomy import Certificate, Occupation, OccupationAlias, Taxonomy, default_taxonomy, match_key

DATA = Path(__file__).resolve().parents[2] / "models" / "data"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the data files ---------------------------------------------------------------------------------------


def test_every_colloquial_alias_names_a_fine_occupation_or_an_other_bucket() -> None:
    levels = {r["code"]: r["level"] for r in _rows("occupations.csv")}
    for row in _rows("occupation_aliases.csv"):
        assert row["code"] in levels, row
        assert levels[row["code"]] == "4" or row["code"].endswith("-99-00"), row


def test_no_certificate_spelling_belongs_to_two_certificates() -> None:
    owner: dict[str, str] = {}
    for row in _rows("certificates.csv"):
        for spelling in [row["canonical"], *row["aliases"].split("|")]:
            key = match_key(spelling)
            assert owner.setdefault(key, row["canonical"]) == row["canonical"], spelling


def test_occupation_table_has_one_row_per_code_and_names_without_markers(taxonomy: Taxonomy) -> None:
    codes = [o.code for o in taxonomy.occupations()]
    assert len(codes) == len(set(codes))
    cleaner = {o.code: o for o in taxonomy.occupations()}["4-09-08-01"]
    assert (cleaner.name, cleaner.mark, cleaner.level) == ("保洁员", "L", 4)
    assert len(taxonomy.certificates()) >= 60


# --- certificates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("电工证", "低压电工作业"),  # alias
        ("低压电工作业", "低压电工作业"),  # canonical name
        ("C1", "机动车驾驶证C1"),
        ("c1", "机动车驾驶证C1"),
        ("驾照", "机动车驾驶证C1"),
        ("ｃ１驾照", "机动车驾驶证C1"),  # full-width
        ("B2", "机动车驾驶证B2"),
        ("驾照B2", "机动车驾驶证B2"),  # the class beats the generic 驾照
        ("有C1驾照", "机动车驾驶证C1"),  # alias contained in the text
        ("特种作业操作证（电工）", "低压电工作业"),
        ("焊工证", "熔化焊接与热切割作业"),
        ("叉车", "叉车司机"),  # text contained in one certificate's aliases only
        ("厨师", "中式烹调师"),
        ("健康证", "健康证明"),
        ("道路货物运输驾驶员从业资格", "道路货物运输驾驶员从业资格证"),  # near-identical long name
    ],
)
def test_match_certificate(taxonomy: Taxonomy, text: str, canonical: str) -> None:
    assert taxonomy.match_certificate(text) == canonical


@pytest.mark.parametrize("text", ["", "无", "农民", "驾驶", "证书", "叉车操做正"])
def test_match_certificate_refuses_what_it_cannot_tell(taxonomy: Taxonomy, text: str) -> None:
    assert taxonomy.match_certificate(text) is None


# --- occupations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("电焊", "6-18-02-04"),
        ("焊工", "6-18-02-04"),
        ("开车", "4-02-02-01"),
        ("司机", "4-02-02-01"),
        ("保洁", "4-09-08-01"),
        ("厨师", "4-03-02-01"),
        ("做饭", "4-03-02-01"),
        ("保安", "4-07-05-01"),
        ("叉车", "6-30-05-01"),
        ("育婴", "4-10-01-03"),
        ("月嫂", "4-10-01-06"),
        ("养殖", "5-03-02-01"),
        ("种植", "5-01-02-01"),
        ("建筑小工", "6-29-99-00"),
        ("瓦工", "6-29-01-01"),
        ("木工", "6-06-03-01"),
        ("钢筋工", "6-29-01-04"),
        ("水电工", "6-31-01-03"),
        ("装卸", "4-02-05-01"),
        ("服务员", "4-03-02-05"),
        ("缝纫", "6-05-01-03"),
        ("电工", "6-31-01-03"),
        ("家政", "4-10-01-06"),
        ("护工", "4-14-01-02"),
        ("快递", "4-02-07-08"),
        ("外卖", "4-10-08-01"),
        ("普工", "6-31-99-00"),
        ("流水线", "6-31-99-00"),
    ],
)
def test_colloquial_words_map_to_the_right_occupation(taxonomy: Taxonomy, text: str, code: str) -> None:
    found = taxonomy.match_occupation(text)
    assert found is not None and found[0] == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中式烹调师", ("4-03-02-01", "中式烹调师")),  # 大典 name
        ("保洁员", ("4-09-08-01", "保洁员")),  # name without the L marker
        ("货运司机", ("4-02-02-02", "道路货运汽车驾驶员")),  # 大典 alias
        ("会做饭", ("4-03-02-01", "中式烹调师")),  # colloquial word contained
        ("建筑电工", ("6-31-01-03", "电工")),  # specific word beats the broad 建筑
        ("叉车驾驶员", ("6-30-05-01", "起重装卸机械操作工")),  # specific 叉车 beats broad 驾驶员
        ("设备维护工", ("6-31-01-10", "机电设备维修工")),  # not 护工
        ("中式面点师傅", ("4-03-02-02", "中式面点师")),  # 大典 name contained
        ("道路货运汽车架驶员", ("4-02-02-02", "道路货运汽车驾驶员")),  # one wrong character in nine
    ],
)
def test_match_occupation(taxonomy: Taxonomy, text: str, expected: tuple[str, str]) -> None:
    assert taxonomy.match_occupation(text) == expected


@pytest.mark.parametrize("text", ["", "无", "打工", "农民", "电汗", "老师"])
def test_match_occupation_refuses_what_it_cannot_tell(taxonomy: Taxonomy, text: str) -> None:
    assert taxonomy.match_occupation(text) is None


def test_repeated_questions_get_the_same_answer(taxonomy: Taxonomy) -> None:
    first = [taxonomy.match_occupation("会开挖机"), taxonomy.match_certificate("挖机证")]
    again = [taxonomy.match_occupation("会开挖机"), taxonomy.match_certificate("挖机证")]
    assert first == again == [("6-30-05-05", "挖掘铲运和桩工机械司机"), "挖掘机司机"]
    assert default_taxonomy() is taxonomy


def test_load_reads_another_folder(tmp_path: Path) -> None:
    (tmp_path / "certificates.csv").write_text(
        "canonical,kind,issuer,aliases\n叉车司机,特种设备作业人员证,市场监督管理部门,叉车证\n",
        encoding="utf-8",
    )
    (tmp_path / "occupations.csv").write_text(
        "level,code,name,mark,aliases\n4,6-18-02-04,焊工,,氩弧焊工\n", encoding="utf-8"
    )
    (tmp_path / "occupation_aliases.csv").write_text("alias,code,broad\n电焊,6-18-02-04,\n", encoding="utf-8")
    small = Taxonomy.load(tmp_path)
    assert small.match_certificate("叉车证") == "叉车司机"
    assert small.match_occupation("电焊") == ("6-18-02-04", "焊工")
    assert small.match_occupation("氩弧焊工") == ("6-18-02-04", "焊工")
    assert small.match_occupation("厨师") is None


def test_an_alias_to_a_missing_code_is_refused_at_load() -> None:
    welder = Occupation(4, "6-18-02-04", "焊工", "", ())
    with pytest.raises(ValueError, match="9-99-99-99"):
        Taxonomy(
            [Certificate("焊工", "职业技能等级证书", "评价机构", ())],
            [welder],
            [OccupationAlias("电焊", "9-99-99-99", False)],
        )


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("店员", "4-01-02-03"),
        ("搓澡工", "4-10-03-04"),
        ("抹灰工", "6-29-04-01"),
        ("刺绣工", "6-09-03-11"),
        ("红枣采摘工", "5-01-02-02"),
        ("黄芪采挖工", "5-01-02-05"),
    ],
)
def test_job_titles_of_local_postings_find_their_occupation(title: str, code: str) -> None:
    found = default_taxonomy().match_occupation(title)
    assert found is not None and found[0] == code
