"""Text to paragraphs: offsets, kinds, articles and headings.

A paragraph is a run of text between line breaks (``\\n``, ``\\r\\n``, ``\\r`` and the other Unicode
line separators), or after a full-width indentation (``\\u3000\\u3000``) that follows the end of a
sentence inside a line, with surrounding white space (including full-width and non-breaking
spaces) left out. Blank lines, single newlines and indentation all separate paragraphs the same way.
A paragraph longer than ``max_paragraph_chars`` is cut at the last sentence end before the limit
(or, failing that, at the limit), so one 5 MB line becomes many readable paragraphs; a cut leaves
no piece of punctuation only (a final ``。`` just past the limit stays with the piece before).
Its length is what a reader sees: invisible characters (:data:`INVISIBLE`) do not count. With
``join_wrapped`` (``segment.join_wrapped``), the lines of each paragraph of a text wrapped at a
fixed width are one paragraph, its text holding their line breaks (:func:`_wrapped_paragraphs`).

Each paragraph gets a ``kind``:

- ``boilerplate``: site names, breadcrumbs (``位置:首頁 > …``), source, editor and credit lines
  (``来源：…``, ``作者|…``, ``文丨… 編輯 丨…``, ``原标题：…``), article numbers (``01``), bylines
  (``新华社记者 …``, ``…/台北報導``; reporters' bare names under a title, ``徐某某 钱某某``:
  :func:`_name_bylines`), date lines and publication stamps (``2020-02-03 10:15
  来源:…``, ``20-02-23 08:45 来源:…``, ``某某新聞 | 2020/02/04``, ``0 不详 2020年02月24日``,
  ``2020-12-22 某某新聞``; ROC dates, ``109年3月26日``, and an issuing letter's date and number,
  ``中華民國109年2月20日府衛疾字第…號函訂定``), photo captions (``▲…``, ``△…``,
  ``…（记者…摄）``; a short line ending with a credit, ``…。某某 摄``, ``…。受访者供图``,
  ``…(资料图片)``, ``…(Shutterstock圖片)``, but not a title's ``…（附图片）``; a credit
  alone, ``某某融媒体中心供图``, ``图片由某某提供``; a file photo's or a social account's
  credit, ``…。(資料照,取自…)``, ``…。(某某fb)``; ``图为…。(记者 某某)``; an image's file
  name or number, ``QQ图片20200131102651_副本``), a pull-quote or a heading said again in
  quotes under it (:func:`_pull_quotes`), a call to pass the page on (``紧急扩散！``), an
  outlet's byline (``某某傳媒綜合報導``), a notice's or a letter's addressees
  (``各乡镇人民政府，县直各单位：``, ``尊敬的市民朋友们：``, ``各社区：``, ``各位：``), salutations
  (``親愛的弟兄姊妹：``, ``Dear Parents,``), an English letter's closing and its signer under it
  (``Sincerely,``: :func:`_english_signers`), a speaker's role and name over a quote
  (``和新村村干部 廖某某：``), opening hours (``周五:黃昏6:30至晚上9:30``), a teaser that
  repeats the text (``[导读]…``, ``摘要：…``, ``[摘要]…``, a line cut short with ``...``:
  :func:`_teasers`), an agency's dateline that says the title above it again
  (``新华社南昌1月31日电 题：…``: :func:`_agency_titles`), a note in Latin letters in brackets
  on a Chinese page about its language or version (``[The English version follows the
  Chinese one.]``), greetings
  (``大家好！``) and closing formulas (``特此通告。``, ``多謝主席。``), a letter's closing
  words, the blessing under them and its signer (``順祝`` / ``身體健康`` / ``某某校長謹啟``,
  ``此致`` / ``敬禮``: :func:`_letter_closings`), reprint notices, link
  lines, a release's contact fields and spokesman (``發稿單位：…``, ``電話：…``,
  ``行政院發言人：○○○``), a phone directory's lines (``县卫健局8293273``), a Hong Kong
  release's end (``完``, its date and ``香港時間20時15分``: :func:`_release_dates`), a field's
  label alone (``關鍵詞：``), short unpunctuated lines
  repeated in the document (a repeated title still gives its article its title; a numbered
  article's title right above its text is a heading, however many articles have it), a short
  plain sentence repeated in the document (a caption under each photo:
  :func:`_repeated_captions`), a page's first line that exclaims said again below it (its title:
  :func:`_exclaimed_title_repeated`), lines without letters;
- ``heading``: article titles, subtitles, section headings (``一、…``): short lines without final
  punctuation, above some body text (below the last body paragraph they are signatures:
  boilerplate), unless they start with a day's date and go on (a chronology's entry is body)
  or stand under a chronology's date alone on its line (:func:`_chronology`), or they were cut
  out of a sentence by a text's wrapping at a fixed width (``_wrapped_prose``).
  A diary's day line (the date and the weekday, the lunar date, the weather:
  ``2月3日，星期一，晴``) is a heading, with commas or a final stop too, and so is a chronicle's
  dateline, a full date and a place (``2019年12月31日，武漢。``).
  So is a part's label alone, with its colon (a LegCo answer's ``問題：``, ``答覆：``, an
  official letter's ``說明：``), a list's heading with its colon (``各地確診病例統計：``,
  ``查控点设置：``, a region's name over its places, ``港島區：``, a notice's name over its
  points, ``108-2 學期學生宿舍防疫公告：``), a Chinese title's English under it
  (:func:`_english_title`), a numbered question
  (``一、武漢肺炎到底是什麼？``), a day's name alone (``除夕。``) and two short phrases that
  exclaim between paragraphs (``基层党组织,在行动!``: :func:`_exclaimed_sub_headings`).
  One or two between the title and the first body paragraph of an article without section
  headings are part of its title, and a run of four or more after the body begins, none of them
  numbered, is body text (see ``_title_blocks_and_chains``). An article's first line may be a
  longer title, a question, a tagged exclamation, a line opened by an alert (``紧急!…``), or a
  letter's name with a colon (see ``_long_titles``);
- ``body``: everything else. Only body paragraphs are labelled with a theme.

Article numbers (``01``, ``02`` …) start a new article, whose first heading is its title; in a
document without them the whole document is one article, ``"1"``. Each paragraph carries the
nearest section heading above it within its article.

Example
-------
>>> paras = segment_text("d", "抗疫綜述\\n\\n一、組織領導\\n\\n市委召開會議。\\n")
>>> [(p.kind, p.text, p.article_title, p.heading) for p in paras][-1]
('body', '市委召開會議。', '抗疫綜述', '一、組織領導')
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, pairwise
from typing import Any

KINDS = ("body", "heading", "boilerplate")

_LINE_BREAKS = r"\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029"  # a character class's contents
_SENTENCE_END = "。！？!?；;….．⋯"  # ⋯: the ellipsis as Taiwan and Hong Kong write it
_CLOSERS = "”’」』）)】》〉\"'"
# Indentation inside a line after a sentence end starts a new paragraph.
_INDENT = re.compile(r"(?<=[。！？!?；;…”」』])[ \t\xa0]*\u3000{2,}[ \t\xa0\u3000]*")
_STRIP = " \t\xa0\u3000\u200b\ufeff\u2002\u2003\u2009\u202f\u205f"
# A line without the white space around it (_STRIP and what str.isspace() calls space, which is
# what \s matches), found by one regex search instead of a Python loop per character.
_KEPT = rf"[^\s{re.escape(_STRIP)}]"
_STRIPPED_LINE = re.compile(rf"{_KEPT}(?:[^{_LINE_BREAKS}]*{_KEPT})?")
_ARTICLE_NUMBER = re.compile(r"^(\d{1,3}|第[一二三四五六七八九十百\d]+篇)$")
# A date: 2020年1月23日, 2020-03-18, 2020/02/09/, and with a two-digit year 20-02-23.
_DATE = r"(\d{4}\s*[年/\-.]|\d{2}[/\-.])\s*\d{1,2}\s*[月/\-.]\s*\d{1,2}\s*(日|/)?"
# A date in English: March 5, 2020 (Mar. 5, 2020), 5 March 2020.
_EN_MONTH = (r"(January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
_EN_DATE = rf"{_EN_MONTH}\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} {_EN_MONTH}\.? \d{{4}}"
# A date alone, or with a time and an "updated" note: 2020-03-18 03:18:25,
# 2020/4/28 12:54（4/30 08:42 更新）.
_DATE_LINE = re.compile(
    rf"^{_DATE}(\s*\d{{1,2}}:\d{{2}}(:\d{{2}})?)?\s*([(（][^()（）]*(更新|更新時間|更新时间)[)）])?$")
# A full date (a four-digit year) and its time, if any: 2020年02月24日, 2020-04-07 12:54:21.
_FULL_DATE = (r"\d{4}\s*[年/\-.]\s*\d{1,2}\s*[月/\-.]\s*\d{1,2}\s*日?"
              r"(\s*\d{1,2}:\d{2}(:\d{2})?)?")
# A date of the ROC calendar, as Taiwan dates releases and letters: 109年3月26日 (109 is 2020),
# 中華民國109年2月20日.
_ROC_DATE = r"(中華民國|中华民国|民國|民国)?\s*\d{2,3}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
# A line that starts or ends with a date (a publisher and date, a publication stamp).
_DATE_EDGE = re.compile(rf"^{_DATE}|{_DATE}(\s*\d{{1,2}}:\d{{2}}(:\d{{2}})?)?$")
# A Han character (the unified ideographs, their extensions and compatibility forms).
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# A pinyin gloss that some script converters put after a character (發(fā)布, 醫(yī)院, 們(men)): no
# part of the text's words. (It starts with its bracket, so that the search for it is quick.)
_TONED = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}
_VOWELS = ("a", "o", "e", "i", "u", "ü", "ai", "ei", "ao", "ou", "ia", "ie", "iao", "iu", "io",
           "ua", "uo", "uai", "ui", "üe", "ue")
_TONE_MARKS = "[\u0304\u0301\u030c\u0300]"  # the four tones as combining marks (decomposed text)
_UMLAUT = "(?:ü|u\u0308)"  # ü, composed or not


def _syllable_vowels(vowels: str) -> str:
    """A pattern for a pinyin syllable's vowels with its tone mark where pinyin puts it: on a or
    e, else on the o of ou, else on the last vowel (so é in née, ù in où are no pinyin). The
    mark is a composed letter (ā) or a combining mark after the vowel (a + U+0304), as text
    written decomposed has it."""
    toned = next((i for i, v in enumerate(vowels) if v in "ae"), None)
    if toned is None:
        toned = 0 if vowels == "ou" else len(vowels) - 1

    def letter(i: int, v: str) -> str:
        if i != toned:
            return _UMLAUT if v == "ü" else v
        mark = _TONED[v]
        upper = "".join(ch.upper() for ch in mark)
        base = "(?:[üÜ]|[uU]\u0308)" if v == "ü" else f"[{v}{v.upper()}]"
        return f"(?:[{mark}{upper}]|{base}{_TONE_MARKS})"

    return "".join(letter(i, v) for i, v in enumerate(vowels))


def _plain_vowels(vowels: str) -> str:
    return "".join(_UMLAUT if v == "ü" else v for v in vowels)


# Characters that change how text is shown, not what it says: Unicode's format characters (zero
# width space and joiners, the soft hyphen, a BOM inside the text, direction marks, tags) and the
# variation selectors. Web pages put them between characters (a copy guard, a hyphenation hint);
# left in, each would make a line longer than it is read and cut the word it sits in (jieba cuts
# at anything that is not a letter). Segmenting and features see the text without them.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x13438), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)
INVISIBLE = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in INVISIBLE_RANGES) + "]")
# A quick first look for them (:func:`_has_invisible`): the invisible characters of the Basic
# Multilingual Plane and any character beyond it. INVISIBLE checks each of its ranges beyond the
# plane on its own, one more comparison for every character of the text; this class costs one
# table lookup and one comparison a character.
_INVISIBLE_OR_BEYOND_PLANE = re.compile(
    "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in INVISIBLE_RANGES if b <= 0xFFFF)
    + "\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def invisible_points() -> Any:
    """A table of every code point, True for the :data:`INVISIBLE` ones (NumPy's: called only
    once it is loaded)."""
    import numpy as np

    table = np.zeros(0x110000, dtype=bool)
    for first, last in INVISIBLE_RANGES:
        table[first : last + 1] = True
    return table


# Characters a text is looked at in, at most, by the table (see _has_invisible): a few MB at once.
_TABLE_PART = 1 << 20


def _has_invisible(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has an :data:`INVISIBLE` character.

    With NumPy loaded (classify), each character is looked up in :func:`invisible_points`, a
    part of the text at a time: a fifth of the instructions of the regular expression's pass.
    Without it (segment, status: they do not load it, a fifth of a second of their start), most
    texts have no invisible character, nor one beyond the plane (an emoji, a rare ideograph): one
    quick look tells; otherwise INVISIBLE looks on from the first such character.
    """
    end = len(text) if end is None else end
    if "numpy" in sys.modules:
        import numpy as np

        table = invisible_points()
        for part in range(start, end, _TABLE_PART):
            points = np.frombuffer(text[part : min(part + _TABLE_PART, end)].encode(
                "utf-32-le", "surrogatepass"), dtype=np.uint32)
            if table[points].any():
                return True
        return False
    first = _INVISIBLE_OR_BEYOND_PLANE.search(text, start, end)
    return first is not None and INVISIBLE.search(text, first.start(), end) is not None


_BY_LENGTH = sorted(_VOWELS, key=len, reverse=True)


@lru_cache(maxsize=1)
def pinyin_gloss() -> re.Pattern[str]:
    """The pattern of a pinyin gloss (see above), compiled on first need: a text without a "("
    holds none. Its many small sets of accented letters take 9 ms to compile, which every
    command paid on import, whether it read such a text or none at all."""
    return re.compile(
        # One syllable after a Han character: an initial, its vowels, n, ng or r; with its tone
        # mark, or in lower case without one (the neutral tone: 們(men), 的(de)), two letters at
        # least, so that a list's (a) stays.
        r"\((?<=[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f]\()(?:"
        r"(?i:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
        rf"(?:{'|'.join(_syllable_vowels(v) for v in _BY_LENGTH)})"
        r"(?:ng|n|r)?"
        r"|(?=[a-zü]{2}|[a-z]u\u0308)(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
        rf"(?:{'|'.join(_plain_vowels(v) for v in _BY_LENGTH)})"
        r"(?:ng|n|r)?)\)")


_CN_DIGIT = "[〇零一二三四五六七八九十]"
# A full date in Chinese numerals, as Macau and Hong Kong sign notices: 二零二零年二月四日.
_CN_DATE = rf"{_CN_DIGIT}{{4}}\s*年\s*{_CN_DIGIT}{{1,3}}\s*月\s*{_CN_DIGIT}{{1,3}}\s*日"
# A date alone, as under a signature (a date with a time is a publication stamp, under a title).
# (A page that lost the year's digits leaves 年2月13日, or 年二月十三日.)
_LOST_YEAR_DATE = rf"年\s*(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*月\s*(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*日"
_SIGNATURE_DATE = re.compile(
    rf"^(\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|{_CN_DATE}|{_LOST_YEAR_DATE})$")
# An issuer, as signs a notice above its date: a line that ends with a body's name or a seal.
_ISSUER = re.compile(
    r"(指挥部|指揮部|委员会|委員會|政府|办公室|辦公室|领导小组|領導小組|工作组|工作組|局|委|院|"
    r"中心|公司|商会|商會|协会|協會|大学|大學|学校|學校|党委|黨委|支部|[(（][代借盖蓋]章[)）])$")
# What a publisher's or an issuer's name ends with, as it stamps a page beside the date: an
# outlet (某某发布, 某某新聞, 某某日报, 某某网, 新华社, 某某融媒) or a body (某某镇人民政府,
# 市卫健委, 某某中心), or the stamp's own words (不详, 刊登於).
_PUBLISHER = (r"(發布|发布|發佈|新聞|新闻|(日|晚|早|時|时)(報|报)|網|网|社|電視台|电视台|電台|电台|"
              r"客戶端|客户端|公眾號|公众号|融媒|頻道|频道|編輯部|编辑部|指挥部|指揮部|委员会|委員會|"
              r"政府|办公室|辦公室|局|委|中心|公司|党委|黨委|支部|不詳|不详|刊登於|刊登于|發表於|"
              r"发表于)")
# A chronology entry (1月20日 … / 1/20 …) is body text even without a final stop.
_DATED_ENTRY = re.compile(r"^(\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}/\d{1,2})[\s,，、:：]*\S{10,}")
# A chronology's date on a line of its own, its entry on the lines under it (1月20日, 1/20,
# 1.20, 2020年1月20日, with its weekday, 1月23日（星期四）, and a colon after it at most). A
# lunar date or a holiday alone (正月初一, 除夕) is one too (:data:`_HOLIDAY_LINE`).
_ENTRY_DATE = re.compile(
    r"^((\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}/\d{1,2}"
    r"|(0?[1-9]|1[0-2])\.(0?[1-9]|[12]\d|3[01]))"
    r"(\s*[(（]?(星期|禮拜|礼拜|周|週)[一二三四五六日天][)）]?)?\s*[:：]?$")
# A diary's day line: a day's date and only what a diary writes beside it, the weekday, the lunar
# date or a holiday, the weather, an hour (2月3日，星期一，晴 / 1月24日，大年三十，天气：雨。/
# 二〇二〇年二月七日 星期五 多云转阴): the heading of that day's entry, not a dated entry.
_DAY_FIELD = (
    r"(星期|禮拜|礼拜|周|週)[一二三四五六日天]"
    r"|(農曆|农历)?(正月|臘月|腊月|大年)?(初[一二三四五六七八九十]|[二三]?十[一二三四五六七八九]?|廿"
    r"[一二三四五六七八九]?)"
    r"|除夕|小年|元宵節?|元宵节|春節|春节|情人節|情人节|(天氣|天气)\s*[:：]?\s*"
    r"|[晴陰阴雨雪霧雾霾雲云多轉转小中大暴陣阵雷夾夹有間间]{0,6}[晴陰阴雨雪霧雾霾雲云][晴陰阴雨雪霧雾霾雲云轉转"
    r"小中大暴陣阵雷夾夹間间]{0,6}"
    r"|(上午|下午|晚上|凌晨|早上)?\d{1,2}\s*[:：時时点點]\s*(\d{2}分?)?"
    # the day's count: 新年第二天, 封城的第10天 (from a named day: any few characters before 第
    # would let the fields part a long line in ever more ways, and time out)
    r"|(新年|春節|春节|過年|过年|農曆新年|农历新年|封城|隔離|隔离|居家隔離|居家隔离|抗疫|戰疫|战疫)?的?"
    r"第[一二三四五六七八九十百\d]+天"
)
# A day line may end with the place the diary was kept: 1月26日,新年第二天,瑞昌市.
_DAY_LINE = re.compile(
    rf"^((\d{{4}}|{_CN_DIGIT}{{4}})\s*年\s*)?(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*月\s*"
    rf"(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*日"
    rf"([\s,，、·•:：]*[(（]?({_DAY_FIELD})[)）]?)+"
    r"([\s,，、]*[\u4e00-\u9fff]{1,5}(省|市|縣|县|區|区|鎮|镇|鄉|乡|村|州))?[。.]?$")
