"""The tokenizer: what matching sees of a skills cell, a wish or a job ad."""

from __future__ import annotations

import pickle
import string
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

import jieba
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jieba import finalseg
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.tokenizer import Tokenizer
from models.taxonomy import default_taxonomy


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("持叉车证上岗", "叉车证"),
        ("招聘养老护理员2名", "养老护理员"),
        ("乡镇公益性岗位招聘公告", "公益性岗位"),
        ("帮扶车间招工，计件", "帮扶车间"),
        ("外出务工包吃住", "外出务工"),
        ("月嫂、育婴师", "月嫂"),
        ("日结，做一天结一天", "日结"),
    ],
)
def test_domain_words_stay_whole(tokenizer: Tokenizer, text: str, word: str) -> None:
    assert word in tokenizer.tokens(text)


def test_full_width_input_folds_to_half_width_lower_case(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("ＡＢＣ１２３") == ("abc123",)
    assert tokenizer.tokens("持Ｂ２驾照，会电焊") == tokenizer.tokens("持b2驾照,会电焊") == ("b2", "驾驶证", "焊工")


@pytest.mark.parametrize(
    ("words", "canonical"),
    [
        (["清洁工", "保洁员", "保洁"], "保洁"),
        (["电焊工", "电焊", "焊工"], "焊工"),
        (["叉车工", "叉车司机"], "叉车司机"),
        (["扶贫车间", "就业帮扶车间", "帮扶车间"], "帮扶车间"),
        (["包食宿", "包吃包住", "包吃住"], "包吃住"),
    ],
)
def test_synonyms_give_one_token(tokenizer: Tokenizer, words: list[str], canonical: str) -> None:
    assert {tokenizer.tokens(word) for word in words} == {(canonical,)}


def test_every_synonym_line_works_on_its_own(tokenizer: Tokenizer) -> None:
    """Each word of synonyms.csv comes out whole, not stopped, as its canonical word."""
    for synonym, canonical in tokenizer.synonyms.items():
        assert tokenizer.tokens(synonym) == (canonical,), synonym
        assert tokenizer.tokens(canonical) == (canonical,), canonical


def test_stop_words_and_ad_noise_are_dropped(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("急招普工若干名，男女不限，联系电话：138****2617") == ("普工",)
    assert tokenizer.tokens("的了和") == ()


def test_negations_stay(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("不包住，三餐自理") == ("不", "包住", "三餐", "自理")


def test_numbers_are_dropped_but_licence_classes_stay(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokens("持B2驾照或A2驾驶证，驾龄3年以上，月薪8000-9000元，招十名，三千五")
    assert "b2" in tokens and "a2" in tokens
    assert not any(char.isdigit() for token in tokens if token not in {"b2", "a2"} for char in token)
    assert "十名" not in tokens and "三千五" not in tokens
    assert "n1" in tokenizer.tokens("叉车证（N1）")


def test_stop_words_never_stop_domain_words(tokenizer: Tokenizer) -> None:
    """Occupation names, colloquial words, certificates, the hand list and synonyms are never stop words.

    The 大典's own alias lists come from job-site categories and hold ad verbs (招聘 for 招聘师): not checked.
    """
    taxonomy = default_taxonomy()
    hand = files("matcher.data").joinpath("userdict.txt").read_text(encoding="utf-8").splitlines()
    domain = {line.strip() for line in hand if line.strip() and not line.startswith("#")}
    domain |= {o.name for o in taxonomy.occupations()} | {a.alias for a in taxonomy.occupation_aliases()}
    domain |= {n.lower() for c in taxonomy.certificates() for n in (c.name, *c.aliases)}
    domain |= set(tokenizer.synonyms) | set(tokenizer.synonyms.values())
    assert not tokenizer.stop_words & domain


def test_memo_returns_equal_results(tokenizer: Tokenizer) -> None:
    text = "电焊、开车 会做饭 持叉车证"
    first = tokenizer.tokens(text)
    assert tokenizer.tokens(text) is first
    tokenizer.cache_clear()
    assert tokenizer.tokens(text) == first == ("焊工", "开车", "会做饭", "叉车证")


def test_segmented_text_feeds_rapidfuzz_token_scorers(tokenizer: Tokenizer) -> None:
    assert tokenizer.segmented("电焊、开车 会做饭") == "焊工 开车 会做饭"
    worker, ad = tokenizer.segmented("清洁工，要包吃住"), tokenizer.segmented("招聘保洁员3名，包食宿")
    assert fuzz.token_set_ratio(worker, ad) == 100


def test_analyzer_plugs_into_tfidf_and_survives_pickling(tokenizer: Tokenizer) -> None:
    ads = ["招聘叉车司机，持叉车证", "养老院招养老护理员", "帮扶车间招普工，计件"]
    vectorizer = TfidfVectorizer(analyzer=tokenizer.analyzer).fit(ads)
    assert {"叉车证", "叉车司机", "养老护理员", "帮扶车间"} <= set(vectorizer.vocabulary_)
    restored = pickle.loads(pickle.dumps(vectorizer))
    query = ["会开叉车，有叉车操作证"]
    assert (restored.transform(query) != vectorizer.transform(query)).nnz == 0
    assert vectorizer.transform(query)[0, vectorizer.vocabulary_["叉车证"]] > 0


def _global_jieba_state() -> tuple[bool, int, int, frozenset[str], int]:
    dt = jieba.dt
    return dt.initialized, len(dt.FREQ), dt.total, frozenset(finalseg.Force_Split_Words), len(dt.user_word_tag_tab)


def test_cache_cannot_be_written_builds_anyway_and_leaves_global_jieba_alone(
    tokenizer: Tokenizer, tmp_path: Path
) -> None:
    before = _global_jieba_state()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    built = Tokenizer(cache_dir=blocker / "cache")  # like a read-only checkout: the directory cannot be made
    assert built.tokens("持叉车证的养老护理员") == tokenizer.tokens("持叉车证的养老护理员") == ("叉车证", "养老护理员")
    assert _global_jieba_state() == before
    assert "叉车证" not in jieba.dt.FREQ


def test_dictionary_cache_round_trip_and_corrupt_file(tmp_path: Path) -> None:
    text = "帮扶车间招清洁工，日结"
    built = Tokenizer(cache_dir=tmp_path)
    (cache,) = tmp_path.glob("*.marshal")
    assert Tokenizer(cache_dir=tmp_path).tokens(text) == built.tokens(text) == ("帮扶车间", "保洁", "日结")
    cache.write_bytes(b"\x00garbage")
    assert Tokenizer(cache_dir=tmp_path).tokens(text) == built.tokens(text)
    assert cache.stat().st_size > 1_000_000  # rewritten


def test_concurrent_calls_agree_with_sequential_ones(tokenizer: Tokenizer) -> None:
    texts = [f"{a}、{b}" for a in ("电焊", "保洁员", "叉车证", "月嫂", "普工") for b in ("日结", "包吃住", "B2驾照")]
    texts = texts * 40
    tokenizer.cache_clear()
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(tokenizer.tokens, texts))
    fresh = Tokenizer(memo_size=0)
    assert parallel == [fresh.tokens(text) for text in texts]


@given(text=st.text())
def test_tokens_never_fail_and_are_clean_words(tokenizer: Tokenizer, text: str) -> None:
    tokens = tokenizer.tokens(text)
    assert isinstance(tokens, tuple)
    assert all(token and not any(char.isspace() for char in token) for token in tokens)


_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in string.printable if "!" <= c <= "~"}


@given(text=st.text(alphabet=string.ascii_letters + string.digits + "，、 电焊工叉车证保洁员月嫂日结"))
def test_full_width_spelling_gives_the_same_tokens(tokenizer: Tokenizer, text: str) -> None:
    assert tokenizer.tokens(text.translate(_FULL_WIDTH)) == tokenizer.tokens(text)
