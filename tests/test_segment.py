"""Segmentation on the real seed and on held-out documents in other formats."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from conftest import HELDOUT

from pipeline import segment
from pipeline.config import Config
from pipeline.corpus import text_sha1
from pipeline.output import load_schema
from pipeline.reading import read_document
from pipeline.segment import KINDS, segment_text, wrapped_width
from pipeline.stages import segment_file


def test_offsets_slice_back_to_text(seed_text: str) -> None:
    paragraphs = segment_text("seed", seed_text)
    assert paragraphs
    for p in paragraphs:
        assert seed_text[p.start : p.end] == p.text
        assert p.text == p.text.strip()
    ends = [(p.start, p.end) for p in paragraphs]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends))
    assert [p.index for p in paragraphs] == list(range(len(paragraphs)))
    assert all(p.id == f"seed:{p.index}" for p in paragraphs)


def test_kinds_are_the_ones_the_output_schema_allows(seed_text: str) -> None:
    """The labelled JSON's contract lists the segmenter's kinds, and the seed uses each one."""
    schema = load_schema()
    assert schema["$defs"]["paragraph_fields"]["properties"]["kind"]["enum"] == list(KINDS)
    assert {p.kind for p in segment_text("seed", seed_text)} == set(KINDS)


def test_every_article_of_the_seed_with_its_title(seed_text: str) -> None:
    paragraphs = segment_text("seed", seed_text)
    titles = {}
    for p in paragraphs:
        if p.kind == "body":
            titles.setdefault(p.article, p.article_title)
    assert list(titles) == ["01", "02", "03", "04", "06", "07"]
    assert titles["02"] == "湘潭市:戰“疫”,我們萬眾一心"
    assert titles["04"] == "益陽市:一場眾志成城的鬥爭"
    assert titles["07"].startswith("高擎鮮紅黨旗 匯聚磅礴力量")
    assert "--台州市" in titles["07"]  # the subtitle joins the title
    front = [p for p in paragraphs if p.article is None]
    assert [p.kind for p in front] == ["boilerplate"] * len(front)


def test_kinds_match_the_hand_labels(seed_text: str, seed_labels: list[dict]) -> None:
    expected = {label["sha1"]: label["kind"] for label in seed_labels}
    paragraphs = segment_text("seed", seed_text)
    got = {text_sha1(p.text): p.kind for p in paragraphs}
    assert got == expected
    body = [p for p in paragraphs if p.kind == "body"]
    assert len(body) == sum(1 for label in seed_labels if label["kind"] == "body")


def test_headings_are_context_for_the_paragraphs_under_them(seed_text: str) -> None:
    paragraphs = segment_text("seed", seed_text)
    under = [p for p in paragraphs if p.heading == "三、充分發揮基層黨組織戰鬥堡壘作用"]
    assert [p.kind for p in under] == ["body", "heading"]  # the next heading starts a section
    assert under[0].text.startswith("全市各級基層黨組織")
    assert under[1].text == "四、充分發揮廣大黨員先鋒模範作用"
    # A new article resets the section heading.
    first_of_02 = next(p for p in paragraphs if p.article == "02" and p.kind == "body")
    assert first_of_02.heading is None


def test_boilerplate_of_the_seed(seed_text: str) -> None:
    kinds = {p.text: p.kind for p in segment_text("seed", seed_text)}
    assert kinds["可可簡歷網"] == "boilerplate"
    assert kinds["位置:首頁\xa0>\xa0熱點\xa0>\xa0工作經歷"] == "boilerplate"
    assert kinds["(7篇)疫情防控經驗材料、綜述"] == "boilerplate"
    assert kinds["01"] == "boilerplate"
    assert kinds["……"] == "boilerplate"
    assert kinds["南充抗疫一線,黨旗高高飄揚。"] == "body"
    assert kinds["“我是黨員,應該衝到第一線。”"] == "body"


def _body_texts(text: str) -> list[str]:
    return [p.text for p in segment_text("d", text) if p.kind == "body"]


def test_every_paragraph_separator_gives_the_same_paragraphs(seed_text: str) -> None:
    reference = _body_texts(seed_text)
    lines = [line.strip() for line in seed_text.splitlines() if line.strip()]
    variants = {
        "single newlines": "\n".join(lines),
        "crlf blank lines": "\r\n\r\n".join(lines),
        "full-width indentation": "\n".join("\u3000\u3000" + line for line in lines),
        "nbsp around": "\n".join("\xa0" + line + "\xa0\xa0" for line in lines),
        "carriage returns": "\r".join(lines),
    }
    for name, text in variants.items():
        assert _body_texts(text) == reference, name


def test_indentation_inside_a_line_starts_a_paragraph() -> None:
    text = "\u3000\u3000第一段講市委部署。\u3000\u3000第二段講社區排查。\u3000\u3000第三段。"
    paragraphs = segment_text("d", text)
    assert [p.text for p in paragraphs] == ["第一段講市委部署。", "第二段講社區排查。", "第三段。"]
    assert all(text[p.start : p.end] == p.text for p in paragraphs)


def test_a_very_long_line_is_cut_at_sentence_ends(seed_text: str) -> None:
    body = "".join(_body_texts(seed_text)) * 3
    paragraphs = segment_text("d", body, max_paragraph_chars=500)
    assert len(paragraphs) > len(body) // 500
    assert all(len(p.text) <= 500 for p in paragraphs)
    assert all(body[p.start : p.end] == p.text for p in paragraphs)
    ends = sum(p.text.endswith(("。", "!", "?", "”", ";")) for p in paragraphs)
    assert ends >= 0.9 * len(paragraphs)


def test_a_cut_never_leaves_a_piece_of_punctuation_only() -> None:
    # A paragraph one character over the limit, with no sentence end before its last, was cut
    # at the limit: its final 。 stood alone, a paragraph of its own (boilerplate). One whose
    # 。 fell inside the limit left its closing quote alone. The marks stay with the piece
    # before; a cut that leaves words after it, and one at a sentence end, stay as they were.
    words = ("社区志愿者每天为居家隔离的居民送菜上门" * 30)[:500]
    for text in (f"{words}。", f"“{words[:498]}。”", f"{words}。”）", f"{words}！😀"):
        paragraphs = segment_text("d", text, max_paragraph_chars=500)
        assert [(p.kind, p.start, p.end) for p in paragraphs] == [("body", 0, len(text))], text[-3:]
    cut = segment_text("d", f"{words}好。", max_paragraph_chars=500)
    assert [p.text for p in cut] == [words, "好。"]
    sentences = ("居民们自觉戴口罩。" * 60)[:495] + "志愿者们上门。"
    cut = segment_text("d", sentences, max_paragraph_chars=500)
    assert [len(p.text) for p in cut] == [495, 7]
    assert all(sentences[p.start : p.end] == p.text for p in cut)


def test_cutting_a_long_line_looks_at_each_character_a_few_times(
        seed_text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each cut looked for invisible characters from the cut to the line's end: cutting a line
    # of n characters every 500 looked at about n * n / 1000 of them (a 200 MB line: hours).
    # Now a cut looks at its own window.
    line = "".join(_body_texts(seed_text)) * 20
    looked = []
    has_invisible = segment._has_invisible

    def counted(text: str, start: int = 0, end: int | None = None) -> bool:
        looked.append((len(text) if end is None else end) - start)
        return has_invisible(text, start, end)

    monkeypatch.setattr(segment, "_has_invisible", counted)
    paragraphs = segment_text("d", line, max_paragraph_chars=500)
    assert len(paragraphs) > len(line) // 500
    assert sum(looked) < 3 * len(line)
    assert all(line[p.start : p.end] == p.text for p in paragraphs)


@pytest.mark.parametrize("mark", ["\u200b", "\u00ad", "\u200e", "\U000e0100", "\U0001d173"])
def test_invisible_characters_do_not_count_toward_a_paragraphs_length(seed_text: str,
                                                                      mark: str) -> None:
    # A zero-width space after each character (a copy guard) doubled a line's length as
    # max_paragraph_chars counted it: lines half as long were cut, mid-paragraph, although
    # kinds and features see the text without them. Shown, the text is the same: so are its cuts.
    # (Invisible characters beyond the Basic Multilingual Plane are looked for apart.)
    body = "".join(_body_texts(seed_text)) * 3
    for plain in (body, f"{body[:450]}\n{body[450:1500]}"):  # a line of 450: not cut
        text = "".join(c + mark if "\u4e00" <= c <= "\u9fff" else c for c in plain)
        expected = [(p.kind, p.text) for p in segment_text("d", plain, max_paragraph_chars=500)]
        got = segment_text("d", text, max_paragraph_chars=500)
        assert len(expected) > 1
        assert [(p.kind, segment.INVISIBLE.sub("", p.text)) for p in got] == expected
        assert all(text[p.start : p.end] == p.text for p in got)


def test_invisible_characters_are_found_alike_with_numpy_loaded_or_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # classify has NumPy loaded and looks each character up in a table, a part of the text at a
    # time; segment, without it, searches with regular expressions: the same answers, near each
    # range's bounds, beyond the plane, past the first part of a long text; the same paragraphs.
    import sys

    import numpy  # noqa: F401  (loaded, as in classify)

    marks = [chr(c) for first, last in segment.INVISIBLE_RANGES
             for c in (first - 1, first, last, last + 1)]
    texts = [f"市委召开会议{mark}，部署防控。" for mark in [*marks, "😀", "\U00020000"]]
    part = segment._TABLE_PART
    texts += ["医" * part + "\u200b", "医" * part + "院", ""]
    ranges = [(text, start, end) for text in texts[:3] for start, end in ((0, 6), (6, 7), (7, 9))]
    path = tmp_path / "marks.txt"
    path.write_text("\n\n".join(texts[:-3]), "utf-8")

    def found() -> tuple[list[bool], list[bool], list[tuple[str, str]]]:
        return ([segment._has_invisible(text) for text in texts],
                [segment._has_invisible(*r) for r in ranges],
                [(p.kind, p.text) for p in segment_file(path, Config()).paragraphs])

    with_numpy = found()
    assert with_numpy[0].count(True) == sum(first <= ord(m) <= last for m in marks
                                            for first, last in segment.INVISIBLE_RANGES) + 1
    monkeypatch.delitem(sys.modules, "numpy")
    assert found() == with_numpy


def test_heldout_documents_in_other_formats() -> None:
    """Eight documents with single newlines, CRLF, indentation, NBSP, bylines, repeated titles."""
    labels: dict[str, dict[str, str]] = {}
    for line in (HELDOUT / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        labels.setdefault(label["document"], {})[label["sha1"]] = label["kind"]
    files = sorted(HELDOUT.glob("*.txt"))
    assert len(files) == 8
    for path in files:
        document = read_document(path)
        got = {text_sha1(p.text): p.kind for p in segment_text(document.id, document.text)}
        assert got == labels[document.id], path.name


def test_empty_and_blank_text() -> None:
    assert segment_text("d", "") == []
    assert segment_text("d", " \n\u3000\u3000\n\xa0\r\n") == []


def test_lines_and_pieces_are_stripped_of_the_same_white_space() -> None:
    """Lines are found stripped by a regex, cut pieces by _strip_span: the same characters."""
    every = "".join(map(chr, range(0x110000)))
    by_regex = re.sub(segment._KEPT, "", every)
    assert by_regex == "".join(ch for ch in every if segment._strip_span(ch, 0, 1) == (1, 1))


def test_config_patterns_add_boilerplate() -> None:
    text = "市委召開會議,部署疫情防控工作。\n\n本文轉自某公眾號,侵刪。"
    plain = segment_text("d", text)
    assert [p.kind for p in plain] == ["body", "body"]
    custom = segment_text("d", text, boilerplate_patterns=[r"侵刪"])
    assert [p.kind for p in custom] == ["body", "boilerplate"]



def test_config_patterns_apply_to_long_prose_lines() -> None:
    notice = "本文由某某公眾號授權轉載,內容僅供參考,不代表本站觀點,如有侵權請與本站聯繫刪除。" * 3
    custom = segment_text("d", f"市委召開會議,部署疫情防控工作。\n{notice}",
                          boilerplate_patterns=[r"侵權請"])
    assert [p.kind for p in custom] == ["body", "boilerplate"]


# A line of each kind of furniture that can end a line with anything but a full stop.
OPEN_END_FURNITURE = [
    "原标题：武汉封城", "人民网", "2020/4/28 12:54（4/30 08:42 更新）", "记者 张三 整理",
    "2020-2-7 05:48:58 评论(0)", "某某镇人民政府  2020年2月4日", "2020-12-22 某某新聞",
    "中视新闻 | 2020/02/04", "来自某某公众号", "新华社记者 张三 李四", "大陆中心/陈某某报导",
    "文／某某", "市民在排队（记者张三摄）", "张三（左）", "微信图片_20200311153950.jpg",
    "QQ图片20200131102651_副本", "志愿者在街头。路透社", "各乡镇人民政府，县政府各部门：",
    "尊敬的市民朋友们：", "各社区：", "尊敬的各位：", "行政院發言人：○○○", "關鍵詞：",
    "109年3月26日", "中華民國109年2月20日府衛疾字第1090041234號函訂定",
    "完", "香港時間20時15分", "主席：", "二零二零年二月四日", "某镇服务热线：23229985，23303789",
    "县防控办8291234、8291235",
    "以下是他的自述：", "下稿代醫院管理局發出：", "縣長前往超商瞭解口罩配送。(縣政府提供/某某傳真)",
    "醫院的清潔工每天要多次清理院內的洗手間，穿著全套保護衣工作，十五分鐘後面罩已全是霧氣。" * 3
    + "（某某攝）",
    "親愛的弟兄姊妹：", "Dear Parents,", "和新村村干部 廖某某：", "周五：黃昏6:30至晚上9:30",
    "捐贈呼吸器給捷克。圖/外交部提供", "書記在小區門口值守。 新华社记者 张某 摄",
    "請配戴口罩。(陳某某/大紀元)", "習近平會見譚德塞。(Reuters)",
    "機台已交機。示意圖。(資料照,取自「某某」臉書粉專)", "長者安心外出。(某某fb)",
    "图为环卫工人喷洒消毒液。(记者 某某)", "某某傳媒綜合報導",
    "图配某某捐赠口罩(2)-20200203120501.png",
    "昨日,某某社区,机关党员干部随社区工作人员走访登记。/某某日报记者王某某摄", "年2月13日",
    "廣東決定啟動一級響應(Shutterstock圖片)",
    "單日出院人數再創新高。這是部分出院患者在醫院合影。 本报记者 王某 摄",
    "編輯 隋昊志 報導", "【菲律賓世界日報專訊】", "2020年08月04日 • 3萬次閱讀",
    "admin 發表於 週一, 02/10/2020 - 21:44", "March 5, 2020 by Hao Yi Xu Leave a Comment",
    "填寫網址:https://forms.gle/H1vvQbd2WSPRBZpXA", "关键词:一线抗疫群英谱,石家庄,疫情",
    "By Carolina Franco", "at 2020-03-23T10:44", "阅读 10万+", "文章图片",
    "subtitle 中国经济周刊02-14 20:07 跟贴 198 条",
    "【新華社北京2月3日電】", "相关阅读：", "Ends/Monday, February 10, 2020", "Issued at HKT 21:30",
    "（责任编辑：王某）", "Source: Xinhua", "Share this:", "阅读原文", "- END -",
    "某某报记者 王某某  来源:某某报  ( 2020年02月18日   03 版)",
    "出版：2020-01-25 16:04 更新：2020-01-25 17:10",
    "李某某/某某新闻",
    "Yours sincerely,",


    "文字：夏某某",


    "文字：夏某某", "一般公告 / 張貼者 某某組長",


    "文字：夏某某", "一般公告 / 張貼者 某某組長", "各位親愛的家長您好：", "親愛的某某堂會友,",
    "Department :COPosted Date : 02/02/2020",
    "Volunteers (first from left) hand out masks in the street Source: Supplied",
]


def test_furniture_not_tried_on_a_line_ending_with_a_full_stop_cannot_end_with_one() -> None:
    """A line that ends with 。！？!? is not tried on the patterns of _BOILERPLATE_OPEN_END (most
    of the time of trying them): none of them may match such a line. Each is written for lines
    like its example here, and matches none of them with a full stop after it."""
    patterns = [re.compile(p) for p in segment._BOILERPLATE_OPEN_END]
    for pattern in patterns:
        assert any(pattern.search(line) for line in OPEN_END_FURNITURE), pattern.pattern
    for line in OPEN_END_FURNITURE:
        assert segment_text("d", line)[0].kind == "boilerplate"
        for stop in segment._FULL_STOPS:
            assert not any(p.search(line + stop) for p in patterns), line + stop


def test_original_title_line_is_furniture_but_not_the_text_glued_to_it() -> None:
    """``原标题：…`` repeats a title; a schedule line that names a time is still a heading, and a
    page that glued the original title to the first paragraph keeps that paragraph as body."""
    text = ("县里防疫工作再加力\n原标题：县里防疫工作再加力\n开工时间：1月25日\n工人们连夜施工。\n"
            "原标题：某县援鄂医疗队的日记：去超市买日用品昨天晚上，医疗队员已抵达武汉。他们以日记记下每一天。")
    assert [p.kind for p in segment_text("d", text)] == [
        "heading", "boilerplate", "heading", "body", "body"]


def test_news_page_furniture() -> None:
    """Publication stamps, bylines, photo captions, a notice's or a letter's addressees, closing
    formulas and reprint notices carry no theme; a chronology's dated entries are body text even
    without a final stop."""
    lines = {
        "县里防疫工作再加力": "heading",
        "2020-02-03 10:15:20 来源：某某融媒体中心 作者：张三": "boilerplate",
        "本报记者 李四 通讯员 王五": "boilerplate",
        "新華社記者 陳某 林某": "boilerplate",
        "地方中心/王某某報導": "boilerplate",
        "▲社区工作人员在卡点登记返乡人员信息。": "boilerplate",
        "村民们把自家种的蔬菜装上货车,送往县城隔离点。（记者赵六摄）": "boilerplate",
        "志愿者上门探访独居老人（某某报全媒体记者 钱七 摄）": "boilerplate",
        "志願者為居民配送物資。(圖/某某提供)": "boilerplate",
        "张三（左）": "boilerplate",
        "时 间：2020-02-03 10:15": "boilerplate",
        "2020/2/5 09:30（2/5 10:00 更新）": "boilerplate",
        "各乡镇人民政府，县直各单位：": "boilerplate",
        "城关镇、各街道办事处：": "boilerplate",
        "2020-2-7 05:48:58 评论(0)": "boilerplate",
        "今日某县 2020-02-17 06:43": "boilerplate",
        "文章日期：2020年02月20日": "boilerplate",
        "来自某某县人民政府官方微信公众号": "boilerplate",
        "文／某某 某县卫生局局长": "boilerplate",
        "民警在路口为过往司机测量体温。 路透社": "boilerplate",
        "20-02-23 08:45 来源：某某网-某某日报 编辑：某某": "boilerplate",
        "2020/02/09/ 20:05 来源:某某客户端 通讯员 某某": "boilerplate",
        "作者|某某": "boilerplate",
        "設計 | 某某": "boilerplate",
        "文丨某某 某某 編輯 丨 某某": "boilerplate",
        "◎文章來源：某某新聞": "boilerplate",
        "初审编辑:某某": "boilerplate",
        "某某新聞 | 2020/02/04": "boilerplate",
        "某某网 · 某某  |  2020-03-18 16:31": "boilerplate",
        "某县健康教育中心  时间:2020-03-18": "boilerplate",
        "發布機關:某某縣疫情防控指揮部": "boilerplate",
        "◆某县疾控中心报告首例疑似病例。": "body",
        "2月3日,县委召开常委会议,研究部署疫情防控工作,要求各级干部取消休假、全员在岗。": "body",
        "各乡镇、各部门要切实做好以下工作：": "body",
        "1/25 县指挥部发布第2号通告,关闭全县农贸市场": "body",
        "1月26日 全县启动一级响应,各村设立防控卡点": "body",
        # Seen on real pages: an appeal's addressees, 特此通告, a reprint notice, a link line, a
        # field's label alone; and lines like them that carry a theme.
        "尊敬的市民朋友们：": "boilerplate",
        "全县在外的父老乡亲们:": "boilerplate",
        "各位村居书记：": "boilerplate",
        "股份公司及各子公司员工：": "boilerplate",
        "千千万万默默奉献的社区工作者：": "boilerplate",
        "工作人員向多位居民介紹：": "body",
        "他对村民们说：": "body",
        "一、请主动报告并居家隔离，做到以下几点：": "body",
        "请广大市民朋友不聚集、不聚餐，出门佩戴口罩。": "body",
        "特此通告！": "boilerplate",
        "本文为某某站原创文章，转载请附上原文出处链接和本声明。": "boilerplate",
        "本網資訊部分由網絡整理所得，版權歸原作者所有。": "boilerplate",
        "版权声明:凡某某日报、某某网注明来源的作品,未": "boilerplate",  # cut short
        "【免責聲明】本文僅代表作者本人觀點。": "boilerplate",
        "版权声明不能代替授权合同，律师提醒。": "body",
        "http://www.example.com   2020-02-03 16:02:11": "boilerplate",
        "關鍵詞：": "boilerplate",
        "导语": "boilerplate",
        "编者按：": "boilerplate",
        "编者按：为宣传基层党组织的战斗堡垒作用，本网开设专栏。": "body",
        "• 聯 絡 人：": "boilerplate",
        "编辑日期:2020-02-03 10:47:00  阅读次数:次": "boilerplate",
        "摘要：社区干部连续值守卡点二十天，排查返乡人员。": "body",
        "全体居民须遵守以下规定：": "body",
        "发言人呼吁广大台湾同胞：": "body",
        "班主任在网课上叮嘱同学们：": "body",
        "网信办提醒，网民转载时须核实信息来源，不信谣、不传谣。": "body",
        "这首歌由县文化馆干部创作，版权属于县文化馆。": "body",
        "他在公众号上发表原创文章20余篇，讲述社区抗疫故事。": "body",
        # A letter's greetings; and sentences that wish or greet inside a text.
        "大家好！": "boilerplate",
        "你们好!首先恭祝大家新春快乐,鼠年大吉!": "boilerplate",
        "首先祝您新春愉快、幸福安康！": "boilerplate",
        "祝全县父老乡亲新春愉快！": "boilerplate",
        "祝工作顺利，身体健康！": "boilerplate",
        "祝大家身体健康，出门请戴好口罩。": "body",
        "祝医生说，隔离期间要保持心情愉快。": "body",
        "祝家庄村支书带领村民设卡值守，守护全村健康。": "body",
        "祝福的话语温暖了整个病区，患者们都说心里很幸福。": "body",
        "祝贺全体援鄂医疗队员圆满完成任务，平安顺利。": "body",
        "护士长向患者问好，祝福他早日康复。": "body",
        "县指挥部 2020年2月5日": "boilerplate",
    }
    paragraphs = segment_text("d", "\n".join(lines))
    assert {p.text: p.kind for p in paragraphs} == lines
    assert {p.article_title for p in paragraphs if p.kind == "body"} == {"县里防疫工作再加力"}
    assert {p.heading for p in paragraphs if p.kind == "body"} == {None}  # no caption as heading


def test_a_group_a_notice_addresses_is_boilerplate_a_lists_lead_in_is_not() -> None:
    # 各社区： (a few words after 各 or 全体 ending in a full-width colon, addressed to a group)
    # was a body paragraph, labelled with a theme, while a letter's 尊敬的居民朋友： was
    # boilerplate. Headings and lead-ins of lists that end in a colon stay as they were.
    lines = {
        "关于进一步做好疫情防控工作的通知": "heading",
        "各社区：": "boilerplate",
        "各社區：": "boilerplate",
        "各村（社区）：": "boilerplate",
        "各鄉鎮（街道）、各村（社區）：": "boilerplate",
        "各小区物业、网格员：": "boilerplate",
        "各位居民：": "boilerplate",
        "各位鄉親們：": "boilerplate",
        "全体党员同志们：": "boilerplate",
        "全體黨員同志們：": "boilerplate",
        "致全体居民：": "boilerplate",
        "尊敬的居民朋友：": "boilerplate",
        "主要做法如下：": "body",
        "主要做法如下:": "body",
        "一、工作要求：": "body",
        "二、工作要求：": "body",
        "具体措施：": "body",
        "具體措施：": "body",
        "各地做法：": "body",
        "各地經驗：": "body",
        "各项措施：": "body",
        "各村情况：": "heading",  # a list's topic, the heading of its items
        "各社区要做好以下工作：": "body",
        "各社區要求如下：": "body",
        "全体动员：": "body",
        "全體動員：": "body",
        "全体医务人员分为三组：": "body",
        "全體居民須遵守以下規定：": "body",
        "各社区要严格落实封闭管理，做好返乡人员排查登记。": "body",
    }
    assert {p.text: p.kind for p in segment_text("d", "\n".join(lines))} == lines


def test_a_letters_bare_addressee_is_boilerplate_a_lead_in_is_not() -> None:
    # A letter's "Dear all:" (各位：, in either script) and its colleagues or leaders addressed
    # by 各位 were body paragraphs, labelled with a theme, while 各位居民： was boilerplate.
    lines = {
        "致全县医务工作者的一封信": "heading",
        "各位：": "boilerplate",
        "各位:": "boilerplate",
        "親愛的各位：": "boilerplate",
        "尊敬的各位领导：": "boilerplate",
        "尊敬的各位領導：": "boilerplate",
        "各位同事们：": "boilerplate",
        "各位同事們：": "boilerplate",
        "各位同仁：": "boilerplate",
        "各位来宾：": "boilerplate",
        "各地做法如下：": "body",
        "各位领导讲话如下：": "body",
        "各地领导要靠前指挥：": "body",
        "各项指导：": "body",
        "各位医护人员坚守岗位，守护群众健康。": "body",
    }
    assert {p.text: p.kind for p in segment_text("d", "\n".join(lines))} == lines


def test_lines_of_the_title_block_join_the_title_and_are_no_sections_heading() -> None:
    # A notice's title over two lines, a publisher and date, a dateline: between the title and
    # the first body paragraph of an article without sections, they are not the heading of its
    # paragraphs.
    notice = segment_text("d", "某某镇党委、政府致全镇父老乡亲的\n倡  议  书\n2020-02-11 某某网\n"
                               "请大家不串门、不聚会，出门戴口罩。\n各村设立卡点，登记外来车辆。\n")
    assert {p.text: p.kind for p in notice}["2020-02-11 某某网"] == "boilerplate"
    assert {(p.article_title, p.heading) for p in notice if p.kind == "body"} == {
        ("某某镇党委、政府致全镇父老乡亲的 倡  议  书", None)}
    news = segment_text("d", "抗疫一线\n新华社某地2月4日电 题：同心抗疫\n全市党员干部下沉社区。\n")
    assert [(p.kind, p.article_title, p.heading) for p in news][-1] == (
        "body", "抗疫一线 新华社某地2月4日电 题：同心抗疫", None)
    dated = segment_text("d", "某市指挥部\n关于2020年2月10日起恢复公交运营的通告\n"
                              "全市公交有序恢复。\n")
    assert dated[1].kind == "heading"  # a date inside the title, not a publication stamp
    assert dated[-1].article_title == "某市指挥部 关于2020年2月10日起恢复公交运营的通告"
    # A report of several sections keeps its first section's heading, whatever stands between
    # it and its paragraph.
    for report in ("抗疫综述\n组织领导\n市委召开会议。\n群众动员\n居民自愿值守。\n",
                   "抗疫综述\n组织领导\n▲会议现场（记者张三摄）\n市委召开会议。\n群众动员\n居民自愿值守。\n",
                   "抗疫大事记\n一月\n1月20日\n市委召开会议。\n二月\n2月1日\n启动排查。\n"):
        body = [p for p in segment_text("d", report) if p.kind == "body"]
        assert body[0].article_title == report.split("\n")[0]
        assert body[0].heading in ("组织领导", "1月20日")


def test_a_run_of_short_lines_after_the_body_is_text_not_a_chain_of_headings() -> None:
    # A poem or a list of places in the middle of a report: each line but the last is body text,
    # so no line of it is the heading of the next.
    poem = ("抗疫综述\n市委召开会议，部署防控工作。\n武汉胜则湖北胜\n湖北胜则全国胜\n"
            "全国胜则天下安\n全民动员\n居民自愿值守。\n")
    assert [(p.kind, p.heading) for p in segment_text("d", poem)][2:] == [
        ("body", None), ("body", None), ("body", None), ("heading", None), ("body", "全民动员")]
    # Headings of several levels in a row stay headings.
    report = ("某县疫情防控工作汇报\n县委召开常委会，研究部署防控工作。\n第二部分 主要做法\n"
              "坚持党建引领\n筑牢基层防线\n各村党支部书记带头值守卡点。\n")
    assert [p.kind for p in segment_text("d", report)][2:5] == ["heading"] * 3


def test_a_text_partly_wrapped_or_filled_to_columns_is_warned_a_photo_page_is_not() -> None:
    # Two paragraphs pasted whole, the rest wrapped at 20 characters: still warned. A title
    # between photos, and captions that are file names of one length, are not wrapping.
    mixed = ("某县疫情防控工作情况\n"
             "县委召开常委会议，传达学习上级关于疫情防控工作的部署要求，研究部署我县防控工作。\n"
             "县指挥部发布第1号通告，全县景区、影剧院、网吧等公共场所暂停营业，农村集市一律暂停。\n"
             "各乡镇迅速组织党员干部和网格员开展拉网式\n排查，逐户登记外来人员信息，对重点地区返\n"
             "乡人员实行居家隔离医学观察，每天两次测量\n体温并上报，确保不漏一户、不漏一人。县人\n"
             "民医院开设发热门诊，抽调医护人员组建救治\n小组，全力做好患者救治工作。\n")
    assert wrapped_width([p.text for p in segment_text("d", mixed)]) == 20
    caption = "日，社區志願者在小區門前發放愛心菜。"
    photos = "\n".join(line for n in range(1, 9) for line in (
        "武漢社區的“非常”與“日常”", f"說明: DSC0323{n}.JPG", f"3月{n}{caption}" * n))
    assert wrapped_width([p.text for p in segment_text("d", photos)]) is None
    # A list of news summaries, each cut short with the ellipsis as Hong Kong and Taiwan write
    # it (⋯), is no wrapping either, and a short one is body text, not a heading.
    summaries = [f"本澳連續{n}日未有新增確診病例，衛生局表示將繼續加強口岸防疫措施，呼籲市民⋯"
                 for n in range(1, 10)]
    assert wrapped_width(summaries) is None
    assert [p.kind for p in segment_text("d", "澳門新聞\n市民排隊購買口罩⋯\n")] == [
        "heading", "body"]


def test_an_outline_of_short_lines_is_not_taken_for_wrapped_text(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # An outline's title, numbered headings and one-line items, most of them 9 to 11 characters
    # long, share a length as wrapped lines do; but none is cut out of a sentence (no comma or
    # full stop inside). Prose wrapped at 13 characters still is warned of.
    outline = tmp_path / "outline.txt"
    outline.write_text("社区疫情防控工作要点\n一、人员排查\n逐户登记外来人员信息\n每日两次测量体温并上报\n"
                       "重点人员实行居家观察\n二、环境整治\n公共区域每天消毒两次\n清理楼道堆放的杂物\n"
                       "三、物资保障\n为居家老人代购生活物资\n设立社区临时物资发放点\n", "utf-8")
    prose = ("县委召开常委会议，传达学习上级关于疫情防控工作的部署要求，研究部署我县防控工作。"
             "各乡镇迅速组织党员干部和网格员开展拉网式排查，逐户登记外来人员信息。"
             "县人民医院开设发热门诊，抽调医护人员组建救治小组，全力做好患者救治工作。")
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text("\n".join(prose[i : i + 13] for i in range(0, len(prose), 13)) + "\n",
                       "utf-8")
    for path in (outline, wrapped):
        segment_file(path, Config())
    assert [r.getMessage() for r in caplog.records if "wrapped" in r.getMessage()] == [
        f"{wrapped}: its lines look wrapped at 13 characters: each line is read as a paragraph "
        "(one about that long with a comma or a full stop inside as body, another short one "
        "that ends no sentence as a heading); join the lines of a paragraph first (in a config, "
        "segment.join_wrapped: true joins them)"]


def test_a_file_cut_short_mid_sentence_keeps_its_last_paragraph_and_heading(
        tmp_path: Path) -> None:
    # A download stopped mid-sentence: its unfinished last paragraph is body text (it holds a
    # comma and a full stop), not a signature, and the heading above it stays a heading. A
    # notice's issuer and date, and a diary's day line, after the body stay boilerplate.
    cut = tmp_path / "cut.txt"
    cut.write_text("社区防控纪实\n县委召开常委会议，研究部署防控工作。\n1月22日\n"
                   "没有想到，事情发展完全超出了我的想象。回家后的这几天", "utf-8")
    signed = tmp_path / "signed.txt"
    signed.write_text("关于暂停农村集市的通告\n全县农村集市一律暂停。\n某县疫情防控指挥部\n"
                      "2020年2月3日\n2月3日，星期一，晴\n", "utf-8")
    kinds = [p.kind for path in (cut, signed) for p in segment_file(path, Config()).paragraphs]
    assert kinds == ["heading", "body", "heading", "body",
                     "heading", "body", "boilerplate", "boilerplate", "boilerplate"]


def test_numbered_reports_of_one_title_each_have_it_as_a_heading_a_header_over_titles_not(
        tmp_path: Path) -> None:
    # Reports joined into one file, each numbered and opening with the same title: each report's
    # title is its own (the second had none) and a heading (both were boilerplate). A page's
    # header repeated above each article's own title stays boilerplate, and no title.
    joined = tmp_path / "joined.txt"
    joined.write_text("01\n某县疫情防控日报\n县委召开会议，研究部署防控工作。\n"
                      "02\n某县疫情防控日报\n各乡镇开展拉网式排查。\n", "utf-8")
    headed = tmp_path / "headed.txt"
    headed.write_text("01\n某某文库\n县委召开常委会议\n县委召开会议，研究部署防控工作。\n"
                      "02\n某某文库\n各乡镇开展排查\n各乡镇开展拉网式排查。\n", "utf-8")
    paragraphs = [p for path in (joined, headed) for p in segment_file(path, Config()).paragraphs]
    assert [(p.kind, p.article_title) for p in paragraphs if p.kind != "body"] == [
        ("boilerplate", None), ("heading", "某县疫情防控日报"),
        ("boilerplate", None), ("heading", "某县疫情防控日报"),
        ("boilerplate", None), ("boilerplate", "某某文库"),
        ("heading", "某某文库 县委召开常委会议"),
        ("boilerplate", None), ("boilerplate", None), ("heading", "各乡镇开展排查")]


def test_a_numbered_heading_repeated_above_its_text_is_each_sections_a_contents_list_not(
        ) -> None:
    # Daily reports of one outline joined in a file: each report's 一、排查 is its section's
    # heading, and its paragraphs have it (both were boilerplate, and the paragraphs had no
    # heading). A table of contents (one numbered line above another) stays boilerplate.
    joined = segment_text("d", "01\n某县疫情防控日报\n一、排查\n各村开展拉网式排查。\n"
                               "02\n某县疫情防控日报\n一、排查\n各乡镇设卡测温。\n")
    assert [(p.kind, p.heading) for p in joined if p.text == "一、排查" or p.kind == "body"] == [
        ("heading", None), ("body", "一、排查"), ("heading", None), ("body", "一、排查")]
    contents = segment_text("d", "某县防控工作总结\n一、排查\n二、救治\n一、排查\n"
                                 "各村开展拉网式排查，登记返乡人员。\n二、救治\n"
                                 "县医院开设发热门诊，集中收治患者。\n")
    assert [(p.kind, p.heading) for p in contents] == [
        ("heading", None), ("boilerplate", None), ("boilerplate", None),
        ("heading", None), ("body", "一、排查"), ("heading", "一、排查"), ("body", "二、救治")]


def test_a_number_ending_a_page_starts_no_article() -> None:
    # A page cut short in a date ("2"): the number is boilerplate, and the page keeps its title.
    paragraphs = segment_text("d", "某市指挥部1号令\n全市暂停营业性演出活动。\n2\n")
    assert [(p.kind, p.article, p.article_title) for p in paragraphs] == [
        ("heading", "1", "某市指挥部1号令"), ("body", "1", "某市指挥部1号令"),
        ("boilerplate", "1", "某市指挥部1号令")]


def test_a_title_above_its_date_is_a_title_a_signature_above_its_date_is_not() -> None:
    # A brief or a news item opens with its title and date; a notice ends with its issuer and
    # date. Both are a short line above a date line: body text after the date, and a line that
    # does not end with an issuer's name (局, 指挥部, 委员会 …), make it a title.
    text = ("全区防控工作简讯第1期\n2020年5月28日\n区纪委组成监督检查组深入社区开展监督。\n"
            "某某县疫情防控指挥部\n2020年5月29日\n"
            "某某县卫生健康局\n2020年5月30日\n各医疗机构要做好发热门诊工作。\n"
            "省里防控工作简讯第2期\n2020年6月13日\n市委组织部建立干部表现纪实制度。\n")
    kinds = {p.text: (p.kind, p.article_title, p.heading) for p in segment_text("d", text)}
    assert kinds["全区防控工作简讯第1期"][0] == "heading"
    assert kinds["某某县疫情防控指挥部"][0] == kinds["某某县卫生健康局"][0] == "boilerplate"
    assert kinds["省里防控工作简讯第2期"][0] == "heading"
    assert kinds["2020年5月28日"][0] == kinds["2020年6月13日"][0] == "boilerplate"
    assert kinds["区纪委组成监督检查组深入社区开展监督。"][1:] == ("全区防控工作简讯第1期", None)
    assert kinds["市委组织部建立干部表现纪实制度。"][2] == "省里防控工作简讯第2期"


def test_a_site_name_is_furniture_a_net_the_work_weaves_is_a_heading() -> None:
    text = ("01\n社區織密防控網\n一、網格化管理\n社區黨支部組織網格員挨家挨戶上門排查。\n"
            "二、织密社区防控网\n网格员上门排查。\n人民网\n浙江在线\n")
    paragraphs = segment_text("d", text)
    kinds = {p.text: p.kind for p in paragraphs}
    assert kinds["社區織密防控網"] == kinds["一、網格化管理"] == kinds["二、织密社区防控网"] \
        == "heading"
    assert kinds["人民网"] == kinds["浙江在线"] == "boilerplate"
    body = [p for p in paragraphs if p.kind == "body"]
    assert [(p.article_title, p.heading) for p in body] == [
        ("社區織密防控網", "一、網格化管理"), ("社區織密防控網", "二、织密社区防控网")]


def test_a_numbered_section_heading_is_never_the_article_title() -> None:
    # Without a title line, the first heading is a section's (１．…): the paragraphs under it
    # have it as their heading, and the article has no title.
    text = ("１．加强组织领导\n市委召开常委会议，研究部署疫情防控工作。\n"
            "２．加强医疗救治\n医院全力救治患者。\n")
    body = [p for p in segment_text("d", text) if p.kind == "body"]
    assert [(p.article_title, p.heading) for p in body] == [
        (None, "１．加强组织领导"), (None, "２．加强医疗救治")]
    titled = segment_text("d", "某市防控工作总结\n" + text)
    assert {p.article_title for p in titled if p.kind == "body"} == {"某市防控工作总结"}


def test_a_long_or_questioning_first_line_is_its_articles_title() -> None:
    # Seen on real pages: a notice's title of 42 characters, a headline that asks a question.
    for title in ("某省卫生健康委关于公布调整后新型冠状病毒感染的肺炎发热门诊和"
                  "定点医疗救治机构的名单",
                  "关于做好疫情防控期间企业复工复产、员工返岗及物资保障有关工作的通知",
                  "百年抗疫“老兵”，這家知名醫院赴鄂支援有何絕招？", "口罩到底该怎么戴？",
                  "这个春节，为何如此不同？", "我市：返乡人员如何登记？"):
        paragraphs = segment_text("d", f"{title}\n发布时间：2020-02-03\n医院组建医疗队驰援武汉。\n"
                                       "队员们在病房连续工作。\n")
        assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "body", "body"]
        assert {p.article_title for p in paragraphs} == {title}
    # Not a title: a short exclamation or sentence opening the text, a question a text opens
    # with (a diary's, a question and answer's), a sentence that lost its stop, a line too long
    # for a title, a numbered or dated line, a lone line with no body after it.
    for first in ("一个好消息！", "疫情就是命令，防控就是责任。",
                  "问：居家隔离期间可以外出买菜吗？", "问1：口罩能否重复使用？",
                  "他问：这样下去怎么行？", "有网友问：“口罩能重复使用吗？”",
                  "今天是武汉封城的第十三天，不知道什么时候才能出门？",
                  "你有沒有想過，如果沒有這些醫護人員，我們現在會是什麼樣子？",
                  "孩子開學後如果在學校出現發燒症狀，家長應該怎麼辦？",
                  "根据上级疫情防控指挥部统一部署，自即日起我镇所有农贸市场暂停营业，恢复时间另行通知",
                  "县委召开常委会议研究部署疫情防控工作要求各级干部取消休假全员在岗各乡镇各部门"
                  "主要负责同志靠前指挥落实落细各项防控措施和群众生活保障工作",
                  "1月26日 全县启动一级响应，各村设立防控卡点，党员干部全员下沉到村",
                  "（一）全县各级党组织和广大党员干部要坚决贯彻落实党中央决策部署充分发挥战斗堡垒作用"):
        assert segment_text("d", f"{first}\n医院组建医疗队驰援武汉。\n")[0].kind == "body"
    alone = segment_text("d", "全县各级党组织和广大党员干部在疫情防控一线冲锋在前吗？")
    assert [p.kind for p in alone] == ["body"]


def test_an_images_file_name_is_furniture() -> None:
    text = ("市供电公司党员服务队冲锋在前\n供电.jpg\n党员服务队为隔离点架设线路。\n"
            "说明: DSC03235.JPG\n微信图片_20200311153950.jpg\n队员们连夜抢修。\n")
    paragraphs = segment_text("d", text)
    assert [p.kind for p in paragraphs] == [
        "heading", "boilerplate", "body", "boilerplate", "boilerplate", "body"]
    assert {(p.article_title, p.heading) for p in paragraphs if p.kind == "body"} == {
        ("市供电公司党员服务队冲锋在前", None)}


def test_a_converters_pinyin_glosses_do_not_hide_furniture() -> None:
    text = ("周場村：“紅色堡壘”筑牢生命防線\n發(fā)布時間:2020年02月25日\n"
            "越是風急浪驟，越需中流砥柱。\n小標題\n村里設(shè)立卡點。\n")
    assert [p.kind for p in segment_text("d", text)] == [
        "heading", "boilerplate", "body", "heading", "body"]
    # Glosses without a tone mark (們(men)) or with combining marks hide none either.
    text = ("周場村：黨員們(men)筑牢生命防線\n發(fa\u0304)布時間:2020年02月25日\n"
            "越是風急浪驟，越需中流砥柱。\n記(ji\u0300)者(zhe\u030c)：張三\n村里設立卡點。\n")
    assert [p.kind for p in segment_text("d", text)] == [
        "heading", "boilerplate", "body", "boilerplate", "body"]


def test_a_diarys_day_lines_are_headings_even_with_commas_or_a_stop() -> None:
    # A diary's day line (the date, the weekday, the lunar date, the weather) heads that day's
    # entry; its commas are no sentence, so it is no dated chronology entry.
    text = ("社区网格员抗疫日记\n记录一名网格员半个月来在卡口的日日夜夜。\n"
            "2月3日，正月初十，天气：晴转多云\n一早到卡口值班，登记了二十多辆车。\n"
            "2月4日，正月十一，天气：小雨。\n下午挨家挨户发放告知书。\n"
            "二〇二〇年二月五日 星期三 阴\n晚上整理排查台账。\n"
            "2月6日，全镇召开防控推进会，部署下一步工作。\n会后又回到卡口。\n")
    paragraphs = segment_text("d", text)
    kinds = {p.text: p.kind for p in paragraphs}
    assert [kinds[t] for t in ("2月3日，正月初十，天气：晴转多云", "2月4日，正月十一，天气：小雨。",
                               "二〇二〇年二月五日 星期三 阴")] == ["heading"] * 3
    assert kinds["2月6日，全镇召开防控推进会，部署下一步工作。"] == "body"  # a dated entry
    by_text = {p.text: p.heading for p in paragraphs}
    assert by_text["下午挨家挨户发放告知书。"] == "2月4日，正月十一，天气：小雨。"


def test_a_name_and_a_full_date_on_one_line_is_a_stamp() -> None:
    # Who issued or published the page and when, without a 来源： or a time to tell it: a name
    # and a full date set off by white space, or a date written with dashes and a short name.
    text = ("众志成城：青山村党员冲在前\n0 不详 2020年03月02日\n"
            "青山村党支部组织党员在村口设卡，劝返外来车辆。\n一、守好村口\n"
            "党员轮流值守，每天登记进出人员。\n2020-03-02 某某新闻\n二、送菜上门\n"
            "党员为居家老人代购蔬菜。\n青山镇人民政府    2020年3月2日\n")
    kinds = {p.text: p.kind for p in segment_text("d", text)}
    assert kinds["0 不详 2020年03月02日"] == "boilerplate"
    assert kinds["2020-03-02 某某新闻"] == "boilerplate"
    assert kinds["青山镇人民政府    2020年3月2日"] == "boilerplate"
    assert kinds["一、守好村口"] == kinds["二、送菜上门"] == "heading"
    # A diary's day line and a chronology's dated heading are no stamps.
    diary = ("日记\n2020年3月2日 星期一 晴\n今天在村口值班。\n2020年1月23日 武汉关闭离汉通道\n"
             "当天全市停运公交。\n")
    kinds = {p.text: p.kind for p in segment_text("d", diary)}
    assert kinds["2020年3月2日 星期一 晴"] == kinds["2020年1月23日 武汉关闭离汉通道"] == "heading"
    # Nor is a title or heading with its date: only a publisher's or an issuer's name stamps.
    for line in ("抗疫日记 2020年2月3日", "县委召开常委会 2020年1月23日", "2020-01-23 武汉封城",
                 "因應武漢肺炎疫情 花蓮縣府召開跨局處防疫會議 2020-01-22"):
        dated = segment_text("d", f"{line}\n市委市政府高度重视疫情防控工作，召开会议研究部署。\n")
        assert dated[0].kind == "heading", line
    for line in ("人民网 2020年2月3日", "市卫健委 2020年2月3日", "2020-02-05 某某县融媒"):
        dated = segment_text("d", f"{line}\n市委市政府高度重视疫情防控工作，召开会议研究部署。\n")
        assert dated[0].kind == "boilerplate", line


def test_a_short_caption_with_a_credit_and_an_images_number_are_furniture() -> None:
    # A credit (…。某某 摄, …。受访者供图, …(资料图片), …。摄:某某/某报) ends a caption, never a
    # heading; an image's name without its extension (QQ图片2020…_副本) stands for its caption.
    text = ("青山村筑牢疫情防线\n青山村党支部组织党员在村口设卡，劝返外来车辆。\n"
            "村口检查点。受访者供图\n一、守好村口\n党员轮流值守，每天登记进出人员。\n"
            "志愿者为车辆消毒。李四 摄\n△志愿者在村口值守\n"
            "卡口的帐篷。(资料图片)\n村委会门前。摄:王五/某某报\nQQ图片20200202101010_副本\n"
            "二、送菜上门\n党员为居家老人代购蔬菜。\n")
    kinds = {p.text: p.kind for p in segment_text("d", text)}
    assert [kinds[t] for t in ("村口检查点。受访者供图", "志愿者为车辆消毒。李四 摄",
                               "△志愿者在村口值守", "卡口的帐篷。(资料图片)",
                               "村委会门前。摄:王五/某某报", "QQ图片20200202101010_副本")] == [
        "boilerplate"] * 6
    assert kinds["一、守好村口"] == kinds["二、送菜上门"] == "heading"
    by_text = {p.text: p.heading for p in segment_text("d", text)}
    assert by_text["党员为居家老人代购蔬菜。"] == "二、送菜上门"
    # A longer caption reads as body text, and a heading may end with 图片 as a word.
    long_caption = ("2月3日，青山村党员在村口为过往车辆登记信息、测量体温，劝返外来人员。"
                    "新华社记者 张三 摄")
    assert [p.kind for p in segment_text("d", f"标题\n{long_caption}\n")][-1] == "body"
    words = segment_text("d", "标题\n抗疫一线的精彩图片\n正文一句。\n")
    assert words[1].kind == "heading"
    # So may a numbered section heading, after its number: it is no caption.
    for heading in ("（三）现场图片", "二、 现场图片", "3. 抗疫 图片"):
        numbered = segment_text("d", f"标题\n正文一句。\n{heading}\n正文又一句。\n")
        assert [p.kind for p in numbered][2] == "heading", heading


def test_a_photo_credit_alone_on_its_line_is_furniture(tmp_path: Path) -> None:
    # Who gave the photo, alone on its line under it (南安市融媒体中心供图, set 22's 1666, once
    # under each of four photos): the first three were body text, labelled, as the first lines
    # of a "poem" of four heading-like lines; one alone was a section heading. A sentence that
    # mentions 供图 or 图片 in its middle, one that gives a photo to someone, and a section
    # heading about photos stay as they were.
    credits = ["南安市融媒体中心供图", "受訪者供圖", "图片由市卫健委提供", "照片由受访者提供",
               # with a full stop, with 均, or after its label: body text or headings before
               "受访者供图。", "图片由市卫健委提供。", "图片均由受访者提供",
               "供图：南安市融媒体中心", "供圖:某某",
               # where the photo came from, with no giver: a heading or body text before
               "图片来自网络", "图片来自受访者朋友圈", "照片來自受訪者臉書",
               # with another verb, or the note asking to be told of a right infringed
               "图片来源于网络", "圖源：網絡", "图片来自网络，侵删",
               "图片来源网络，如有侵权请联系删除"]
    for credit in credits:
        for photos in (1, 4):
            lines = ["南安向海外侨亲驰援防控物资", "南安市向海外同乡会捐赠口罩。",
                     *[credit] * photos, "工作人员将防控物资搬到车上。"]
            paragraphs = _segmented(tmp_path, "\n".join(lines) + "\n")
            assert [p.kind for p in paragraphs][2:-1] == ["boilerplate"] * photos, credit
            assert paragraphs[-1].heading is None, credit
    sentences = ["县融媒体中心供图的照片在网上热传。", "这些照片由他向本报供图。", "他给记者供图。",
                 "图片由受访者提供,记者做了核实。",
                 "市民把拍下的图片发给社区，记录志愿者的身影。",
                 "图片来自受访者朋友圈，拍摄于2月3日。", "照片来自一位护士,她已三天没回家。"]
    headings = ["志愿者向媒体供图", "抗疫一线的精彩图片"]
    kinds = _kinds(tmp_path, "青山村筑牢疫情防线", "青山村党支部组织党员在村口设卡。",
                   *sentences, headings[0], "党员轮流值守。", headings[1], "党员登记进出人员。")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")
    assert {h: kinds[h] for h in headings} == dict.fromkeys(headings, "heading")


def test_an_agencys_dateline_that_says_the_title_again_is_furniture(tmp_path: Path) -> None:
    # An agency's dateline with the story's title (新华社南昌1月31日电 题：…) under that title:
    # long, it was body text, labelled (set 22's 1670, both labellers: not body); short, a
    # heading that the title block joined to the title, which said it twice. A dateline
    # whose title the page does not say above stays a part of the title (test above); a
    # dateline that goes on into the story, and sentences with 题 or 电 in them, stay body.
    title = "你的平安,就是他们坚守的意义——江西20余万医护人员战“疫”记"
    for dateline in (f"新华社南昌1月31日电 题:{title}",
                     f"中新社南昌1月31日電（记者 张某）題：{title}",
                     "新华社银川1月28日电 题:“疫情来了,我们相约逆行”",
                     # the title above in full-width punctuation, the dateline's half-width
                     f"新华社南昌1月31日电　题：{title.replace(',', '，')}"):
        top = title if "意义" in dateline else "“疫情来了,我们相约逆行”"
        paragraphs = _segmented(tmp_path, f"{top}\n2020-01-31 16:23:01 新华网\n{dateline}\n"
                                          "新华社记者郭某、余某\n大年初一清晨,医生钟某主动请缨到发热门诊接诊。\n")
        assert [p.kind for p in paragraphs] == [
            "heading", "boilerplate", "boilerplate", "boilerplate", "body"], dateline
        assert paragraphs[-1].article_title == top, dateline
    sentences = ["新华社南昌1月31日电 记者从江西省卫健委获悉,全省医护人员坚守岗位。",
                 "记者就这一问题采访了省卫健委,题:如何守护群众平安。",
                 "市委书记接到电话后,题写了“众志成城”四个字。"]
    kinds = _kinds(tmp_path, title, *sentences, "全省医护人员坚守岗位。")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_an_english_note_in_brackets_on_a_chinese_page_is_furniture(tmp_path: Path) -> None:
    # [The English version follows the Chinese one.] heading a diocese's Chinese notice (set
    # 22's 1694; both labellers: not body) was body text, labelled. A note in brackets in Latin
    # letters whose next line is Chinese tells of the page. On an English page, an English
    # sentence (in brackets or not) and the same note over English text stay body.
    note = "[The English version follows the Chinese one.]"
    notice = ["教區為抗疫而暫停主日及平日彌撒的牧民措施", "香港教區主教公署",
              "由於新冠狀病毒在香港本地感染的個案陸續加增,政府呼籲市民留在家中。"]
    for line in (note, "(English version below)", "【English translation follows】"):
        kinds = _kinds(tmp_path, line, *notice)
        assert kinds[line] == "boilerplate", line
    # at the page's end, under its Chinese text
    assert _kinds(tmp_path, *notice, "(Please scroll down for the English version.)")[
        "(Please scroll down for the English version.)"] == "boilerplate"
    english = ["Pastoral measures of the Diocese against the epidemic",
               "(Public Masses are suspended until further notice.)",
               "As the number of confirmed cases continues to grow, the faithful should stay "
               "at home.", "[The Chinese version follows the English one.]",
               "All parish churches remain open for personal prayers."]
    kinds = _kinds(tmp_path, *english)
    assert {e: kinds[e] for e in english[1:]} == dict.fromkeys(english[1:], "body")
    # a bilingual page: the note right over the English version
    kinds = _kinds(tmp_path, *notice, note, *english[2:])
    assert kinds[note] == "body"
    # in full-width brackets too; but a bilingual notice's sentences, each in brackets over
    # its Chinese, are its text (they were furniture: English in brackets over Chinese)
    for line in ("［The English version follows the Chinese one.］", "〔English version below〕",
                 "<English version below>", "＜English version below＞"):
        assert _kinds(tmp_path, line, *notice)[line] == "boilerplate", line
    bilingual = ["(All visitors must wear a mask and have their temperature checked.)",
                 "所有訪客必須佩戴口罩及量度體溫。",
                 "(Visiting hours are suspended until further notice.)",
                 "探訪時間暫停,直至另行通知。"]
    kinds = _kinds(tmp_path, "醫院防疫通告", *bilingual)
    assert {b: kinds[b] for b in bilingual} == dict.fromkeys(bilingual, "body")


def test_a_headline_that_says_photos_come_with_it_is_no_caption() -> None:
    # （附图片）, 多图片, (含照片) say what the article holds, not whose photo it is: the line is
    # the article's title, and its paragraphs carry it.
    for title in ("钟南山院士最新研判（附图片）", "援鄂医疗队凯旋（附照片）",
                  "防疫知识问答(含图片)", "钟南山院士最新研判 附图片", "探访方舱医院 多图片"):
        paragraphs = segment_text("d", f"{title}\n今天，钟南山院士在广州介绍了疫情的最新研判。\n")
        assert [p.kind for p in paragraphs] == ["heading", "body"], title
        assert paragraphs[1].article_title == title
    # A credit in brackets still ends a caption.
    caption = "标题\n正文一句。\n港大校园。(资料图片)\n正文又一句。\n"
    assert [p.kind for p in segment_text("d", caption)][2] == "boilerplate"


def test_a_file_of_thousands_of_numbered_articles_gets_an_article_each() -> None:
    # An archive joined from short articles (第N篇 and a line each). Finding each article's title
    # was quadratic in the number of articles (30,000 took 10.5 s of CPU); that is measured, not
    # timed here: this checks that every article still gets its own number and its body.
    lines = ["醫院發熱門診接診患者，社區工作人員上門排查。" if i % 2 else f"第{i}篇"
             for i in range(4_000)]
    paragraphs = segment_text("archive", "\n".join(lines))
    assert len({p.article for p in paragraphs}) == 2_000
    assert [p.kind for p in paragraphs[:2]] == ["boilerplate", "body"]
    assert sum(p.kind == "body" for p in paragraphs) == 2_000


def test_a_file_with_hardly_any_chinese_is_named_in_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # An English read-me or a Korean report among the documents was cut and labelled as Chinese
    # without a word. A Chinese report with an English summary is Chinese enough.
    english = tmp_path / "README.txt"
    english.write_text("These reports were collected in 2020.\nOne file per city.\n", "utf-8")
    korean = tmp_path / "ko.txt"
    korean.write_text("서울시는 모든 시민에게 마스크 착용을 권고했다. 보건소는 선별진료소를 "
                      "운영하고 있다.\n", "utf-8")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("县委召开常委会议，研究部署疫情防控工作，要求各级党组织冲锋在前。\n"
                     "Summary: the county committee met on epidemic prevention work.\n", "utf-8")
    for path in (english, korean, mixed):
        segment_file(path, Config())
    assert [r.getMessage() for r in caplog.records if "Chinese" in r.getMessage()] == [
        f"{path}: hardly any Chinese in it (0% of its letters are Chinese characters): the "
        "pipeline reads Chinese, and its paragraphs' kinds and labels say little"
        for path in (english, korean)]


def test_json_given_as_a_document_is_named_in_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # 'pipeline classify out.json' (a labelled output, meant for report or review), segment's
    # output piped into classify, or a labels file: its JSON was cut into paragraphs and
    # labelled without a word. (The command runs as a process would: run by main() alone, it
    # left the pipeline's logging set up for the tests after it in this process.)
    from conftest import in_process

    output = tmp_path / "out.json"
    document = tmp_path / "report.txt"
    document.write_text("县委召开常委会议，研究部署疫情防控工作。\n", "utf-8")
    assert in_process("segment", str(document), "-o", str(output), "-q").returncode == 0
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"document": "report", "index": 0, "theme": "leadership"}\n', "utf-8")
    for path in (output, labels, document):
        segment_file(path, Config())
    assert [r.getMessage() for r in caplog.records if "JSON" in r.getMessage()] == [
        f"{path}: JSON, not a document's text (an output of the pipeline, or labels?): read as "
        "text all the same; classify and segment read documents, review and report a labelled "
        "output"
        for path in (output, labels)]


@pytest.mark.parametrize("head", [
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">",
    "<!-- saved from url=(0041)https://www.gov.cn/xinwen/2020-02/04.htm -->\n<html><head>",
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
    "<div class=\"article\"><p>",
], ids=["doctype", "saved_from", "xhtml", "fragment"])
def test_a_web_page_saved_as_text_is_named_in_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, head: str) -> None:
    # A page saved as .txt (its source, not its text) was cut into paragraphs and labelled
    # without a word: each tag a heading, a <style> or <script> line a labelled body paragraph.
    path = tmp_path / "page.txt"
    path.write_text(f"{head}\n<style>p{{margin:0}}</style>\n<p>县委召开常委会议，研究部署疫情"
                    "防控工作。</p>\n</body></html>\n", "utf-8")
    text = tmp_path / "notice.txt"  # a title in angle brackets is no markup
    text.write_text("<关于做好疫情防控工作的通知>\n县委召开常委会议，研究部署疫情防控工作。\n",
                    "utf-8")
    for each in (path, text):
        segment_file(each, Config())
    assert [r.getMessage() for r in caplog.records if "HTML" in r.getMessage()] == [
        f"{path}: HTML, not a document's text (a web page saved as .txt?): read as text all the "
        "same, its tags, styles and scripts too; save the page as text, or copy its text into "
        "the file"]


def _segmented(tmp_path: Path, text: str) -> list[segment.Paragraph]:
    """Write ``text`` as a page's file, read and segment it as the command does."""
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    return segment_file(path, Config()).paragraphs