# A day's name alone, as a chronicle heads a day's events with it (01.24 above 除夕。): a
# holiday or a lunar date, and its weekday, if any.
_HOLIDAY_LINE = re.compile(
    r"^(除夕|小年|元宵節?|元宵节|春節|春节|(農曆|农历)?(大年|正月|臘月|腊月)(初[一二三四五六七八九十]|"
    r"[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?))"
    r"([\s,，、]*[(（]?(星期|禮拜|礼拜|周|週)[一二三四五六日天][)）]?)?[。.]?$")
# A chronicle's dateline: a full date and a place, nothing else (2019年12月31日，武漢。): the
# heading of what happened there that day. The place is a name of two characters or one ending
# with its kind (武汉市, 湖北省); 2020年1月23日，武汉封城。 says what happened: a sentence.
_DATELINE = re.compile(
    rf"^(\d{{4}}|{_CN_DIGIT}{{4}})\s*年\s*(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*月\s*"
    rf"(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*日[\s,，、]*([\u4e00-\u9fff]{{2}}|"
    r"[\u4e00-\u9fff]{1,5}(省|市|縣|县|區|区|鎮|镇|鄉|乡|村|州))[。.]?$")
# A photo's credit ending a line: after its last sentence or a space, …。馬某攝, … 某某 摄,
# …。受访者供图, …。資料圖片, …。攝:某某/某某傳媒, …。摄影/某报记者某某; or in brackets,
# …(資料圖片), …(某某 Images圖片); or its source by its label, …曲線, 圖片來源:某某; or alone on
# its line, who gave the photo (某某融媒体中心供图, 受访者供图。, 图片均由某某提供, 供图：某某),
# not one who gives it to someone (…向本报供图).
# A headline's note that
# photos come with it (…（附图片）, … 多图片, …(含照片)) credits no one: the line is a title,
# not a caption.
# Who gave the photo, alone on its line: 某某融媒体中心供图, 图片均由某某提供, 图片来自网络,
# 图片来自受访者朋友圈, 图片来源于网络, 图源：网络, and the note that asks to be told of a
# right infringed, 图片来自网络，侵删 (图片来源网络，如有侵权请联系删除).
_GAVE_THE_PHOTO = (r"[^。！？!?，,；;:：、\s向给給]{1,16}(供圖|供图)"
                   r"|(圖片|图片|照片)(均|都|皆)?(由|來自|来自)[^。！？!?，,；;:：]{1,20}(提供|供圖|供图)"
                   r"|(圖片|图片|照片|圖源|图源)(均|都|皆)?(來自|来自|來源於|来源于|來源|来源|源自)?\s*[:：]?\s*"
                   r"(?<=[自於于源:：\s])[^。！？!?，,；;:：\s]{1,12}"
                   r"([，,]\s*[^。！？!?，,；;]{0,12}(侵刪|侵删|刪除|删除))?")
_CREDIT = re.compile(
    r"([。.！!)）\s]\s*([^。！？!?，,；;:：、\s]{1,16}\s?){0,2}(攝|摄|供圖|供图|"
    r"(?<![附含多组組])(圖片|图片))"
    r"|[。.！!)）\s]\s*(攝影|摄影|攝|摄)\s*[:：/／]\s*[^。！？!?，,；;:：]{1,30}"
    r"|^(" + _GAVE_THE_PHOTO + r")"
    r"|^(供圖|供图)\s*[:：/／]\s*[^。！？!?，,；;:：\s]{1,20}"
    r"|[(（][^()（）]{0,30}(?<![附含多组組])(圖片|图片|照片|截圖|截图|供圖|供图)[)）]"
    # … or the photo's source by its label after the caption: …曲線, 圖片來源:CNA.
    r"|[,，。.\s]\s*(圖片|图片|照片|相片)(來源|来源)\s*[:：]\s*[^。！？!?，,；;:：]{1,20})$")
# The same credit alone with a full stop after it: 受访者供图。, 图片由某某提供。
_CREDIT_ALONE = re.compile(r"^(" + _GAVE_THE_PHOTO + r")[。.]$")
_SUBTITLE = re.compile(r"^(--|——|─)")
# A Hong Kong government release's end: 完 on a line of its own, then the release's date and the
# time it went out (2020年3月5日（星期四） / 香港時間20時15分).
_RELEASE_END = re.compile(r"^[-－—(（【\[]*\s*完\s*[-－—)）】\]]*$")
_RELEASE_TIME = re.compile(r"^(香港|澳門|澳门)?(時間|时间)\s*\d{1,2}\s*[時时]\s*\d{1,2}\s*分$")
_RELEASE_DATE = re.compile(
    rf"^(\d{{4}}|{_CN_DIGIT}{{4}})\s*年\s*(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*月\s*"
    rf"(\d{{1,2}}|{_CN_DIGIT}{{1,3}})\s*日\s*([(（](星期|禮拜|礼拜)[一二三四五六日天][)）])?$")
# The label of a part, alone on its line: a LegCo question's written answer (問題： … 答覆：), an
# official letter's points (說明：, 辦法：). It heads that part, though it ends with a colon.
_PART_LABEL = re.compile(
    r"^(問題|问题|答覆|答复|回覆|回复|提問|提问|說明|説明|说明|辦法|办法)\s*[:：]$")
# A list's heading that ends with a colon, its items under it: a numbered one
# (1. 「兒童區」及「學生區」聚會安排：), a topic (各地確診病例統計：, 2月15日治愈出院患者基本情况：,
# 關於2019新型冠狀病毒肺炎：, 查控点设置：), a region's name over its places (港島區：, 湖北省：,
# 新界區(西)：), a case's label over its text (第46例：)
# or 其他： alone. Not a lead-in that goes on into the text (建議如下：, 各村要做好：, 他介绍：,
# 比如武汉市：), nor addressees (各区：, 各县市区：), nor one with a comma (a sentence's clause).
_LIST_HEADING = re.compile(
    r"^(?![^:：]*(如下|以下|下列|說|説|说|講|讲|表示|指出|介紹|介绍|要求|提醒|告訴|告诉|請|请|要|須|须|需))"
    r"(?=[^，,。！？!?；;]*$)"
    r"(([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d０-９]+[)）]|[\d０-９]+[.、．](?![\d０-９]))"
    r".{1,30}|(關於|关于)[^:：]{1,24}|"
    r"[^:：]{0,20}(情況|情况|統計|统计|安排|概況|概况|名單|名单|須知|须知|事項|事项|資訊|资讯|簡介|简介|一覽|一览)"
    # 设置, 分布 as a topic (查控点设置：), not as a verb with its adverb (全镇共设置：).
    r"|(?![^:：]*(在|共|已|將|将|還|还|又|均|都|另|分別|分别|統一|统一)[^:：]*(設置|设置|分佈|分布)\s*[:：]$)"
    r"[^:：]{0,20}(設置|设置|分佈|分布)"
    # A notice's name over its numbered points (108-2 學期學生宿舍防疫公告：), not a sentence
    # that tells of a notice (市政府发布通知：, 接到上级通知：).
    r"|(?![^:：]*(發布|发布|發出|发出|發了|发了|下發|下发|印發|印发|轉發|转发|接到|收到|根據|根据|按照|依照|"
    r"給|给|向|現|现|特此|再次|了|貼|贴|一張|一张|一份|一則|一则|一個|一个))"
    r"[^:：]{2,24}(公告|通告|通知)"
    r"|(?!各|比如|例如|譬如|包括)[\u4e00-\u9fff]{1,4}(省|市|縣|县|區|区|州|鎮|镇|鄉|乡|街道)(\s*[(（][\u4e00-\u9fff]{1,3}[)）])?"
    # A case's label over its text: 第46例：, 第12宗個案：.
    r"|第\s*[\d０-９一二三四五六七八九十百零〇]{1,6}\s*(例|宗)(確診病例|确诊病例|病例|患者|個案|个案)?"
    r"|其他|其它)\s*[:：]$")
# A numbered section heading (一、 （二） 3. １．): a section's, never an article's title. Also
# as word processors write (1), (一) and 1. in one character (⑴, ㈠, ⒈), and Taiwan's 甲、乙、.
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d０-９]+[)）]|"
                       r"[\d０-９]+[.、．](?![\d０-９])|[壹贰貳叁參肆伍陆陸柒捌玖拾]+、|[①-⑳]|"
                       r"[⑴-⒇⒈-⒛㈠-㈩]|[甲乙丙丁戊己庚辛壬癸]、|"
                       r"第[一二三四五六七八九十百\d]+(部分|章|节|節))")
# An original title's label, as a reprint gives it, alone or in brackets: 原标题：, （原題：.
_ORIGINAL_TITLE = r"[(（【\[]?\s*(原標題|原标题|原題|原题|完整標題|完整标题)\s*[:：]"
# A Chinese letter's closing words alone on their line: a wish, its blessing on the next line
# (順祝 over 身體健康), or 此致 over 敬禮.
_WISH = re.compile(r"^(順祝|顺祝|敬祝|謹祝|谨祝|並祝|并祝|順頌|顺颂|即頌|即颂|此頌|此颂)")
_LETTER_CLOSING = re.compile(rf"^({_WISH.pattern[1:]}|此致|敬禮|敬礼|專此|专此)\s*[:：,，!！。]?$")
# A letter's signer and 謹啟, the whole line: 某某校長謹啟, 某某 敬上.
_SIGNED = re.compile(r"^[^。！？!?，,；;:：]{1,24}(謹啟|谨启|敬啟|敬启|謹上|谨上|敬上)$")
# An English letter's closing alone on its line: Sincerely, / Yours faithfully, / Best regards,.
# (Its first letter is looked at first: the words without case cost more on every line.)
_EN_CLOSING = re.compile(
    r"^(?=[SsRrCcYyBbKkWw])(?i:(sincerely|respectfully|cordially)( yours)?"
    r"|yours (sincerely|faithfully|truly)"
    r"|((best|kind|warm|warmest|with (best|kind|warm)) )?regards|(best|warm|with best) wishes)"
    r"\s*[,，]?$")
# Page furniture, as regular expressions, in two parts by how a line of it may end. These can
# match a line that ends with a full stop (。！？!?): tried on every line but prose (_line_kind).
_BOILERPLATE_ANY_END = (
    r"^(當前|当前|您的|你的|您現在的|您现在的)?位置\s*[:：]",
    r"(首頁|首页|主頁|主页|^Home)\s*(>|»|＞|/|›)",
    # … or a breadcrumb without its home page, the site's name first, two or more >> on a short
    # line: 中国共产党新闻网>>专题报道>>人民战“疫”党旗飘扬. (The lookahead first: a scan for >
    # or ＞ alone is quick, one for a set of characters is not, and a line without >> fails it.)
    r"^(?=[^>]{1,24}+>>|[^＞]{1,24}+＞＞)"
    r"[^>＞。！？!?，,]{1,24}+(>>|＞＞)[^>＞。！？!?，,]{1,24}+(>>|＞＞)[^。]{0,40}$",
    # An original title's line whose title asks or exclaims: 原标题:…，宝坻经历了什么?,
    # 原題：…？, （原标题：…？）, 原标题：《…？》
    rf"^{_ORIGINAL_TITLE}[^。]{{0,80}}[？?！!][》」』”]?[)）】\]]?$",
    # Source, editor and credit lines: 来源：…, 作者|…, 编辑 丨…, ◎文章來源：…, 資料來源：…,
    # 稿件来源：, 稿源： (数据源：…, as OpenCC's tw2sp writes it).
    r"^◎?\s*((信息|文章|圖片|图片|資料|资料|新聞|新闻|消息|稿件)?(來源|来源)|稿源|數據源|数据源|(責任|责任|初審|初审)?(編輯|编辑)|作者|記者|记者|"
    r"通訊員|通讯员|設計|设计|字號|字号|字體|字体|責編|责编|審核|审核|校對|校对|終審|终审|監製|监制)\s*[:：|｜丨]",
    # An issuing body's field, alone or after the title it issued, as a database of regulations
    # heads each text: 发布机关：…, 某某通告(第1号) 制定机关：某某 2020年1月25日.
    r"^([^。！？!?]{0,60}\s)?(發布|发布|發佈|制定|發文|发文|頒布|颁布)(機關|机关|單位|单位)\s*[:：]",
    # A page's date fields: 发布时间：…, 刊发日期：… 阅读次数： 作者：… (a paper's page).
    r"(發佈|發布|发布|釋出|更新|編輯|编辑|刊發|刊发|發表|发表)(時間|时间|日期)\s*[:：]",
    r"(瀏覽|浏览|點擊|点击|點閱|点阅|閱讀|閲讀|阅读)(次數|次数|人次|量|數|数)?\s*[:：]\s*\d",
    r"(打印本頁|打印本页|列印本頁|關閉窗口|关闭窗口|關閉視窗|返回頂部|返回顶部|上一篇|下一篇|"
    r"分享到|版權所有|版权所有|Copyright|©)",
    # Publication stamps: 2020年02月09日 19:35 来源：…, 20-02-23 08:45 来源：…,
    # 今日某地 2020-02-17 06:43, 文章日期：2020年02月20日, 某某中心  时间：2020-03-18.
    rf"^{_DATE}\s*\d{{1,2}}:\d{{2}}.{{0,20}}?(來\s*源|来\s*源|作\s*者)\s*[:：]",
    rf"^\S{{1,12}}\s+{_DATE}\s*\d{{1,2}}:\d{{2}}",
    r"^(文章|發佈|发布|發稿|发稿)?(時\s*間|时\s*间|日\s*期|來\s*源|来\s*源)\s*[:：]",
    rf"^[^。！？!?，,]{{1,24}}\s(時間|时间|日期)\s*[:：]\s*{_DATE}",
    # A photo caption: ▲… (◆ and ● are list bullets, not captions).
    r"^[▲▼↑↓△]",
    # A caption that names what the photo shows, 圖為 and a name, at the line's end or alone:
    # …交付使用。圖為病房內部設施。 One that tells what happened in clauses (…。圖為2月16日，
    # 市民在超市內選購蔬菜。) reads as body text and stays it, as a longer caption does.
    r"^(.{0,100}[。.！!]\s*)?(圖為|图为)[^。！？!?，,；;:：]{1,30}[。.]?$",
    # A caption that says its photo only illustrates, after its sentence or in brackets, with
    # its credit: …投入第一線。示意圖。, …（示意圖／翻攝畫面）. Not 如示意图所示 in a text.
    r"^.{0,100}([。.！!]\s*|[(（])(示意圖|示意图)([/／:：][^()（）。！？!?]{1,20})?[)）]?[。.]?"
    r"(\s*[(（][^()（）]{1,20}[)）])?$",
    # A caption of a photo with a person's place in it, one sentence that opens with its name
    # (no bracket before it): 驻村第一书记某某（左）看望慰问贫困户。 Not a hand's side: 请将左
    # （右）手腕对准测温仪。
    r"^[^。！？!?()（）]{1,40}(?<![左右上下前后後中])[(（]((前排|後排|后排|中排)?(左|右)[一二三四五六七八九]?|"
    r"前排|後排|后排)[)）][^。！？!?]{1,50}[。.]$",
    # A caption as news agencies write it, the whole line: the day, where or by what camera, and
    # what was photographed: 2月2日，无人机拍摄的火神山医院。/ 这是2月3日在武汉拍摄的方舱医院
    # （无人机照片）。 Not what someone photographed or what then became of it: 2月5日，县融媒体
    # 中心拍摄的短片播出。/ 2月3日在武汉拍摄的视频在网上热传。
    r"^(這是|这是)?\s*(\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日[,，\s]*"
    r"(無人機|无人机|(新華社|新华社|本報|本报)?(記者|记者))?\s*(在[^。！？!?，,；;:：]{1,16})?"
    r"(拍攝|拍摄|航拍)的[^。！？!?，,；;:：在被]{1,30}([(（][^()（）]{1,12}[)）])?[。.]?$",
    # A letter's greetings and wishes, the whole line: 大家好！/ 首先恭祝大家新春快乐，鼠年大吉！/
    # 祝全县父老乡亲新春愉快！: after 祝 and whom it wishes, nothing but wishes.
    r"^((大家|你們|你们|您|你|各位)好[!！。，,]*\s*)+$|^((大家|你們|你们|您|你|各位)好[!！，,]\s*)?"
    r"(首先)?(恭祝|祝福|祝)([^\s，,。！？!?、]{1,10}?)?(((新春|新年|春節|春节|鼠年|身體|身体|闔家|阖家|"
    r"萬事|万事|工作|全家|家庭|生活)?(快樂|快乐|愉快|大吉|如意|幸福|安康|健康|順利|顺利|吉祥|平安|"
    r"美滿|美满))[、，,]?\s*)+[!！。]?$",
    # A note that the page's facts held when it went out, with its label or without:
    # 註: 所有資料出版時正確。/ 以上信息发布时准确。 (所有数据务必真实准确。 asks for it: body).
    r"^((註|注|備註|备注)\s*[:：]\s*)?(以上|所有|本頁|本页|本文|頁面|页面)?(資料|资料|資訊|资讯|信息|數據|数据|"
    r"內容|内容)(於|于|在)?(出版|發佈|发布|發布|刊登|刊出|截稿|更新)(時|时)(均|皆)?(正確|正确|準確|准确)"
    r"(無誤|无误)?[。.]?$",
    # A page's stamp in ISO 8601 and its tags: 2020-03-09T11:27:27+08:002020-03-09|居家防護, ….
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
    # A pointer to more at a link, by what it points to, more or related things, and the
    # reader's look: 更多…紀錄,請點閱…專區:https://…, 四、相關資訊可參閱…網站(https://…) 或…,
    # (…相關連結:https://…). A sentence with a link that does something (市民可登录https://…预约)
    # stays body.
    r"^(?=.*(?:https?://|www\.))[^。！？!?]{0,30}(更多|相關|相关|詳細|详细|詳情|详情|其他|其它)[^。！？!?]{0,40}(參閱|参阅|查閱|查阅|"
    r"點閱|点阅|詳見|详见|請見|请见|連結|连结|鏈接|链接|瀏覽|浏览)[^。！？!?]{0,40}(https?://|www\.)",
    # A caption's credit to who gave the photo, after its sentence: …被社区书记劝回。受访者供图。
    # (The lookahead first: a line without 供图 is passed over in one scan.)
    r"^(?=.*供[圖图]).{0,100}[。.！!]\s*[^。！？!?，,；;:：\s]{0,12}(?<![向给給])(供圖|供图)[。.]?$",
    # A call to pass the page on, the whole line: 紧急扩散！, 請轉發！, 转发周知。 (A sentence that
    # asks it of someone, 请大家转发给家人，…, says more.) Its first character is looked at
    # first: trying the words one by one on every line cost more than the other patterns.
    r"^(?=[緊紧火速請请務务馬马趕赶擴扩轉转])"
    r"(緊急|紧急|火速|速速?|請|请|務必|务必|馬上|马上|趕緊|赶紧)?(擴散|扩散|轉發|转发|轉擴|转扩|轉告|转告)"
    r"(周知|擴散|扩散|轉發|转发)?[!！。]*$",
    # A notice's closing formula: 特此通告。; a LegCo answer's: 多謝主席。
    r"^特此(通告|公告|通知|函告|告知|說明|説明|说明|公示|通報|通报)[。！!]?$",
    r"^(多謝|多谢|謝謝|谢谢)(代理|署理)?主席[。！!]?$",
    # A letter's closing words: 順祝, 此致, 敬禮！
    _LETTER_CLOSING.pattern,
    # Reprint and copyright notices: 本文为某站原创文章，转载请附上原文出处链接。/
    # （本新聞稿歡迎轉載，請註明出處）
    # Three patterns, not one alternation of them: that one was tried in full at every place of
    # the line, four times as long as the three, each looked for by its first character.
    r"(轉載|转载)[，,、]?\s*(請|请|須|须|需|務必|务必)(註明|注明|附上|保留|標明|标明|聯繫|联系)",
    r"(版權|版权)(歸|归|貴|贵|屬|属)\S{0,6}所有",
    r"^本文(為|为|系|係)\S{0,12}(原創|原创)",
    # A copyright or disclaimer notice by its label: 版权声明：凡注明来源的作品…, 【免责声明】….
    r"^[【\[]?(版權聲明|版权声明|免責聲明|免责声明)([】\]]|\s*[:：])",
    # A link line (http://www.crntt.com 2020-02-03 16:02:11), a contact's fields (• 聯絡電話：…,
    # 新聞聯絡人：…, a Taiwan release's 發稿單位：…, 撰稿單位：…, 承辦人：…, 電話：04-…, E-mail：…).
    r"^(https?://|www\.)\S+(\s+[^。！？!?，,]{0,40})?$",
    # … or a link with its label: 原文連結：https://…, 网址：www.….
    r"^(原文|原始|文章|新聞|新闻|來源|来源|參考|参考|相關|相关)?(連結|连结|鏈接|链接|網址|网址|URL|url)\s*"
    r"[:：]\s*(https?://|www\.)\S+$",
    r"^[•·●◆■*\-]?\s*(新聞|新闻|業務|业务|本案)?(發布單位|发布单位|發佈單位|發稿單位|发稿单位|撰稿單位|"
    r"撰稿单位|承辦人|承办人|聯\s*絡\s*人|"
    r"联\s*络\s*人|聯絡電話|联络电话|聯繫電話|联系电话|聯繫人|联系人|(E-?mail|e-?mail|電子郵件|电子邮件|"
    r"電子信箱|电子信箱)|(電話|电话|傳真|传真)(?=\s*[:：]\s*[(（+\d]))\s*[:：]",
)
# A label over a page's list of links to other pages: 相关阅读：, 【推荐阅读】, 往期回顾, 延伸阅读.
_RELATED_LABEL = re.compile(
    r"^[【\[]?(相關|相关|推薦|推荐|延伸|熱門|热门|熱點|热点|往期|精彩|更多)(閱讀|閲讀|阅读|新聞|新闻|文章|"
    r"推薦|推荐|回顧|回顾|報道|报道|報導|报导|鏈接|链接|連結|连结)[】\]]?\s*[:：]?$")
