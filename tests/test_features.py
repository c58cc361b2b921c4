"""Normalization and tokenization: both scripts give the same tokens; rjieba equals jieba."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import opencc
import pytest
from conftest import ROOT

from pipeline.features import SentenceActors
from pipeline.segment import segment_text
from pipeline.text import (
    HONG_KONG_VARIANTS,
    Normalizer,
    Tokenizer,
    load_lexicon,
    read_word_list,
    tokenize,
)


@pytest.fixture(scope="module")
def seed_body(seed_text: str) -> list[str]:
    return [p.text for p in segment_text("seed", seed_text) if p.kind == "body"]


@pytest.fixture(scope="module")
def user_words() -> tuple[str, ...]:
    return read_word_list(ROOT / "configs" / "userdict.txt")


@pytest.mark.parametrize("conversion", ["t2s", "s2twp"])
def test_both_scripts_give_the_same_tokens(seed_body: list[str], conversion: str,
                                           user_words: tuple[str, ...]) -> None:
    tok = Tokenizer(backend="rjieba", user_words=user_words)
    convert = opencc.OpenCC(conversion).convert
    same = sum(tok(text) == tok(convert(text)) for text in seed_body)
    assert same / len(seed_body) >= 0.95, f"{same} of {len(seed_body)}"


def test_taiwan_vocabulary_maps_back() -> None:
    tok = Tokenizer(backend="jieba")
    assert tok("社群網格員入戶排查,及時上報資訊") == tok("社区网格员入户排查,及时上报信息")
    assert "社区" in tok("社群網格員入戶排查")


def test_rjieba_gives_jieba_tokens_on_the_corpus(seed_body: list[str],
                                                 user_words: tuple[str, ...]) -> None:
    written = []
    for path in sorted((ROOT / "corpus" / "written").glob("*.jsonl")):
        written += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    texts = seed_body + written
    # A Tokenizer cuts what its normalizer makes of a text; both have the same normalizer, which
    # knows no user words: each text is normalized once, for the four tokenizers.
    normalize = Normalizer()
    normalized = [normalize(t) for t in texts]
    for words in ((), user_words):
        reference = Tokenizer(backend="jieba", user_words=words)
        fast = Tokenizer(backend="rjieba", user_words=words)
        assert reference.normalizer == fast.normalizer == normalize
        differ = [t for t, n in zip(texts, normalized, strict=True)
                  if reference.cut(n) != fast.cut(n)]
        assert differ == [], differ[:3]


def test_dictionary_runs_are_the_ones_of_jiebas_dictionary() -> None:
    import jieba

    from pipeline.text import _ASCII_RUN, DICTIONARY_RUNS, _jieba_pieces

    path = Path(jieba.__file__).parent / "dict.txt"
    words = (line.split(" ")[0] for line in path.read_text("utf-8").splitlines())
    cut = {w for w in words if len(w) > 1 and _ASCII_RUN.fullmatch(w.lower())
           and _jieba_pieces(w.lower()) != [w.lower()]}
    assert cut == DICTIONARY_RUNS


def test_a_token_is_kept_with_a_letter_digit_or_underscore_and_mended_only_as_a_latin_run(
) -> None:
    tok = Tokenizer(stop_words=["的"])
    kept = ["医院", "covid", "0", "٣", "_", "a,", "—a", "社群", "x社"]
    assert [tok.map_token(t) for t in kept] == ["医院", "covid", "0", "٣", "_", "a,", "—a", "社区",
                                                "x社"]
    assert [tok.map_token(t) for t in ["的", "，", "——", " ", "\n", "(", "%"]] == [""] * 7
    # Only a run of Latin letters, digits and +#&._%- that jieba cuts is mended.
    assert tok.jieba_pieces("www.gov.cn") == ["www", ".", "gov", ".", "cn"]
    whole = ["医院", "c++", "0.0%", "x社", "社.cn", "ｗｗｗ.cn"]
    assert [tok.jieba_pieces(t) for t in whole] == [None] * len(whole)


def test_a_run_is_cut_as_jieba_cuts_it_whatever_else_is_in_the_text() -> None:
    # rjieba keeps runs like covid-19 whole and jieba cuts them; dictionary words like c++ stay
    # whole in both. Whether a token is cut must not depend on the other texts of a batch.
    texts = ["社區網格員用C++和c#開發的小程序登記", "新冠肺炎(COVID-19)疫情", "AT&T公司捐贈",
             "訪問www.gov.cn網站", "我的c++程序",
             # ideographs beyond jieba's range of Chinese (extension A, B, compatibility)
             "a-㗎", "冇-𠮶", "www.𠮶", "第5.𠮶", "&㐀", "﨑-", "佢哋喺𠮶度排隊,醫院-㗎好"]
    reference = Tokenizer(backend="jieba")
    fast = Tokenizer(backend="rjieba")
    alone = [fast(t) for t in texts]
    assert alone == [reference(t) for t in texts]
    assert "c++" in alone[0] and "c#" in alone[0] and "c++" in alone[4]
    assert "covid" in alone[1] and "covid-0" not in alone[1]
    batch: list[list[str]] = [[]]
    for token in fast.cut_raw(fast.normalize_many(texts)[0]):  # one call: a "\n" between texts
        batch.append([]) if token == "\n" else batch[-1].append(token)
    assert batch == [fast.cut_raw(fast.normalizer(t)) for t in texts]


def test_normalizer_folds_width_script_and_numbers() -> None:
    norm = Normalizer()
    assert norm("１月２８日，醫院收治３名患者") == norm("1月28日,医院收治3名患者")
    assert norm("2020年1月28日") == "0年0月0日"
    assert Normalizer(fold_numbers=False)("2020年") == "2020年"


def test_a_line_break_inside_a_paragraph_cuts_no_chinese_word() -> None:
    # A paragraph of a text's wrapped lines joined (segment.join_wrapped) holds their line
    # breaks: one falls inside a word (疫 / 情) wherever the wrap fell, and cut it in two
    # tokens. Between Chinese characters it goes, with the blanks around it; elsewhere it is a
    # space, which keeps words of Latin letters apart.
    norm = Normalizer()
    assert norm("各村開展疫\n情排查，\r\n  登記外來人員。") == "各村开展疫情排查,登记外来人员。"
    assert norm("佩戴N95\n口罩。Hong\r\nKong") == "佩戴n0 口罩。hong kong"
    tok = Tokenizer(backend="jieba")
    assert tok("各村开展疫\n情排查") == tok("各村开展疫情排查") == ["各村", "开展", "疫情", "排查"]
    # Many texts at once: each as alone, the line breaks between them kept.
    assert tok.normalize_many(["开展疫\n情排查", "醫院收治"], each=True) == (
        "开展疫情排查\n医院收治", ["开展疫情排查", "医院收治"])
    # A text without a line break is untouched by it.
    assert norm("社区　網格員,COVID-19") == norm.normalize_lines("社区　網格員,COVID-19") == (
        "社区 网格员,covid-0")


def test_hong_kong_standard_forms_fold_as_their_simplified_words() -> None:
    # Hong Kong writes 衞 where Taiwan writes 衛; t2s keeps it, so 衞生署 cut as 衞/生/署.
    norm = Normalizer()
    assert norm("衞生防護中心與食物及衞生局") == norm("衛生防護中心與食物及衛生局") == (
        "卫生防护中心与食物及卫生局")
    assert Normalizer(conversion="none")("衞生署") == "衞生署"
    assert "卫生署" in Tokenizer(backend="jieba")("衞生署今日公布")


def test_taiwans_zhu_for_the_particle_zhe_is_kept_by_t2s_and_converted_by_tw2sp() -> None:
    # The README said the same paragraph in either script and either vocabulary gives the same
    # tokens; Taiwan's standard writes 著 for the particle 着, which t2s keeps (著 is a word of
    # Simplified too: 显著, 著名), and 亮著灯 is then one token. "Both scripts" says so now.
    taiwan = "護士的護目鏡上蒙著一層水汽，走廊裡依然亮著燈。"
    mainland = "护士的护目镜上蒙着一层水汽，走廊里依然亮着灯。"
    assert opencc.OpenCC("s2tw").convert(mainland) == taiwan
    default = Tokenizer(backend="jieba")
    assert "亮著灯" in default(taiwan) and "亮着灯" not in default(mainland)
    by_phrase = Tokenizer(backend="jieba", normalizer=Normalizer(conversion="tw2sp"))
    assert by_phrase(taiwan) == by_phrase(mainland) == default(mainland)


def test_the_hong_kong_variant_table_is_what_opencc_hk2s_adds_to_t2s() -> None:
    import opencc

    to_simplified, from_hong_kong = opencc.OpenCC("t2s"), opencc.OpenCC("hk2s")
    ideographs = "".join(map(chr, [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]))
    pairs = zip(ideographs, to_simplified.convert(ideographs), from_hong_kong.convert(ideographs),
                strict=True)
    differ = {c: h for c, t, h in pairs if t != h}
    assert differ == HONG_KONG_VARIANTS


def test_a_number_of_digits_joined_by_single_hyphens_folds_to_one_zero() -> None:
    # Phone numbers, dates and ranges are one number; a double hyphen or one at an end joins
    # nothing; digits of other scripts (Arabic-Indic ٣٤, Devanagari ५) are digits too.
    norm = Normalizer()
    assert norm("電話05-5348810，2020-02-10至1-2-3日") == "电话0,0至0日"
    assert norm("1--2，-3-，x7y，٣٤-५") == "0--0,-0-,x0y,0"
    assert norm("第1期") == "第0期" and norm("12") == "0" and norm("年-") == "年-"


def test_pinyin_glosses_a_converter_wrote_cut_no_word() -> None:
    # Seen on real pages: a converter glossed some characters (發(fā)布, 醫(yī)院), which cut the
    # words they stand in. Brackets of other kinds stay.
    glossed = ("社區(qū)工作人員陸續(xù)發(fā)布通知，送醫(yī)院檢測（COVID-19）(記者 張三)，"
               "強(qiáng)調(diào)長(zhǎng)期咖啡(café)")
    norm = Normalizer()
    assert norm(glossed) == norm("社區工作人員陸續發布通知，送醫院檢測（COVID-19）(記者 張三)，"
                                 "強調長期咖啡(café)")
    assert norm(glossed).endswith("咖啡(café)")  # café is no syllable of pinyin
    # Nor née or où (a tone on the wrong vowel); a capital, or a gloss after a character of
    # extension B, is one.
    assert norm("玛丽(née)在(où)") == "玛丽(née)在(où)"
    assert norm("發(Fā)布𠀀(fā)") == norm("發布𠀀")
    tokens = Tokenizer(backend="jieba")(glossed)
    assert {"社区", "发布", "医院"} <= set(tokens) and "qū" not in tokens


def test_pinyin_glosses_without_a_tone_mark_or_with_combining_marks_are_dropped() -> None:
    # A converter writes the neutral tone without a mark (們(men)), and text written decomposed
    # has its tone marks as combining characters after the vowel (a + U+0304).
    norm = Normalizer()
    plain = "社區工作人員們發布通知，綠色通道"
    assert norm("社區(qu\u0304)工作人員們(men)發(fa\u0304)布通知，綠(lu\u0308\u0300)色通道") == (
        norm(plain))
    assert norm("社區(qū)工作人員們(men)發布通知，綠(lǜ)色通道") == norm(plain)
    # A list's (a), a capital word (Men) and an English word that is no syllable stay.
    assert norm("方案(a)和(Men)及(app)") == "方案(a)和(men)及(app)"
    tokens = Tokenizer(backend="jieba")("我們(men)發(fa\u0304)布通知")
    assert "发布" in tokens and "men" not in tokens


def test_stop_words_and_punctuation_are_dropped() -> None:
    tok = Tokenizer(backend="jieba", stop_words=["的"])
    tokens = tok("市委的部署,“堅決”打贏!")
    assert "的" not in tokens
    assert not any(t in {",", "“", "”", "!"} for t in tokens)


def test_tokenizer_is_picklable_and_keeps_its_words(user_words: tuple[str, ...]) -> None:
    tok = Tokenizer(backend="rjieba", user_words=user_words, stop_words=["的"])
    clone = pickle.loads(pickle.dumps(tok))
    text = "網格員開展網格化管理的摸排工作"
    assert clone(text) == tok(text)
    assert pickle.loads(pickle.dumps(tokenize))("醫護人員") == tokenize("醫護人員")


def test_module_level_tokenize_is_script_blind() -> None:
    expected = ["医护人员", "驰援", "武汉"]
    assert tokenize("醫護人員馳援武漢") == tokenize("医护人员驰援武汉") == expected


def test_fast_counts_equal_scikit_learn_counts(seed_body: list[str],
                                               user_words: tuple[str, ...]) -> None:
    from pipeline.features import Prepare, WordsWithContext

    prepared = Prepare(Tokenizer(user_words=user_words)).transform(
        [{"text": t} for t in seed_body])
    half = len(prepared) // 2
    words = WordsWithContext(ngram_range=(1, 3), min_df=1).fit(prepared[:half])
    docs = [p["words"] for p in prepared]  # the second half has unseen n-grams
    fast = words.counts(docs)
    reference = words.counter_.transform(docs)
    assert fast.shape == reference.shape
    assert (fast != reference).nnz == 0
    assert fast.nnz > 0


@pytest.mark.parametrize("min_df", [1, 2])
def test_fit_transform_gives_fit_then_transform(seed_body: list[str],
                                                user_words: tuple[str, ...], min_df: int) -> None:
    # fit_transform counts the paragraphs once (in fitting) where fit().transform() counts them
    # twice; the matrices must be the same, entry for entry and in the same order, or the
    # model trained would change.
    from pipeline.features import Prepare, WordsWithContext

    records = [{"text": t, "heading": f"第{i % 3}部分", "title": "疫情防控",
                "section": str(i // 4)} for i, t in enumerate(seed_body)]
    prepared = Prepare(Tokenizer(user_words=user_words)).transform(records)
    params = {"ngram_range": (1, 2), "min_df": min_df, "heading_weight": 0.5,
              "title_weight": 1.0, "section_weight": 0.3}
    once = WordsWithContext(**params).fit_transform(prepared)
    twice = WordsWithContext(**params).fit(prepared).transform(prepared)
    assert once.shape == twice.shape and once.nnz == twice.nnz > 0
    for part in ("indptr", "indices", "data"):
        assert getattr(once, part).tolist() == getattr(twice, part).tolist(), part


@pytest.fixture(scope="module")
def actors() -> SentenceActors:
    themes = ["leadership", "grassroots", "medical", "public_participation"]
    words = load_lexicon(ROOT / "configs" / "actors.yaml", themes)
    return SentenceActors(words, Normalizer()).fit([])


def _shares(actors: SentenceActors, text: str) -> dict[str, float]:
    row = actors.transform([{"chars": Normalizer()(text)}]).toarray()[0]
    return {t: round(float(v), 3) for t, v in zip(actors.themes_, row, strict=True) if v}


def test_sentence_actors_count_whose_sentences_they_are(actors: SentenceActors) -> None:
    # Two of three sentences are led by a hospital, one by the city committee; the words inside
    # a sentence (患者 after 医院) do not count.
    text = "市委召开常委会议，研究部署救治工作。医院收治患者12人。医院开设发热门诊！"
    assert _shares(actors, text) == {"leadership": 0.333, "medical": 0.667}
    # A sentence without any actor still counts in the share.
    assert _shares(actors, "社区网格员入户排查。天气很冷。") == {"grassroots": 0.5}
    assert _shares(actors, "天气很冷。") == {}
    assert _shares(actors, "") == {}


def test_sentence_actors_take_the_longest_word_and_either_script(actors: SentenceActors) -> None:
    # 村民 (villagers: the public) is longer than 村 (the village: grassroots).
    assert _shares(actors, "村民自发捐款两万元。") == {"public_participation": 1.0}
    assert _shares(actors, "村干部在卡点值守。") == {"grassroots": 1.0}
    simplified = "县卫生健康局派出医疗队。企业捐赠口罩；志愿者送菜上门。"
    traditional = opencc.OpenCC("s2twp").convert(simplified)
    assert _shares(actors, simplified) == _shares(actors, traditional)
    assert actors.get_feature_names_out().tolist() == [
        "actors:leadership", "actors:grassroots", "actors:medical", "actors:public_participation"]


def test_rjieba_loads_without_its_default_dictionary() -> None:
    """The segmenter loads rjieba's compiled module alone (its package builds an unused default
    dictionary on import); a later ``import rjieba`` still works and cuts the same."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pipeline.text import Tokenizer\n"
        "tokens = Tokenizer(backend='rjieba')('社區網格員入戶排查')\n"
        "print('rjieba' in sys.modules, tokens)\n"
        "import rjieba\n"
        "print(rjieba.cut('社区网格员入户排查') == Tokenizer(backend='rjieba').cut_raw("
        "'社区网格员入户排查'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split("\n")
    assert out[0] == "False " + str(tokenize("社區網格員入戶排查", backend="jieba"))
    assert out[1] == "True"