def _kinds(tmp_path: Path, *lines: str) -> dict[str, str]:
    """Each line's kind when the ``lines`` are one page's, segmented as the command does."""
    return {p.text: p.kind for p in _segmented(tmp_path, "\n".join(lines) + "\n")}


def test_a_writers_byline_under_the_headline_is_furniture_not_a_heading(tmp_path: Path) -> None:
    # 撰文：某某 credits the writer as 文／某某 does: it was a heading, the text's first section
    # heading or a piece of its title.
    text = ("新冠肺炎｜社區義工隊挨家挨戶派口罩\n撰文：陳某某\n"
            "社區義工隊昨日在屋邨逐戶派發口罩，並向長者講解防疫知識。\n義工們表示會繼續服務居民。\n")
    paragraphs = _segmented(tmp_path, text)
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "body", "body"]
    assert {(p.article_title, p.heading) for p in paragraphs if p.kind == "body"} == {
        ("新冠肺炎｜社區義工隊挨家挨戶派口罩", None)}
    assert _segmented(tmp_path, "標題\n撰稿：李某\n正文一句。\n")[1].kind == "boilerplate"


def test_a_long_question_over_its_stamp_is_the_headline(tmp_path: Path) -> None:
    # A headline that asks a question, too long to be taken for one alone (round 16's rule wants
    # 19 characters or a headline's marks), was body text though its page's stamp stood under it.
    question = "某县小区、企业、单位从什么时候开始实行封闭式管理？"
    text = (f"{question}\n来源：某某网 更新时间：2020-02-06 09:28\n"
            "导读：城中街道各社区从2月7日开始对辖区内小区实施封闭管理。\n"
            "有物业的小区保留一个出入口通行，并设置关卡。\n")
    paragraphs = _segmented(tmp_path, text)
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "body", "body"]
    assert {p.article_title for p in paragraphs} == {question}
    # Right above the text, it may be the text's own first sentence: it stays body.
    opening = _segmented(tmp_path, f"{question}\n有物业的小区保留一个出入口通行，并设置关卡。\n")
    assert [p.kind for p in opening] == ["body", "body"]