# A net the work weaves (织密社区防控网, 安全网), no site's name, at a line's end.
_NET = (r"(防控|防護|防护|安全|保障|服務|服务|保護|保护|監測|监测|聯防|联防|防疫|關愛|关爱|"
        r"天羅地|天罗地|救助|醫療|医疗)(網|网)$")
# A greeting after the ones a letter addresses, before its colon: 各位家長您好：, 各位同仁大家好：.
_GREETING = r"((您|你|妳)(們|们)?好|大家好)?\s*"
# A phone number as a directory gives it: a local number of 7 or 8 digits, with its area code
# or without (0594-8292330, （0594）8292330), or a mobile's 11 digits.
_DIRECTORY_NUMBER = r"(?:[(（]?0\d{2,3}[)）]?\s*[-－]?\s*\d{7,8}|1[3-9]\d{9}|\d{7,8})"
# These match no line that ends with a full stop (their lines end with a name, a date, a bracket
# or a colon): they are not tried on one (most short lines of body text end so), which saves
# most of the time of trying the patterns on it. A pattern goes here only if no line ending with
# 。！？!? can match it (tests/test_segment.py tries each with its example and a full stop).
_BOILERPLATE_OPEN_END = (
    # An original title's line, or a title's in full under a shortened one: 原标题：…, 完整標題：…,
    # 原題：…, （原标题：…）.
    rf"^{_ORIGINAL_TITLE}[^。！？!?]{{0,80}}$",
    # A site's name (人民网, 浙江在线); not a numbered heading, nor a net the work weaves
    # (织密社区防控网, 安全网). Its length is tested first, which turns most lines away at once:
    # the test for a net looks for one ending at every character of the line.
    r"^(?=\S{2,14}$)"
    rf"(?!{_NUMBERED.pattern[1:]})"
    rf"(?!\S*{_NET})"
    r"\S{1,12}(網|网|網站|网站|頻道|频道|門戶|门户|在線|在线)$",
    # A reporter's name and the outlet, a slash between, alone on its line: 李某某/某某新闻,
    # 王某/新华社 (not two words over a net: 疫情防控/安全网).
    r"^(?=[^/／]{2,5}[/／][^/／]{3,14}$)[\u4e00-\u9fff]{2,4}\s*[/／]\s*"
    rf"(?!\S*{_NET})"
    r"[^。！？!?，,；;:：\s/／]{0,12}(新聞|新闻|日報|日报|晚報|晚报|早報|早报|時報|时报|網|网|電視台|电视台|"
    r"電台|电台|客戶端|客户端|新華社|新华社|中新社|通訊社|通讯社)$",
    _DATE_LINE.pattern,
    rf"^{_CN_DATE}$",  # 二零二零年二月四日, alone as 2020年2月4日 is
    # An ROC date alone, or with its weekday or hour: 109年3月26日, 民國109年3月26日（星期四）,
    # 民國109年3月5日 下午3時.
    rf"^{_ROC_DATE}(\s*[(（](星期|週|周|禮拜|礼拜)[一二三四五六日天][)）])?"
    r"(\s*(上午|下午|晚上)?\s*\d{1,2}\s*[時时:：]\s*(\d{1,2}\s*分?)?)?$",
    # The date and number of the letter a plan was issued by (of either calendar):
    # 中華民國109年2月20日府衛疾字第1090041234號函訂定.
    r"^(中華民國|中华民国|民國|民国)?\s*\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"[^。！？!?，,\s]{0,16}字第\s*[\dA-Za-z]+\s*(號|号)[^。！？!?，,]{0,20}$",
    r"(整理|供稿|撰稿|撰文|攝影|摄影|編審|编审)$",
    _RELEASE_END.pattern,  # 完
    _RELEASE_TIME.pattern,  # 香港時間20時15分
    # … and its English release's: Ends/Monday, February 10, 2020 / Issued at HKT 21:30 / NNNN.
    rf"^Ends\s*/\s*((Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?({_EN_DATE})$",
    r"^Issued at HKT \d{1,2}:\d{2}$|^NNNN$",
    # A publication stamp: 2020-2-7 05:48:58 评论(0).
    rf"^{_DATE}\s*\d{{1,2}}:\d{{2}}[^。！？!?]{{0,30}}$",
    # A site's publication and update fields, with their times (出版：2020-01-25 16:04 更新：
    # 2020-01-25 17:10, 更新：2020-01-25 17:10) or with both times lost (出版:更新:).
    r"^(出版|(最後|最后)?更新)\s*[:：]\s*"
    rf"{_DATE}(\s*\d{{1,2}}:\d{{2}}(:\d{{2}})?)?"
    rf"(\s*(最後|最后)?更新\s*[:：]\s*({_DATE}(\s*\d{{1,2}}:\d{{2}}(:\d{{2}})?)?)?)?$"
    r"|^出版\s*[:：]\s*(最後|最后)?更新\s*[:：]$",
    # A publisher's or an issuer's name and a full date, set off by white space or a slash, is
    # who issued or published the page and when: 某某镇人民政府  2020年2月4日, 0 不详
    # 2020年02月24日, 某某发布 2021-07-19, 2020-12-22 某某新聞 (a date written with dashes, as
    # sites stamp pages, then the name). Only a name: 抗疫日记 2020年2月3日 is a title.
    rf"^[^。！？!?，,；;:：]{{0,23}}{_PUBLISHER}\s*[\s/]\s*{_FULL_DATE}[\s/]*$",
    r"^\d{4}[/\-.]\d{1,2}[/\-.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?\s+"
    rf"[^。！？!?，,；;:：\s\d][^。！？!?，,；;:：]{{0,11}}{_PUBLISHER}$",
    # An outlet (and author) before a date: 中视新闻 | 2020/02/04, 某某网 · 某某 | 2020-03-18 16:31.
    rf"^[^。！？!?，,]{{1,24}}[|｜丨·]\s*{_DATE}(\s*\d{{1,2}}:\d{{2}}(:\d{{2}})?)?$",
    r"^(來自|来自|轉自|转自|轉載自|转载自)[^。！？!?，,]{0,30}(公眾號|公众号|網|网|客戶端|客户端|微博)"
    r"(\s*[|｜])?$",  # …公众号 | (a database's field ends with its bar)
    # Bylines: 新华社记者 张三 李四, 本报记者 王五 通讯员 赵六, 大陆中心/陈某某报导, 文／某某,
    # 撰文：某某, 撰稿者：某某.
    # A paper's byline may go on with its source and the page it ran on: 某某报记者 某某
    # 来源:某某报  ( 2020年02月18日   03 版). (One pattern for both: the run before 记者 is
    # looked at once.)
    r"^[^。！？!?，,]{0,30}(記者|记者|通訊員|通讯员)([^。！？!?，,]{0,30}$"
    r"|[^。！？!?，,:：]{1,30}?\s(來源|来源)\s*[:：]\s*[^。！？!?，,；;:：()（）\s]{1,20}"
    rf"(\s*[(（]\s*{_DATE}\s*(第\s*)?[A-Z]?\d{{1,2}}\s*(版|頁|页)\s*[)）])?$)",
    r"^[^。！？!?，,]{0,24}/[^。！？!?，,]{0,16}(報導|报导|報道|报道)$",
    # An outlet's byline for a report it put together, opening a short line: 某某傳媒綜合報導,
    # 〔即時新聞／綜合報導〕, with what the page glued after it (a line of its furniture cut at a
    # comma). A paragraph that opens with it goes on into its text. (The name's characters are
    # not given back: the pattern fails at once where 綜合 does not follow them.)
    r"^[〔【\[(（]?[^。！？!?，,；;:：\s/／綜综]{0,12}+[/／]?(綜合|综合)(報導|报导|報道|报道)[〕】\])）]?"
    r"[^。！？!?]{0,8}$",
    r"^(文|圖|图|撰文|撰稿(者|人)?|攝影|摄影)\s*[/／:：《|｜丨][^。！？!?，,]{0,30}$",
    # 文字：夏某某, 图文／张三 李四: the label with names only, 2 to 4 characters each, none of a
    # requirement's words (文字：不少于800字, 文字：要求原创 are a call's rules). (Its first
    # character in a class: a line that starts otherwise is passed over at once.)
    r"^[文圖图](?:(?<=文)字|(?<=[圖图])文)\s*[/／:：|｜丨]\s*(?!.*[不須须需要應应])[\u4e00-\u9fff]{2,4}"
    r"([ \t\u3000、/／]+[\u4e00-\u9fff]{2,4}){0,3}$",
    # An editor's byline with the report's word (編輯 某某 報導), and an outlet's or a reporter's
    # credit in brackets, alone on its line (【KTSF 某某報導】, 【菲律賓世界日報專訊】); not a
    # column's tag over its reports (【抗疫一线报道】, 【战疫特别报道】).
    r"^(編輯|编辑|撰稿|採訪|采访|文字)\s*[^。！？!?，,；;:：\s]{2,4}\s*(報導|报导|報道|报道)$",
    r"^[【\[〔][^】\]〕。！？!?，,；;]{1,20}(?<!特別|特别|專題|专题|系列|一線|一线|蹲點|蹲点|跟蹤|跟踪|"
    r"深度|連續|连续|現場|现场|聚焦|關注|关注|圖片|图片|視頻|视频)(報導|报导|報道|报道|專訊|专讯)[】\]〕]$",
    # An outlet's dated or own news credit in brackets alone (【大紀元2020年02月05日訊】,
    # 【新華社北京2月3日電】, 【本报讯】); not a column's (【抗疫快讯】).
    r"^[【\[〔][^】\]〕。！？!?，,；;]{0,20}(\d{1,2}\s*日|本(報|报|台|網|网|刊))(訊|讯|電|电)[】\]〕]$",
    # A publication stamp with the page's count of readers: 2020年08月04日 • 3萬次閱讀.
    rf"^{_DATE}[^。！？!?，,]{{0,12}}\d[\d.,]*\s*[萬万千]?\s*(次|人)?"
    r"(閱讀|閲讀|阅读|瀏覽|浏览|觀看|观看|點閱|点阅)$",
    # (A possessive run, {1,20}+, gives nothing back: every line is tried on these patterns, and
    # one that must back up over 20 or 40 characters to fail cost 2% of segmenting.)
    # A forum's or a blog's stamp: admin 發表於 週一, 02/10/2020 - 21:44; an English blog's date
    # and author: March 5, 2020 by 某某 Leave a Comment.
    r"^[^。！？!?，,\s]{1,20}+\s+(發表於|发表于)\s.{0,30}\d{1,2}:\d{2}$",
    rf"^((Posted|Published|Updated)( on)?\s+)?({_EN_DATE})(\s+at\s+\d{{1,2}}:\d{{2}}"
    r"(\s*[apAP]\.?[mM]\.?)?)?(\s*[/|·•]?\s*(\d+ [Cc]omments?|by [^/|·•。！？!?，,]{1,40}?"
    r"|Leave a [Cc]omment))*$",
    # An English byline alone (By 某某 in Latin letters), a date and time as a machine writes it
    # (at 2020-03-23T10:44), a count of readers alone (阅读 10万+), a news site's time and
    # count of replies (中国经济周刊02-14 20:07 跟贴 198 条), an image's placeholder (文章图片).
    r"^[Bb]y [A-Z][A-Za-z.'\- ]{1,40}$",
    r"^((at|on)\s+)?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+\-]\d{2}:?\d{2})?$",
    r"^(閱讀|閲讀|阅读|瀏覽|浏览|點閱|点阅)\s*[:：]?\s*\d[\d.,]*\s*[萬万千]?\+?$",
    r"^[^。！？!?，,跟]{0,40}+(?:(?<=\d:\d\d)|(?<=\d:\d\d\s))跟[贴帖]\s*\d+\s*条$",
    r"^(文章|新聞|新闻)(圖片|图片)$",
    # An editor in brackets (（责任编辑：某某）), an English page's source (Source: Xinhua), and a
    # share or a social page's buttons alone (Share this:, 分享：, 阅读原文, 在看, - END -).
    r"^[(（\[【]\s*(責任編輯|责任编辑|責編|责编|編輯|编辑)\s*[:：]\s*[^()（）\[\]【】]{1,20}[)）\]】]$",
    r"^(Source|Sources|Photo|Editor|Reporter)\s*:\s*[^。！？!?，,]{1,40}$",
    # … and the source after an English caption that ends no sentence: Andrew Xiang (first from
    # right) in an activity … Source: Supplied. (A paragraph's sentence ends before its source.
    # Its first letter is looked at first: a Chinese line fails at once.)
    r"^(?=[A-Z][^。！？]{0,200}$).*[^\s.!?。！？:：]\s+(Source|Photo)\s*:\s*"
    r"[A-Z][A-Za-z0-9 .&'’/\-]{0,40}$",
    # An English bulletin's fields, alone or run together as the page lost their breaks:
    # Ref. No : ABCD-1234Posted by :某某/UMAC, Department :COPosted Date : 02/02/2020, Category :.
    r"^(Ref\.?\s*No\.?|Posted\s+(by|Date)|Department|Category)\s*:\s*[^。！？!?，,]{0,60}$",
    r"^(Share( this)?|分享|分享至)\s*[:：]?$",
    r"^(閱讀原文|阅读原文|在看|點個在看|点个在看|點贊|点赞|收藏|轉發|转发)$",
    r"^[-—–_=\s]*END[-—–_=\s]*$",
    # A link's label and its address, nothing else: 填寫網址:https://…, 报名链接：http://….
    r"^[^。！？!?，,；;:：]{0,12}+(?:(?<=網址|网址|連結|链接|鏈接|網站|网站)|(?<=URL|url))\s*[:：]\s*"
    r"https?://[!-~]+(?<![!?])$",
    # Photo captions: …（記者某某攝）, …（圖/…）, 张三（左）, ….  路透社.
    r"^.{0,100}[(（]([^()（）]{0,30}(攝|摄)|(圖|图|照片)[^()（）]{0,30})[)）]$",
    # A photographer's credit in brackets ends a caption however long: a paper's captions run to
    # more than the 100 characters the pattern above allows before it. A line that long whose
    # credit names the text's writer too, （记者 某某 文/摄）, may be an article's last paragraph.
    r"^.{101,}[(（](?![^()（）]*文\s*[/／、])[^()（）]{0,30}(攝|摄)[)）]$",
    r"^[^。！？!?，,]{1,12}[(（](左|右|中|左一|右一|左二|右二|前排|後排|后排)[)）]$",
    # A credit in brackets after a caption's sentence, who gave the photo or sent it: …返回。
    # (某某政府提供/某某傳真). Not a figure's source (…15例。（数据由卫健委提供）). Or where the
    # photo came from: a file photo, …已交機。示意圖。(資料照,取自「某某」臉書粉專), or a social
    # account, …安心外出。(某某fb). (One pattern: the line is run over once for all three.)
    r"^.{0,100}[。.！!]\s*[(（](?:(?![^()（）]*(由|據|据))[^()（）/／]{1,20}(提供|傳真|传真)"
    r"([/／][^()（）]{1,20})?"
    r"|(資料照|资料照|数据照片|資料圖|资料图|翻攝|翻摄|圖片來源|图片来源|照片來源|照片来源|圖片取自|图片取自)"
    r"[^()（）]{0,40}"
    r"|[^()（）。！？!?，,]{1,20}(fb|FB|Facebook|facebook|臉書|脸书|面書|面书|IG|Instagram|微博)"
    r"(專頁|专页|粉專|粉专|圖片|图片|照片|截圖|截图)?)[)）]$",
    # A photo's caption that names what it shows, 图为…, with the reporter's credit in brackets
    # after it: …。图为2月5日,志愿者在小区门口登记。(记者 某某). A text's last paragraph may
    # end with its writer's credit, （记者 某某）, but says no 图为. (The lookahead first: a
    # line without 图为 is passed over in a quick scan for each script's first character.)
    r"^(?=.*?图为|.*?圖為).*[。.！!]\s*[(（](記者|记者|通訊員|通讯员)\s*[^()（）。！？!?，,]{1,12}[)）]$",
    # A signature's date whose year's digits the page lost: 年2月13日, 年二月十三日.
    rf"^{_LOST_YEAR_DATE}$",
    # An image's file name in place of its caption: 微信图片_20200311153950.jpg, 说明: DSC03235.JPG,
    # and a long one, the caption's words and a stamp:
    # 图配某某捐赠口罩(2)-20200203120501.png.
    r"^(\d{1,2}[.、．]\s*|(說明|説明|说明)\s*[:：]\s*)?[^\s。，,]{1,80}\.(?i:jpe?g|png|gif|webp|bmp)$",
    # … or its name without the extension, a number a camera or an app gave it:
    # QQ图片20200131102651_副本, 1580189382ABCDEF.
    r"^(QQ|微信)?(圖片|图片)?_?[A-Za-z_\-]*\d{8,}[A-Za-z_\-\d]*(_副本)?$",
    # A news agency's credit after a caption, alone, in brackets or as it sends the photo out:
    # ….  路透社, …示意圖。(美聯社), …(3月21日摄)。 新华社发.
    r"^.{0,100}[。.]\s*[(（]?(美聯社|美联社|路透社?|法新社|新華社|新华社|中新社|CFP|視覺中國|视觉中国)"
    r"(發|发)?[)）]?$",
    # A notice's addressees: 各乡镇人民政府，县政府各部门：/ 某镇、各办事处：
    r"^[^。！？!?]{0,30}各[^。！？!?]{0,60}(單位|单位|部門|部门|政府|機關|机关|黨委|党委|黨組|"
    r"党组|辦事處|办事处|委員會|委员会|指揮部|指挥部|公司|醫院|医院|學校|学校|組織|组织|局|委|辦|办)"
    r"[:：]$",
    # A letter's or an appeal's addressees, the whole line: 尊敬的市民朋友们：/ 全县父老乡亲：/
    # 各位村居书记：, with a greeting after them: 各位親愛的家長您好：(not 班主任叮嘱同学们：,
    # 全体居民须遵守以下规定：). A short line that ends in a colon is looked at further: the look
    # for verbs costs, on every line.
    r"^(?=.{0,50}[:：]$)(?![^:：]*(說|説|说|講|讲|要求|叮囑|叮嘱|提醒|呼籲|呼吁|號召|号召|告訴|告诉|須|须|需|分成|"
    r"分為|分为|"
    r"向|對|对|給|给|請|请|讓|让|遵守))[^。！？!?，,:：]{0,30}(朋友|鄉親|乡亲|同胞|家屬|家属|同學|同学|員工|"
    r"员工|職工|职工|工作者|書記|书记|居民|市民|村民|群眾|群众|同志|黨員|党员|患者|家長|家长|老師|老师)"
    rf"(們|们)?\s*{_GREETING}[:：]$",
    # A group addressed by 各 or 全体, the whole line: 各社区：/ 各村（社区）：/ 致全体居民：/
    # 各小区物业、网格员：/ 尊敬的各位领导：(not a list's lead-in or topic: 各地做法：,
    # 各社区要做好以下工作：, 全体动员：, 全体医务人员分为三组：): a few words after 各 or 全体
    # ending in a place, a body or people, and no verb; or 各位 alone (a letter's "Dear all:").
    r"^(致|尊敬的|親愛的|亲爱的)?(全[市县縣省区區镇鎮乡鄉村校])?(各位|全体|全體|广大|廣大|各)(?![^:：]*(說|説|说|講|讲|要|須|须|需|應|应|"
    r"如下|以下|做|動員|动员|"
    r"叮囑|叮嘱|提醒|呼籲|呼吁|號召|号召|告訴|告诉|分成|分為|分为|向|對|对|給|给|請|请|讓|让|遵守|有))"
    r"[^。！？!?；;:：]{0,24}?(社区|社區|村|居|小区|小區|街道|乡镇|鄉鎮|镇|鎮|乡|鄉|片区|片區|网格|網格|"
    r"楼栋|樓棟|院落|物业|物業|企业|企業|商户|商戶|门店|門店|商家|场所|場所|机构|機構|站|所|队|隊|组|組|"
    r"组织|組織|支部|科室|员|員|者|人|士|民|众|眾|属|屬|友|亲|親|志|胞|領導|领导|同事|同仁|來賓|来宾|"
    r"青年|姊妹|姐妹)"
    rf"([(（][^()（）]{{1,8}}[)）])?(們|们)?\s*{_GREETING}[:：]$",
    # A letter's bare addressee: 各位：, 尊敬的各位：; the President a LegCo answer opens with:
    # 主席：.
    r"^(致|尊敬的|親愛的|亲爱的)?各位\s*[:：]$",
    r"^(代理|署理)?主席(先生|女士)?\s*[:：]$",
    # A salutation, the whole line: 親愛的弟兄姊妹：, 亲爱的朋友们：, 尊敬的张老师： ("Dear …:"),
    # with a comma as a letter in English has it (親愛的某某堂會友,), and in English, Dear
    # Parents,. Not a sentence that goes on to speak: 亲爱的孩子们要听话：.
    r"^(親愛的|亲爱的|尊敬的)(?![^:：]*(說|説|说|講|讲|要|須|须|需|應|应|請|请|讓|让|如下|以下))"
    r"[^。！？!?，,；;:：\s]{1,20}\s*[:：,，]$",
    r"^(Dear|DEAR|Dearest)\s+[A-Za-z][A-Za-z .&'’\-]{0,40}[,:，：]$",
    # … and its closing: Sincerely,, Yours sincerely,, Best regards,.
    _EN_CLOSING.pattern,
    # A speaker's role and name over the words quoted under them, set apart by a space:
    # 和新村村干部 廖某某：, 宁中镇党委委员、武装部部长 钟某某：. Not one who speaks in the line
    # (村干部廖某某说：, 村干部 廖某某表示：), nor a quote after the colon.
    r"^[^。！？!?，,；;:：\s]{2,24}[ \t\xa0\u3000]+[\u4e00-\u9fff]{2,4}"
    r"(?<![说說説道讲講称稱示问問答])"
    r"(?<!表示|指出|介绍|介紹|强调|強調|认为|認為|透露|坦言|告诉|告訴)\s*[:：]$",
    # Opening hours, a day's label and a span of hours: 周五:黃昏6:30至晚上9:30, 主日：早上5:00至
    # 下午1:00, 营业时间：9:00-17:00. (A sentence that gives them ends with its stop.)
    r"^[^。！？!?，,；;:：]{1,8}[:：]\s*(早上|上午|中午|下午|晚上|黃昏|黄昏|凌晨|傍晚)?\s*\d{1,2}[:：]\d{2}"
    r"\s*(至|到|-|－|—|~|～)\s*(早上|上午|中午|下午|晚上|黃昏|黄昏|凌晨|傍晚)?\s*\d{1,2}[:：]\d{2}$",
    # A caption's credit after its sentence: who took the photo, …。圖/外交部提供, …。 圖/某某新聞,
    # or a reporter's photo after a caption of one clause, …(右)在小区门口值守。 新华社记者 张某
    # 摄 (one that tells what happened in clauses reads as body text, as round 17 left it); in
    # brackets, a reporter and the outlet, …配戴口罩。(陳某某/大紀元), or a news agency by its
    # English name, …信號。(Reuters).
    r"^.*[。.！!]\s*(圖|图|照片|相片)\s*[/／:：]\s*[^。！？!?，,；;/／]{1,20}$",
    r"^[^，,]*[。.！!]\s*[^。！？!?，,；;:：]{0,12}(記者|记者|通訊員|通讯员)\s*"
    r"([^。！？!?，,；;:：\s]{2,4}\s*){1,3}(攝|摄)$",
    # … and one of clauses too when the credit is set off by a slash (…登记人员信息。/某某日报记者
    # 王某某摄) or the caption places its people (…井某某(右)送菜上门,…。 某某日报通讯员 吴 某摄;
    # (右三), (前排左一)).
    r"^(?=.*[攝摄]$)(?=.*([/／]|[(（](前排|后排|後排)?(左|右|中)[一二三四五六七八九]?[)）]))"
    r".{0,150}[。.！!]\s*[/／]?\s*"
    r"[^。！？!?，,；;:：/／]{0,12}(記者|记者|通訊員|通讯员)\s*([^。！？!?，,；;:：\s]{1,4}\s*){1,3}(攝|摄)$",
    # … and one of clauses whose last sentence points at the photo (…再创新高。这是部分出院患者
    # 在医院合影。 本报记者 王某 摄; 图为…。): a caption's own words.
    r"^(?=.*[攝摄]$)(.{0,150}[。.！!]\s*)?(这是|這是|图为|圖為|图中|圖中|照片为|照片為)"
    r"[^。！？!?]{1,60}[。.！!]\s*"
    r"[^。！？!?，,；;:：/／]{0,12}(記者|记者|通訊員|通讯员)\s*([^。！？!?，,；;:：\s]{1,4}\s*){1,3}(攝|摄)$",
    r"^.{0,100}[。.！!]\s*[(（][\u4e00-\u9fff]{2,4}[/／][^()（）/／\d]{1,10}"
    r"(紀元|纪元|報|报|網|网|社|台|臺|新聞|新闻|傳媒|传媒|週刊|周刊)"
    r"(?<!通報|通报|公報|公报|簡報|简报|快報|快报)[)）]$",
    # … or a picture agency's credit in brackets right after the caption, without its stop:
    # …一級響應(Shutterstock圖片), …(視覺中國), or a news agency's photo, …(路透社圖片),
    # …(新華社圖). (A
    # news agency alone, without 图片, may be a source's name in a sentence: …据美联社(AP).)
    r"^.{0,100}(?:[。.！!]\s*[(（](Reuters|REUTERS|AP|AFP|EPA|Getty Images|Bloomberg|Xinhua)"
    # (Not an agency's name in brackets after its Chinese name, …其中包括視覺中國(CFP).)
    r"|(?<!視覺中國|视觉中国|華蓋創意|华盖创意|東方IC|东方IC|達志影像|达志影像)"
    r"[(（](Shutterstock|Getty Images|iStock|視覺中國|视觉中国|東方IC|东方IC|達志影像|达志影像|"
    r"CFP)\s*(圖片|图片|照片|相片|圖|图)?"
    r"|[(（](Reuters|REUTERS|AP|AFP|EPA|Bloomberg|路透社?|美聯社|美联社|法新社|歐新社|欧新社|新華社|新华社|"
    r"中新社)\s*(圖片|图片|照片|相片|圖|图))"
    r"(\s*/\s*[^()（）]{1,20})?[)）]$",
    # A lead-in that only says what text follows, no action of anyone's: 以下是他的自述：,
    # 以下为三名志愿者的口述：, 原文如下：, 具体内容如下：, 詳情如下：. (现将有关事项通告如下：
    # issues the notice: text.)
    r"^(以下(是|為|为)[^。！？!?，,；;:：]{1,30}|(通告|通知|公告|倡议|倡議)?"
    r"(原文|全文|具体内容|具體內容|内容|內容|详情|詳情)如下)"
    r"\s*[:：]$",
    # A Hong Kong release issued for another body says so above its text: 下稿代醫院管理局發出：.
    r"^下稿(代|由)[^。！？!?，,；;:：]{1,40}(發出|发出)\s*[:：]$",
    # A hotline's line, its name and its numbers only: 某镇企业复工服务热线：23229985，23303789,
    # 免付費防疫專線：1922、0800-001922.
    r"^[^。！？!?，,；;:：]{0,24}(熱線|热线|專線|专线|電話|电话)(號碼|号码)?\s*[:：]\s*"
    r"[\d()（）+＋\-－]{3,}([\s,，、/／;；或]+[\d()（）+＋\-－]{3,})*$",
    # A phone directory's line, an office's or a place's name and its numbers, no label word
    # (县卫健局8293273, 某某镇7699869、7695338, 某某街道 0594-8292330, 某某乡13912345678): the
    # name ends as a body's or a place's does, so a figure after other words (全县共发放口罩
    # 12000000) is no entry. (The name's characters are not given back: a line whose run of them
    # ends otherwise fails at once.)
    r"^[\u4e00-\u9fff]{2,12}+(?:(?<=[局办辦委镇鎮乡鄉村队隊处處科部厅廳馆館会會组組室团團所站院县縣市区區旗])"
    r"|(?<=街道|社区|社區|中心|公司|政府|电话|電話|热线|熱線|专线|專線))\s*"
    rf"{_DIRECTORY_NUMBER}([\s,，、/／]+{_DIRECTORY_NUMBER})*$",
    # A school's or a council's post, who posted it, after its category or alone:
    # 一般公告 / 張貼者 生活教育組長, 張貼單位：學務處, 公告單位 總務處 (張貼者, 張貼單位, 發布單位,
    # 發佈單位, 公告單位, by their first character and the rest). Not a rule for whoever posts
    # (張貼者 須自行負責). (A first character in a class is tried at once, an optional group
    # first was three times as costly on every line.)
    r"^(?:[張张發发公]|[^\s/／]{1,12}+\s*[/／]\s*[張张發发公])"
    r"(?:貼者|贴者|貼單位|贴单位|布單位|布单位|佈單位|告單位|告单位)"
    r"(?:\s*[:：]\s*|[ \t\u3000]+)(?![須须需應应不要請请])[^。！？!?，,]{1,20}$",
    # A spokesman's name under a release (行政院發言人：○○○, ○ for a name left out), not what
    # he said (發言人：「…」).
    r"^[^。！？!?，,；;:：]{0,12}(發言人|发言人)\s*[:：]\s*[^。！？!?，,；;:：「」“”『』\"]{1,12}$",
    # A page's keywords, two or more (关键词:一线抗疫群英谱,石家庄,疫情), with what the page glued
    # after them (社区责任编辑:某某); not a keyword alone heading a section (关键词：担当).
    r"^(關鍵詞|关键词|關鍵字|关键字|標籤|标签|Tags?)\s*[:：]\s*[^。！？!?，,、\s]{1,20}"
    r"([，,、\s]+[^。！？!?，,、\s]{1,20})+$",
    # A list of links' label, with its colon or without: 相关阅读：, 【推荐阅读】, 往期回顾.
    _RELATED_LABEL.pattern,
    # A field's label alone (關鍵詞：).
    r"^[•·●◆■*\-]?\s*((關鍵詞|关键词|關鍵字|关键字|標籤|标签|摘要|提示事項|提示事项|撰文)\s*[:：]|"
    r"(導語|导语|編者按|编者按)\s*[:：]?)$",
)
_FULL_STOPS = "。！？!?"  # what no line that _BOILERPLATE_OPEN_END matches ends with


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a document; ``text == document_text[start:end]``. Slotted: a long
    document holds one for each of its paragraphs while it is labelled, 112 bytes each (160
    with its fields in a dictionary), beside its text and id."""

    id: str
    index: int
    kind: str
    start: int
    end: int
    text: str
    article: str | None
    article_title: str | None
    heading: str | None

    def to_dict(self) -> dict[str, object]:
        """The paragraph's output fields. Its text and id go out as copies (see
        :func:`_apart`): the paragraph itself may be held long after it is written."""
        return {"id": _apart(self.id), "index": self.index, "kind": self.kind,
                "start": self.start, "end": self.end, "text": _apart(self.text),
                "article": self.article, "article_title": self.article_title,
                "heading": self.heading}


def _apart(text: str) -> str:
    """``text``, as a new string if it is not ASCII. A string orjson writes keeps its UTF-8
    form inside it for as long as it lives (CPython's ``PyUnicode_AsUTF8AndSize`` caches it
    there): the paragraphs of a long document, held while it is labelled and written part by
    part, each kept a second copy of their text, in all about as much again as the file."""
    return text if text.isascii() else "".join((text, ""))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in _STRIP or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _STRIP or text[end - 1].isspace()):
        end -= 1
    return start, end


def _visible_end(text: str, start: int, end: int, limit: int) -> int:
    """Where ``limit`` visible characters from ``start`` end (and the invisible ones right after
    them), or ``end`` if there are no more: :data:`INVISIBLE` characters are not counted.

    Only the ``limit`` characters from ``start`` and the one after them are looked at when none
    of them is invisible: looking on to ``end`` made cutting a long line quadratic (a 200 MB
    line, cut every 2,000 characters, looked at its rest each time: hours)."""
    if not _has_invisible(text, start, min(start + limit + 1, end)):  # the common case
        return min(start + limit, end)
    pos, left = start, limit
    for mark in INVISIBLE.finditer(text, start, end):
        if mark.start() - pos > left:
            return pos + left
        left -= mark.start() - pos
        pos = mark.end()
    return min(pos + left, end)


# The most characters of marks alone after a cut that stay with the piece before it: a
# sentence's end, its closing quotes and brackets, an emoji after them (。”）).
_TAIL = 8


def _marks_only(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds no letter, digit or combining mark: punctuation,
    symbols and spaces only, no paragraph of its own."""
    return not any(unicodedata.category(ch)[0] in "LNM" for ch in text[start:end])


def _cut_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut [start, end) into pieces of at most ``limit`` visible characters, at sentence
    ends. What a cut would leave of marks alone at the end (a final ``。`` one character over
    the limit, a closing quote) stays with the piece before, up to :data:`_TAIL` characters
    over: a piece of punctuation only is no paragraph."""
    while (stop := _visible_end(text, start, end, limit)) < end:
        window = text[start:stop]
        size = len(window)
        cut = max(window.rfind(ch) for ch in _SENTENCE_END)
        if cut < size // 4:  # no sentence end in most of the window: try a comma, then give up
            cut = max(window.rfind(ch) for ch in "，,、 ")
        cut = start + (cut + 1 if cut >= size // 4 else size)
        # Keep closing quotes with the sentence they close.
        while cut < end and cut < stop and text[cut] in _CLOSERS:
            cut += 1
        if end - cut <= _TAIL and _marks_only(text, cut, end):
            break
        yield start, cut
        start = cut
    yield start, end


def split_spans(text: str, max_paragraph_chars: int = 2000) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) offsets of the paragraphs of ``text``, in order, never empty."""
    # Each line comes stripped of the white space around it: that white space holds no text, and
    # no indentation that counts (only one after a sentence end does), so what is kept of a
    # line is the same as if it were cut up whole and each piece stripped.
    for line in _STRIPPED_LINE.finditer(text):
        line_start, line_end = line.span()
        if line_end - line_start <= max_paragraph_chars and "\u3000\u3000" not in line[0]:
            yield line_start, line_end  # the common case
            continue
        pieces: list[tuple[int, int]] = []
        pos = line_start
        for indent in _INDENT.finditer(text, line_start, line_end):
            pieces.append((pos, indent.start()))
            pos = indent.end()
        pieces.append((pos, line_end))
        for piece_start, piece_end in pieces:
            start, end = _strip_span(text, piece_start, piece_end)
            if start == end:
                continue
            for a, b in _cut_long(text, start, end, max_paragraph_chars):
                a, b = _strip_span(text, a, b)
                if a < b:
                    yield a, b


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # ideographs, all letters (category Lo)