def test_a_letters_title_with_a_colon_after_it_is_the_title(tmp_path: Path) -> None:
    # A letter's name on the page's first line, with a colon as some pages leave after it, was
    # body text (a colon ends a lead-in, not a title); its addressees' line comes under it.
    text = ("致全镇广大居民的一封信：\n致全镇居民朋友：\n"
            "近期，新型冠状病毒感染的肺炎疫情形势严峻，为保障大家身体健康，特提醒如下。\n"
            "一是尽量留在家中，减少走亲访友。\n二是外出请佩戴口罩，勤洗手。\n")
    paragraphs = _segmented(tmp_path, text)
    assert [p.kind for p in paragraphs] == [
        "heading", "boilerplate", "body", "body", "body"]
    assert {p.article_title for p in paragraphs} == {"致全镇广大居民的一封信："}
    for title in ("某县卫生健康局告全县人民书：", "关于防控疫情的倡议书:"):
        letter = _segmented(tmp_path, f"{title}\n请大家少出门、不聚集。\n外出请戴口罩。\n")
        assert [p.kind for p in letter] == ["heading", "body", "body"], title
    # A lead-in that names a letter it quotes, below the text's start, is text; so is a first
    # line that says what a letter did.
    quoted = _segmented(tmp_path, "某县发布公开信\n县指挥部今天发出一封信。\n致全县人民的一封信：\n"
                                  "请大家少出门。\n")
    assert quoted[2].kind == "body"
    opening = _segmented(tmp_path, "他给村民写了一封信，信中说：\n请大家少出门。\n外出请戴口罩。\n")
    assert opening[0].kind == "body"


def test_a_papers_line_of_date_reads_and_author_fields_is_furniture(tmp_path: Path) -> None:
    # A county paper's page puts its fields on one line, some without a value; the line ends
    # with a field's colon, so it was taken for a lead-in and labelled as body text.
    fields = "刊发日期：2020-02-05 阅读次数： 作者：张某某 李某 文/图  语音阅读："
    text = (f"某县2名患者治愈出院\n{fields}\n"
            "2月4日，某县2名新冠肺炎确诊患者经过精心治疗，达到出院标准，正式出院。\n"
            "发表时间：2020年2月5日 09:30\n医护人员将患者送出病房。\n")
    kinds = {p.text: p.kind for p in _segmented(tmp_path, text)}
    assert kinds[fields] == kinds["发表时间：2020年2月5日 09:30"] == "boilerplate"
    assert kinds["医护人员将患者送出病房。"] == "body"
    said = "他说：“文章刊发以后，很多居民打来电话。”"
    assert _segmented(tmp_path, f"标题\n{said}\n")[1].kind == "body"


def test_a_hotlines_line_of_numbers_is_furniture(tmp_path: Path) -> None:
    # A notice ends with its hotline: the comma between two numbers made the last line prose cut
    # short, body text; in the middle of a page such a line was a section's heading.
    text = ("某镇企业复工复产最新通知\n即日起，全镇取消企业复工备案审批，请企业做好防控工作。\n"
            "咨询电话：0760-23229985\n已经复工的企业，请继续落实每日消毒、体温检测等措施。\n"
            "某镇企业复工复产服务热线：23229985，23303789\n")
    paragraphs = _segmented(tmp_path, text)
    assert [p.kind for p in paragraphs] == [
        "heading", "body", "boilerplate", "body", "boilerplate"]
    assert {p.heading for p in paragraphs if p.kind == "body"} == {None}
    # A sentence that gives a hotline is text.
    given = "如有疑问，请拨打服务热线：12345。"
    assert _segmented(tmp_path, f"标题\n正文一句。\n{given}\n")[2].kind == "body"


def test_a_phone_directorys_lines_of_names_and_numbers_are_furniture(tmp_path: Path) -> None:
    # A page's directory under 举报电话: each line an office's or a place's name and its numbers,
    # no label word, no colon. A run of them after the text was taken for a poem's lines, body
    # text, each labelled. A statistic with its figure, a sentence that gives a number and a
    # name alone stay as they were.
    directory = ["县防控办8291234、8291235", "县卫健局8291236", "某某镇7691234，7691235",
                 "某某街道 0594-8291237", "县市场监管局（0594）8291238", "某某乡13912345678",
                 "某某社区8291239 / 8291240"]
    text = ["某县开展疫情防控督查", "督查组深入各乡镇检查卡口值守情况。", "举报电话", *directory,
            "全县共发放口罩12000000", "县卫健局值班电话为8291236。", "县卫健局",
            "请根据实际情况联系相关部门。"]
    kinds = _kinds(tmp_path, *text)
    assert {line: kinds[line] for line in directory} == dict.fromkeys(directory, "boilerplate")
    assert kinds["全县共发放口罩12000000"] == kinds["举报电话"] == kinds["县卫健局"] == "heading"
    assert kinds["县卫健局值班电话为8291236。"] == "body"


def test_a_lead_in_that_only_says_what_follows_is_furniture(tmp_path: Path) -> None:
    # 以下是…： and 原文如下： tell what text comes next and nothing that anyone did; they were
    # body text, labelled with a theme of their own.
    text = ("村支书的抗疫日记\n村支书今年33岁，带领村干部守好村口。\n以下是他的自述：\n"
            "我们村离城区六十公里，村民一开始并不重视。\n县指挥部发布第1号通告。\n原文如下：\n"
            "即日起，全县所有棋牌室暂停营业。\n以下为三名志愿者的口述:\n我每天负责给隔离户送菜。\n")
    kinds = {p.text: p.kind for p in _segmented(tmp_path, text)}
    assert [kinds[t] for t in ("以下是他的自述：", "原文如下：", "以下为三名志愿者的口述:")] == [
        "boilerplate"] * 3
    assert kinds["我每天负责给隔离户送菜。"] == "body"
    # 具体内容如下: over a notice's text (set 23's 1734; both labellers: not body) was body
    for line in ("具体内容如下:", "詳情如下：", "通告内容如下："):
        page = _segmented(tmp_path, f"苏州发布疫情防控第7号通告\n{line}\n"
                                    "苏州市关于加强社区防控工作的通告\n一、任何单位必须遵守规定。\n")
        assert page[1].kind == "boilerplate", line
    # A notice that issues its rules, or a lead-in that says who did what, is text.
    for line in ("现将有关事项通告如下：", "县指挥部研究决定，发布命令如下：",
                 "中国各地封城时序如下：", "以下是他们的做法，值得借鉴：",
                 "以下几点请大家务必做到："):
        page = _segmented(tmp_path, f"标题\n正文一句。\n{line}\n正文又一句。\n")
        assert page[2].kind == "body", line