def _has_letters(text: str) -> bool:
    return bool(_CJK.search(text)) or any(unicodedata.category(ch).startswith("L") for ch in text)


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence or a clause, past its closing marks, emoji after its
    stop, and the spaces that pages which space out their punctuation put before a closing
    quote (``…大姐) 。 ”``)."""
    stripped = text.rstrip(_CLOSERS + " \t\xa0\u3000")
    while stripped and unicodedata.category(stripped[-1]) in {"So", "Sk", "Mn", "Cf"}:
        stripped = stripped[:-1].rstrip(_CLOSERS)  # emoji and their modifiers after the stop
    return bool(stripped) and stripped[-1] in _SENTENCE_END + "：:，,、"


def _compiled(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """Boilerplate patterns compiled to search a line with. The ones anchored at the line start
    are joined into one (tried at one place, that is fast); every other one is searched on its
    own (an unanchored alternation is tried at every place: four times slower)."""
    anchored = [p for p in patterns if p.startswith("^")]
    rest = [p for p in patterns if not p.startswith("^")]
    joined = "|".join(f"(?:{p[1:]})" for p in anchored)
    return [*([re.compile(f"^(?:{joined})")] if anchored else []), *(re.compile(p) for p in rest)]


@lru_cache(maxsize=1)
def _after_stop() -> list[re.Pattern[str]]:
    """The default boilerplate patterns that a line ending with a full stop may match, compiled
    (once: compiling them takes as long as trying them on a thousand lines)."""
    return _compiled(_BOILERPLATE_ANY_END)


@lru_cache(maxsize=1)
def _every_default() -> list[re.Pattern[str]]:
    """All the default boilerplate patterns, compiled when a line first needs them (one that
    does not end with a full stop): a text whose lines all end with one, as a sentence or two
    labelled alone do, is spared the 14 ms that compiling the rest takes."""
    return _after_stop() + _compiled(_BOILERPLATE_OPEN_END)


@lru_cache(maxsize=16)
def _extra_patterns(extra: tuple[str, ...]) -> list[re.Pattern[str]]:
    """The config's own boilerplate patterns, compiled."""
    return [re.compile(p) for p in extra]


# A site's teaser box by its label, whatever follows it, as long as it runs: [导读]──…, the
# page's summary of its text, not the text. (A lead that opens the text, 导读：…, reads as body,
# and so does an editor's note after its label, 编者按：…, which set 11's labellers gave a theme
# and set 17's did not; an abstract, 摘要：…, see :func:`_teasers`.)
_TEASER = re.compile(r"^[【\[](導讀|导读)[】\]]")


# A field's label with its letters spaced out to line up with longer labels (撰 稿 者：…,
# 作　　者：…): the furniture patterns see its letters together.
_SPACED_LABEL = re.compile(
    r"^(?:[\u4e00-\u9fff][ \t\xa0\u3000]+){1,3}[\u4e00-\u9fff](?=[ \t\xa0\u3000]*[:：])")


# A notice's title too long for a heading: its issuer, 关于, and what the notice does, with no
# stop or clause mark outside quotes (长乐区…应急指挥部关于实施“防控疫情,人人有责”十项措施的通告),
# and its number, if any (（第3号）, （2020年第3号）). What the notice does may be to issue a plan
# (…领导小组关于印发《…方案》的通知). Not a sentence that tells of one before its 关于, as it
# is issued, studied or passed (市政府印发关于…的通知, 支部党员学习了中央关于…的通知), which lost
# its stop.
_NOTICE_TITLE = re.compile(
    r"^(?!(?:(?!關於|关于).)*(發布|发布|發佈|印發|印发|下發|下发|出台|頒布|颁布|頒佈|颁发|頒發|"
    r"學習|学习|傳達|传达|貫徹|贯彻|落實|落实|審議|审议|通過|通过|根據|根据|依據|依据|按照|了))"
    r"[^。！？!?；;:：，,“”「」]{0,40}(關於|关于)"
    r"([^。！？!?；;:：，,“”「」\"]|“[^”]{1,20}”|「[^」]{1,20}」|『[^』]{1,20}』|\"[^\"]{1,20}\")+"
    r"(通告|通知|公告|通報|通报|決定|决定|意見|意见|辦法|办法|方案|倡議書|倡议书)"
    r"([(（](\d{4}\s*年\s*)?第[^()（）]{1,8}[號号][)）])?$")


def _line_kind(text: str, max_heading: int, extra: Sequence[re.Pattern[str]]) -> str:
    if "(" in text:
        text = pinyin_gloss().sub("", text)  # 發(fā)布時間：… is a publication stamp too
    if (_ARTICLE_NUMBER.match(text) or not _has_letters(text)
            or (text[:1] in "【[" and _TEASER.match(text))):
        return "boilerplate"
    # Page furniture (sources, bylines, captions, navigation) is short or does not end a
    # sentence: a long line that ends with a full stop is prose, and only the config's own
    # patterns are tried on it (most lines of a document, and half the time of segmenting).
    # A shorter one that ends with a full stop (most of the rest) is tried on the default
    # patterns that can end so, not on _BOILERPLATE_OPEN_END's.
    if len(text) > 2 * max_heading and text.rstrip(_CLOSERS)[-1:] in _SENTENCE_END:
        tried: Sequence[re.Pattern[str]] = ()
    elif text[-1] in _FULL_STOPS:
        tried = _after_stop()
    else:
        tried = _every_default()
    probe = text
    if spaced := _SPACED_LABEL.match(text):
        probe = "".join(spaced[0].split()) + text[spaced.end() :]
    if any(p.search(probe) for p in tried) or any(p.search(probe) for p in extra):
        return "boilerplate"
    if len(text) <= max_heading and text[-1] in "。." and _CREDIT_ALONE.match(text):
        return "boilerplate"
    if text[-1] in "啟启上" and _SIGNED.match(text):  # tried only on a line that ends so
        return "boilerplate"
    if len(text) <= max_heading and (
            (not _ends_sentence(text) and not _DATED_ENTRY.match(text)) or _DAY_LINE.match(text)
            or _DATELINE.match(text)
            or _HOLIDAY_LINE.match(text)
            or (text[-1] in ":：" and (_PART_LABEL.match(text) or _LIST_HEADING.match(text)))
            or (text[-1] in "？?" and _NUMBERED.match(text)
                and not any(ch in text[:-1] for ch in _SENTENCE_END + "，,"))):
        # A numbered question is a section's heading (一、武漢肺炎到底是什麼？).
        # A short line that ends with a photo's credit is its caption: a credit ends no heading.
        # (A longer caption reads as body text and stays it.)
        # A numbered heading is a section's, whatever it ends with: （三）现场图片.
        caption = _CREDIT.search(text) and not _NUMBERED.match(text)
        return "boilerplate" if caption else "heading"
    notice_end = text[-1] in "告知報报定見见法案書书)）"
    if notice_end and len(text) <= 2 * max_heading and _NOTICE_TITLE.match(text):
        return "heading"
    return "body"


def _above_text(pieces: Sequence[str], kinds: Sequence[str], index: int) -> bool:
    """Whether the next line after ``index`` that is not boilerplate is body text or a numbered
    section heading: the line at ``index`` is then its article's title, not a page's header
    repeated above each article's own title."""
    after = next((i for i in range(index + 1, len(kinds)) if kinds[i] != "boilerplate"), None)
    return after is not None and (kinds[after] == "body" or bool(_NUMBERED.match(pieces[after])))


def _above_body(kinds: Sequence[str], index: int) -> bool:
    """Whether the next line after ``index`` that is not boilerplate is body text."""
    after = next((i for i in range(index + 1, len(kinds)) if kinds[i] != "boilerplate"), None)
    return after is not None and kinds[after] == "body"


def _release_dates(pieces: Sequence[str], kinds: Sequence[str]) -> list[int]:
    """The date lines of Hong Kong releases' ends: right below a release's 完, or right above the
    time it went out. Elsewhere a date with its weekday keeps its kind (a diary's day line is a
    heading). A day's releases saved into one file put these lines above the next title."""
    found = []
    for i, (line, kind) in enumerate(zip(pieces, kinds, strict=True)):
        if kind != "boilerplate" or len(line) > 12:
            continue
        if _RELEASE_END.match(line) and i + 1 < len(pieces):
            date = i + 1
        elif _RELEASE_TIME.match(line) and i > 0:
            date = i - 1
        else:
            continue
        if kinds[date] != "boilerplate" and _RELEASE_DATE.match(pieces[date]):
            found.append(date)
    return found


def _wrapped_prose(pieces: Sequence[str], kinds: Sequence[str]
                   ) -> tuple[list[int], int | None, list[list[int]]]:
    """The heading-like lines of a text wrapped at a fixed width (see :func:`wrapped_width`)
    that were cut out of its prose: as long as the width, give or take a character, with a
    clause's or a sentence's end inside, as a heading seldom has. They are body text: as
    headings, each was the heading of the prose under it, and the furniture above them decided
    whether they were (a run of four heading-like lines is body, one of three is not). A text
    whose wrapped lines are too few to tell its width (a forum's post among its replies) has
    its runs of them found one by one (:func:`_wrapped_runs`). Also the width, or else those
    runs: what :func:`_wrapped_paragraphs` joins."""
    width = wrapped_width(pieces[:1000])
    if width is None:
        runs = _wrapped_runs(pieces, kinds)
        return [i for run in runs for i in run], None, runs
    return [i for i, (line, kind) in enumerate(zip(pieces, kinds, strict=True))
            if kind == "heading" and abs(len(line) - width) <= 1 and not _NUMBERED.match(line)
            and _INSIDE_PROSE.search(line, 0, len(line) - 1)], width, []


def _chronology(pieces: Sequence[str], kinds: list[str], gap: int = 4, least: int = 3) -> None:
    """A chronology whose dates stand on lines of their own (``1月20日`` over
    ``新加坡衛生部宣布將對…肺炎患者進行隔離``), where ``least`` dates or more follow one another
    at most ``gap`` lines apart, each with a line of Chinese text under it: each date is a
    heading, and the heading-like lines under it, up to the next date, its entry, body text.
    Without a final stop, each entry was a heading, and after the page's last body line a
    signature (furniture); a date like ``1/30`` was furniture, and the entries under it went
    under the date above. A full date (``2020年1月21日``), a date with its weekday or with a dot
    (``1.21``), and a lunar date or a holiday (``正月初一``, ``除夕``) head entries as well; a
    full date under an issuer's name (``某某县卫生健康局``) is a signature's, and heads none. A
    numbered line among them (a daily report's
    ``一、疫情情况``, over its text) stays a heading, but for a day's events numbered one a line
    (``1.国家卫健委…`` over ``2.钟南山…``, the last over the next date): each heads nothing, an
    item of the entry, body. So do two titles: a day's, right under its date and over
    body text (a diary's ``封城第十天``), and, in a digest whose dates mostly have a title right
    above them and their paragraph right under, the one right above the next date. Another
    heading-like line in an entry, after its body text (``辽宁省决定启动…二级响应``), is body,
    and so is one with a sentence's end inside, wherever it stands: a diary's entry of sentences
    whose last lost its stop (``居民老张打来电话…。我骑电动车跑了三家药店才买到``), no title.

    >>> lines = ["1月20日", "衛生部宣布隔離措施", "1/23", "出現第1宗確診個案", "1月30日",
    ...          "政府宣布釋出520萬個口罩"]
    >>> kinds = ["heading", "heading", "boilerplate", "heading", "heading", "heading"]
    >>> _chronology(lines, kinds)
    >>> kinds
    ['heading', 'body', 'heading', 'body', 'heading', 'body']
    """
    runs, dates = _date_runs(pieces, gap)
    for run in (r for r in runs if len(r) >= least):
        # A digest: most dates have a title right above them and their paragraph right under.
        titled = 2 * sum(_title_like(pieces, kinds, d - 1) and kinds[d + 1] == "body"
                         for d in run if d) >= len(run)
        for date, end in _entries(pieces, run):
            _mark_entry(pieces, kinds, date, end, dates, titled and end in run)


def _date_runs(pieces: Sequence[str], gap: int) -> tuple[list[list[int]], set[int]]:
    """The lines that are a date alone (:data:`_ENTRY_DATE`, :data:`_HOLIDAY_LINE`), and those
    of them over a line of Chinese text (but a notice's signature, its issuer over its date) in
    runs, each date at most ``gap`` lines after the one before."""
    dates = [i for i, line in enumerate(pieces)
             if len(line) <= 16 and (_ENTRY_DATE.match(line) or _HOLIDAY_LINE.match(line))]
    runs: list[list[int]] = []
    for i in dates:
        if i and _SIGNATURE_DATE.match(pieces[i]) and _ISSUER.search(pieces[i - 1]):
            continue  # a notice's signature: its issuer over its date
        if (i + 1 < len(pieces) and not _ENTRY_DATE.match(pieces[i + 1])
                and not _HOLIDAY_LINE.match(pieces[i + 1])
                and len(HAN.findall(pieces[i + 1])) >= 4):
            if runs and i - runs[-1][-1] <= gap:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs, set(dates)


def _entries(pieces: Sequence[str], run: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each date of ``run`` and the end of its entry: the next date; for the last, the end of
    its first line and of the items numbered alike right under it."""
    for date, end in zip(run, [*run[1:], run[-1] + 2], strict=True):
        end = min(end, len(pieces))
        if date == run[-1] and date + 1 < len(pieces):
            style = _list_style(pieces[date + 1])
            while style is not None and end < len(pieces) and _list_style(pieces[end]) == style:
                end += 1
        yield date, end


def _title_like(pieces: Sequence[str], kinds: Sequence[str], j: int) -> bool:
    """Whether line ``j`` is heading-like with no sentence's end inside: one that has one is
    text, not a title."""
    return kinds[j] == "heading" and not any(ch in pieces[j][:-1] for ch in "。！？!?；;")


def _mark_entry(pieces: Sequence[str], kinds: list[str], date: int, end: int, dates: set[int],
                titled_next: bool) -> None:
    """The heading-like lines of the entry under ``date`` (to ``end``) are body, but a day's
    title (right under its date, over body text), the next date's title (the entry's last
    line, where ``titled_next``: a digest) and a numbered line that heads something; the date
    is a heading when its entry had no body text (a date over text stays as it was)."""
    held = "body" in kinds[date + 1 : end]
    for j in range(date + 1, end):
        day_title = (j == date + 1 and j + 1 < len(kinds) and kinds[j + 1] == "body"
                     and j + 1 not in dates)
        next_title = titled_next and j == end - 1
        # A numbered line over the next one numbered alike, or ending the entry, heads
        # nothing: an item of the day's events (1.国家卫健委… over 2.钟南山…).
        style = _list_style(pieces[j])
        item = style is not None and (j + 1 == end or _list_style(pieces[j + 1]) == style)
        if (kinds[j] == "heading" and (style is None or item)
                and not ((day_title or next_title) and _title_like(pieces, kinds, j))):
            kinds[j] = "body"
    if not held:  # a signature's date is furniture
        kinds[date] = "heading"


def _wrapped_runs(pieces: Sequence[str], kinds: Sequence[str], least: int = 20
                  ) -> list[list[int]]:
    """Runs of two or more heading-like lines of one length, give or take a character, and at
    least ``least`` characters long, each with a clause's or a sentence's end inside, whose
    next line is body text no longer than they are: one paragraph wrapped at a fixed width
    (``…肺炎疫情,成大醫院配合衛生福利部疾病管制署`` / ``之感染管制措施,…陪病者需出示有陪伴證`` /
    ``,並戴口罩及量測體溫無發燒,始得進入。``), whose sentence the last line ends. Each was a
    heading of its own. A title and a subtitle seldom hold commas, share a length and stand
    over a shorter first line of text; a subtitle's dash (``——``) keeps it one, and a section's
    number (``一、坚持党建引领，筑牢…``) a section heading, as in :func:`_wrapped_prose`.

    >>> text = ("衛生福利部指定成大醫院為唯一檢驗機構。成大醫院表示,"
    ...         "請民眾毋須過度恐慌,依照醫師建議決定。")
    >>> lines = [text[:22], text[22:44], text[44:]]
    >>> _wrapped_runs(lines, ["heading", "heading", "body"])
    [[0, 1]]
    """
    found: list[list[int]] = []
    run: list[int] = []
    for i, (line, kind) in enumerate(zip(pieces, kinds, strict=True)):
        cut = (kind == "heading" and len(line) >= least and not _SUBTITLE.match(line)
               and not _NUMBERED.match(line)
               and _INSIDE_PROSE.search(line, 0, len(line) - 1) is not None)
        if cut and run and abs(len(line) - len(pieces[run[0]])) <= 1:
            run.append(i)
            continue
        if len(run) >= 2 and kind == "body" and len(line) <= max(len(pieces[j]) for j in run):
            found.append(run)
        run = [i] if cut else []
    return found


def _short_body(pieces: Sequence[str], kinds: Sequence[str], max_heading: int) -> list[int]:
    """The body lines no longer than a heading (``max_heading`` characters): where
    :func:`_repeated_captions` and :func:`_pull_quotes` look, found in one pass."""
    return [i for i, (line, kind) in enumerate(zip(pieces, kinds, strict=True))
            if kind == "body" and len(line) <= max_heading]


def _repeated_captions(pieces: Sequence[str], short: Sequence[int]) -> list[int]:
    """Short body lines (``short``, see :func:`_short_body`) of one plain sentence that come
    back in the document: a caption under each of a page's photos (``市民預防肺炎。``). A text
    says a sentence once; a slogan that comes back exclaims (``武汉加油！``) and stays body. So
    does a sentence that each day's report of a joined bulletin says under the same numbered
    heading (``一、疫情情况`` over ``全县无新增病例。``): the report's text, not a caption (as one,
    it took its heading with it, as a table of contents's line)."""
    plain = [i for i in short if pieces[i][-1] in "。."
             and not _INSIDE_PROSE.search(pieces[i], 0, len(pieces[i]) - 1)]
    copies: dict[str, list[int]] = {}
    for i in plain:
        copies.setdefault(pieces[i], []).append(i)
    return [i for same in copies.values() if len(same) > 1 and not _under_one_heading(pieces, same)
            for i in same]


def _under_one_heading(pieces: Sequence[str], lines: Sequence[int]) -> bool:
    """Whether each of ``lines`` has the same numbered heading right above it."""
    above = {pieces[i - 1] if i else "" for i in lines}
    return len(above) == 1 and bool(_NUMBERED.match(next(iter(above))))


def _exclaimed_title_repeated(pieces: Sequence[str], kinds: list[str], max_heading: int
                              ) -> None:
    """A page's first line that exclaims, one phrase no longer than a heading
    (``新冠肺炎影響四結福德廟300個布口罩鐘秒殺!``), and that comes back further down the page
    (between its paragraphs, as a site repeats its title) twice or more: the page's title, a
    heading, and each line that says it again furniture. (Ending with ``!``, each was body
    text.) Said once or twice, or not first, it stays as it is: a slogan in the text
    (``武汉加油！``), the title's words shouted again in it."""
    first = next((i for i, k in enumerate(kinds) if k != "boilerplate"), None)
    if first is None or kinds[first] != "body":
        return
    line = pieces[first]
    if (len(line) > max_heading or line[-1] not in "!！"
            or _INSIDE_PROSE.search(line, 0, len(line) - 1)):
        return
    title = "".join(line.split())
    copies = [j for j in range(first + 1, len(pieces)) if "".join(pieces[j].split()) == title]
    if len(copies) >= 2:  # once more may be the text's own slogan, shouted again
        kinds[first] = "heading"
        for j in copies:
            kinds[j] = "boilerplate"


def _english_title(pieces: Sequence[str], kinds: list[str], max_heading: int) -> None:
    """A Chinese page's title said in English under it (``Prevention for the coronavirus in
    student Dorm`` under ``108-2 學期學生宿舍防疫公告：``): the page's first body line, with a
    heading above it, in Latin letters with no Chinese character, one phrase (no comma, no
    sentence end) up to twice ``max_heading`` characters, whose next line that is not
    furniture is mostly Chinese. It is a heading, of the title (it was body text, too long for
    a heading). An English sentence there, or a line over English text, stays body."""
    first = next((i for i, k in enumerate(kinds) if k == "body"), None)
    if first is None or "heading" not in kinds[:first]:
        return
    line = pieces[first].strip().rstrip(_CLOSERS)
    if (not line or len(line) > 2 * max_heading or HAN.search(line)
            or not _LATIN_WORD.search(line) or _INSIDE_PROSE.search(line)
            or line[-1] in ".。" or ". " in line):
        return
    near = next((j for j in range(first + 1, len(pieces)) if kinds[j] != "boilerplate"), None)
    if near is not None and _mostly_chinese(pieces[near]):
        kinds[first] = "heading"


# The hundred commonest Chinese surnames (and 汤, 阎), in both scripts: what a byline's bare
# names open with. (于, 范 and 余 keep their form in Traditional names; 於, 範, 餘 open words.)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜"
             "叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫阎段雷龙黎史"
             "陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
             "劉張陳楊黃趙吳孫馬羅鄭謝許韓鄧馮蕭葉蘇呂盧鍾鐘譚陸賈韋鄒閆閻龍賀顧龔萬錢嚴湯蔣")
# A line of one to four people's names and nothing else: each of 2 or 3 Chinese characters,
# opening with a common surname, parted by spaces (full-width too) or 、 (徐某某 钱某某,
# 韓某某 汪某某 張某某, 叶某某).
_NAME = re.compile(rf"[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}")
_NAME_LINE = re.compile(rf"^{_NAME.pattern}((?:[ \t\xa0\u3000]*、[ \t\xa0\u3000]*|[ \t\xa0\u3000]+)"
                        rf"{_NAME.pattern}){{0,3}}$")


def _name_bylines(pieces: Sequence[str], kinds: list[str], markers: Sequence[int]) -> None:
    """The reporters' bare names on a line of their own in an article's head, between its
    title and its first body paragraph, as a paper's page puts its byline under the title
    (``徐某某 钱某某`` under ``某某用“三联工程”织密疫情防控网``), without 记者 or 文／:
    furniture (:data:`_NAME_LINE`). Short and unpunctuated, each was a heading, which the title
    block made part of the article's title, or the heading of its text. Two names or more may
    stand anywhere in the head; one name alone only right under the title or under a line of
    furniture (``2020-03-17 18:38 来源:… 作者:叶某某`` over ``叶某某``), where a byline stands.
    A line between body paragraphs keeps its kind (two or three words of a slogan, ``严防
    严控``, head a section there), and so does the head's when a line of the form heads a
    section below it in the article: a page of people's stories, each under its name."""
    starts = set(markers)
    for a, b in zip([0, *markers], [*markers, len(kinds)], strict=True):
        title = next((i for i in range(a + (a in starts), b) if kinds[i] != "boilerplate"), b)
        if title == b or kinds[title] != "heading":
            continue
        names: list[int] = []
        first = next((i for i in range(title + 1, b) if kinds[i] == "body"), b)
        for i in range(title + 1, first):
            if kinds[i] == "heading" and _NAME_LINE.match(pieces[i]) and (
                    not _NAME.fullmatch(pieces[i])
                    or i - 1 == title or kinds[i - 1] == "boilerplate" or i - 1 in names):
                names.append(i)
        if names and first < b and not any(
                kinds[j] == "heading" and _NAME_LINE.match(pieces[j]) for j in range(first, b)):
            for i in names:
                kinds[i] = "boilerplate"


# A summary's label: 摘要：…, 内容提要：…, or in brackets, as a site's summary box heads it:
# [摘要]…, 【内容提要】…, ［摘要］…, 〔摘要〕…, 【 摘要 】….
_SUMMARY_LABEL = re.compile(
    r"^([【\[［〔]\s*(摘要|內容提要|内容提要)\s*[】\]］〕]|(摘要|內容提要|内容提要)\s*[:：])\s*")


def _teasers(pieces: Sequence[str], kinds: Sequence[str], top: int = 10, opening: int = 12
             ) -> list[int]:
    """Lines near a page's top that only tease its text: a summary by its label
    (``摘要：关于实施战时封闭管理的紧急通告 为应对…``, ``[摘要]2月13日下午,…``) or a line cut
    short with ``...`` or ``…``
    (``我是医生,守土有责,…「本人是呼吸科主任某某,46 岁,受党...``), whose first ``opening``
    characters come again below it: the page's teaser of its own text, furniture. A paper's
    abstract (``摘要：2020年初,…``) says what no line below says, and stays body, as a sentence
    that trails off with ``……`` does."""
    found = []
    for i in range(min(top, len(pieces))):
        line = pieces[i]
        label = _SUMMARY_LABEL.match(line)
        cut = (line.endswith("...") and not line.endswith("....")) or (
            line.endswith(("…", "⋯")) and not line.endswith(("……", "⋯⋯")))
        if kinds[i] == "boilerplate" or not (label or cut):
            continue
        start = line[label.end() if label else 0 :][:opening]
        if len(start) == opening and any(start in below for below in pieces[i + 1 :]):
            found.append(i)
    return found


# A news agency's dateline that gives its story's title (新华社南昌1月31日电 题：…,
# 中新社拉萨2月6日电 題:…, with the reporters in brackets, if any): the agency, the place,
# the day, 电 and 题.
_AGENCY_TITLE = re.compile(
    r"^[^。！？!?，,；;:：\s\d]{2,16}?\d{1,2}\s*月\s*\d{1,2}\s*日[电電]\s*"
    r"([(（][^()（）]{1,30}[)）])?\s*[题題]\s*[:：]\s*")


def _agency_titles(pieces: Sequence[str], kinds: Sequence[str], top: int = 10) -> list[int]:
    """An agency's dateline near a page's top (in its first ``top`` lines) whose title (see
    :data:`_AGENCY_TITLE`) the page has said above it, as its title: the story's title said
    again, with the agency's dateline, no text of it (and no part of its title: it said the
    title twice). A dateline whose title the page does not say above stays as it is: a heading
    that the title block makes part of the title, or a body line when it is long. (A look at
    every line of a page cost 1% of segmenting, for lines that stand under a page's title.)"""
    found = []
    for i in range(min(top, len(pieces))):
        line = pieces[i]
        if kinds[i] == "boilerplate" or not ("日电" in line or "日電" in line):
            continue
        dateline = _AGENCY_TITLE.match(line)
        if dateline is None or dateline.end() == len(line):
            continue
        # The same title in full-width or half-width punctuation (，/,) is said again.
        title = "".join(unicodedata.normalize("NFKC", line[dateline.end() :]).split())
        if any("".join(unicodedata.normalize("NFKC", above).split()) == title
               for above in pieces[:i]):
            found.append(i)
    return found


_LATIN = re.compile("[A-Za-z]")
_LATIN_WORD = re.compile("[A-Za-z]{2}")
# What a note about the page speaks of: its language or its version (English version below).
_PAGE_NOTE = re.compile(r"(?i)\b(english|chinese|version|translation|translated|bilingual)\b")


def _mostly_chinese(line: str) -> bool:
    """Whether ``line`` has more Chinese characters than Latin letters."""
    return len(HAN.findall(line)) > len(_LATIN.findall(line))


# A source's, an author's or an editor's label alone on its line, its value on the next.
_FIELD_LABEL = re.compile(
    r"^(來源|来源|作者|(責任|责任)?(編輯|编辑)|記者|记者|通訊員|通讯员|攝影|摄影)\s*[:：]$")


def _stamps_above_titles_and_field_values(pieces: Sequence[str], kinds: Sequence[str],
                                          max_heading: int) -> list[int]:
    """Two kinds of furniture a line's neighbours tell: a page's first line that is a day's date
    and weekday (``2020年3月27日 星期五``), right above the page's title (a line that ends no
    sentence), is its publication stamp, not a diary's day line (it was the page's title, and
    the title a heading under it); and the value under a field's label alone (``来源:`` over
    ``浙江在线-钱江晚报``), a short line with no sentence in it (it was a heading). A diary's
    day line over its entry, or over its day's title where other day lines follow (a diary of
    several days), and a label's next line that is a sentence, stay as they were.

    >>> _stamps_above_titles_and_field_values(
    ...     ["2020年3月27日 星期五", "大馬港人感無奈", "来源:", "浙江在线-钱江晚报", "正文。"],
    ...     ["heading", "heading", "boilerplate", "heading", "body"], 40)
    [0, 3]
    """
    found = []
    texts = [i for i, kind in enumerate(kinds) if kind != "boilerplate"]
    if (len(texts) > 1 and kinds[texts[0]] == "heading" and _DAY_LINE.match(pieces[texts[0]])
            and not _ends_sentence(pieces[texts[1]]) and not _DAY_LINE.match(pieces[texts[1]])
            and not any(_DAY_LINE.match(pieces[i]) for i in texts[2:])):
        found.append(texts[0])
    for i, line in enumerate(pieces[:-1]):
        if (line[-1:] in ":：" and kinds[i] == "boilerplate" and kinds[i + 1] == "heading"
                and len(pieces[i + 1]) <= max_heading // 2 and _FIELD_LABEL.match(line)
                and not _INSIDE_PROSE.search(pieces[i + 1])):
            found.append(i + 1)
    return found


# A signature under a letter's closing words: its signer and 啟 (某某校長啟, 某某謹啟); not a
# heading that something opens (复课工作全面开启).
_CLOSING_SIGNATURE = re.compile(
    r"^[^。！？!?，,；;:：]{1,24}((?<![開开重])(啟|启)|謹上|谨上|敬上)$")


def _letter_closings(pieces: Sequence[str], kinds: Sequence[str], max_heading: int) -> list[int]:
    """A Chinese letter's blessing and signature under its closing words
    (:data:`_LETTER_CLOSING`, furniture): the line of wishes right under a wish or 此致
    (``身體健康、主恩常在`` under ``順祝``), mostly Chinese, no longer than half a heading and
    with no sentence end inside, and the signer's line right under them that ends with 啟 or 上
    (``某某校長啟``). They were headings, or, four heading-like lines in a row with the closing
    words, body text, labelled. A paragraph under a wish stays body, and a line under 敬禮 that
    is no signature stays as it is.

    >>> _letter_closings(["順祝", "身體健康、主恩常在", "某某校長啟", "Class suspension"],
    ...                  ["boilerplate", "heading", "heading", "heading"], 40)
    [1, 2]
    """
    found = []
    for i, line in enumerate(pieces[:-1]):
        if len(line) > 6 or kinds[i] != "boilerplate" or not _LETTER_CLOSING.match(line):
            continue
        j = i + 1
        wishes = pieces[j]
        if ((_WISH.match(line) or line.startswith("此致")) and kinds[j] != "boilerplate"
                and len(wishes) <= max_heading // 2 and _mostly_chinese(wishes)
                and not any(ch in wishes[:-1] for ch in "。！？!?；;:：")):
            found.append(j)
            j += 1
        if j < len(pieces) and kinds[j] != "boilerplate" and _CLOSING_SIGNATURE.match(pieces[j]):
            found.append(j)
    return found


def _english_signers(pieces: Sequence[str], kinds: Sequence[str], max_heading: int
                     ) -> list[int]:
    """The signer's line right under an English letter's closing (:data:`_EN_CLOSING`,
    furniture): ``Hackney Chinese Community Services Association`` under ``Sincerely,``, more
    Latin letters than Chinese characters, up to twice ``max_heading`` characters and eight
    words, and no sentence in it (it was body text, labelled, or a heading). A sentence there,
    or a Chinese title (the Chinese version of a bilingual letter), stays as it is.

    >>> _english_signers(["Sincerely,", "Hackney Community Association", "中心暫停活動通告"],
    ...                  ["boilerplate", "body", "heading"], 40)
    [1]
    """
    found = []
    for i, line in enumerate(pieces[:-1]):
        if len(line) > 20 or kinds[i] != "boilerplate" or not _EN_CLOSING.match(line):
            continue
        name = pieces[i + 1]
        if (kinds[i + 1] != "boilerplate" and len(name) <= 2 * max_heading
                and len(name.split()) <= 8 and not _mostly_chinese(name)
                and not _ends_sentence(name) and not any(ch in name for ch in "。！？!?；;")):
            found.append(i + 1)
    return found


def _related_links(pieces: Sequence[str], kinds: Sequence[str]) -> list[int]:
    """The heading-like lines in a row right under a list of links' label (``相关阅读：`` over
    ``县委组织部发出通知 要求党员冲锋在前``, :data:`_RELATED_LABEL`): other pages' titles,
    furniture. (They were headings, or, numbered, a list's items: body.)

    >>> _related_links(["相关阅读：", "全县党员下沉社区", "县委发出通知"], ["boilerplate"] * 3)
    []
    >>> _related_links(["相关阅读：", "全县党员下沉社区", "县委发出通知"],
    ...                ["boilerplate", "heading", "heading"])
    [1, 2]
    """
    found = []
    for i, line in enumerate(pieces):
        if kinds[i] == "boilerplate" and len(line) <= 8 and _RELATED_LABEL.match(line):
            j = i + 1
            while j < len(pieces) and kinds[j] == "heading":
                found.append(j)
                j += 1
    return found


# A photo's credit or source after its caption, as the line under a caption's bare copy adds it.
_CREDIT_ADDED = re.compile(
    r"\s*((Source|Photo)\s*:|[,，]?\s*(圖片|图片|照片|相片)(來源|来源)\s*[:：]"
    r"|[(（][^()（）]{0,30}(攝|摄|圖片|图片|提供)[)）]$)")


def _captions_above_their_credit(pieces: Sequence[str], kinds: Sequence[str],
                                 least: int = 10) -> list[int]:
    """A caption's bare copy (an image's alternative text) right above the caption with its
    photo's credit added, a line of furniture: the copy is furniture too. It was the text's
    line, body or a heading. A title above a line that adds a stamp to it keeps its kind.

    >>> _captions_above_their_credit(["义工在街头派发口罩", "义工在街头派发口罩 Source: AAP"],
    ...                              ["heading", "boilerplate"], least=5)
    [0]
    """
    return [i for i in range(len(pieces) - 1)
            if kinds[i] != "boilerplate" and kinds[i + 1] == "boilerplate"
            and len(pieces[i]) >= least and pieces[i + 1].startswith(pieces[i])
            and _CREDIT_ADDED.match(pieces[i + 1], len(pieces[i])) is not None]


def _english_notes(pieces: Sequence[str], kinds: Sequence[str], edge: int = 10) -> list[int]:
    """A note in another language, in brackets, at a Chinese page's top or end (its first or
    last ``edge`` lines): a line wholly in brackets (``[The English version follows the Chinese
    one.]``, ``［English version below］``,
    ``<English version below>``) that speaks of the page's language or version
    (:data:`_PAGE_NOTE`; a bilingual notice's sentence in brackets, ``(All visitors must wear a
    mask.)`` over its Chinese, is its text) and has no Chinese character, whose nearest line
    below that is not
    furniture (or, at the page's end, above it) is mostly Chinese. It tells of the page, as a
    reader of Chinese sees it: no text of it. On an English page (its neighbours English) it
    stays as it is. (A look at every line of a page cost 1.5% of segmenting.)"""
    found = []
    n = len(pieces)
    for i in [*range(min(edge, n)), *range(max(edge, n - edge), n)]:
        line = pieces[i]
        if (line[:1] not in "[(（【［〔<＜〈" or line[-1:] not in "])）】］〕>＞〉"
                or kinds[i] == "boilerplate" or not _PAGE_NOTE.search(line)
                or HAN.search(line)):
            continue
        near = next((j for j in range(i + 1, len(pieces)) if kinds[j] != "boilerplate"), None)
        if near is None:
            near = next((j for j in range(i - 1, -1, -1) if kinds[j] != "boilerplate"), None)
        if near is not None and _mostly_chinese(pieces[near]):
            found.append(i)
    return found


_QUOTE_MARKS = "“”「」『』‘’\"'"
# What a pull-quote's words hold none of: a sentence end inside, or a figure.
_NOT_PULLED = re.compile(r"[。.！!？?；;…．⋯\d]")
_CLAUSE_MARKS = ("，", ",", "、")