def test_a_long_caption_ending_with_a_photographers_credit_is_furniture(tmp_path: Path) -> None:
    # A paper's photo essay: each photo's caption runs to a hundred characters and more and ends
    # with the photographer's credit in brackets. Only those up to 100 characters were captions;
    # a longer one was body text, labelled with a theme, though the credit ends no paragraph of
    # the story. A paragraph that tells of photographing, or an article's last paragraph that
    # credits its writer as well (文/摄), is text.
    caption = ("新型冠狀病毒可透過糞便傳播，清潔工要經常清理院內的洗手間。圖中醫院的清潔工說，"
               "洗一次廁所要四十五分鐘，疫情下要穿著全套保護衣工作，會熱得全身濕透。本報記者拍攝時，"
               "她示範清潔約十五分鐘，整個面罩已熱得全是霧氣。（某某攝）")
    story = ("本報攝影記者走訪各醫院聯網的七間醫院，拍攝了醫生、護士、清潔工和保安員在各自崗位上"
             "的工作。他們說，拍攝時最難的是在隔離病房外等候，每次只能停留幾分鐘，拍完還要把相機"
             "消毒一遍才能帶出病房，有時一整天只拍到幾張照片。")
    last = ("隔離病房的護士每天工作十二小時，下班後還要在醫院附近的酒店住下，不能回家。她們說，"
            "只要病人能早日康復，再辛苦也值得。醫院表示，會繼續為前線人員提供足夠的防護裝備，"
            "並安排心理輔導，讓她們安心工作。醫院的同事也輪流為她們送上飯菜和水果。"
            "（記者 某某 文/攝）")
    assert caption.index("（") > 100 and last.index("（") > 100
    text = f"守護香港的人\n{story}\n{caption}\n{last}\n"
    kinds = [p.kind for p in _segmented(tmp_path, text)]
    assert kinds == ["heading", "body", "boilerplate", "body"]


def test_a_caption_that_names_what_the_photo_shows_is_furniture(tmp_path: Path) -> None:
    # 圖為 and a name for what is shown, ending a caption's line or alone: the photo's caption,
    # which was body text labelled with a theme.
    text = ("火神山醫院交付使用\n"
            "2月2日上午，解放軍醫療隊隊員抵達武漢，目的地就是剛剛建成的火神山醫院。\n"
            "2月2日，火神山醫院正式交付使用。圖為病房內部設施。\n"
            "图为医院的隔离病区走廊\n"
            "近日，市民外出購物時普遍佩戴口罩。圖為2月16日，市民在超市內選購蔬菜。\n"
            "社區幹部力圖為居民解決買菜難題。\n")
    kinds = [p.kind for p in _segmented(tmp_path, text)]
    assert kinds == ["heading", "body", "boilerplate", "boilerplate", "body", "body"]


def test_a_news_agencys_caption_of_the_day_and_what_was_photographed_is_furniture(
        tmp_path: Path) -> None:
    # The day, where or by what camera, and what was photographed, the whole line, is how news
    # agencies caption a photo; it was body text labelled with a theme.
    captions = ("2020年2月2日，無人機拍攝的武漢火神山醫院。",
                "这是2月3日在武汉拍摄的方舱医院（无人机照片）。", "2月4日航拍的雷神山医院。")
    sentences = ("2月5日，县融媒体中心拍摄的抗疫短片播出。", "2月3日在武汉拍摄的视频在网上热传。",
                 "2月2日，他翻出手机里拍摄的照片。",
                 "2月2日，记者在医院拍摄时看到，医护人员正在搬运物资。")
    text = "\n".join(["火神山醫院交付使用", "解放軍醫療隊隊員抵達武漢，目的地就是火神山醫院。",
                      *captions, *sentences])
    kinds = {p.text: p.kind for p in _segmented(tmp_path, text + "\n")}
    assert [kinds[c] for c in captions] == ["boilerplate"] * 3
    assert [kinds[s] for s in sentences] == ["body"] * 4


def test_a_tagged_headline_that_exclaims_is_the_title(tmp_path: Path) -> None:
    # A headline opened by its topic's tag and a bar (新冠肺炎｜…), as Hong Kong sites write
    # them, that ends exclaiming was body text, labelled with a theme, and left its article
    # without a title.
    for title in ("新冠肺炎｜餐廳老闆送粥打氣 醫護超感動：滿滿的愛！", "【战疫】武汉加油！"):
        text = (f"{title}\n有餐廳老闆為前線醫護人員送上二十四碗熱騰騰的海鮮粥。\n"
                "醫院在網上專頁表示非常感謝。\n")
        paragraphs = _segmented(tmp_path, text)
        assert [p.kind for p in paragraphs] == ["heading", "body", "body"], title
        assert paragraphs[1].article_title == title
    # Untagged, an exclamation opening a text stays body (the text's own first words may
    # exclaim); so does a tagged line of two sentences.
    for first in ("一方有难八方支援！", "新冠肺炎｜好消息！醫院今日又有三名病人出院！"):
        opening = _segmented(tmp_path, f"{first}\n社區義工為長者派發口罩。\n")
        assert opening[0].kind == "body", first
    # A column's tag in brackets over a headline whose quote holds a comma (set 23's 1728:
    # 【让党旗在抗疫一线高高飘扬】“防控疫情,我守土有责” 这名…; both labellers: not body) was
    # body text, a sentence for its comma, and left its article without a title. A tagged line
    # with a comma outside its quote, or a quote's comma in an untagged line, stays body.
    title = "【让党旗在抗疫一线高高飘扬】“防控疫情,我守土有责” 这名社区书记刚到海南立马返程"
    paragraphs = _segmented(tmp_path, f"{title}\n疫情就是命令,防控就是责任。\n"
                                      "大年初三上午,社区办公室却很是热闹。\n")
    assert paragraphs[0].kind == "heading"
    assert {p.article_title for p in paragraphs if p.kind == "body"} == {title}
    for first in ("【抗疫一线】社区党委书记邓某大年初一刚到海南文昌与家人团聚,"
                  "得知疫情后立马返程回到社区",
                  "“防控疫情,我守土有责” 这名社区党委书记大年初一刚到海南文昌"
                  "就立马返程回到重庆社区"):
        assert 40 < len(first) <= 60
        opening = _segmented(tmp_path, f"{first}\n疫情就是命令,防控就是责任。\n")
        assert opening[0].kind == "body", first


def test_lines_cut_out_of_prose_wrapped_at_a_fixed_width_are_body_text() -> None:
    # A page wrapped at 20 characters: a line cut in the middle of a sentence, with a comma
    # inside, is prose, not the heading of the line that ends its sentence. It was a heading
    # unless four such lines stood in a row, so furniture above one decided its kind.
    places = ["东城", "西城", "南关", "北关", "河东", "河西", "城关", "新区", "老街"]
    sentences = [f"{place}社区组织党员干部开展拉网式排查，逐户登记外来人员信息，每天测量体温。"
                 for place in places]
    lines = [s[i : i + 20] for s in sentences for i in range(0, len(s), 20)]
    text = "\n".join(["某县疫情防控工作情况", "撰稿：县委办", *lines]) + "\n"
    assert wrapped_width(lines) == 20
    paragraphs = segment_text("d", text)
    assert [p.kind for p in paragraphs[:2]] == ["heading", "boilerplate"]
    assert {p.kind for p in paragraphs[2:]} == {"body"}
    assert {p.heading for p in paragraphs} == {None}