def _pull_quotes(pieces: Sequence[str], kinds: Sequence[str], short: Sequence[int],
                 window: int = 20) -> list[int]:
    """Short body lines (``short``, see :func:`_short_body`) that say again words of the page set
    off from its text: a pull-quote, a clause from the middle of a sentence up to ``window``
    lines below, shown alone as a sentence (``只有步行还能出门。`` over ``…出不去,只有步行还能
    出门,大家都…``), or a section's heading said again in quotes right under it
    (``“把进度追回来,把产量补回来。”`` under ``把进度追回来,把产量补回来``). Their words, without
    quotes and the final mark, are one sentence of eight characters at least, and no figures: a
    text's own short paragraph of a fact that a sentence below says again
    (``全市新增确诊病例2例。``, ``…24时,全市新增确诊病例2例,均为…``) stays body."""
    found: list[int] = []
    joined = ""
    starts: list[int] = []
    for i in short:
        line = pieces[i]
        words = line.strip(_QUOTE_MARKS).rstrip("。.！!？?").strip(_QUOTE_MARKS)
        if len(words) < 8 or _NOT_PULLED.search(words):
            continue
        if i and kinds[i - 1] == "heading" and pieces[i - 1] == words:
            found.append(i)
            continue
        if not joined:  # the lines below are looked in at once: most words are in none
            joined = "\n".join(pieces)
            starts = list(accumulate((len(piece) + 1 for piece in pieces), initial=0))
        end = starts[min(i + 1 + window, len(pieces))]
        at = joined.find(words, starts[i + 1], end)
        while at != -1:
            j = bisect_right(starts, at) - 1
            after = at + len(words)
            if (kinds[j] == "body" and len(pieces[j]) > len(line) and joined[at - 1] in
                    _CLAUSE_MARKS and joined[after : after + 1] in _CLAUSE_MARKS):
                found.append(i)  # a clause inside a longer paragraph's sentence
                break
            at = joined.find(words, at + 1, end)
    return found


# A section's heading that names a person and what the section tells of them, its words
# without a sentence end (魏李琛:挽起菜篮子,以“温情”抗“疫情”): a name of two to four characters
# and a colon, not a speaker's lead-in (他说：, 某某表示：).
_NAMED_HEADING = re.compile(
    r"^[\u4e00-\u9fff]{2,4}(?<![说說説道问問答称稱示])[:：][^:：。！？!?；;]+$")
# A heading of two phrases a comma parts, and nothing else: 一声号令,党员挺身而出.
_PHRASE = r"[^，,、；;：:。！？!?“”「」\"\s]"
_TWO_PHRASES = re.compile(rf"^({_PHRASE}{{2,10}})[，,]{_PHRASE}{{2,12}}$")


# A section's heading of two short phrases a comma parts that exclaims (基层党组织,在行动!), no
# quote and no other mark; and what marks words as someone's speech, not a heading (我, 你, 您, 咱).
_EXCLAIMED_HEADING = re.compile(rf"^{_PHRASE}{{2,10}}[，,]{_PHRASE}{{2,12}}[!！]$")
_SPEAKS = re.compile("[我你您咱]")


def _exclaimed_sub_headings(pieces: Sequence[str], kinds: list[str], most: int = 16) -> None:
    """Body lines of two short phrases a comma parts, ending with an exclamation mark, up to
    ``most`` characters (``基层党组织,在行动!``, ``报到党员,勇担当!``), with body text above and
    below them (furniture between left aside): a section's heading, not a sentence of the text
    (the ``!`` made them body text, each labelled). Words shouted after a lead-in's colon
    (``居民们齐声高喊:`` over ``武汉加油,中国加油!``), words that speak (``我们不怕,一定能赢!``),
    quoted words and a line after the last paragraph or before the first stay body."""
    for i, (line, kind) in enumerate(zip(pieces, kinds, strict=True)):
        if (kind != "body" or len(line) > most or line[-1] not in "!！"
                or not _EXCLAIMED_HEADING.match(line) or _SPEAKS.search(line)):
            continue
        above = next((j for j in range(i - 1, -1, -1) if kinds[j] != "boilerplate"), None)
        below = next((j for j in range(i + 1, len(kinds)) if kinds[j] != "boilerplate"), None)
        if (above is not None and below is not None and kinds[above] == kinds[below] == "body"
                and pieces[above][-1] not in ":："):
            kinds[i] = "heading"


def _like_its_headings(pieces: Sequence[str], kinds: Sequence[str]) -> bool:
    """Whether the page's last line is of the form of a section heading above it: two phrases a
    comma parts, the first as long as that heading's first (``守卡在前,志愿身影闪`` under
    ``一声号令,党员挺身而出``), a heading the page cut, not prose: a sentence cut short seldom
    parts so, and seldom has its first clause as long as a heading's."""
    last = _TWO_PHRASES.match(pieces[-1])
    return last is not None and any(
        kind == "heading" and (other := _TWO_PHRASES.match(line)) is not None
        and len(other[1]) == len(last[1])
        for line, kind in zip(pieces[:-1], kinds[:-1], strict=True))


def _cut_short(line: str) -> bool:
    """Whether a short last line after body text, one that does not end a sentence, is prose
    cut short (a download stopped mid-sentence: ``党员争做“外卖员”。疫情防控期间，各``) and so
    body text, not a signature: it holds a comma or a sentence end, which an issuer's name, a
    date or a credit line does not, and it is no diary's day line (``2月3日，星期一，晴``) nor
    a person's section heading whose section the page lost (``魏李琛:挽起菜篮子,以“温情”…``)."""
    return (any(ch in line for ch in "，,；;。！？!?") and not _DAY_LINE.match(line)
            and not _NAMED_HEADING.match(line))


def segment_text(
    doc_id: str,
    text: str,
    *,
    max_heading_chars: int = 40,
    max_paragraph_chars: int = 2000,
    boilerplate_patterns: Sequence[str] = (),
    join_wrapped: bool = False,
) -> list[Paragraph]:
    """Split ``text`` into :class:`Paragraph` objects with kinds, articles and headings.

    Two passes: :func:`_line_kinds` decides what each line is, from the lines alone;
    :func:`_in_context` then walks them in order, giving each its article, title and heading
    (and turning a few headings, judged by where they stand, into body or boilerplate).
    With ``join_wrapped`` (``segment.join_wrapped``), between the two, the lines of each
    paragraph of a text wrapped at a fixed width become one body paragraph
    (:func:`_wrapped_paragraphs`), from its first line's start to its last line's end: its text
    holds their line breaks as written.
    """
    extra = _extra_patterns(tuple(boilerplate_patterns))
    spans = list(split_spans(text, max_paragraph_chars))
    pieces = [text[a:b] for a, b in spans]
    # The lines as a reader sees them, without invisible characters: what kinds are decided on.
    invisible = _has_invisible(text)
    seen = [INVISIBLE.sub("", p) for p in pieces] if invisible else pieces
    kinds, markers, (width, runs) = _line_kinds(seen, max_heading_chars, extra)
    if join_wrapped and (width is not None or runs):
        joins = _wrapped_paragraphs(text, spans, seen, kinds, markers, width, runs,
                                    max_paragraph_chars)
        if joins:
            spans, pieces, seen, kinds, markers = _joined(text, joins, spans, pieces, seen, kinds,
                                                          markers, invisible)
    return _in_context(doc_id, spans, pieces, seen, kinds, markers)


# One line break between two lines, with the blanks (and zero-width spaces) around them: the
# lines of one paragraph, with no blank line, page break or other separator between them.
_BLANK = rf"(?:[^\S{_LINE_BREAKS}]|[\u200b\ufeff])*"
_ONE_BREAK = re.compile(rf"{_BLANK}(?:\r\n|\r|\n){_BLANK}")
_ONE_BREAK_GAPS = frozenset({"\n", "\r\n"})  # most gaps, looked up


def _goes_on(text: str, spans: Sequence[tuple[int, int]], seen: Sequence[str],
             kinds: Sequence[str], j: int) -> bool:
    """Whether line ``j + 1`` may go on the paragraph of line ``j``, the line above it: one
    line break between them, and it is no furniture, no numbered line (a section's heading, a
    list's next item) and no heading-like line under a sentence's end (a heading under a
    paragraph that filled its last line)."""
    gap = text[spans[j][1] : spans[j + 1][0]]
    kind = kinds[j + 1]
    return ((gap in _ONE_BREAK_GAPS or _ONE_BREAK.fullmatch(gap) is not None)
            and (kind == "body"
                 or (kind == "heading" and seen[j].rstrip(_CLOSERS)[-1:] not in _SENTENCE_END))
            and not _NUMBERED.match(seen[j + 1]))


def _wrapped_paragraphs(text: str, spans: Sequence[tuple[int, int]], seen: Sequence[str],
                        kinds: Sequence[str], markers: Sequence[int], width: int | None,
                        runs: Sequence[Sequence[int]], limit: int) -> list[tuple[int, int]]:
    """The first and last line of each paragraph of two or more lines of a text wrapped at a
    fixed width. It starts at a line cut at the width: as long as ``width``, give or take a
    character, or, without a width, a line of the ``runs`` :func:`_wrapped_runs` found (or the
    heading-like line of their length right above them, one with no comma, which they leave
    out); body text, or a heading-like line that is no numbered heading nor an article's first
    line (its title). Each line after it that :func:`_goes_on` its paragraph under a line cut
    at the width is in it; the first that is not (a shorter one) is its last. A line longer than
    the width (a paragraph pasted whole), or that would make the paragraph longer than
    ``limit`` characters (``max_paragraph_chars``), is not in it; and lines with no body text
    among them (a title over a subtitle) are no paragraph.

    >>> text = "市委召开常委会议，研究部署\\n疫情防控工作，成立领导小\\n组。\\n各村排查。"
    >>> lines = text.split("\\n")
    >>> spans = [(m.start(), m.end()) for m in re.finditer("[^\\n]+", text)]
    >>> _wrapped_paragraphs(text, spans, lines, ["body"] * 4, [], 13, [], 2000)
    [(0, 2)]
    """
    if width is not None:
        cut = [abs(len(line) - width) <= 1 for line in seen]
        longest = width + 1
    else:
        cut = [False] * len(seen)
        for run in runs:
            for i in run:
                cut[i] = True
            above = run[0] - 1
            if (above >= 0 and kinds[above] == "heading"
                    and abs(len(seen[above]) - len(seen[run[0]])) <= 1):
                cut[above] = True
        longest = sys.maxsize  # the line under each run, which ends its sentence, is no longer
    titles = {next((j for j in range(m + 1, len(kinds)) if kinds[j] != "boilerplate"), None)
              for m in (-1, *markers)}
    found = []
    i = 0
    while i < len(seen):
        last = i
        if cut[i] and (kinds[i] == "body" or (kinds[i] == "heading" and i not in titles
                                              and not _NUMBERED.match(seen[i]))):
            while (cut[last] and last + 1 < len(seen) and len(seen[last + 1]) <= longest
                   and spans[last + 1][1] - spans[i][0] <= limit
                   and _goes_on(text, spans, seen, kinds, last)):
                last += 1
        if last > i and "body" in kinds[i : last + 1]:
            found.append((i, last))
        i = last + 1
    return found


def _joined(text: str, joins: Sequence[tuple[int, int]], spans: list[tuple[int, int]],
            pieces: list[str], seen: list[str], kinds: list[str], markers: list[int],
            invisible: bool) -> tuple[list[tuple[int, int]], list[str], list[str], list[str],
                                      list[int]]:
    """The lines with each of ``joins`` (its first and last line) made one body paragraph, and
    the article numbers' places (``markers``) among them. ``invisible``: whether the text has
    invisible characters, which ``seen`` leaves out."""
    ends = dict(joins)
    out_spans: list[tuple[int, int]] = []
    out_pieces: list[str] = []
    out_seen: list[str] = []
    out_kinds: list[str] = []
    place: dict[int, int] = {}
    i = 0
    while i < len(spans):
        place[i] = len(out_spans)
        last = ends.get(i, i)
        if last == i:
            out_spans.append(spans[i])
            out_pieces.append(pieces[i])
            out_seen.append(seen[i])
            out_kinds.append(kinds[i])
        else:
            start, end = spans[i][0], spans[last][1]
            piece = text[start:end]
            out_spans.append((start, end))
            out_pieces.append(piece)
            out_seen.append(INVISIBLE.sub("", piece) if invisible else piece)
            out_kinds.append("body")
        i = last + 1
    # An article number is furniture, never inside a paragraph joined.
    return out_spans, out_pieces, out_seen, out_kinds, [place[m] for m in markers]


def _line_key(piece: str) -> str:
    """A line without its white space: how repeated titles and headings are recognized."""
    return "".join(piece.split())


def _line_kinds(seen: list[str], max_heading_chars: int, extra: Sequence[re.Pattern[str]]
                ) -> tuple[list[str], list[int], tuple[int | None, list[list[int]]]]:
    """Each line's kind (body, heading or boilerplate), the places of the article numbers
    that start an article (markers), and the text's wrapping as :func:`_wrapped_prose` found
    it (the width, or the runs of wrapped lines), decided on the lines ``seen`` as a reader
    sees them."""
    kinds = [_line_kind(p, max_heading_chars, extra) for p in seen]
    if (kinds[-1:] == ["heading"] and "body" in kinds and _cut_short(seen[-1])
            and seen.index(seen[-1]) == len(seen) - 1 and not _like_its_headings(seen, kinds)):
        # not a signature: the text ends mid-sentence (a download cut short); a line that came
        # before (the page's title repeated under its text) is no prose cut short, nor one of
        # the form of the page's section headings (one the page cut)
        kinds[-1] = "body"
    cut_out, width, runs = _wrapped_prose(seen, kinds)
    for i in cut_out:
        kinds[i] = "body"
    _chronology(seen, kinds)
    short = _short_body(seen, kinds, max_heading_chars)
    for i in [*_release_dates(seen, kinds), *_repeated_captions(seen, short),
              *_teasers(seen, kinds), *_pull_quotes(seen, kinds, short),
              *_agency_titles(seen, kinds), *_english_notes(seen, kinds),
              *_stamps_above_titles_and_field_values(seen, kinds, max_heading_chars),
              *_related_links(seen, kinds), *_letter_closings(seen, kinds, max_heading_chars),
              *_english_signers(seen, kinds, max_heading_chars),
              *_captions_above_their_credit(seen, kinds)]:
        kinds[i] = "boilerplate"
    _exclaimed_title_repeated(seen, kinds, max_heading_chars)
    _english_title(seen, kinds, max_heading_chars)
    _exclaimed_sub_headings(seen, kinds)

    # An article number is always boilerplate: only those lines need the pattern tried again.
    # One with no text after it (a cut-off date's "2" ending a page) starts no article.
    numbers = [i for i, (p, k) in enumerate(zip(seen, kinds, strict=True))
               if k == "boilerplate" and _ARTICLE_NUMBER.match(p)]
    ends = [*numbers[1:], len(kinds)] if numbers else []
    markers = [i for i, end in zip(numbers, ends, strict=True)
               if any(k != "boilerplate" for k in kinds[i + 1 : end])]
    for i in _long_titles(seen, kinds, markers, max_heading_chars):
        kinds[i] = "heading"
    _name_bylines(seen, kinds, markers)
    # A title that asks or exclaims, repeated as the first line of its text (宝坻经历了什么?):
    # a heading's words again below it are no paragraph of the text. Only the first body line
    # under it: the text's own words further on (an essay asking its title's question again
    # after a paragraph) are a paragraph of it.
    above: set[str] = set()
    for i, (p, k) in enumerate(zip(seen, kinds, strict=True)):
        if k == "heading":
            above.add(_line_key(p))
        elif (k == "body" and above and len(p) <= 1.5 * max_heading_chars
              and _line_key(p) in above):
            kinds[i] = "boilerplate"
        elif k == "body":
            above.clear()
    return kinds, markers, (width, runs)


def _in_context(doc_id: str, spans: list[tuple[int, int]], pieces: list[str], seen: list[str],
                kinds: list[str], markers: list[int]) -> list[Paragraph]:
    """The paragraphs of the lines ``pieces`` (``seen``: as a reader sees them) of kinds
    ``kinds``, each with its article, title and heading; a heading-like line may become body or
    boilerplate here, by where it stands (a signature, a repeated title, a title's date line)."""
    # Short unpunctuated lines seen more than once are repeated titles or page furniture.
    repeats = Counter(_line_key(p) for p, k in zip(seen, kinds, strict=True) if k == "heading")
    has_markers = bool(markers)
    paragraphs: list[Paragraph] = []
    article: str | None = None if has_markers else "1"
    title: str | None = None
    heading: str | None = None
    expect_title = not has_markers
    seen_title_keys: set[str] = set()
    # Heading-like lines after the last body paragraph, or just above a date line, are
    # signatures, not headings; unless body text follows the date (past any furniture under it,
    # a letter's salutation) and the line does not end with an issuer's name: a brief's title
    # and its date.
    # A list's items right under the last body paragraph (a notice's points under its
    # 现将有关事项通告如下：) are its text too, and no signature.
    title_block, chained, listed = _title_blocks_and_chains(seen, kinds, markers)
    last_body = max((i for i, k in enumerate(kinds) if k == "body"), default=len(kinds))
    last_body = max([last_body, *listed])
    starts = set(markers)
    for index, ((start, end), piece, line, kind) in enumerate(
            zip(spans, pieces, seen, kinds, strict=True)):
        if index in starts:
            article, title, heading, expect_title = piece, None, None, True
        elif kind == "heading" and (
            index > last_body
            or (index + 1 < len(seen) and _SIGNATURE_DATE.match(seen[index + 1])
                and (_ISSUER.search(line)
                     or not _above_body(kinds, index + 1)))
            or (index + 2 < len(seen) and _SIGNATURE_DATE.match(seen[index + 2])
                and _opens_issuer(seen, kinds, index))
        ):
            kind = "boilerplate"
        elif kind == "heading" and index in chained:
            kind = "body"
        elif kind == "heading":
            repeated = repeats[_line_key(line)] > 1
            # A numbered article's title right above its text: its own, and a heading, even if
            # other articles have it too (reports of one title joined, each numbered).
            opens = has_markers and expect_title and _above_text(seen, kinds, index)
            if (expect_title and (_line_key(line) not in seen_title_keys or opens)
                    and not _NUMBERED.match(line)):
                title, expect_title = piece, False
                seen_title_keys.add(_line_key(line))
                if repeated and not opens:
                    kind = "boilerplate"
            elif repeated and not (_NUMBERED.match(line) and _above_body(kinds, index)):
                # A numbered section heading repeated right above its section's text is each
                # section's own (daily reports of one outline joined); one above another heading
                # is a table of contents, and furniture.
                kind = "boilerplate"
            elif _SUBTITLE.match(line) and title is not None and heading is None:
                title = f"{title} {piece}"
            elif index in title_block and _DATE_EDGE.search(line):
                kind = "boilerplate"  # a publisher and date: 2020-02-11 中国发展网
            elif index in title_block:
                title = f"{title} {piece}" if title else piece
            else:
                paragraphs.append(
                    Paragraph(f"{doc_id}:{index}", index, kind, start, end, piece, article, title,
                              heading)
                )
                heading = piece
                continue
        elif kind == "body":
            expect_title = False
        paragraphs.append(
            Paragraph(f"{doc_id}:{index}", index, kind, start, end, piece, article, title, heading)
        )
    return paragraphs


# A place's level, which an issuer's whole name opens with (某某县卫生健康局, 某某市指挥部).
_PLACE_LEVEL = re.compile(r"[省市縣县區区州盟旗鎮镇鄉乡村]")
# A notice's or a letter's title, no issuer's name: …关于…, …的通知, …倡议书.
_TITLE_WORDS = re.compile(
    r"(關於|关于)|(通知|通告|公告|決定|决定|意見|意见|辦法|办法|方案|書|书|信)$")


def _opens_issuer(pieces: Sequence[str], kinds: Sequence[str], index: int) -> bool:
    """Whether the heading-like line at ``index`` opens an issuer's name that the next line ends
    over a signature's date (``某某区新型冠状病毒感染的肺炎疫情`` / ``防控指挥部`` /
    ``2020年1月29日``, with more text under it): the next line, heading-like too, ends with an
    issuer's word (:data:`_ISSUER`) and names no place, so it is the end of a name, not a whole
    one; the line has no punctuation nor white space, is no title (numbered, or a notice's) and
    comes after body text. (It was a heading, the heading of the text under the signature.) A
    brief's title over its issuer's whole name (``某某县教育局``) and a date stays a heading.

    >>> _opens_issuer(["通告如下。", "某某区疫情", "防控指挥部", "2020年1月29日"],
    ...               ["body", "heading", "heading", "boilerplate"], 1)
    True
    >>> _opens_issuer(["通告如下。", "学校推迟开学", "某某县教育局", "2020年1月29日"],
    ...               ["body", "heading", "heading", "boilerplate"], 1)
    False
    """
    line, rest = pieces[index], pieces[index + 1]
    if (kinds[index + 1] != "heading" or len(rest) > 10 or not _ISSUER.search(rest)
            or _PLACE_LEVEL.search(rest) or _INSIDE_PROSE.search(line) or len(line.split()) > 1
            or _NUMBERED.match(line) or _TITLE_WORDS.search(line)):
        return False
    above = next((j for j in range(index - 1, -1, -1) if kinds[j] != "boilerplate"), None)
    return above is not None and kinds[above] == "body"


# A question that is a headline, not a text's first sentence: at most one comma, no sentence end
# inside; not a question and answer's 问：/问1：/问题：, nor a question someone asks (他问：…,
# 有网友问：“…”), nor spoken by 我, 你 or 您 (我市 and 我省 are places); and short (20 characters
# at most) or set off as headlines are: a 【section】, a “quoted”, 「quoted」 or 《named》 word, or
# a topic before a colon.
_QUESTION_TITLE = re.compile(
    r"^(?![问問答QA]\s*\d*\s*[:：]|问题[:：]|問題[:：])(?!.*[问問][:：“「])(?!.*[:：]\s*[“「\"])"
    r"(?![我你您咱](?![市省县縣区區镇鎮村国國]))(?=[^，,]*[，,]?[^，,]*$)(?=[^。！？!?；;]*$)"
    r"(.{1,19}$|.*(【[^】]+】|“[^”]+”|「[^」]+」|《[^》]+》|^[^:：]{2,}[:：]))")


# A headline's tag opening the line: a topic and a bar (新冠肺炎｜…, 微视频|…) or a section in
# brackets (【战疫】…, a column's name: 【让党旗在抗疫一线高高飘扬】…). A line so tagged is a
# headline, though it exclaims, or a quote in it holds a comma.
_HEADLINE_TAG = re.compile(r"^([^|｜。，,！？!?\s]{2,10}\s*[|｜]|【[^】]{1,16}】)")
# A quote in a headline, its words and marks: “防控疫情,我守土有责”, 「…」.
_QUOTED = re.compile(r"“[^“”]*”|「[^「」]*」|『[^『』]*』")
# Two phrases of a headline parted by a space, as a headline has no comma to part them
# (高雄防感染擴散一級開設 韓國瑜要求:…!): a line so parted that exclaims is a headline too.
_HEADLINE_SPACE = re.compile(
    r"^[^，,]*[\u4e00-\u9fff」”》)）][ \u3000]+[\u4e00-\u9fff「“《][^，,]*$")
# A headline opened by an alert, exclaimed (紧急!…, 重磅！…), as pages that spread a notice head it:
# 紧急!某省连续发布通告!暂停聚集性活动、各通道全面设卡...
_ALERT_TAG = re.compile(r"^(緊急|紧急|重磅|突發|突发|剛剛|刚刚|最新|速看|擴散|扩散)\s*[!！]")
# A letter's or an appeal's name as its title says it (致全县人民的一封信, 倡议书, 告患者及家属书),
# with the colon some pages leave after it: 致广大村民的一封信：.
_LETTER_TITLE = re.compile(
    r"(一封信|公開信|公开信|倡議書|倡议书|慰問信|慰问信|感謝信|感谢信|告[^:：，,。！？!?]{1,12}(書|书))"
    r"\s*[:：]$")


def _long_titles(pieces: Sequence[str], kinds: Sequence[str], markers: list[int],
                 max_heading: int) -> list[int]:
    """Article titles too long for a heading, asking a question, exclaiming or ending with a
    colon: an article's first line that is not boilerplate, with body text after it in its
    article, not numbered nor a dated chronology entry; either up to 1.5 times ``max_heading``
    characters with no sentence end or comma in it (a notice's long title), or a question up to
    ``max_heading`` characters that reads as a headline
    (``百年抗疫“老兵”，這家知名醫院赴鄂支援有何絕招？``, see :data:`_QUESTION_TITLE`), or a
    line opened by an alert (``紧急!…``, see :data:`_ALERT_TAG`) up to 1.5 times ``max_heading``
    characters, exclaiming or cut short, with no comma nor full stop, or an
    exclamation up to ``max_heading`` characters opened by a headline's tag
    (``新冠肺炎｜餐廳送粥打氣 醫護超感動：滿滿的愛！``, see :data:`_HEADLINE_TAG`) or of two
    phrases a space parts (see :data:`_HEADLINE_SPACE`), or a
    letter's name with a colon after it (``致广大村民的一封信：``, see :data:`_LETTER_TITLE`;
    its addressees' line, ``致广大村民朋友：``, comes under it), or a headline over its date
    (see :func:`_over_its_stamp`), right under the article's first line or as that line itself.
    """
    found = []
    starts = set(markers)  # looked up once an article: a list made it quadratic in articles
    for a, b in zip([0, *markers], [*markers, len(kinds)], strict=True):
        first = next((i for i in range(a + (a in starts), b) if kinds[i] != "boilerplate"), b)
        if first < b and kinds[first] == "heading" and not _NUMBERED.match(pieces[first]):
            # A release's first line names who issues it; its headline may come right under it.
            headline = next((i for i in range(first + 1, b) if kinds[i] != "boilerplate"), b)
            if headline < b and _over_its_stamp(pieces, kinds, headline, b, max_heading):
                found.append(headline)
            continue
        if first == b or kinds[first] != "body" or "body" not in kinds[first + 1 : b]:
            continue
        line = pieces[first].rstrip(_CLOSERS)
        if _NUMBERED.match(line) or _DATED_ENTRY.match(line):
            continue
        if _ALERT_TAG.match(line):  # 紧急!…!暂停…、…全面设卡...: exclaims, and may be cut short
            title = len(line) <= 1.5 * max_heading and not any(ch in line for ch in "。，,；;")
        elif line[-1:] in "？?":
            title = len(line) <= max_heading and _QUESTION_TITLE.search(line[:-1])
        elif line[-1:] in "！!" and (_HEADLINE_TAG.match(line) or _HEADLINE_SPACE.search(line)):
            # 新冠肺炎｜…满满的爱！, 高雄防感染擴散一級開設 韓國瑜要求:重建臺商2天「…」!
            title = len(line) <= max_heading and not any(ch in line[:-1] for ch in _SENTENCE_END)
        elif line[-1:] in ":：" and _LETTER_TITLE.search(line):  # 致全县人民的一封信：
            title = len(line) <= max_heading and not any(
                ch in _SENTENCE_END + "，," for ch in line)
        else:  # a sentence's pieces (commas) make it prose, a sentence that lost its stop
            # (not a quote's in a tagged headline: 【让党旗…飘扬】“防控疫情,我守土有责” 这名…)
            bare = _QUOTED.sub("", line) if _HEADLINE_TAG.match(line) else line
            title = len(line) <= 1.5 * max_heading and not _ends_sentence(line) and not any(
                ch in _SENTENCE_END + "，," for ch in bare)
        if title or _over_its_stamp(pieces, kinds, first, b, max_heading):
            found.append(first)
    return found


def _over_its_stamp(pieces: Sequence[str], kinds: Sequence[str], index: int, end: int,
                    max_heading: int) -> bool:
    """Whether the body line at ``index`` is a headline over its date: up to 1.5 times
    ``max_heading`` characters, not ending a sentence and without a full stop inside, though
    commas may part its clauses (``國內新增3例確定病例，均為境外移入；指揮中心提醒…``) and it
    may ask or exclaim (``某县小区、企业什么时候开始封闭式管理？``,
    ``浙江乐清宣布封城!具体是怎么回事?附通告全文!``), not numbered nor a dated
    entry, right above a line of furniture (``發布日期：109年3月5日``) with body text below in
    its article (``end``). A lead sentence that lost its stop has the text right under it."""
    line = pieces[index].rstrip(_CLOSERS)
    head = line.rstrip("？?！!")  # a headline's question or exclamation mark
    return (kinds[index] == "body" and index + 1 < end and kinds[index + 1] == "boilerplate"
            and "body" in kinds[index + 2 : end] and len(line) <= 1.5 * max_heading
            and not _ends_sentence(head) and "。" not in head
            and not _NUMBERED.match(line) and not _DATED_ENTRY.match(line))


def _title_blocks_and_chains(pieces: Sequence[str], kinds: Sequence[str], markers: list[int]
                             ) -> tuple[set[int], set[int], set[int]]:
    """Heading-like lines that are no section's heading, by where they stand in their article.

    The title block: in an article with no section heading among its body paragraphs, the one or
    two lines between its title and its first body paragraph (a notice's title over two lines,
    ``新华社昆明2月4日电 题：…``, a publisher and date), unless numbered. (More such lines are a
    menu or a cover, left as they are.) Chains: in a run of four or more heading-like lines after
    the first body paragraph, none of them numbered (a poem, a list of places, a video's
    captions), each line but the last is body text. A heading that ends with a colon (a list's
    heading, ``港島區：`` over its clinics) is no line of a run: it ends the one above it and
    heads the one below it. Three or more numbered alike in a row are a list's items
    (:func:`_numbered_items`), after the first body paragraph or before it (a notice's points
    right under its title, over its closing sentence; not a table of contents, whose lines come
    again over their sections). Third, those items of them after the article's last body
    paragraph that stand right under it or under a list's heading with its colon (a notice's
    points under ``现将有关事项通告如下：``): text, though no body paragraph follows them (a
    list of links under ``相关阅读``, a heading, stays as it was: furniture).
    """
    block: set[int] = set()
    chained: set[int] = set()
    listed: set[int] = set()
    keys: Counter[str] | None = None  # each line's count, for a table of contents: seldom asked
    for a, b in zip([0, *markers], [*markers, len(kinds)], strict=True):
        body = [i for i in range(a, b) if kinds[i] == "body"]
        if not body:
            continue
        first, last = body[0], body[-1]
        opening = [i for i in range(a, first) if kinds[i] == "heading"][1:]
        if (0 < len(opening) <= 2 and not any(kinds[i] == "heading" for i in range(first, last))
                and not any(_NUMBERED.match(pieces[i]) for i in opening)):
            block.update(opening)
        i = a
        while i < b:
            j = i
            # A heading with a colon (a list's, 港島區：) heads the lines under it: it ends a run.
            while j < b and kinds[j] == "heading" and pieces[j][-1:] not in ":：":
                j += 1
            if (i >= first and j - i >= 4
                    and not any(_NUMBERED.match(pieces[k]) for k in range(i, j))):
                chained.update(range(i, j - 1))
            # A list's lead-in right above the run: 新增确诊病例分布如下：, 港島區：.
            led = i > a and kinds[i - 1] != "boilerplate" and pieces[i - 1][-1:] in ":："
            items = _numbered_items(pieces, kinds, i, j, led)
            if i < first and items:  # not a table of contents, its lines said again below
                if keys is None:
                    keys = Counter(_line_key(piece) for piece in pieces)
                items = [k for k in items if keys[_line_key(pieces[k])] == 1]
            chained.update(items)
            if (i > last and items and items[0] == i
                    and (kinds[i - 1] == "body" or pieces[i - 1][-1:] in ":：")):
                listed.update(items)
            i = j + 1
    return block, chained, listed


def _numbered_items(pieces: Sequence[str], kinds: Sequence[str], start: int, end: int,
                    led: bool = False) -> list[int]:
    """In the run of heading-like lines ``start`` to ``end``, three or more in a row numbered
    alike (``1.鄂尔多斯市11例(…)``, ``2.包头市7例(…)``, …) that head nothing, each right over the
    next: a list's items, not section headings. All but the last, and the last too when the
    line after the run is an item numbered alike (``11.通辽市经济开发区1例。``, body as it ends a
    sentence) or when it heads nothing either: the next line that is not furniture is a heading
    (``二、学习要求`` under ``3.省委关于…的决定``), or there is none (a notice's last point over
    ``特此通告。`` and its signature), or when the items start the run and a lead-in with its
    colon stands right above them (``led``: ``新增确诊病例分布如下：`` over ``1.长沙市4例`` …
    ``4.邵阳市3例``, over ``截至2月12日24时，全省累计…``): the list it announces ends where its
    numbering does. Numbered lines of different forms (``一、`` over ``（一）``) are an
    outline's."""
    items: list[int] = []
    k = start
    while k < end:
        style = _list_style(pieces[k])
        m = k + 1
        while style is not None and m < end and _list_style(pieces[m]) == style:
            m += 1
        if style is not None and m - k >= 3:
            after = next((n for n in range(m, len(kinds)) if kinds[n] != "boilerplate"), None)
            last_too = (led and k == start) or after is None or kinds[after] == "heading" or (
                after == end and _list_style(pieces[end]) == style)
            items.extend(range(k, m if last_too else m - 1))
        k = m
    return items


def _list_style(line: str) -> str | None:
    """How ``line`` is numbered, its number left out (``1.``, ``11.`` → ``#.``), or None."""
    number = _NUMBERED.match(line)
    return None if number is None else re.sub(r"[\d０-９一二三四五六七八九十]+", "#", number[0])


# What a clause or a sentence ends with, inside a line: the mark of a line cut out of prose.
_INSIDE_PROSE = re.compile("[，,、；;：:。！？!?]")


_LINE_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_PLAIN_GAPS = frozenset({"\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n"})


def whole_lines(text: str, paragraphs: Sequence[Paragraph]) -> list[str]:
    """The texts of those of ``paragraphs`` (consecutive ones of ``text``) that are each a line
    of ``text`` as written, the lines :func:`wrapped_width` looks at. A line longer than
    ``max_paragraph_chars`` is cut into paragraphs with no line break between them, of about
    that length and ending at a comma when it has no sentence end (a list of thousands of names
    on one line): they are no lines of a text wrapped at that width."""
    # Most gaps between paragraphs are a line break or two, looked up, not searched.
    joined = [i for i, (a, b) in enumerate(pairwise(paragraphs))
              if (gap := text[a.end : b.start]) not in _PLAIN_GAPS and not _LINE_BREAK.search(gap)]
    if not joined:
        return [p.text for p in paragraphs]
    cut = {*joined, *(i + 1 for i in joined)}
    return [p.text for i, p in enumerate(paragraphs) if i not in cut]


def wrapped_width(lines: Sequence[str], min_lines: int = 8, share: float = 0.4) -> int | None:
    """The width a text looks hard-wrapped at (as PDF exports and e-mails wrap it), given its
    first lines (stripped, not empty: the first paragraphs :func:`segment_text` cuts), or None.

    Then every line is cut in the middle of a sentence, and each becomes a paragraph of its own
    (a short one a heading, unless :func:`_wrapped_prose` finds it cut out of prose at that
    width: body): lines of Chinese text that do not end a sentence and share one
    length, give or take a character, make up ``share`` of the distinct lines or more, and a
    third of them at least hold a comma or a full stop before their end, as lines cut out of
    prose do (an outline's short headings and one-line items of one length seldom hold one),
    and lines of prose that run on past that width to a sentence's end number fewer than half
    of them (a page of whole paragraphs under headings of one length is not wrapped). (A
    title that comes back between a page's photos counts once, and captions that are file names
    of one length are not Chinese text.)

    >>> text = "市委市政府高度重视疫情防控工作，第一时间召开常委会议研究部署，成立领导小组。" * 6
    >>> wrapped_width([text[i : i + 18] for i in range(0, len(text), 18)])
    18
    >>> wrapped_width(["市委市政府高度重视疫情防控工作。"] * 9) is None
    True
    >>> title = "社区的“非常”与“日常”"
    >>> captions = [f"3月{d}日，小区门前的志愿者。" * d + "记者/摄" for d in range(1, 9)]
    >>> wrapped_width([line for caption in captions for line in (title, caption)]) is None
    True
    >>> slogans = [f"织密第{n}道防控网,确保一户不少{n}" for n in range(1, 5)]
    >>> wrapped_width([line for s in slogans for line in (s, text[:60] + "。")]) is None
    True
    >>> sections = [f"第{n}节 社区防控情况" for n in range(1, 10)]
    >>> wrapped_width([line for h in sections for line in (h, "入户排查，登记测温。")]) is None
    True
    """
    distinct = list(dict.fromkeys(lines))
    if len(distinct) < min_lines:
        return None
    open_lines = [line for line in distinct
                  if line.rstrip(_CLOSERS)[-1:] not in _SENTENCE_END
                  and 2 * len(HAN.findall(line)) >= len(line)
                  and not _NUMBERED.match(line)]  # 第3节 …, 一、…: headings, not wraps
    if not open_lines:
        return None
    lengths = Counter(len(line) for line in open_lines)
    width = max(lengths, key=lambda n: (sum(lengths[n + d] for d in (-1, 0, 1)), n))
    at_width = [line for line in open_lines if abs(len(line) - width) <= 1]
    # Lines cut from prose hold its commas and full stops (two in three at 13 characters, more
    # when wider); headings and one-line items of one length seldom do.
    if width < 10 or len(at_width) < share * len(distinct):
        return None
    cut = sum(bool(_INSIDE_PROSE.search(line, 0, len(line) - 1)) for line in at_width)
    if 3 * cut < len(at_width):
        return None
    # Paragraphs that run on past the width to their sentence's end are not wrapped: a page of
    # them whose few headings share a length (slogans of 7 and 10 characters parted by a comma)
    # is no wrapped text. A wrapped one has few (a paragraph or two pasted whole).
    run_on = sum(len(line) > width + 1 and line.rstrip(_CLOSERS)[-1:] in _SENTENCE_END
                 and 2 * len(HAN.findall(line)) >= len(line) for line in distinct)
    return width if 2 * run_on < len(at_width) else None