def test_a_pages_fields_by_their_labels_are_furniture(tmp_path: Path) -> None:
    # A source's label alone (稿件来源:), a writer's label spaced out to line up with longer
    # ones (撰 稿 者:), a title's full form under a shortened one (完整標題:), a link with its
    # label (原文連結:), an issuing body's field after the title it issued (制定机关:) and a
    # 来自 line ending with a database's bar were body text, labelled.
    fields = ["稿件来源:", "稿件来源：新华社", "撰 稿 者:新聞行銷處公共關係科", "作　　者：张三",
              "完整標題:嘉義縣長感謝企業捐口罩助國小防疫,外商企業家喚防疫共盡社會責任",
              "原文連結:https://reurl.cc/exx9yR", "网址：www.example.gov.cn/a/1.html",
              "某市疫情防控工作领导小组通告(第1号) 制定机关:某市疫情防控工作领导小组 "
              "2020年1月25日 |",
              "来自某市人民政府官方微信公众号 |"]
    sentences = ["稿件的来源十分广泛，编辑部逐一核实后刊发。",
                 "撰稿者要对内容负责，编辑部逐一审核。",
                 "完整的标题应当写明发文机关和事由。", "市民可登录网站查看原文链接，了解详细内容。",
                 "本办法的制定机关为县人民政府，由县卫健局负责解释。", "来自各地的医疗队陆续抵达。"]
    kinds = _kinds(tmp_path, "某县疫情防控工作情况", "县委召开常委会议，研究部署防控工作。",
                   *fields, *sentences)
    assert {f: kinds[f] for f in fields} == dict.fromkeys(fields, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_captions_by_their_credits_and_a_persons_place_are_furniture(tmp_path: Path) -> None:
    # A news agency's credit as it sends the photo out (。 新华社发) or in brackets ((美聯社)),
    # a caption that says its photo only illustrates (示意圖。), a credit of who gave or sent
    # the photo ((某某政府提供/某某傳真)) and a one-sentence caption with a person's place in
    # the photo ((左)) were body text, labelled.
    captions = ["北京市疾控中心工作人员在撰写流行病学调查报告(3月21日摄)。 新华社发",
                "疾控流调员在采集标本后整理装箱。新华社发",
                "新北市護理師護士公會今成立防疫隊投入第一線。示意圖。(美聯社)",
                "市民在藥局外排隊購買口罩。示意圖。",
                "中央疫情指揮中心決議小三通抵達馬祖旅客即起停止原船返回。(連江政府提供/葉某連江傳真)",
                "驻村第一书记郭某(左)看望慰问贫困户并讲解疫情防控知识。",
                "社區主任李某（右二）向長者派發口罩。"]
    sentences = ["记者在现场拍摄的照片由新华社发布。", "摄影爱好者张某用镜头记录下医护人员的背影。",
                 "如示意图所示，隔离病房分为清洁区、缓冲区和污染区。",
                 "截至2月3日24时，全市累计报告确诊病例15例，其中重症2例，治愈出院3例。"
                 "（数据由市卫健委提供）",
                 "请将左（右）手腕对准测温仪，听到提示音后离开。"]
    kinds = _kinds(tmp_path, "某县疫情防控工作情况", "县委召开常委会议，研究部署防控工作。",
                   *captions, *sentences)
    assert {c: kinds[c] for c in captions} == dict.fromkeys(captions, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_a_short_sentence_repeated_under_a_pages_photos_is_furniture(tmp_path: Path) -> None:
    # 市民預防肺炎。 under each of a page's two photos was body text, labelled twice. A
    # sentence said once, a repeated slogan that exclaims and a repeated sentence with a comma
    # stay body.
    text = ("政府改裝公屋作隔離用途\n市民預防肺炎。\n衞生署表示，已開始試用電子健康申報系統。\n"
            "武漢加油！\n市民預防肺炎。\n醫管局會減少非緊急服務。\n武漢加油！\n"
            "大家戴好口罩，勤洗手。\n大家戴好口罩，勤洗手。\n")
    kinds = [p.kind for p in _segmented(tmp_path, text)]
    assert kinds == ["heading", "boilerplate", "body", "body", "boilerplate", "body", "body",
                     "body", "body"]


def test_a_headline_that_exclaims_over_its_stamp_is_the_title(tmp_path: Path) -> None:
    # A headline that exclaims and asks, over its page's stamp, was body text, labelled: only a
    # question was taken for a headline there. A sentence that exclaims right above the text,
    # or one with a full stop inside over the stamp, stays body.
    headline = "浙江乐清宣布封城!具体是怎么回事?附通告全文!"
    body = "2月4日，乐清市发布紧急通告，进一步加强疫情防控措施。\n各村居实行封闭式管理。\n"
    paragraphs = _segmented(tmp_path, f"{headline}\n2020年02月05日 15:03来源:某某网\n{body}")
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "body", "body"]
    assert {p.article_title for p in paragraphs} == {headline}
    assert [p.kind for p in _segmented(tmp_path, f"{headline}\n{body}")] == ["body"] * 3
    sentence = "乐清宣布封城。具体怎么做?请看通告!"
    assert [p.kind for p in _segmented(
        tmp_path, f"{sentence}\n2020年02月05日 15:03来源:某某网\n{body}")] == [
        "body", "boilerplate", "body", "body"]


def test_a_persons_section_heading_ending_a_page_is_no_prose_cut_short(tmp_path: Path) -> None:
    # A page of portraits, each under its person's name and a phrase, saved without the last
    # section: its last line, with a comma in it, was taken for prose cut short and labelled.
    # A speaker's words cut short, or a line with a sentence end inside, stay body.
    text = ("驻村干部投身防疫一线纪实\n王某:“若失了大家,何以安小家?”\n"
            "2月11日,是驻村第一书记王某带领乡亲们守村战“疫”的第20天。\n{last}\n")
    last_kind = {last: _segmented(tmp_path, text.format(last=last))[-1].kind for last in (
        "魏李琛:挽起菜篮子,以“温情”抗“疫情”", "他说:我们现在要做的是,", "王某:大家要坚持。还要")}
    assert last_kind == {"魏李琛:挽起菜篮子,以“温情”抗“疫情”": "boilerplate",
                         "他说:我们现在要做的是,": "body", "王某:大家要坚持。还要": "body"}


def test_a_chronicles_dateline_of_a_date_and_a_place_is_a_heading(tmp_path: Path) -> None:
    # 2019年12月31日,武漢。 heads what happened there that day; it was body text, labelled. A
    # date that starts a sentence of what happened stays body.
    datelines = ["2019年12月31日,武漢。", "2020年1月23日，武汉市", "二〇二〇年二月七日 湖北省。"]
    sentences = ["2020年1月23日，武汉封城。", "2019年12月31日，武漢市衛健委通報了不明原因肺炎。"]
    for line in [*datelines, *sentences]:
        paragraphs = _segmented(tmp_path, f"抗疫紀事\n(一)\n{line}\n這一天中午，衛健委公開通報。\n")
        assert paragraphs[2].kind == ("heading" if line in datelines else "body"), line
        assert paragraphs[3].heading == (line if line in datelines else "(一)"), line


def test_a_note_that_the_facts_held_when_the_page_went_out_is_furniture(tmp_path: Path) -> None:
    # 註: 所有資料出版時正確。 heads a Macau page of notices; it was body text, labelled. A note
    # that tells something, and a sentence that asks for correct figures, stay body.
    notes = ["註: 所有資料出版時正確。", "注：以上信息发布时准确无误。", "所有資料於出版時均正確"]
    sentences = ["注：居家隔离人员须每日报告体温。", "所有数据务必真实准确。",
                 "以上数据截至2月3日24时。"]
    kinds = _kinds(tmp_path, "澳門旅遊業資訊", *notes, *sentences, "旅遊局將繼續發布最新消息。")
    assert {n: kinds[n] for n in notes} == dict.fromkeys(notes, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_salutations_speakers_and_opening_hours_are_furniture(tmp_path: Path) -> None:
    # A letter's salutation (親愛的弟兄姊妹:, 全市广大农村团员青年:, Dear Parents,), a speaker's
    # role and name over the words quoted under them, and a church's opening hours were body
    # text among a page's paragraphs. A sentence that speaks to them, a quote after a name and
    # a colon, one who speaks in the line, and hours given in a sentence stay body.
    furniture = ["親愛的弟兄姊妹:", "亲爱的朋友们：", "全市广大农村团员青年:",
                 "全市各级组织和民进会员:",
                 "Dear Parents,", "和新村村干部 廖某某:", "宁中镇党委委员、武装部部长 钟某某:",
                 "周五:黃昏6:30至晚上9:30", "主日：早上5:00至下午1:00"]
    sentences = ["亲爱的孩子们要听话：", "全市广大青年要积极行动：", "和新村村干部廖某某说：",
                 "村干部 廖某某表示：", "廖某某：我们是党员，要确保一方平安。",
                 "Dear friends, please stay at home.",
                 "教會開放時間改為周五黃昏6:30至晚上9:30。"]
    kinds = _kinds(tmp_path, "某村疫情防控纪实", "村干部日夜值守检查点。", *furniture, *sentences,
                   "大家齐心协力守护家园。")
    assert {f: kinds[f] for f in furniture} == dict.fromkeys(furniture, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_more_captions_by_their_credits_are_furniture(tmp_path: Path) -> None:
    # Captions whose credit round 24's patterns missed were body text: who gave the photo
    # after its sentence (。圖/外交部提供, 。受访者供图。), a reporter's photo after a long
    # caption (。 新华社记者 张某 摄), a reporter and the outlet in brackets ((陳某某/大紀元)),
    # an agency's English name ((Reuters)). Sentences that mention photos, or a figure's
    # source, stay body.
    captions = ["外交部與民間企業合作捐贈25臺呼吸器給捷克。圖/外交部提供",
                "第一艘返國的漁船29日上午返抵前鎮漁港,進行清點人數、問診及量測體溫等檢疫工作,"
                "市長也親自前往碼頭視察防疫作為。圖/台灣好新聞",
                "一位刚从外地返京人员想要出门,被社区书记劝回。受访者供图。",
                "天津市南开区某社区党委书记徐某某(右)在小区门口值守。 新华社记者 张某 摄",
                "花蓮市公所即日起實施進入辦公廳舍前須量額溫,請鄉親全力配合。(陳某某/大紀元)",
                "1月28日,習近平會見世衛組織總幹事譚德塞。(Reuters)",
                # clauses, then a sentence that points at the photo (set 23's 1713; both
                # labellers: not body): body text before
                "昨天,市海河医院有16名新冠肺炎确诊患者治愈出院,单日出院人数再创新高。"
                "这是部分出院患者在医院合影。 本报记者 王某 摄",
                "图为志愿者在小区门口为居民测量体温,登记出入信息。 某某日报记者 李某 摄"]
    sentences = ["如圖/表所示，确诊病例逐日下降。", "这些照片由他向本报供图。",
                 # clauses that tell what happened, with no sentence that points at the photo
                 "昨天,市海河医院有16名新冠肺炎确诊患者治愈出院,单日出院人数再创新高。"
                 " 本报记者 王某 摄",
                 "这是全市第一批治愈出院的患者,他们在医院门口合影留念。",
                 "新华社记者张某在武汉拍摄了大量照片。",
                 "截至2月3日24时，全市累计报告确诊病例15例，其中重症2例，治愈出院3例。"
                 "(卫健委/通报)",
                 "截至2月3日24时，全市累计报告确诊病例15例，其中重症2例。(市卫健委/疫情通报)",
                 "他把照片发给了路透社记者。"]
    kinds = _kinds(tmp_path, "某县疫情防控工作情况", "县委召开常委会议，研究部署防控工作。",
                   *captions, *sentences)
    assert {c: kinds[c] for c in captions} == dict.fromkeys(captions, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_a_caption_credited_to_a_picture_agency_in_brackets_is_furniture(
        tmp_path: Path) -> None:
    # A caption with a picture agency's credit in brackets right after it, without a stop
    # (set 22's 1700: …決定啟動廣東省重大突發公共衛生事件一級響應(Shutterstock圖片); both
    # labellers: not body), was body text: an agency was known after a full stop. A news
    # agency's name in brackets without 图片 (a source, 据美联社(AP)) and sentences that
    # mention pictures stay body.
    captions = ["廣東衛健委宣布,決定啟動廣東省重大突發公共衛生事件一級響應(Shutterstock圖片)",
                "武漢市民在超市排隊購買蔬菜(視覺中國)", "醫護人員在方舱医院内照顾患者(路透社圖片)",
                "一名男子戴着口罩走过空荡的街头(Getty Images)",
                # a news agency's photo by 圖 alone (it was a heading)
                "武漢市民在超市排隊購買蔬菜(路透社圖)", "醫護人員在方艙醫院照顧患者(新華社图)"]
    sentences = ["這則消息最早由美國媒體披露,當地衛生部門隨後證實確診病例已增至十二宗,據美聯社(AP)",
                 "市民可在视觉中国(图片网站)上查看更多现场照片。",
                 "此前,政府新聞處為防疫宣傳向多家圖片社購買了一批現場照片的版權,其中包括視覺中國(CFP)",
                 "他把在医院隔离病区拍下的图片发给了多家外国媒体,其中包括英国的路透社(Reuters)",
                 "分地區看,陽江(3宗)、清遠(1宗)均為首次報告確診病例。"]
    kinds = _kinds(tmp_path, "廣東新增確診21宗", "廣東衛健委今日公布新增確診病例21宗。",
                   *captions, *sentences, "其他6地市新增確診病例中,廣州2宗。")
    assert {c: kinds[c] for c in captions} == dict.fromkeys(captions, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_teasers_notes_stamps_and_pointers_to_links_are_furniture(tmp_path: Path) -> None:
    # A teaser box ([导读]…), a summary that repeats the text below it
    # (摘要:…, and a site's summary box [摘要]…, set 22), a teaser cut short with ...
    # that repeats it, a stamp in ISO 8601 with tags, and a pointer to more at a link were
    # body text. A paper's abstract that says what no line below says, a 导读：…
    # lead, an editor's note after its label (labelled in set 11), a sentence that trails off
    # with …… and a sentence with a link that does something stay body.
    notice = "关于实施战时封闭管理的紧急通告"
    opening = "我是医生,守土有责,救人是我的使命!"
    furniture = [
        "【导读】天津小巷总理战疫记",
        "[导读]──天津小巷总理战疫记新华社记者 张某 摄",
        f"摘要:{notice} 为应对当前疫情发展严峻形势,控制人员流动",
        f"[摘要]{notice} 为应对当前疫情发展严峻形势,控制人员流动。",
        f"［摘要］{notice} 为应对当前疫情发展严峻形势。", f"【 摘要 】{notice} 为应对当前疫情。",
        f"〔摘要〕{notice} 为应对当前疫情发展严峻形势,控制人员流动。",
        f"{opening}在疫情防控的关键时期,一群「逆行者」纷纷递交了「请战书」!「本人是呼吸科主任...",
        "2020-03-09T11:27:27+08:002020-03-09|居家防護, 頭條, 健康新知|",
        "四、相關資訊可參閱疾管署網站(https://www.cdc.gov.tw) 或可撥打免付費防疫專線1922。",
        "更多外界送暖紀錄,請點閱成大醫院專區:https://www.hosp.ncku.edu.tw/External/",
        "(衛生福利部疾病管制署相關連結:https://www.cdc.gov.tw/Bulletin/Detail/1)"]
    sentences = ["摘要:2020年初,新型冠狀病毒侵襲武漢并快速向全國各個城市蔓延。",
                 "【摘要】2020年初,新冠肺炎疫情暴发,社区成为联防联控的第一线。",
                 "导读：城中街道各社区从2月7日开始对辖区内小区实施封闭管理。",
                 "编者按:为宣传在疫情防控一线各地各级党组织发挥的战斗堡垒作用和广大党员的先锋模范"
                 "作用,本网开通“一线守护”栏目,征集基层党组织参与疫情防控的有力举措及先进事迹。",
                 "这一个月深圳人共同经历了什么……",
                 "市民可登录https://www.example.gov.cn预约购买口罩，相关部门将送货上门。"]
    kinds = _kinds(tmp_path, *furniture[:9], *sentences, notice, opening,
                   "为应对当前疫情发展严峻形势,全市实行封闭管理。", *furniture[9:])
    assert {f: kinds[f] for f in furniture} == dict.fromkeys(furniture, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_a_lists_headings_with_colons_and_numbered_questions_are_headings(
        tmp_path: Path) -> None:
    # A list's heading ending with a colon (numbered, a topic, 其他:) and a numbered question
    # over its section were body text, labelled by no one (查控点设置: over its checkpoints,
    # set 22's 1672: both labellers said not body). A lead-in that goes on into the text, one
    # with a comma, and a question that is no section's heading stay body.
    headings = ["1. 「兒童區」及「學生區」聚會安排:", "2月15日治愈出院患者基本情况:",
                "關於2019新型冠狀病毒肺炎:", "各地確診病例統計:", "其他:",
                "一、武漢肺炎到底是什麼?", "查控点设置:", "全市发热门诊分布：",
                # a notice's name over its points (set 23's 1743; both labellers: not body)
                "108-2 學期學生宿舍防疫公告:", "延迟开学通知："]
    sentences = ["二、戴口罩時機,建議如下:", "各村(社区)当前要做好:", "他介绍了基本情况:",
                 "现就近期疫情防控下达如下命令:", "为什么会突然增加这么多输入病例?",
                 "一、武漢肺炎是什麼?怎麼預防?", "全省在省界设置了20个查控点,分布如下:",
                 "各市要在高速公路出口设置:", "村里在各路口设置了以下卡点：",
                 # 设置 as a verb with its adverb, a sentence's lead-in to a list
                 "全镇共设置：", "县里在各进出口设置：", "各卡点分别设置：",
                 # a sentence that tells of a notice
                 "市政府发布紧急通知：", "接到上级通知：", "今天学校又贴出一张公告："]
    for line in [*headings, *sentences]:
        paragraphs = _segmented(
            tmp_path, f"抗疫須知\n市民應做好防護。\n{line}\n患者石某，已治愈出院。\n")
        assert paragraphs[2].kind == ("heading" if line in headings else "body"), line
        assert paragraphs[3].heading == (line if line in headings else None), line


def test_a_regions_name_with_a_colon_over_its_places_is_a_heading(tmp_path: Path) -> None:
    # 港島區: over its clinics, one a line (set 22's 1704; both labellers: not body), was body
    # text: with a colon it ended no sentence, and as a heading it would have been the first
    # line of a run of heading-like lines, body text. A region's name with a colon is a list's
    # heading, and it heads the run of places under it (three of four body, as before). A
    # sentence that goes somewhere, an addressee, and a run of four places without a heading
    # stay as they were.
    clinics = {"港島區:": ["東區筲箕灣普通科門診診所(一樓)", "灣仔區貝夫人普通科門診診所(地下)",
                          "中西區堅尼地城普通科門診診所", "南區香港仔普通科門診診所"],
               "九龍區:": ["九龍城區中九龍診所", "黃大仙區東九龍普通科門診診所",
                          "油尖旺區油麻地普通科門診診所", "觀塘區九龍灣健康中心診所"],
               "湖北省：": ["武汉市金银潭医院", "武汉市肺科医院", "武汉大学人民医院",
                          "黄冈市中心医院"],
               # a part of a region, in brackets (新界區(西):, below 港島區: on its page)
               "新界區(西):": ["屯門區屯門診所", "元朗區容鳳書紀念中心診所", "荃灣區荃灣診所",
                              "葵青區葵涌普通科門診診所"],
               "新界區（東）：": ["沙田區瀝源健康中心", "大埔區王少清診所", "北區粉嶺家庭醫學中心",
                                "西貢區將軍澳寶林普通科門診診所"]}
    lines = ["醫管局公佈指定診所名單", "醫管局公佈了指定診所的名單,如下:",
             *[line for region, places in clinics.items() for line in (region, *places)],
             "指定診所每天都會開放。"]
    paragraphs = _segmented(tmp_path, "\n".join(lines) + "\n")
    kinds = {p.text: p.kind for p in paragraphs}
    assert {r: kinds[r] for r in clinics} == dict.fromkeys(clinics, "heading")
    for region, places in clinics.items():
        assert [kinds[place] for place in places] == ["body"] * 3 + ["heading"], region
        assert {p.heading for p in paragraphs if p.text in places[:3]} == {region}
    # ... nor an example's lead-in in prose (比如武汉市：) nor a notice's addressees (各区：),
    # which were body text and no heading over the text under them.
    sentences = ["我们来到了武汉市:", "他们去了江岸区:", "比如武汉市：", "例如湖北省:"]
    kinds = _kinds(tmp_path, "抗疫须知", "市民应做好防护。", *sentences, "各社区：",
                   "患者石某，已治愈出院。")
    for addressees in ("各区：", "各县市区:"):
        paragraphs = _segmented(tmp_path, f"关于做好疫情防控工作的通知\n{addressees}\n"
                                          "现将有关事项通知如下。\n各地要落实防控措施。\n")
        assert paragraphs[1].kind != "heading", addressees
        assert paragraphs[-1].heading is None, addressees
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")
    assert kinds["各社区："] == "boilerplate"
    run = ["武汉市金银潭医院", "武汉市肺科医院", "武汉大学人民医院", "黄冈市中心医院"]
    kinds = _kinds(tmp_path, "定点医院", "全省定点医院名单公布。", *run, "患者石某已出院。")
    assert [kinds[line] for line in run] == ["body"] * 3 + ["heading"]


def test_a_days_name_alone_and_a_diarys_day_count_and_place_are_headings(
        tmp_path: Path) -> None:
    # A chronicle's 除夕。 under its date, and a diary's day line with the day's count and the
    # place (1月26日,新年第二天,瑞昌市) were body text. A sentence that starts with them stays
    # body.
    day_lines = ["除夕。", "正月初三", "1月26日,新年第二天,瑞昌市", "2月3日，封城第十天"]
    sentences = ["除夕到了，大家都没有出门。", "1月26日，封城第三天，武汉街头空无一人。"]
    for line in [*day_lines, *sentences]:
        paragraphs = _segmented(tmp_path, f"抗疫日記\n01.24\n{line}\n广东省启动一级响应。\n")
        assert paragraphs[2].kind == ("heading" if line in day_lines else "body"), line


def test_a_headline_of_two_phrases_that_exclaims_is_the_title(tmp_path: Path) -> None:
    # A page's first line, two phrases a space parts, exclaiming: its headline, which was body
    # text. A short exclamation without a space, or one with a comma, stays body.
    headline = "高雄防感染擴散一級開設 韓國瑜要求:重建臺商2天「路線與接觸史」!"
    body = "確診的高雄男性臺商曾經返國後出入舞廳。\n衛生局已立即啓動疫情調查。\n"
    paragraphs = _segmented(tmp_path, f"{headline}\n{body}")
    assert [p.kind for p in paragraphs] == ["heading", "body", "body"]
    assert {p.article_title for p in paragraphs} == {headline}
    for line in ("一个好消息!", "市長表示 大家放心,疫情可控!"):
        assert _segmented(tmp_path, f"{line}\n{body}")[0].kind == "body", line


def test_short_exclaimed_sub_headings_between_paragraphs_are_headings(tmp_path: Path) -> None:
    # A report's sections, each under two short phrases a comma parts and an exclamation mark
    # (志愿服务,在行动!), were body text among its paragraphs: ! ends a sentence. Each was
    # labelled, as a paragraph of its own. An exclamation without a comma, words shouted under
    # a lead-in's colon or in quotes, one that speaks (我, 你, 您, 咱), one longer than a short
    # heading and one after the last paragraph stay body.
    headings = ["志愿服务,在行动!", "退休老教师，送温暖！", "青年突击队,显身手!"]
    said = ["我们一定能战胜疫情!", "武汉加油,中国加油!", "“大家放心,疫情可控!”",
            "我们不怕,一定能赢!", "全体社区工作人员和志愿者们,在行动!", "同心协力,共克时艰!"]
    text = ["某街道党员抗疫纪实", "疫情发生以来,街道党工委组织党员投身一线。", headings[0],
            "志愿者每天为居家隔离的居民送菜上门。", said[0], "他们的付出得到了居民认可。",
            headings[1], "退休教师王某某为社区编写防疫顺口溜。", "居民们在阳台上齐声高喊:", said[1],
            "歌声在小区里久久回荡。", said[2], "社区书记在会上鼓励大家坚持下去。", said[3],
            "居民纷纷点赞。", said[4], "街道还组建了青年突击队。", headings[2],
            "突击队员连续奋战在卡口。", said[5]]
    paragraphs = _segmented(tmp_path, "\n".join(text) + "\n")
    kinds = {p.text: p.kind for p in paragraphs}
    assert {h: kinds[h] for h in headings} == dict.fromkeys(headings, "heading")
    assert {s: kinds[s] for s in said} == dict.fromkeys(said, "body")
    assert {p.heading for p in paragraphs if p.text == "突击队员连续奋战在卡口。"} == {headings[2]}


def test_a_title_repeated_under_the_text_is_no_prose_cut_short(tmp_path: Path) -> None:
    # A page that repeats its title between its paragraphs and under the last one: that last
    # line, with a comma in it, was taken for prose cut short and labelled.
    title = "“冲在最前线,干在最实处”——机关党员干部用行动彰显抗“疫”担当"
    text = f"{title}\n机关党员干部下沉社区。\n{title}\n他们坚守一线。\n{title}\n"
    paragraphs = _segmented(tmp_path, text)
    assert [p.kind for p in paragraphs] == [
        "boilerplate", "body", "boilerplate", "body", "boilerplate"]
    assert {p.article_title for p in paragraphs} == {title}
    cut = f"{title}\n机关党员干部下沉社区。\n他们坚守一线,每天"
    assert _segmented(tmp_path, cut)[-1].kind == "body"


# A page's section headings, slogans of one length with a comma, and the whole paragraph under
# each: lines of one length that are no text wrapped at it.
_SLOGANS = ["织密防控宣传网,确保疫情知晓一户不少", "织密排查登记网,确保人员情况一个不漏",
            "织密人员管控网,确保疫情防控一步不让"]
_SLOGAN_PARAGRAPH = ("各社区以网格为单位,划区分片,由网格党支部组织发动党员,在辖区公告栏、广场、"
                     "主要交通路口张贴通告,确保防控知识家喻户晓。")


def test_slogans_of_one_length_over_whole_paragraphs_are_no_wrapped_text(
        tmp_path: Path) -> None:
    # A page's three section headings, slogans of one length with a comma, over whole
    # paragraphs: taken for a text wrapped at their length, they were body text, labelled by
    # no one. Now they are headings, each its section's.
    slogans, paragraph = _SLOGANS, _SLOGAN_PARAGRAPH
    text = "\n".join(["靖宇县以“党建网格”筑牢疫情阻击防线", "2020-07-01 19:07:12 来源: 浏览:2116",
                      paragraph, *[line for s in slogans for line in (s, paragraph, "image.png")]])
    assert wrapped_width([p.text for p in segment_text("d", text)]) is None
    paragraphs = _segmented(tmp_path, text + "\n")
    assert [p.kind for p in paragraphs if p.text in slogans] == ["heading"] * 3
    assert [p.heading for p in paragraphs if p.text == paragraph][1:] == slogans


def test_an_images_long_file_name_with_its_stamp_is_furniture(tmp_path: Path) -> None:
    # An image's file name, the caption's words, a number and a stamp (longer than the 40
    # characters the pattern took), stood between a page's paragraphs: body text, labelled.
    # A sentence that names a file's format stays body.
    names = ["图配某某小学师生向本市捐赠口罩和消毒液的活动现场(3)-20200203120501.png",
             "某某市民政局為獨居長者上門派發口罩及搓手液活動照片(1)-20200205101512.JPG"]
    sentences = ["照片请以姓名命名，格式为.jpg或.png，不超过2MB。", "上傳的相片須為 JPG 格式。"]
    kinds = _kinds(tmp_path, "某某小学捐赠口罩", "某某小学向本市捐赠医用口罩。", *names, *sentences,
                   "口罩已运抵本市。")
    assert {n: kinds[n] for n in names} == dict.fromkeys(names, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_a_call_to_pass_the_page_on_is_furniture(tmp_path: Path) -> None:
    # 紧急扩散! under a notice's headline was body text. A sentence that asks readers to pass
    # something on, with what and to whom, stays body.
    calls = ["紧急扩散!", "請轉發！", "转发周知。", "速扩散！！"]
    sentences = ["请大家转发给家人，提醒他们戴好口罩。", "扩散防控知识！",
                 "转发这条消息的人越来越多。"]
    kinds = _kinds(tmp_path, "某省停止公众聚集性活动", "省指挥部发布通告。", *calls, *sentences,
                   "各地要抓好落实。")
    assert {c: kinds[c] for c in calls} == dict.fromkeys(calls, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_captions_by_where_their_photo_came_from_are_furniture(tmp_path: Path) -> None:
    # Captions whose credits no pattern knew were body text: a file photo from a social page
    # (。示意圖。(資料照,取自「某某」臉書粉專)), a social account ((某某fb)), and 图为… with the
    # reporter's credit in brackets ((记者 某某)). A text's last paragraph with its writer's
    # credit, a figure's source, and sentences about the pages stay body.
    captions = [
        "市府採購的消毒機器今日運抵倉庫,下週起分送各區。示意圖。"
        "(資料照,取自「某某診所」臉書粉專)",
        "市民排隊購買口罩。(資料照片)",
        "某某區議員(背向鏡頭)向獨居長者派口罩,並教他們如何配戴。長者說終於可以安心出門。(某某fb)",
        "义工为长者送上防疫包。(某某社区脸书专页)",
        "连日来,社区志愿者每天上门测温、送菜。"
        "图为2月5日,志愿者在小区门口登记来往车辆。(记者 某某)"]
    sentences = [
        "全市环卫工人坚守岗位,每天清运垃圾、消杀消毒,守护着市民的健康。(记者 某某 通讯员 某某)",
        "截至2月3日24时，全市累计报告确诊病例15例，其中重症2例，治愈出院3例。（资料来自市卫健委）",
        "他在臉書上發文表示,會繼續為長者派發口罩。", "資料照片顯示，口罩機台已全數交機。"]
    kinds = _kinds(tmp_path, "某县疫情防控工作情况", "县委召开常委会议，研究部署防控工作。",
                   *captions, *sentences)
    assert {c: kinds[c] for c in captions} == dict.fromkeys(captions, "boilerplate")
    assert {s: kinds[s] for s in sentences} == dict.fromkeys(sentences, "body")


def test_an_outlets_byline_for_a_report_it_put_together_is_furniture(tmp_path: Path) -> None:
    # 某某傳媒綜合報導, with a bit of the page's furniture glued to it, ended a page; it was
    # taken for prose cut short (a comma), and labelled. A paragraph that opens with the byline
    # and goes on stays body.
    bylines = ["某某傳媒綜合報導", "〔即時新聞／綜合報導〕", "某某傳媒綜合報導訂閱電子報,"]
    sentence = "某某社綜合報導，美國疫情持續升溫，多州宣布進入緊急狀態。"
    for line in bylines:
        text = f"口罩產能衝上千萬片\n{sentence}\n口罩機台已交機。\n{line}\n"
        paragraphs = _segmented(tmp_path, text)
        assert [p.kind for p in paragraphs] == ["heading", "body", "body", "boilerplate"], line


def test_a_pull_quote_and_a_heading_quoted_under_it_are_furniture(tmp_path: Path) -> None:
    # A clause of a paragraph shown alone above it as a sentence (a pull-quote), and a section's
    # heading said again in quotes right under it, were body text. A short paragraph said
    # once, a fact with its figures that a sentence below says again, and a short paragraph
    # that a longer one opens with stay body.
    kinds = _kinds(tmp_path,
        "在家乡远程指挥复工", "某某,家乡在某县。回老家后无法返回工作地,就远程指挥了。",
        "只有步行还能出门。", "全市新增确诊病例2例。", "我们一家三口都很好。",
        "村里的道路都封了,汽车没法通行,商店也都关门了,现在是外面的人进不来,里面的人出不去,"
        "只有步行还能出门,大家都知道外面危险,没事儿也不会乱跑。",
        "截至2月3日24时,全市新增确诊病例2例,均为密切接触者。",
        "我们一家三口都很好,每天在家看书、做饭。",
        "把落下的进度追回来,把减少的产量补回来", "“把落下的进度追回来,把减少的产量补回来。”",
        "全市上下一手抓抗疫,一手抓生产。")
    assert kinds["只有步行还能出门。"] == "boilerplate"
    assert kinds["“把落下的进度追回来,把减少的产量补回来。”"] == "boilerplate"
    assert kinds["把落下的进度追回来,把减少的产量补回来"] == "heading"
    assert kinds["全市新增确诊病例2例。"] == "body"
    assert kinds["我们一家三口都很好。"] == "body"


def test_a_first_line_opened_by_an_alert_is_the_title(tmp_path: Path) -> None:
    # A page's first line opened by 紧急!, exclaiming and cut short with ...: its headline,
    # which was body text. One with a comma, a sentence, stays body.
    headline = "紧急!某省连续发布通告!暂停聚集性活动、各通道全面设卡..."
    body = "最后更新时间:2020-01-27\n依据有关规定，我省启动一级响应。\n各地要抓好落实。\n"
    paragraphs = _segmented(tmp_path, f"{headline}\n{body}")
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "body", "body"]
    assert {p.article_title for p in paragraphs} == {headline}
    text = "依据有关规定，我省启动一级响应。\n各地要抓好落实。\n"
    assert [p.kind for p in _segmented(tmp_path, f"{headline}\n{text}")] == [
        "heading", "body", "body"]
    sentence = "紧急!我市发现一例确诊病例,请大家做好防护!"
    assert _segmented(tmp_path, f"{sentence}\n{text}")[0].kind == "body"


def test_a_section_heading_the_page_cut_is_no_prose_cut_short(tmp_path: Path) -> None:
    # A page cut off right after a section heading, cut too: its last line, two phrases a comma
    # parts as the page's other section heading, was taken for prose cut short and labelled.
    # A last line whose first clause is not as long as a heading's, or a page without such a
    # heading, keeps a last line with a comma as prose cut short.
    text = ("某社区党员志愿服务纪实\n党员志愿者到一线开展疫情防控工作。\n一声号令,党员挺身而出\n"
            "社区党委组织成立了疫情防控党员志愿队。\n{last}")
    last_kind = {last: _segmented(tmp_path, text.format(last=last))[-1].kind
                 for last in ("守卡在前,志愿身影闪", "疫情发生后,我们第一时间")}
    assert last_kind == {"守卡在前,志愿身影闪": "boilerplate", "疫情发生后,我们第一时间": "body"}
    plain = text.replace("一声号令,党员挺身而出\n", "").format(last="守卡在前,志愿身影闪")
    assert _segmented(tmp_path, plain)[-1].kind == "body"


def test_captions_signatures_and_titles_a_fresh_set_showed(tmp_path: Path) -> None:
    """Lines that a fresh web set's labellers found were no paragraph of the text: a caption of
    clauses whose credit a slash sets off, or that places its people; a title repeated under
    itself and its original title, both asking; a notice's signature over a date whose year the
    page lost; a notice's long title. The text around them stays body."""
    kinds = _kinds(
        tmp_path,
        "宝坻经历了什么?", "2020-02-12 08:06:57 新华视点", "宝坻经历了什么?",
        "原标题:39例确诊上万人隔离,宝坻经历了什么?",
        "日前,某某社区党支部副书记井某某(右)送菜上门,解决居民的生活问题。 某某日报通讯员 吴 某摄",
        "昨日,某某社区,机关党员干部随社区工作人员走访登记人员信息。/某某日报记者王某某摄",
        "某某区新型冠状病毒感染肺炎防控工作应急指挥部关于实施“防控疫情,人人有责”十项措施的通告",
        "为打赢这场阻击战,指挥部决定实施十项措施。",
        "特此公告。", "某某县应对新型冠状病毒感染肺炎疫情防控", "工作领导小组指挥部", "年2月13日",
        "关于对某某镇某某村", "实施封闭管理的通告",
        "经疾病预防控制中心检测并确认,某某村存在2例确诊病例。",
        "市政府办公室日前印发关于进一步做好新型冠状病毒感染的肺炎疫情防控期间企业复工复产工作的通知",
        "通知要求各地加强复工企业的防控。",
    )
    assert kinds == {
        "宝坻经历了什么?": "boilerplate",
        "2020-02-12 08:06:57 新华视点": "boilerplate",
        "原标题:39例确诊上万人隔离,宝坻经历了什么?": "boilerplate",
        "日前,某某社区党支部副书记井某某(右)送菜上门,解决居民的生活问题。 某某日报通讯员 吴 某摄":
            "boilerplate",
        "昨日,某某社区,机关党员干部随社区工作人员走访登记人员信息。/某某日报记者王某某摄":
            "boilerplate",
        "某某区新型冠状病毒感染肺炎防控工作应急指挥部关于实施“防控疫情,人人有责”十项措施的通告":
            "heading",
        "为打赢这场阻击战,指挥部决定实施十项措施。": "body",
        "特此公告。": "boilerplate",
        "某某县应对新型冠状病毒感染肺炎疫情防控": "boilerplate",  # the issuer's name's first line
        "工作领导小组指挥部": "boilerplate",
        "年2月13日": "boilerplate",
        "关于对某某镇某某村": "heading",
        "实施封闭管理的通告": "heading",
        "经疾病预防控制中心检测并确认,某某村存在2例确诊病例。": "body",
        "市政府办公室日前印发关于进一步做好新型冠状病毒感染的肺炎疫情防控期间企业复工复产工作的通知":
            "body",
        "通知要求各地加强复工企业的防控。": "body",
    }


def test_a_file_photo_credit_in_tw2sp_vocabulary_is_a_caption(tmp_path: Path) -> None:
    """OpenCC's tw2sp writes 資料照片 as 数据照片: the caption stays a caption in either script."""
    for credit in ("(資料照片)", "(数据照片)"):
        line = f"林口長庚醫院22日宣布,前往急診室的病患須全面配戴口罩。{credit}"
        kinds = _kinds(tmp_path, line, "院方表示,若民眾沒有口罩,急診室也會提供。")
        assert kinds[line] == "boilerplate"


def test_a_title_asked_again_further_on_is_a_paragraph_of_the_text(tmp_path: Path) -> None:
    """A title repeated as its text's first line is furniture; the text asking the title's
    question again after a paragraph of its own is a paragraph of it."""
    asked = "疫情面前,党员干部该怎么做?"
    lines = (asked, "2020-02-14 来源:某某区委组织部", asked,
             "疫情发生以来,某某社区党支部带领全体党员日夜坚守在防控一线,为居民筑起一道坚固的防线。",
             asked, "答案就写在一线。越是危急时刻,越要冲锋在前,这是共产党员的本色。")
    kinds = [p.kind for p in _segmented(tmp_path, "\n".join(lines) + "\n")]
    assert kinds == ["heading", "boilerplate", "boilerplate", "body", "body", "body"]


@pytest.mark.parametrize(("line", "kind"), [
    # a notice that issues a plan, within a report that quotes it in full
    ("某某县新型冠状病毒感染的肺炎疫情防控工作领导小组关于印发《某某县企业复工复产疫情防控工作方案》的通知",
     "heading"),
    ("某某市人民政府办公室关于印发《关于支持中小企业应对疫情共渡难关的若干措施》的通知", "heading"),
    # its slogan in plain quotes, its number with the year
    ('某某区新型冠状病毒感染肺炎防控工作应急指挥部关于实施"防控疫情,人人有责"十项措施的通告',
     "heading"),
    ("某某区新冠肺炎疫情防控工作指挥部关于进一步加强小区封闭管理和出行管控的通告（2020年第3号）",
     "heading"),
    # a sentence that lost its stop: the notice studied, passed or followed
    ("支部全体党员认真学习了中央关于加强党的领导为打赢疫情防控阻击战提供坚强政治保证的通知",
     "body"),
    ("区人大常委会第二十八次会议审议通过了关于推迟召开区第十届人民代表大会第五次会议的决定",
     "body"),
    ("各村严格按照县新冠肺炎疫情防控工作指挥部关于实行村庄封闭式管理和人员出入登记的通告", "body"),
])
def test_a_notice_title_quoted_in_a_report_and_a_sentence_that_tells_of_one(
        tmp_path: Path, line: str, kind: str) -> None:
    """A notice's long title within a report that quotes the notice is a heading, whether it
    issues a plan (关于印发…的通知) or sets its slogan in plain quotes; a sentence that tells of a
    notice studied or passed, whose stop the page lost, stays body."""
    kinds = _kinds(tmp_path, "我区实施十项措施", "2020-02-14 来源:某某日报",
                   "近日,区指挥部对防控工作作出部署。全文如下:", line,
                   "为打赢这场阻击战,指挥部决定实施十项措施。")
    assert kinds[line] == kind


def test_a_caption_that_places_its_people_further_along_the_row(tmp_path: Path) -> None:
    """A caption of clauses that places its people is one whether the person stands right,
    third from the right or first from the left of the front row; two sentences of the text
    that place a person without a credit stay body."""
    captions = [
        f"日前,某某社区党支部副书记井某某({place})送菜上门,解决居民的生活问题。"
        " 某某日报通讯员 吴某 摄"
        for place in ("右三", "前排左一")
    ]
    said = "社区党支部书记王某某(右三)每天带领党员为居民测量体温。他说,守住小区就是守住家。"
    kinds = _kinds(tmp_path, "党员干部下沉社区",
                   "近日,我市机关党员干部下沉社区,协助开展疫情防控工作。",
                   *captions, said, "据悉,社区党员干部共走访居民3000余户。")
    assert [kinds[c] for c in captions] == ["boilerplate", "boilerplate"]
    assert kinds[said] == "body"


def test_a_signature_date_in_chinese_numerals_whose_year_the_page_lost(tmp_path: Path) -> None:
    """A notice signed with a date in Chinese numerals whose year the page lost (年二月十三日)
    is signed as one in figures is: the signature is furniture and the lines around it are not
    made body by it; the next notice's text stays body."""
    kinds = _kinds(
        tmp_path,
        "關於對某某鎮某某村實施隔離管理的通告",
        "經疾病預防控制中心檢測並確認，某某村存在1例確診病例。", "特此公告。",
        "某某縣應對新型冠狀病毒感染肺炎疫情防控", "工作領導小組指揮部", "年二月十三日",
        "關於對某某鎮某某村實施封閉管理的通告",
        "經疾病預防控制中心檢測並確認，某某村存在2例確診病例。",
    )
    assert [kinds[line] for line in ("工作領導小組指揮部", "年二月十三日")] == ["boilerplate"] * 2
    assert kinds["某某縣應對新型冠狀病毒感染肺炎疫情防控"] != "body"
    assert kinds["經疾病預防控制中心檢測並確認，某某村存在2例確診病例。"] == "body"


def test_an_original_title_labelled_as_traditional_papers_do_or_in_brackets(
        tmp_path: Path) -> None:
    """A reprint's original title is furniture whether labelled 原題 (as Hong Kong and Taiwan
    papers write it) or set in brackets, asking or not; a sentence that tells of the original
    title stays body."""
    lines = ["原題：39例確診上萬人隔離，寶坻經歷了什麼？", "（原标题：宝坻经历了什么？）",
             "【原题：某某社区党员冲在前】", "原标题：《39例确诊上万人隔离，宝坻经历了什么？》"]
    told = "原题为《宝坻经历了什么？》的报道发表后，引起广泛关注。"
    kinds = _kinds(tmp_path, "宝坻经历了什么?", "2020-02-12 08:06:57 新华视点",
                   "记者日前深入宝坻了解情况。", *lines, told,
                   "百货大楼出现聚集性疫情后，当地迅速采取措施。")
    assert [kinds[line] for line in lines] == ["boilerplate"] * 4
    assert kinds[told] == "body"


def test_a_title_that_exclaims_repeated_down_the_page_is_its_title(tmp_path: Path) -> None:
    # 新冠肺炎影響四結福德廟300個布口罩鐘秒殺! first on the page and five times more between
    # and under its paragraphs (set 23's 1737; both labellers: not body) was body text six
    # times: it ends with ! as a sentence does. Said again, it is the page's title, and the
    # copies are furniture. A slogan that exclaims in the text, said twice but not first, and
    # an exclaiming first line said once stay as they were.
    title = "新冠肺炎影響四結福德廟300個布口罩鐘秒殺!"
    text = [title, title, "記者林周龍/五結報導",
            "新冠肺炎蔓延口罩一片難求,就連手工縫製的布口罩也相當搶手。",
            "四結福德廟主委說,廟方向業者急調300片兩用式布口罩。", title, title,
            "民眾一早湧進福德廟,300個布口罩不到一分鐘就被領光。", title]
    paragraphs = _segmented(tmp_path, "\n".join(text) + "\n")
    assert [p.kind for p in paragraphs] == [
        "heading", "boilerplate", "boilerplate", "body", "body", "boilerplate", "boilerplate",
        "body", "boilerplate"]
    assert {p.article_title for p in paragraphs if p.kind == "body"} == {title}
    slogan = ["社区防疫", "居民们自觉戴口罩。", "武汉加油!", "志愿者每天上门测体温。", "武汉加油!"]
    kinds = [p.kind for p in _segmented(tmp_path, "\n".join(slogan) + "\n")]
    assert kinds[2] == kinds[4] == "body"
    once = _segmented(tmp_path, f"{title}\n新冠肺炎蔓延口罩一片難求。\n")
    assert once[0].kind == "body"
    twice = ["武汉加油!", "社区志愿者每天为居民送菜上门。", "居民们在阳台上齐声高喊:", "武汉加油!",
             "歌声和喊声在小区里久久回荡。"]
    kinds = [p.kind for p in _segmented(tmp_path, "\n".join(twice) + "\n")]
    assert kinds[0] == kinds[3] == "body"


def test_a_chinese_titles_english_title_under_it_is_a_heading(tmp_path: Path) -> None:
    # Prevention for the coronavirus in student Dorm under a notice's Chinese title (set 23's
    # 1743; both labellers: not body) was body text, too long for a heading: it is the title
    # said in English, and joins it. An English sentence there, and an English line over
    # English text, stay body.
    english = "Prevention for the coronavirus in student Dorm"
    points = ["1. 宿舍已於日前完成消毒作業,開學後將繼續加強公共區域消毒工作。",
              "2. 進入宿舍之住宿生及家屬請配合量測額溫。"]
    paragraphs = _segmented(tmp_path, "\n".join(
        ["[108-2] 學生宿舍防疫公告", "108-2 學期學生宿舍防疫公告:", english, *points]) + "\n")
    assert [p.kind for p in paragraphs] == ["heading", "heading", "heading", "body", "body"]
    assert english in (paragraphs[-1].article_title or "")
    for line, below in (("All residents must have their temperature taken at the entrance.",
                         points[0]),
                        ("(All residents must have their temperature taken at the entrance.)",
                         points[0]),
                        (english, "All residents must have their temperature taken.")):
        kinds = _kinds(tmp_path, "學生宿舍防疫公告", line, below)
        assert kinds[line] == "body", line


def test_a_chronologys_entries_under_dates_of_their_own_are_body(tmp_path: Path) -> None:
    # A timeline whose dates stand alone on their lines, each entry under its date without a
    # final stop (set 24's 1808): after the page's last body line, every entry was a signature
    # (furniture), labelled nothing. The entries are body, each under its date as a heading.
    entries = {"1月20日": "新加坡衛生部宣布將對兩周內有武漢旅行經歷的肺炎患者進行隔離",
               "1月23日": "新加坡第1宗確診個案,是一名來自武漢的66歲男性旅客",
               "1/30": "政府宣布釋出520萬個口罩",
               "2月7日:": "新加坡將疫情警報狀態提升到「橙色」"}
    lines = ["新加坡抗疫時間線", "我們一起來回顧一下新加坡疫情下的上半年:",
             *[line for date, entry in entries.items() for line in (date, entry)]]
    paragraphs = _segmented(tmp_path, "\n".join(lines) + "\n")
    kinds = {p.text: p.kind for p in paragraphs}
    assert {e: kinds[e] for e in entries.values()} == dict.fromkeys(entries.values(), "body")
    assert {p.text: p.heading for p in paragraphs if p.text in entries.values()} == {
        e: d for d, e in entries.items()}  # 1/30 was furniture
    assert {d: kinds[d] for d in entries} == dict.fromkeys(entries, "heading")
    # Two dates are no chronology: a notice's date under its signature and one in its text.
    kinds = _kinds(tmp_path, "关于延期开学的通知", "各学校要做好防控准备。", "2月3日",
                   "全市中小学延期开学", "市教育局", "2月1日")
    assert [kinds[k] for k in ("全市中小学延期开学", "市教育局")] == ["boilerplate"] * 2
    # A daily report's numbered sections under its dates stay headings.
    days = [(f"2月{day}日", "一、疫情情况", f"全省新增确诊病例{day}例。") for day in (3, 4, 5)]
    report = ["全省疫情通报", *[line for day in days for line in day]]
    paragraphs = _segmented(tmp_path, "\n".join(report) + "\n")
    assert [p.kind for p in paragraphs if p.text == "一、疫情情况"] == ["heading"] * 3


def test_a_chronologys_titles_over_their_text_stay_headings(tmp_path: Path) -> None:
    # A county's digest, each brief a title over its date and its paragraph: the dates made a
    # chronology, and each title, standing between a paragraph and the next date, was taken for
    # the entry's text and made body. A diary's day's title over its entry likewise.
    briefs = [("县委召开疫情防控工作会议", "1月25日",
               "1月25日上午，县委召开常委会议，专题研究部署疫情防控工作。"),
              ("县卫健委发布居家防护指南", "1月26日",
               "县卫健委发布居家防护指南，提醒广大群众减少外出、勤洗手、戴口罩。"),
              ("全县设立12个交通检疫点", "1月27日",
               "全县在主要出入口设立12个交通检疫点，对过往车辆人员逐一测温登记。"),
              ("各乡镇开展入户排查", "1月28日", "各乡镇组织党员干部开展入户排查，做到不漏一户。")]
    kinds = _kinds(tmp_path, "县疫情防控工作简报", *[line for brief in briefs for line in brief])
    assert [kinds[title] for title, _, _ in briefs] == ["heading"] * 4
    diary = [("2月3日", "封城第十二天", "今天早上，小区门口贴出了新的通知。"),
             ("2月4日", "志愿者送菜上门", "下午，社区志愿者送来了蔬菜。"),
             ("2月5日", "第一次下楼", "我下楼取快递，测了体温。")]
    kinds = _kinds(tmp_path, "我的战疫日记", *[line for day in diary for line in day])
    assert [kinds[title] for _, title, _ in diary] == ["heading"] * 3


def test_a_chronologys_dates_in_other_forms_head_their_entries(tmp_path: Path) -> None:
    # Chronologies date their entries 1.21, 1月23日（星期四）, 2020年1月21日 or by the lunar
    # calendar (腊月二十九, 除夕, 正月初一): no date of the rule's forms, so each unstopped entry
    # was a heading (or, under a full date, furniture) and nothing on the page was labelled.
    entries = ["澳門確診首宗新型冠狀病毒感染個案", "特區政府宣布啟動應變計劃",
               "衛生局呼籲市民避免前往武漢", "政府宣布延長公務人員春節假期"]
    for dates in (["1.21", "1.22", "1.23", "1.28"],
                  ["1月23日（星期四）", "1月24日（星期五）", "1月25日 星期六", "1月26日（周日）"],
                  ["2020年1月21日", "2020年1月24日", "2020年1月26日", "2020年1月28日"],
                  ["腊月二十九", "除夕", "正月初一", "正月初二"]):
        paragraphs = _segmented(tmp_path, "\n".join(
            ["抗疫大事記", *[line for pair in zip(dates, entries, strict=True) for line in pair]])
            + "\n")
        kinds = {p.text: p.kind for p in paragraphs}
        assert [kinds[e] for e in entries] == ["body"] * 4, dates
        assert [kinds[d] for d in dates] == ["heading"] * 4, dates
    # Notices joined on one page, each signed with its issuer and full date over the next one's
    # title, are no chronology: the dates stay furniture, the titles headings.
    notices = [(f"关于做好第{n}阶段疫情防控工作的通知", f"请各单位做好第{n}阶段的防控工作。",
                "县疫情防控指挥部", f"2020年2月{n}日") for n in (1, 3, 5, 7)]
    kinds = _kinds(tmp_path, *[line for notice in notices for line in notice])
    assert [kinds[n[0]] for n in notices] == ["heading"] * 4
    assert [kinds[n[3]] for n in notices] == ["boilerplate"] * 4


def test_a_few_lines_wrapped_at_a_fixed_width_among_short_ones_are_body(tmp_path: Path) -> None:
    # A forum's repost of a hospital's notice, wrapped at 40 characters among the readers'
    # one-line replies (set 24's 1792): too few wrapped lines to tell the page's width, each
    # line cut out of a sentence was a heading, and the notice's text was lost to labelling.
    notice = ("為因應中國大陸新型冠狀病毒感染引發之肺炎疫情,成大醫院配合衛生福利部疾病管制署"
              "之感染管制措施,即日起執行全院門禁管制,謝絕所有探病訪客;陪病者需出示有陪伴證"
              ",並戴口罩及量測體溫無發燒,始得進入。")
    wrapped = [notice[i : i + 40] for i in range(0, len(notice), 40)]
    replies = [line for n in range(6) for line in
               (f"作者: reader{n} (讀者)   2020-01-24 14:{10 + n}:00", f"支持門禁管制{'!' * n}")]
    kinds = _kinds(tmp_path, "[新聞] 成大醫院全院門禁管制 即日起謝絕所有探病訪客",
                   "作者: B0858B   2020-01-24 13:29:20", *wrapped, *replies)
    assert [kinds[line] for line in wrapped] == ["body"] * 3
    # A title and a subtitle of one length with commas in them, over a longer first paragraph,
    # stay headings; so does a dashed subtitle over a short one, and a single long heading.
    title = "坚持人民至上,全力以赴打赢疫情防控阻击战的人民战争总体战"
    subtitle = "记某县人民医院党员医护人员,用行动诠释共产党员的初心和使命"
    for lines in ([title, subtitle, "医护人员坚守一线。" * 8], [title, "医护人员坚守一线。"],
                  [title, "——" + subtitle[2:], "医护人员坚守一线。"]):
        kinds = _kinds(tmp_path, *lines)
        assert [kinds[line] for line in lines[:-1]] == ["heading"] * (len(lines) - 1), lines


def test_bylines_stamps_keywords_and_links_seen_on_set_24_are_furniture(tmp_path: Path) -> None:
    # Each was a heading (the first heading of its page's text, or its title) or body text,
    # labelled: an editor's byline, a reporter's or an outlet's credit in brackets, a date with
    # the count of readers, a forum's and an English blog's stamps, a form's link, a page's
    # keywords. Sentences and headings that share their words stay as they were.
    furniture = ["編輯 隋昊志 報導", "【KTSF 梁秋玉報導】", "【菲律賓世界日報專訊】",
                 "文字 王小明 報導",
                 "Posted on March 5, 2020 by admin", "5 March 2020", "February 10, 2020 at 9:00 am",
                 "March 5, 2020 / 0 Comments / by admin", "By Carolina Franco",
                 "at 2020-03-23T10:44", "阅读 10万+", "文章图片",
                 "subtitle 中国经济周刊02-14 20:07 跟贴 198 条",
                 "2020年08月04日   •   3萬次閱讀", "admin 發表於 週一, 02/10/2020 - 21:44",
                 "March 5, 2020 by Hao Yi Xu Leave a Comment",
                 "填寫網址:https://forms.gle/H1vvQbd2WSPRBZpXA",
                 "关键词:一线抗疫群英谱,石家庄,疫情,社区责任编辑:裴妥",
                 "【大紀元2020年02月05日訊】", "[新唐人2020年2月3日訊]", "【新華社北京2月3日電】",
                 "【本报讯】"]
    kept = {"关键词：担当": "heading", "【抗疫快讯】": "heading", "编辑部报道": "heading",
            "【抗疫一线报道】": "heading", "【战疫特别报道】": "heading", "【系列报道】": "heading",
            "报名网址：https://a.b/c 欢迎报名": "heading",
            "编辑部的同事们报道了社区志愿者的事迹。": "body",
            "【本报专讯】市卫健委今天发布了最新的防控指引。": "body",
            "March 5, 2020 was the day the city closed its schools": "body",
            "By working together we can beat the virus": "body", "阅读 10万+的文章很多": "heading"}
    for line in furniture:
        kinds = _kinds(tmp_path, "社區義工隊挨家挨戶派口罩", line, "社區義工隊上門派發口罩。",
                       "義工們還為長者量體溫。")
        assert kinds[line] == "boilerplate", line
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社區義工隊挨家挨戶派口罩", "社區義工隊上門派發口罩。", line,
                       "義工們還為長者量體溫。")
        assert kinds[line] == kind, line


def test_a_date_stamp_over_the_title_and_a_fields_value_under_its_label_are_furniture(
        tmp_path: Path) -> None:
    # A page's first line, its date and weekday, over its title (set 24's 1814) was taken for a
    # diary's day line: a heading, the page's title, and the real title a heading under it.
    # The value under a source's label alone (来源: / 浙江在线-钱江晚报, set 24's 1789) was a
    # heading over the text.
    title = "【武漢肺炎●大馬直擊】每戶只准一人外出 軍警截查 大馬港人感無奈︰管制措施朝令夕改"
    paragraphs = _segmented(tmp_path, f"2020年3月27日 星期五\n{title}\n"
                                      "武漢肺炎肆虐,馬來西亞實施行動管制令。\n")
    assert [p.kind for p in paragraphs] == ["boilerplate", "heading", "body"]
    assert paragraphs[-1].article_title == title
    paragraphs = _segmented(tmp_path, "温州新冠肺炎住院病例清零\n来源:\n浙江在线-钱江晚报\n"
                                      "温州最后一名住院患者昨天出院。\n")
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "boilerplate", "body"]
    assert paragraphs[-1].heading is None
    # A diary's day line over its entry, a day line over another, and a label's next line that
    # is a sentence or under a label that is no field's, stay as they were.
    diary = ["2月3日，星期一，晴", "今天是封城的第十二天，我在家里写日记。"]
    assert _kinds(tmp_path, *diary)[diary[0]] == "heading"
    # A diary of several days, each day line over its day's title: the first is no stamp.
    days = ["2月3日 星期一 晴", "封城第十二天", "今天早上，小区门口贴出了新的通知。",
            "2月4日 星期二 阴", "志愿者送菜上门", "下午，社区志愿者送来了蔬菜。"]
    assert _kinds(tmp_path, *days)[days[0]] == "heading"
    assert _kinds(tmp_path, "2月3日 星期一", "2月4日 星期二",
                  "今天是封城的第十二天。")["2月3日 星期一"] == "heading"
    kinds = _kinds(tmp_path, "温州新冠肺炎住院病例清零", "来源:", "市卫健委通报,全市病例清零。",
                   "通知如下:", "各社区做好防控", "温州最后一名住院患者昨天出院。")
    assert kinds["市卫健委通报,全市病例清零。"] == "body"
    assert kinds["各社区做好防控"] == "heading"


def test_numbered_lines_each_right_over_the_next_are_a_lists_items(tmp_path: Path) -> None:
    # A health commission's count of cases city by city, one numbered line each (set 24's
    # 1765): every line but the last, which ends a sentence, was a section heading over
    # nothing but the next. Three or more numbered alike in a row are a list's items, body.
    items = ["1.鄂尔多斯市11例(达拉特旗9例、东胜区1例)", "2.包头市7例(土右旗4例、昆都仑区3例)",
             "3.呼和浩特市5例(新城区2例、玉泉区1例)", "4.乌海市海勃湾区2例",
             "5.通辽市经济开发区1例。"]
    kinds = _kinds(tmp_path, "内蒙古自治区疫情情况", "截至2月5日9时,全区累计报告确诊病例30例。",
                   *items, "全区新增出院病例2例。")
    assert [kinds[item] for item in items] == ["body"] * 5
    # Without a fifth like it under them, the last item may head what follows: it stays.
    kinds = _kinds(tmp_path, "内蒙古自治区疫情情况", "截至2月5日9时,全区累计报告确诊病例30例。",
                   *items[:4], "全区新增出院病例2例。")
    assert [kinds[item] for item in items[:4]] == ["body"] * 3 + ["heading"]
    # An outline's headings, numbered in different forms or two alike, stay headings.
    outline = ["一、总体要求", "（一）指导思想", "坚持人民至上。", "二、主要任务", "三、保障措施",
               "加强组织领导。"]
    kinds = _kinds(tmp_path, "某县疫情防控工作方案", "为做好疫情防控工作,制定本方案。", *outline)
    assert [kinds[line] for line in outline] == ["heading", "heading", "body", "heading",
                                                 "heading", "body"]


def test_a_chronologys_unstopped_line_after_an_entrys_text_is_body(tmp_path: Path) -> None:
    # Set 25's 1816: under 1月24日, two stopped sentences, then one without a stop right above
    # the next date (辽宁省决定启动…二级响应, leadership to both labellers). Kept as a digest's
    # title over the next date, it became a signature after the page's last body line. Most
    # dates there have text, not a title, right above them: it is the entry's text.
    lines = ["回顾沈阳战疫那些关键时间节点", "1月18日", "沈阳市正式成立市疫情防控工作领导小组。",
             "1月22日", "沈阳市六院启动发热门诊和负压病房。", "1月23日", "上午10时,武汉封城。",
             "1月24日", "辽宁公布282家设置发热门诊的医院名单。",
             "沈阳文博、演出、景区等单位主动暂停运营。",
             "辽宁省决定启动重大突发公共卫生事件二级响应", "1月25日", "辽宁省启"]
    kinds = _kinds(tmp_path, *lines)
    assert kinds["辽宁省决定启动重大突发公共卫生事件二级响应"] == "body"
    assert [kinds[d] for d in ("1月18日", "1月22日", "1月23日", "1月24日", "1月25日")] == [
        "heading"] * 5


def test_a_notices_points_under_its_last_paragraph_are_its_text_not_a_signature(
        tmp_path: Path) -> None:
    # A notice whose numbered points, one line each without a stop, stand under its lead-in and
    # over 特此通告。 and its signature: each point was taken for a line of the signature
    # (boilerplate, below the last body paragraph). So was a Hong Kong release's list over 完.
    points = ["一、全县所有农贸市场暂停活禽交易",
              "二、暂停一切聚集性活动，取消庙会、灯会等民俗活动",
              "三、所有外出人员必须佩戴口罩",
              "四、从湖北返乡人员须主动到所在村（社区）登记"]
    kinds = _kinds(tmp_path, "关于进一步加强疫情防控工作的通告",
                   "为切实做好疫情防控工作，现将有关事项通告如下：", *points, "特此通告。",
                   "某某县疫情防控工作指挥部", "2020年1月27日")
    assert [kinds[point] for point in points] == ["body"] * 4
    assert kinds["某某县疫情防控工作指挥部"] == "boilerplate"
    items = ["1. 保持良好個人衞生", "2. 外出時佩戴外科口罩", "3. 避免前往人多擠迫的地方"]
    kinds = _kinds(tmp_path, "衞生防護中心公布最新情況", "中心呼籲市民注意以下事項：", *items,
                   "完", "2020年2月10日（星期一）", "香港時間21時30分")
    assert [kinds[item] for item in items] == ["body"] * 3
    # A list of links under its label after the text stays furniture.
    links = ["1.武汉新增确诊病例", "2.湖北启动一级响应", "3.多地暂停客运班车"]
    kinds = _kinds(tmp_path, "某县开展排查", "各村开展拉网式排查。", "相关阅读", *links)
    assert [kinds[link] for link in links] == ["boilerplate"] * 3


def test_a_notices_points_right_under_its_title_are_a_lists_items(tmp_path: Path) -> None:
    # Macau's notice with its points right under its title, one line each without a stop, and
    # a branch's study list under its outline's 一、学习内容: each point was a section heading
    # over nothing but the next (items were looked for only after the first body paragraph).
    points = ["一、全澳所有娛樂場所由2月5日起暫停營業十五日",
              "二、戲院、劇院、網吧、桌球室等場所同時暫停營業",
              "三、健身室、美容院、酒吧等場所一併暫停營業"]
    kinds = _kinds(tmp_path, "關於娛樂場所暫停營業的公告", *points, "本公告自公佈翌日起生效。")
    assert [kinds[point] for point in points[:2]] == ["body"] * 2
    items = ["1.习近平总书记关于疫情防控工作的重要指示", "2.中央政治局常委会会议精神",
             "3.省委关于坚决打赢疫情防控阻击战的决定"]
    kinds = _kinds(tmp_path, "党支部学习材料", "一、学习内容", *items, "二、学习要求",
                   "各支部要组织党员通过线上方式认真学习。")
    assert [kinds[item] for item in items] == ["body"] * 3
    assert kinds["一、学习内容"] == kinds["二、学习要求"] == "heading"
    # A table of contents, its lines said again over their sections, stays as it was.
    contents = ["一、排查", "二、救治", "三、保障"]
    paragraphs = _segmented(tmp_path, "\n".join(
        ["某县防控工作总结", *contents, "一、排查", "各村开展拉网式排查。", "二、救治",
         "县医院开设发热门诊。", "三、保障", "各乡镇储备防护物资。"]) + "\n")
    assert [p.kind for p in paragraphs[1:4]] == ["boilerplate"] * 3


def test_a_numbered_lists_last_item_under_its_lead_in_is_an_item_too(tmp_path: Path) -> None:
    # A daily bulletin's cases city by city under 新增确诊病例分布如下：: the last item stayed a
    # heading, and the bulletin's closing total went under it as its section's text.
    items = ["1.长沙市4例", "2.岳阳市3例", "3.常德市5例", "4.邵阳市3例"]
    paragraphs = _segmented(tmp_path, "\n".join(
        ["新冠肺炎每日疫情通报", "2月12日0—24时，全省新增确诊病例15例。", "新增确诊病例分布如下：",
         *items, "截至2月12日24时，全省累计报告确诊病例968例。"]) + "\n")
    kinds = {p.text: p.kind for p in paragraphs}
    assert [kinds[item] for item in items] == ["body"] * 4
    assert paragraphs[-1].heading is None
    # Without a lead-in, the last may head what follows: it stays a heading.
    kinds = _kinds(tmp_path, "新冠肺炎每日疫情通报", "2月12日0—24时，全省新增确诊病例15例。",
                   *items, "截至2月12日24时，全省累计报告确诊病例968例。")
    assert [kinds[item] for item in items] == ["body"] * 3 + ["heading"]


def test_a_list_of_links_under_its_label_is_furniture(tmp_path: Path) -> None:
    # 相关阅读： under a proposal's signature was body text (a colon ends a clause), and the
    # signature's issuer above it a heading; the titles of other pages under it were headings,
    # or, numbered under the text, a list's items (body). Label and titles are furniture.
    kinds = _kinds(tmp_path, "致全体党员的倡议书", "特向全体党员发出如下倡议：",
                   "让党旗在防控疫情斗争第一线高高飘扬！", "中共某某县委组织部", "2020年1月28日",
                   "相关阅读：", "县委组织部发出通知 要求党员冲锋在前", "全县党员干部下沉社区一线")
    assert [kinds[line] for line in ("中共某某县委组织部", "相关阅读：", "全县党员干部下沉社区一线",
                                     "县委组织部发出通知 要求党员冲锋在前")] == ["boilerplate"] * 4
    links = ["1.武汉新增确诊病例", "2.湖北启动一级响应", "3.多地暂停客运班车"]
    for label in ("【推荐阅读】", "往期回顾", "延伸阅读:"):
        kinds = _kinds(tmp_path, "某县开展排查", "各村开展拉网式排查。", label, *links,
                       "各乡镇设卡测温。")
        assert [kinds[line] for line in (label, *links)] == ["boilerplate"] * 4, label


def test_an_english_releases_end_is_furniture_on_a_bilingual_page(tmp_path: Path) -> None:
    # A Hong Kong release in English over its Chinese: its end (Ends/Monday, February 10, 2020,
    # Issued at HKT 21:30, NNNN) and the Chinese title under it were a run of four heading-like
    # lines, and the three of the end body text, labelled.
    end = ["Ends/Monday, February 10, 2020", "Issued at HKT 21:30", "NNNN"]
    kinds = _kinds(tmp_path, "CHP investigates two additional confirmed cases",
                   "The Centre for Health Protection is today investigating two additional "
                   "confirmed cases of novel coronavirus infection.", *end,
                   "衞生防護中心調查兩宗新增確診個案",
                   "衞生署衞生防護中心今日正調查兩宗新增確診個案。",
                   "完", "2020年2月10日（星期一）", "香港時間21時30分")
    assert [kinds[line] for line in end] == ["boilerplate"] * 3
    assert kinds["衞生防護中心調查兩宗新增確診個案"] == "heading"


def test_a_diarys_entry_of_sentences_without_its_last_stop_is_no_days_title(
        tmp_path: Path) -> None:
    # A diary's entries under their dates, each of sentences whose last lost its stop: one right
    # above the next date was taken for a digest's title (the page's title above the first date
    # and the entries made it look like one), one right under its date over more text for the
    # day's title; both were headings. A title holds no sentence's end inside.
    entry = "居民老张打来电话，说家里的降压药吃完了。我骑电动车跑了三家药店才买到"
    kinds = _kinds(tmp_path, "战疫日记｜一名社区书记的七天", "1月28日",
                   "今天是正月初四。一早接到街道通知，所有小区实行封闭管理。我和社工们分头行动",
                   "1月29日", entry, "1月30日",
                   "下了一整天的雨，志愿者小李冒雨修好了帐篷，全身都湿透了")
    assert kinds[entry] == "body"
    first = "今天是正月初四。一早接到街道通知，所有小区实行封闭管理"
    kinds = _kinds(tmp_path, "战疫日记", "1月28日", first, "我和社工们在每个出入口设置了值守点。",
                   "1月29日", entry, "1月30日", "下了一整天的雨。志愿者小李冒雨修好了帐篷")
    assert kinds[first] == "body"
    assert kinds["1月28日"] == kinds["1月29日"] == "heading"


def test_numbered_headings_of_one_length_with_commas_are_no_wrapped_prose(
        tmp_path: Path) -> None:
    # A section's heading right over its first subsection's, one length (give or take a
    # character) with a comma in each, over a shorter paragraph: taken for a paragraph wrapped
    # at that width among short lines, both were body text. A section's number marks a heading.
    section = "一、坚持党建引领，筑牢疫情防控的坚强战斗堡垒"
    subsection = "（一）成立临时党支部，党员全部下沉到社区网格"
    kinds = _kinds(tmp_path, "某某社区疫情防控工作纪实", "社区党委第一时间行动起来。", section,
                   subsection, "各网格员逐户排查，不落一户。", "（二）组织志愿者代购生活物资",
                   "社区为独居老人代购药品。")
    assert kinds[section] == kinds[subsection] == "heading"


def test_a_chronologys_events_numbered_one_a_line_under_their_date_are_body(
        tmp_path: Path) -> None:
    # A chronology whose dates each head their day's events numbered one a line: every event
    # stayed a heading (numbered lines in a chronology were kept as a daily report's sections),
    # and the page had no body text at all. A daily report's section over its text stays one.
    events = ["1.国家卫健委将新型冠状病毒感染的肺炎纳入乙类传染病",
              "2.钟南山院士确认新冠病毒存在人传人现象",
              "1.我省报告首例输入性确诊病例", "2.省卫健委成立疫情防控领导小组",
              "1.武汉市关闭离汉通道", "2.我省启动重大突发公共卫生事件一级响应"]
    kinds = _kinds(tmp_path, "新冠肺炎疫情防控大事记", "1月20日", *events[:2], "1月21日",
                   *events[2:4], "1月23日", *events[4:])
    assert [kinds[event] for event in events] == ["body"] * 6
    assert kinds["1月20日"] == kinds["1月23日"] == "heading"
    paragraphs = _segmented(tmp_path, "\n".join(
        ["疫情日报", "2月1日", "一、疫情情况", "全县无确诊病例。", "2月2日", "一、疫情情况",
         "全县新增疑似病例1例。", "2月3日", "一、疫情情况", "全县疑似病例排除。"]) + "\n")
    assert {p.kind for p in paragraphs if p.text == "一、疫情情况"} == {"heading"}


def test_a_sentence_each_days_report_says_under_one_heading_is_text(tmp_path: Path) -> None:
    # A county's daily reports joined on one page, each day's 一、疫情情况 over 全县无新增病例。:
    # the sentence, said twice, was taken for a photo's caption, and its heading, now over
    # another heading, for a table of contents' line: both furniture, each day.
    days = [("2月2日", "县疫情防控指挥部召开调度会,部署返岗人员排查工作。"),
            ("2月3日", "县卫健委组织医务人员对集中隔离点开展巡查,落实消毒措施。")]
    lines = ["某县疫情防控工作日报", *[line for day, work in days for line in
                                  (day, "一、疫情情况", "全县无新增病例。", "二、主要工作", work)]]
    paragraphs = _segmented(tmp_path, "\n".join(lines) + "\n")
    said = [p for p in paragraphs if p.text == "全县无新增病例。"]
    assert [(p.kind, p.heading) for p in said] == [("body", "一、疫情情况")] * 2
    # A caption under each of a page's photos, said again with other lines above it, is still
    # furniture.
    kinds = _kinds(tmp_path, "社区志愿者上门送菜", "IMG_0001.jpg", "志愿者为居民送菜。",
                   "社区志愿者每天为隔离居民送菜上门,已坚持半个月。", "IMG_0002.jpg",
                   "志愿者为居民送菜。", "居民们纷纷点赞。")
    assert kinds["志愿者为居民送菜。"] == "boilerplate"


def test_editors_sources_breadcrumbs_and_buttons_are_furniture(tmp_path: Path) -> None:
    # Each was body text (labelled) or a heading in a page's middle, where no signature rule
    # reaches it; a breadcrumb in English became part of the page's title.
    furniture = ["Share this:", "分享：", "Home › 新聞 › 本地", "责编：", "审核：", "校对：王某",
                 "（责任编辑：王某）", "[责任编辑:王某]", "Source: Xinhua", "字体：大 中 小",
                 "阅读原文", "在看", "- END -"]
    for line in furniture:
        paragraphs = _segmented(tmp_path, f"社区志愿者上门送菜\n{line}\n"
                                          "社区志愿者每天为隔离居民送菜上门。\n居民们纷纷点赞。\n")
        assert paragraphs[1].kind == "boilerplate", line
        assert paragraphs[-1].article_title == "社区志愿者上门送菜", line
    kept = {"审核返乡人员信息": "heading", "在看望老人时,志愿者送上口罩。": "body",
            "Source of the virus remains unknown, experts say": "body",
            "转发这条消息的人很多。": "body", "Home quarantine rules": "heading",
            "分享会在社区举行": "heading"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社区志愿者上门送菜", line, "社区志愿者每天为隔离居民送菜上门。",
                       "居民们纷纷点赞。")
        assert kinds[line] == kind, line


def test_a_papers_byline_with_its_source_and_page_is_furniture(tmp_path: Path) -> None:
    # Too long for the byline's pattern, with the source and the page stamp after the name, it
    # was body text, labelled (set 28).
    furniture = ["某某报·某某网记者 王某某  来源:某某青年报  ( 2020年02月18日   03 版)",
                 "本报记者 王某某 通讯员 李某某 张某某  来源：某某日报（2020年2月18日 第3版）",
                 "記者 陳某某 實習記者 林某某  來源:某某時報 (2020年3月1日 A5版)",
                 "某某日报记者 王某某 通讯员 李某某 赵某某  来源:某某日报客户端"]
    for line in furniture:
        paragraphs = _segmented(tmp_path, f"社区志愿者上门送菜\n{line}\n"
                                          "社区志愿者每天为隔离居民送菜上门。\n居民们纷纷点赞。\n")
        assert paragraphs[1].kind == "boilerplate", line
    kept = {"据某某报记者王某某了解，来源于外地的返乡人员已全部登记。": "body",
            "某某报记者 王某某 来源:某某日报 称当天有三百多名志愿者参与了社区的防控工作": "heading",
            "记者 王某某 来源:某某日报 某某报道。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社区志愿者上门送菜", line, "社区志愿者每天为隔离居民送菜上门。",
                       "居民们纷纷点赞。")
        assert kinds[line] == kind, line


def test_a_sites_publication_and_update_fields_are_furniture(tmp_path: Path) -> None:
    # With their times lost (出版:更新:) they were body text, labelled (set 28); with them, a
    # heading, the heading of the text.
    furniture = ["出版:更新:", "出版：更新：", "出版：2020-01-25 16:04 更新：2020-01-25 17:10",
                 "出版:2020/01/25 16:04 最後更新:2020/01/25 17:10", "更新：2020-01-25 17:10",
                 "出版：2020年1月25日"]
    for line in furniture:
        paragraphs = _segmented(tmp_path, f"社區義工上門派口罩\n{line}\n"
                                          "社區義工每天為獨居長者送上口罩。\n長者們紛紛道謝。\n")
        assert paragraphs[1].kind == "boilerplate", line
        assert paragraphs[2].heading is None, line
    kept = {"出版社更新了防疫指南": "heading", "更新：1月25日起全面封閉管理": "heading",
            "出版:": "body", "出版：2020-01-25 由本會出版的防疫指南已經更新。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社區義工上門派口罩", line, "社區義工每天為獨居長者送上口罩。",
                       "長者們紛紛道謝。")
        assert kinds[line] == kind, line


def test_a_reporters_name_and_outlet_parted_by_a_slash_are_furniture(tmp_path: Path) -> None:
    # Under the title it was a heading, the heading of the whole text (set 28).
    furniture = ["李某某/某某新闻", "王某 / 新华社", "陈某某／某某日報", "张某/某某晚报",
                 "林某某/某某電視台", "赵某/某某客户端"]
    for line in furniture:
        paragraphs = _segmented(tmp_path, f"社区志愿者上门送菜\n{line}\n2020-02-05 21:41\n"
                                          "社区志愿者每天为隔离居民送菜上门。\n【一、送菜】\n"
                                          "居民们纷纷点赞。\n")
        assert paragraphs[1].kind == "boilerplate", line
        assert paragraphs[3].heading is None, line
    kept = {"疫情防控/安全网": "heading", "党员干部/志愿者": "heading",
            "全力以赴/抗击疫情": "heading", "某某/新闻": "heading",
            "李某某/某某新闻报道了志愿者的事迹。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社区志愿者上门送菜", line, "社区志愿者每天为隔离居民送菜上门。",
                       "【一、送菜】", "居民们纷纷点赞。")
        assert kinds[line] == kind, line


def test_a_chinese_letters_closing_is_furniture(tmp_path: Path) -> None:
    # 順祝 / 身體健康、主恩常在 / 某某校長謹啟 over the letter's English version were three lines
    # of a run of four heading-like ones, body text, labelled (set 28); 此致 alone in a page's
    # middle was a heading.
    letter = ["停課安排", "各位家長及同學：", "教育局宣佈全港學校不早於3月16日復課。",
              "本校於停課期間仍會保持校舍開放。"]
    english = ["Class suspension notice", "Dear Parents and Students,",
               "The Education Bureau has announced that classes will not resume."]
    closings = [["順祝", "身體健康、主恩常在", "某某校長謹啟"],
                ["此致", "敬禮！", "某某校長 陳某某 敬啟"],
                ["顺祝", "工作顺利，身体健康！", "某某社区居委会启"], ["敬祝", "主恩常在"],
                ["此致", "敬礼"], ["某某小學校長 王某某 謹上"]]
    for closing in closings:
        kinds = _kinds(tmp_path, *letter, *closing, *english)
        assert [kinds[line] for line in closing] == ["boilerplate"] * len(closing), closing
        assert kinds["Class suspension notice"] == "heading", closing
        assert kinds[letter[-1]] == "body", closing
    # A paragraph under a wish, a sentence that wishes, and a heading that ends with 开启 stay
    # as they were.
    kinds = _kinds(tmp_path, *letter, "顺祝",
                   "大家在这段时间里做好个人防护，少出门，勤洗手，出门戴好口罩，共渡难关。",
                   "祝大家身体健康，出门请戴好口罩。", *english)
    assert kinds["大家在这段时间里做好个人防护，少出门，勤洗手，出门戴好口罩，共渡难关。"] == "body"
    assert kinds["祝大家身体健康，出门请戴好口罩。"] == "body"
    kinds = _kinds(tmp_path, *letter, "順祝", "身體健康", "復課工作全面开启", *english)
    assert kinds["復課工作全面开启"] == "heading"
    kinds = _kinds(tmp_path, *letter, "此致敬意的人很多", *english)
    assert kinds["此致敬意的人很多"] == "heading"


def test_an_english_letters_closing_and_signer_are_furniture(tmp_path: Path) -> None:
    # Sincerely, and the association's name under it, over the Chinese version of a bilingual
    # notice, were body text, labelled (set 28).
    notice = ["Notice", "Our Centre has decided to suspend all group activities until April.",
              "Members are reminded to wash their hands more often."]
    chinese = ["某某中心暫停活動通告", "本會即日起暫停所有群體活動，以減低受感染的機會。"]
    signed = [("Sincerely,", "Example Chinese Community Services Association"),
              ("Yours sincerely,", "Mr. K. Lo"), ("Best regards,", "John Smith"),
              ("Regards,", "The Committee"), ("Yours faithfully", "Jane Doe, Principal")]
    for closing, signer in signed:
        kinds = _kinds(tmp_path, *notice, closing, signer, *chinese)
        assert (kinds[closing], kinds[signer]) == ("boilerplate", "boilerplate"), closing
        assert kinds[chinese[0]] == "heading", closing
        assert kinds[notice[-1]] == "body", closing
    # A sentence under the closing, the Chinese title right under it, and sentences that open
    # with its words stay as they were.
    kinds = _kinds(tmp_path, *notice, "Best regards,", "Please stay at home and keep safe.",
                   "Sincerely,", *chinese, "Regards to all the volunteers who helped.",
                   "Sincerely yours, the staff thank you.")
    assert kinds["Please stay at home and keep safe."] == "body"
    assert kinds[chinese[0]] == "heading"
    assert kinds["Regards to all the volunteers who helped."] == "body"
    assert kinds["Sincerely yours, the staff thank you."] == "body"


def test_an_issuers_name_over_two_lines_above_its_date_is_a_signature(tmp_path: Path) -> None:
    # A notice signed 某某区新型冠状病毒感染的肺炎疫情 / 防控指挥部 / 2020年1月29日 over a tip and
    # hotlines: the name's first line was a heading, the heading of the tip (set 28).
    notice = ["某某区防控指挥部9号通告", "现将有关事项通告如下：", "1.区政府各窗口单位推迟上班；",
              "2.禁止开业礼、庆典活动。", "自即日起执行，解除时间另行通知。"]
    tip = "温馨提示:返乡人员必须居家隔离14天，戴好口罩，服从管控要求。"
    for name in [("某某区新型冠状病毒感染的肺炎疫情", "防控指挥部"),
                 ("某某县新型冠状病毒肺炎疫情防控工作", "领导小组办公室")]:
        paragraphs = _segmented(tmp_path, "\n".join([*notice, *name, "2020年1月29日", tip]))
        kinds = {p.text: p.kind for p in paragraphs}
        assert [kinds[line] for line in name] == ["boilerplate"] * 2, name
        assert kinds[tip] == "body", name
        assert paragraphs[-1].heading is None, name
    # A brief's title over its issuer's whole name and a date, and a notice's title over an
    # issuer, stay headings.
    for title, issuer in [("学校推迟开学", "某某县教育局"), ("关于延迟复工的通知", "指挥部办公室"),
                          ("一、延迟开学", "办公室")]:
        kinds = _kinds(tmp_path, "每日简报", "全县今日无新增病例。", title, issuer, "2020年1月29日",
                       "经研究决定，全县中小学推迟开学。")
        assert (kinds[title], kinds[issuer]) == ("heading", "boilerplate"), title


JOINED = Config.model_validate({"segment": {"join_wrapped": True}})


def _wrapped_post(width: int = 20) -> tuple[list[str], list[str]]:
    """A forum's repost of a news item, its paragraphs wrapped at ``width`` characters between
    furniture and a numbered heading: the page's lines, and its paragraphs whole."""
    paragraphs = [
        "某縣醫院表示,為防範新型冠狀病毒肺炎,即日起進入急診室的患者和家屬都必須戴口罩"
        "。醫院也在急診室外搭起三個帳篷,作為戶外隔離區,為收治疑似病例做準備。",
        "院方提醒,民眾就診時一定要誠實告知旅遊史和接觸史,若有發燒或咳嗽症狀,"
        "應先到帳篷區做初步篩檢,再由穿上防護衣的醫護人員引導就診。",
        "衛生局表示,將督導各醫院加強防疫演練,並請民眾勤洗手、戴口罩,減少出入人多的公共場所。"]
    wrapped = [[p[i : i + width] for i in range(0, len(p), width)] for p in paragraphs]
    lines = ["[新聞] 某縣醫院急診室即日起須戴口罩", "作者: reader01 (讀者)   2020-01-22 23:07:08",
             *wrapped[0], "二、防疫措施", *wrapped[1], "(記者王小明/報導)", *wrapped[2]]
    return lines, paragraphs


def test_join_wrapped_makes_the_lines_of_a_wrapped_paragraph_one_paragraph(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Each line of a text wrapped at a fixed width was a paragraph, cut in the middle of a
    # sentence (and of a word), and labelled as one. With segment.join_wrapped, the lines of a
    # paragraph are one, up to the shorter line that ends it; furniture and a numbered heading
    # stay apart, and the paragraph's span runs from its first line to its last, its text
    # holding their line breaks as written (a line at the width that ends a sentence goes on).
    lines, paragraphs = _wrapped_post()
    for end in ("\n", "\r\n"):
        path = tmp_path / "post.txt"
        path.write_bytes(end.join(lines).encode("utf-8") + end.encode())
        text = path.read_bytes().decode("utf-8")
        caplog.clear()
        apart = segment_file(path, Config()).paragraphs
        assert [p.text for p in apart] == lines  # the default: each line a paragraph
        assert "segment.join_wrapped: true joins them" in caplog.text
        caplog.clear()
        joined = segment_file(path, JOINED).paragraphs
        assert caplog.text == ""  # nothing looks wrapped any more
        assert [(p.kind, p.text.replace(end, "")) for p in joined] == [
            ("heading", lines[0]), ("boilerplate", lines[1]), ("body", paragraphs[0]),
            ("heading", "二、防疫措施"), ("body", paragraphs[1]),
            ("boilerplate", "(記者王小明/報導)"), ("body", paragraphs[2])]
        assert [p.text.count(end) for p in joined] == [0, 0, 3, 0, 3, 0, 2]
        assert all(text[p.start : p.end] == p.text for p in joined)
        assert [p.index for p in joined] == list(range(7))
        assert [p.id for p in joined] == [f"post:{i}" for i in range(7)]
        assert [p.heading for p in joined] == [None] * 4 + ["二、防疫措施"] * 3
        assert {p.article_title for p in joined} == {lines[0]}
        assert (joined[2].start, joined[2].end) == (apart[2].start, apart[5].end)


def test_a_blank_line_a_longer_line_and_the_paragraph_limit_end_a_joined_paragraph() -> None:
    # A blank line parts paragraphs, whatever their lines' lengths; so does a line longer than
    # the width (a paragraph pasted whole), which is no wrapped line. And no paragraph is
    # longer than segment.max_paragraph_chars: a long run is cut between its lines.
    lines, paragraphs = _wrapped_post()
    pasted = "市卫健委通报,全市新增确诊病例两例,均为外地输入,已送定点医院隔离治疗,病情稳定。"
    last = "各社区工作人员逐户上门登记,测量体温,发放防疫宣传单,劝导居民减少外出。"
    text = "\n".join([*lines[:4], "", *lines[4:], pasted, last[:20], last[20:]]) + "\n"
    joined = segment_text("d", text, join_wrapped=True)
    assert [p.text.replace("\n", "") for p in joined if p.kind == "body"] == [
        lines[2] + lines[3], lines[4] + lines[5], paragraphs[1], paragraphs[2], pasted, last]
    run = "".join(p for p in paragraphs[:2] for _ in range(4))
    text = "\n".join(run[i : i + 20] for i in range(0, len(run), 20)) + "\n"
    joined = segment_text("d", text, max_paragraph_chars=100, join_wrapped=True)
    assert max(len(p.text) for p in joined) <= 100 and len(joined) > 5
    assert "".join(p.text.replace("\n", "") for p in joined) == run


def test_join_wrapped_leaves_lines_of_one_length_that_are_no_wrapped_prose_apart(
        tmp_path: Path) -> None:
    # Section headings that share a length over whole paragraphs (slogans with a comma), a
    # numbered heading over its first subsection's of one length, an outline's one-line items,
    # a title over a subtitle of its length: no text wrapped at that length, and no paragraph
    # joined out of them.
    slogans, paragraph = _SLOGANS, _SLOGAN_PARAGRAPH
    pages = [
        ["某县以“党建网格”筑牢疫情阻击防线", paragraph,
         *[line for s in slogans for line in (s, paragraph, "image.png")]],
        ["某某社区疫情防控工作纪实", "社区党委第一时间行动起来。",
         "一、坚持党建引领，筑牢疫情防控的坚强战斗堡垒",
         "（一）成立临时党支部，党员全部下沉到社区网格", "各网格员逐户排查，不落一户。"],
        ["社区疫情防控工作要点", "一、人员排查", "逐户登记外来人员信息", "每日两次测量体温并上报",
         "重点人员实行居家观察", "二、环境整治", "公共区域每天消毒两次", "清理楼道堆放的杂物"],
        ["坚持人民至上,全力以赴打赢疫情防控阻击战的人民战争总体战",
         "记某县人民医院党员医护人员,用行动诠释共产党员的初心和使命", "医护人员坚守一线。" * 8],
    ]
    for lines in pages:
        text = "\n".join(lines) + "\n"
        assert segment_text("d", text, join_wrapped=True) == segment_text("d", text), lines[0]
        assert [p.text for p in _segmented_as(tmp_path, text, JOINED)] == lines, lines[0]


def test_join_wrapped_joins_a_few_wrapped_lines_among_short_ones(tmp_path: Path) -> None:
    # A forum's repost of a notice wrapped at 30 characters among its readers' one-line
    # replies: too few lines to tell the page's width, but each run of lines cut out of a
    # sentence is found, with the line that ends it, and the line above of their length with
    # no comma (which the runs leave out) begins it.
    wrapped = ["某某醫院配合衛生主管機關的感染管制措施即日起實施全院門禁管制",
               "謝絕所有探病訪客,陪病者每床限一人並需出示陪病證及身分證明",
               "文件,進入前請戴口罩並量測體溫,無發燒者始得進入院區探視病", "人及陪病,請民眾配合。"]
    replies = [line for n in range(6) for line in
               (f"作者: reader{n} (讀者)   2020-01-24 14:{10 + n}:00", f"支持門禁管制{'!' * n}")]
    lines = ["[新聞] 某某醫院全院門禁管制", "作者: poster (讀者)   2020-01-24 13:29:20", *wrapped,
             *replies]
    text = "\n".join(lines) + "\n"
    assert wrapped_width(lines) is None
    assert "," not in wrapped[0]
    paragraphs = segment_text("d", text, join_wrapped=True)
    assert [(p.kind, p.text) for p in paragraphs[2:3]] == [("body", "\n".join(wrapped))]
    assert [p.text for p in paragraphs[3:]] == replies


def _segmented_as(tmp_path: Path, text: str, config: Config) -> list[segment.Paragraph]:
    """Write ``text`` as a page's file, read and segment it with ``config``."""
    path = tmp_path / "page.txt"
    path.write_text(text, "utf-8")
    return segment_file(path, config).paragraphs


def test_join_wrapped_is_off_by_default_and_in_the_shipped_config() -> None:
    from conftest import ROOT

    from pipeline.config import load_config

    assert Config().segment.join_wrapped is False
    assert load_config(ROOT / "configs" / "default.yaml").segment.join_wrapped is False


def test_a_stop_spaced_off_its_closing_quote_still_ends_the_sentence(tmp_path: Path) -> None:
    # A news agency's page that spaces out its punctuation puts a space between the stop and the
    # closing quote: the short quoted line was a heading, its sentence's end hidden.
    ended = ["邻居们纷纷回应:“好的 , 大姐 。 ”", "居民们也回应:“知道了 , 阿姨(意为:好的) 。 ”",
             "“大家戴好口罩 ！ ”"]
    for line in ended:
        kinds = _kinds(tmp_path, "古城里的防疫日常", "社区工作人员每天提醒居民戴好口罩 。", line,
                       "大院里的居民都很配合 。")
        assert kinds[line] == "body", line
    # No stop before the space and the quote: still a short line that ends no sentence.
    for line in ["邻居们纷纷回应:“好的 , 大姐 ”", "“坚守一线 ”"]:
        kinds = _kinds(tmp_path, "古城里的防疫日常", "社区工作人员每天提醒居民戴好口罩 。", line,
                       "大院里的居民都很配合 。")
        assert kinds[line] == "heading", line


def test_a_source_labelled_gaoyuan_is_furniture(tmp_path: Path) -> None:
    # 稿源： labels a page's source as 来源： does; with only a date after it, it was a heading.
    for line in ["稿源:   2020年02月17日", "稿源：某某日报", "稿源:"]:
        kinds = _kinds(tmp_path, "面对疫情，我们义不容辞", line, "医护人员纷纷在请战书上签下名字。",
                       "大家时刻等待出发。")
        assert kinds[line] == "boilerplate", line
    kept = {"稿源不足的问题": "heading", "稿源充足，编辑部每天收到几十篇来稿。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "面对疫情，我们义不容辞", line, "医护人员纷纷在请战书上签下名字。",
                       "大家时刻等待出发。")
        assert kinds[line] == kind, line


def test_a_breadcrumb_of_double_arrows_without_its_home_page_is_furniture(tmp_path: Path) -> None:
    # The site's name, its section and the page's title, set apart by >>: it was a heading, the
    # page's title.
    for line in ["某某新闻网>>专题报道>>社区防控在行动", "某某网 >> 新闻 >> 本地",
                 "某某网＞＞要闻＞＞正文", "某某党建网>>专题>>"]:
        paragraphs = _segmented(tmp_path, f"{line}\n社区防控在行动\n"
                                          "社区志愿者每天为隔离居民送菜上门。\n居民们纷纷点赞。\n")
        assert paragraphs[0].kind == "boilerplate", line
        assert paragraphs[-1].article_title == "社区防控在行动", line
    # One >> only, or a sentence with a stop that uses the arrows for steps, stays as it was.
    kept = {"抗疫>>我们在行动": "heading", "入院流程为登记>>测温>>放行。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "社区防控在行动", line, "社区志愿者每天为隔离居民送菜上门。",
                       "居民们纷纷点赞。")
        assert kinds[line] == kind, line


def test_a_byline_labelled_wenzi_or_tuwen_with_names_is_furniture(tmp_path: Path) -> None:
    # 文字：某某 credits the writer as 文／某某 does: it was a heading, the text's first section
    # heading.
    for line in ["文字:夏某某", "文字：王小明", "图文／张三 李四", "圖文：陳某某、林某"]:
        kinds = _kinds(tmp_path, "小镇抗疫日记", "更新时间 : 2020-03-24", line,
                       "父亲主动请缨做防疫宣传，我们选择支持他。", "整个小镇也没有闲着。")
        assert kinds[line] == "boilerplate", line
    # A call's rules under the label, or words about writing, stay as they were.
    kept = {"文字：不少于800字": "heading", "文字：要求原创": "heading",
            "文字：简洁明了，图片清晰。": "body", "文字记录抗疫点滴": "heading"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "小镇抗疫日记", "更新时间 : 2020-03-24", line,
                       "父亲主动请缨做防疫宣传，我们选择支持他。", "整个小镇也没有闲着。")
        assert kinds[line] == kind, line


def test_who_posted_a_schools_notice_is_furniture(tmp_path: Path) -> None:
    # A school site's post meta, its category and who posted it: it was a heading, the notice's
    # first section heading.
    for line in ["一般公告 / 張貼者 某某組長", "張貼者：學務處", "张贴单位：教务处",
                 "公告單位 總務處", "校園公告／發布單位：學務處"]:
        kinds = _kinds(tmp_path, "某某國小防疫通知", line, "張貼日期: 2020-02-04 00:28:43",
                       "因應疫情，開學日延後兩週，請家長協助。", "返校日延至2月24日。")
        assert kinds[line] == "boilerplate", line
    # A rule for whoever posts, or a sentence about posting, stays as it was.
    kept = {"張貼者 須自行負責": "heading", "張貼者請注意": "heading",
            "張貼單位須於三日內撤除海報。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "某某國小防疫通知", "張貼日期: 2020-02-04 00:28:43", line,
                       "因應疫情，開學日延後兩週，請家長協助。", "返校日延至2月24日。")
        assert kinds[line] == kind, line


def test_a_salutation_with_a_greeting_or_a_comma_is_furniture(tmp_path: Path) -> None:
    # A school's letter greets the parents it addresses, a church's ends its salutation with a
    # comma as an English letter does: both were body text. The title above the letter's date
    # stays its title: the salutation under the date is no body text that keeps it one.
    for line in ["各位親愛的家長您好:", "各位家長您好：", "各位同仁大家好：", "親愛的某某堂會友,",
                 "尊敬的各位來賓，", "亲爱的居民朋友们，"]:
        paragraphs = _segmented(tmp_path, f"某某堂執事會特別報告\n2020年3月17日\n{line}\n"
                                          "因應疫情，本堂決定暫停所有聚會。\n願主保守大家。\n")
        assert [p.kind for p in paragraphs] == [
            "heading", "boilerplate", "boilerplate", "body", "body"], line
        assert paragraphs[-1].article_title == "某某堂執事會特別報告", line
    # A sentence that goes on after the greeting or the comma, or asks something of them, stays
    # body.
    for line in ["各位家長您好，開學日延後兩週。", "親愛的朋友，請大家務必戴口罩。",
                 "各位家長請配合：", "亲爱的孩子们要听话，"]:
        kinds = _kinds(tmp_path, "某某堂執事會特別報告", "因應疫情，本堂決定暫停所有聚會。", line,
                       "願主保守大家。")
        assert kinds[line] == "body", line


def test_an_english_bulletins_fields_are_furniture(tmp_path: Path) -> None:
    # A university's bulletin heads its notice with its fields, run together where the page lost
    # their breaks: they were body text or headings.
    for line in ["Ref. No : ABCD-EF12GHPosted by :WangMing/UNIV",
                 "Department :COPosted Date : 02/02/2020", "Category :",
                 "Posted by : Student Affairs Office", "Ref. No.: 2020-015"]:
        kinds = _kinds(tmp_path, "高教局呼籲師生做好家居自我隔離", line, "Bulletin",
                       "因應疫情持續發展，高校延後復課。", "請同學留在家中。")
        assert kinds[line] == "boilerplate", line
    # Sentences and headings that open with the same words stay as they were.
    kept = {"Department of Health urges residents to stay home": "heading",
            "Category A patients are isolated in hospital.": "body",
            "Posted by popular demand": "heading",
            "Department: 咨詢熱線已開通，請致電查詢。": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "高教局呼籲師生做好家居自我隔離", line,
                       "因應疫情持續發展，高校延後復課。", "請同學留在家中。")
        assert kinds[line] == kind, line


def test_a_caption_with_its_photos_source_at_its_end_is_furniture(tmp_path: Path) -> None:
    # A chart's caption with its source by its label was a heading; an English caption with
    # its source after it, body text.
    for line in ["截止2月10日疫情增長曲線, 圖片來源:某某台", "確診病例分佈圖。图片来源：卫健委",
                 "Volunteers (first from left) hand out masks in the street Source: Supplied",
                 "Volunteers hand out masks Photo: AAP"]:
        kinds = _kinds(tmp_path, "本日新增兩例確診病例", "截至中午12點，新增2例確診病例。", line,
                       "衛生部呼籲民眾勤洗手。", "學校將採取線上學習。")
        assert kinds[line] == "boilerplate", line
    # A sentence that mentions a source in passing, a paragraph whose sentence ends before its
    # source, or a heading about the virus's source stays as it was.
    kept = {"衛生部表示，第42例的感染來源仍在調查中，圖片來源則未公布。": "body",
            "病毒來源仍不明確": "heading",
            "Volunteers handed out masks in the street on Sunday. Source: Supplied": "body",
            "The source of the virus: experts disagree": "body"}
    for line, kind in kept.items():
        kinds = _kinds(tmp_path, "本日新增兩例確診病例", "截至中午12點，新增2例確診病例。", line,
                       "衛生部呼籲民眾勤洗手。", "學校將採取線上學習。")
        assert kinds[line] == kind, line


def test_a_captions_bare_copy_above_it_with_its_credit_is_furniture(tmp_path: Path) -> None:
    # An image's alternative text, the caption without its credit, right above the caption with
    # it: it was body text (or a heading) between the text's paragraphs.
    for copy, caption in [
            ("Volunteers (first from left) hand out masks in the street",
             "Volunteers (first from left) hand out masks in the street Source: Supplied"),
            ("市民在超市排队选购蔬菜", "市民在超市排队选购蔬菜（记者张三摄）"),
            ("截止2月10日疫情增長曲線", "截止2月10日疫情增長曲線, 圖片來源:某某台")]:
        kinds = _kinds(tmp_path, "华人免费派送口罩", "他组织了一个翻译小组，为华人翻译疫情新闻。",
                       copy, caption, "他的想法得到了朋友的支持。")
        assert kinds[copy] == kinds[caption] == "boilerplate", copy
    # A title above its stamped copy, a line a sentence goes on from, or a short heading above
    # a caption that opens with its words keeps its kind.
    for line, below, kind in [
            ("社区防控工作有序开展", "社区防控工作有序开展 2020-02-04 08:30", "heading"),
            ("志愿者为居民送菜上门", "志愿者为居民送菜上门，居民们纷纷点赞。", "heading"),
            ("社区防控", "社区防控（资料图片）", "heading")]:
        kinds = _kinds(tmp_path, "华人免费派送口罩", "他组织了一个翻译小组，为华人翻译疫情新闻。",
                       line, below, "他的想法得到了朋友的支持。")
        assert kinds[line] == kind, line


def test_a_cases_label_alone_over_its_text_is_a_heading(tmp_path: Path) -> None:
    # A day's report labels each new case over its paragraphs: 第46例： was body text, its colon
    # read as a clause's.
    lines = ["本日新增兩例確診病例", "截至中午12點，新增2例確診病例。", "第46例:",
             "35歲永久居民，在賭場工作，最近沒有去過中國。", "第12宗個案：",
             "39歲男子，是一名客工。", "第3例确诊病例：", "患者为45岁女性，已入院隔离。"]
    paragraphs = _segmented(tmp_path, "\n".join(lines) + "\n")
    kinds = {p.text: p.kind for p in paragraphs}
    for label in ["第46例:", "第12宗個案：", "第3例确诊病例："]:
        assert kinds[label] == "heading", label
    assert {p.text: p.heading for p in paragraphs}["39歲男子，是一名客工。"] == "第12宗個案："
    # A case's label with its text on the line, or one who speaks, stays body.
    for line in ["第46例:35歲男子,住在新山。", "第46例患者说：", "第46例与第42例是同事："]:
        kinds = _kinds(tmp_path, "本日新增兩例確診病例", "截至中午12點，新增2例確診病例。", line,
                       "他在賭場工作。")
        assert kinds[line] == "body", line


def test_a_line_of_bare_names_under_the_title_is_a_byline(tmp_path: Path) -> None:
    # A paper's page puts its reporters' names, and nothing else, on a line under the title:
    # short and unpunctuated, it was a heading, joined to the article's title or heading its
    # text, so the names were context words of every paragraph under it.
    body = ["村干部早早来到村里，挨家挨户走访宣传。", "党员们在路口值守，排查进村人员。"]
    for head in [["某县用“三联工程”织密疫情防控网", "徐小飞 钱立源", "2020年01月29日 来源:某某网"],
                 ["今天，重新認識某某河", "韓小澎　汪曉濤　張藝開", "2020年04月19日 來源:某某網"],
                 ["凝聚侨力“疫”路同行", "2020-03-17 18:38 来源:某某杂志 作者:叶立标", "叶立标"],
                 ["凝聚侨力“疫”路同行", "叶立标"], ["社区防控在行动", "陈立新、林海"]]:
        paragraphs = _segmented(tmp_path, "\n".join(head + body) + "\n")
        assert [p.kind for p in paragraphs] == [
            "heading", *["boilerplate"] * (len(head) - 1), "body", "body"], head
        assert {(p.article_title, p.heading) for p in paragraphs if p.kind == "body"} == {
            (head[0], None)}, head
    # Under the title, a person with a role, a heading of words (of two or three characters
    # too) or a phrase stays a heading.
    for line in ["上坪村党员 王建华", "扶贫防疫“领头兵”李国强", "会议现场", "红色代购,减少人流",
                 "早上:详细部署各项工作", "防控", "值守", "战疫", "党员", "抗疫 一线"]:
        kinds = _kinds(tmp_path, "社区防控在行动", line, *body)
        assert kinds[line] == "heading", line
    # One word of the form under a subtitle, not under the title nor furniture, heads the text.
    kinds = _kinds(tmp_path, "社区防控在行动", "——记社区网格员", "周到", *body)
    assert kinds["周到"] == "heading"
    # Between body paragraphs, words that open with a surname's character head a section; and
    # a page of people's stories, each under its name, keeps the first name a heading too.
    for line in ["严防 严控", "高效", "方案"]:
        kinds = _kinds(tmp_path, "社区防控在行动", body[0], line, body[1])
        assert kinds[line] == "heading", line
    kinds = _kinds(tmp_path, "抗疫一线的身影", "王小明", body[0], "李红梅", body[1])
    assert kinds["王小明"] == kinds["李红梅"] == "heading"
