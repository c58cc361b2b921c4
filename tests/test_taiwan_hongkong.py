"""Documents as Taiwan, Hong Kong and Macau write them: press releases with their fields and ROC
dates, outlines numbered 壹、 / 一、 / （一） / 1. / (1), LegCo questions and answers, releases
that end with 完, in Big5, Big5-HKSCS and UTF-8. Each file is written here as such a document
is, then read and segmented as the command does."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from pipeline.config import Config
from pipeline.stages import segment_file


def kinds_of(tmp_path: Path, text: str, encoding: str = "utf-8") -> dict[str, str]:
    """Write ``text`` as a file in ``encoding`` (Big5 ones with Windows line ends, as they come),
    read and segment it: each line's kind, by its text."""
    path = tmp_path / "release.txt"
    data = text.encode(encoding)
    path.write_bytes(data.replace(b"\n", b"\r\n") if encoding != "utf-8" else data)
    document = segment_file(path, Config())
    assert document.document.encoding == encoding
    return {p.text: p.kind for p in document.paragraphs}


def test_a_taiwan_release_fields_and_reprint_notice_are_furniture(tmp_path: Path) -> None:
    """A district office's release gives its issuing section (發稿單位), its source (資料來源),
    phone and e-mail fields and a spokesman with a name (``○`` standing for a hidden name), and
    ends with a reprint notice whose parts a comma parts: none of them is a heading or body text.
    Before, 發稿單位 and 資料來源 were headings over the body, and the reprint notice and
    ``行政院發言人：○○○`` (``○`` read as a final emoji after the colon) were body text."""
    text = "\n".join([
        "北屯區公所新聞稿",
        "發稿日期：109年3月12日",
        "發稿單位：民政課",
        "資料來源：區公所民政課",
        "電話：04-2230-0000",
        "E-mail：li@example.org",
        "新聞聯絡人：林課長",
        "里長鄰長挨家挨戶發送防疫關懷包",
        "　　北屯區公所今（12）日起結合各里辦公處，由里長、鄰長逐戶送上防疫關懷包。",
        "　　大坑里里長說，鄰長每天傍晚都會打電話提醒居家檢疫者量體溫。",
        "區公所發言人：○○○",
        "（本新聞稿歡迎轉載，請註明出處）",
        "",
    ])
    kinds = kinds_of(tmp_path, text, "big5")
    for line in ("發稿日期：109年3月12日", "發稿單位：民政課", "資料來源：區公所民政課",
                 "電話：04-2230-0000", "E-mail：li@example.org", "新聞聯絡人：林課長",
                 "區公所發言人：○○○", "（本新聞稿歡迎轉載，請註明出處）"):
        assert kinds[line] == "boilerplate", line
    assert kinds["里長鄰長挨家挨戶發送防疫關懷包"] == "heading"
    assert list(kinds.values()).count("body") == 2


def test_an_roc_date_and_an_issuing_letters_number_are_furniture(tmp_path: Path) -> None:
    """Taiwan dates its releases and plans by the ROC calendar (109年 is 2020): a date alone
    under a release's name, and the line that gives the date and number of the letter a plan was
    issued by, are neither part of the title nor a section's heading. Before, both were headings:
    the date joined the release's title, the letter's line headed the plan's first section."""
    release = "\n".join([
        "新北市政府新聞稿",
        "109年3月26日",
        "企業暖心捐贈防疫物資　志工投入口罩分裝",
        "　　多家在地企業今日捐贈額溫槍500支、酒精3000公升，分送各區衛生所。",
        "",
    ])
    path = tmp_path / "release.txt"
    path.write_bytes(release.encode("cp950"))
    paragraphs = segment_file(path, Config()).paragraphs
    assert [p.kind for p in paragraphs] == ["heading", "boilerplate", "heading", "body"]
    assert paragraphs[-1].article_title == "新北市政府新聞稿 企業暖心捐贈防疫物資　志工投入口罩分裝"
    plan = "\n".join([
        "臺南市社區防疫工作計畫",
        "中華民國109年2月20日府衛疾字第1090041234號函訂定",
        "壹、目的",
        "　　為及早發現社區疑似個案，防止疫情於社區擴散，特訂定本計畫。",
        "",
    ])
    kinds = kinds_of(tmp_path, plan, "big5")
    assert kinds["中華民國109年2月20日府衛疾字第1090041234號函訂定"] == "boilerplate"
    assert kinds["壹、目的"] == "heading"
    for line in ("109年3月26日", "民國109年3月26日（星期四）", "中華民國 109 年 3 月 5 日"):
        assert kinds_of(tmp_path, f"{line}\n醫院設置發燒篩檢站。\n")[line] == "boilerplate", line


HK_RELEASES = [
    ("政府推出新一輪防疫措施",
     "　　政府發言人今日（三月五日）表示，行政長官已指示各政策局加強防疫工作。",
     "2020年3月5日（星期四）", "香港時間20時15分"),
    ("衞生防護中心調查三宗確診個案",
     "　　衞生署衞生防護中心今日正調查三宗確診個案，病人在醫院隔離。",
     "二〇二〇年二月十日（星期一）", "香港時間23時45分"),
]


def test_a_hong_kong_releases_end_is_furniture_and_ends_no_chain(tmp_path: Path) -> None:
    """A Hong Kong government release ends with 完, its date and the time it went out; a day's
    releases saved into one file put those lines right above the next release's title. Before,
    完, the date and the time were boilerplate only below the file's last body paragraph:
    between two releases they and the next title made a run of four short lines, which was read
    as a poem, and labelled as body text."""
    text = "\n".join(line for title, body, date, time in HK_RELEASES
                     for line in (title, "＊" * 11, "", body, "", "完", "", date, time, ""))
    for encoding in ("utf-8", "big5hkscs"):
        path = tmp_path / f"day-{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        paragraphs = segment_file(path, Config()).paragraphs
        assert [p.kind for p in paragraphs] == [
            "heading", "boilerplate", "body", "boilerplate", "boilerplate", "boilerplate"] * 2
        assert paragraphs[8].heading == "衞生防護中心調查三宗確診個案"
    # A diary's day line, with no release's end beside it, stays the heading of its day.
    diary = "2020年2月3日（星期一）\n今天社區又來了三位返鄉人員，我們上門登記。\n"
    assert kinds_of(tmp_path, diary)["2020年2月3日（星期一）"] == "heading"


def test_a_legco_question_and_answer_have_their_parts_as_headings(tmp_path: Path) -> None:
    """A Legislative Council question's written answer: 問題： and 答覆： head its two parts, the
    answer opens with 主席： (the President addressed) and ends with 多謝主席。 Before, all four
    were body text and were labelled; the question's and the answer's paragraphs had no
    heading to tell them apart."""
    text = "\n\n".join([
        "立法會十二題：社區檢測及檢疫設施",
        "　　以下是今日在立法會會議上議員的提問和食物及衞生局局長的書面答覆：",
        "問題：",
        "　　（一）現時各檢疫中心的單位數目及入住率為何；",
        "答覆：",
        "主席：",
        "　　（一）截至三月三日，政府共設有四個檢疫中心，入住率約為三成。",
        "　　多謝主席。",
        "完",
        "",
    ])
    paragraphs = segment_file(_write(tmp_path, text), Config()).paragraphs
    got = [(p.text, p.kind, p.heading) for p in paragraphs][2:]
    assert got == [
        ("問題：", "heading", None),
        ("（一）現時各檢疫中心的單位數目及入住率為何；", "body", "問題："),
        ("答覆：", "heading", "問題："),
        ("主席：", "boilerplate", "答覆："),
        ("（一）截至三月三日，政府共設有四個檢疫中心，入住率約為三成。", "body", "答覆："),
        ("多謝主席。", "boilerplate", "答覆："),
        ("完", "boilerplate", "答覆："),
    ]
    # A sentence about the chairman, or one that asks a question, stays body.
    for line in ("主席：會議到此結束，多謝各位。", "問題：政府會否增加檢測地點？"):
        assert kinds_of(tmp_path, f"標題\n{line}\n政府設有四個檢疫中心。\n")[line] == "body", line


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answer.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_headline_with_commas_over_its_releases_date_is_its_title(tmp_path: Path) -> None:
    """Taiwan's CDC heads a release with the agency's name, then a headline of two clauses parted
    by a comma and a semicolon, then the date and the issuing unit. Before, the headline was body
    text (a sentence that lost its stop, by its commas) and was labelled; the date under it
    shows it for a headline. A lead sentence that lost its stop, with body text right under it,
    stays body."""
    headline = "國內新增3例COVID-19確定病例，均為境外移入；指揮中心提醒民眾避免非必要出國旅遊"
    text = "\n".join([
        "衛生福利部疾病管制署 新聞稿",
        headline,
        "發布日期：109年3月5日",
        "發布單位：疾病管制署",
        "　　中央流行疫情指揮中心今（5）日公布國內新增3例確定病例，目前均於醫院負壓隔離病房治療。",
        "　　指揮中心再次呼籲，民眾如非必要，應避免前往疫情流行地區。",
        "",
    ])
    paragraphs = segment_file(_write(tmp_path, text), Config()).paragraphs
    assert [p.kind for p in paragraphs] == [
        "heading", "heading", "boilerplate", "boilerplate", "body", "body"]
    assert paragraphs[-1].article_title == f"衛生福利部疾病管制署 新聞稿 {headline}"
    assert paragraphs[-1].heading is None
    # Without an agency's line above it, the headline over its date is the title as well.
    kinds = kinds_of(tmp_path, "\n".join(text.splitlines()[1:]))
    assert kinds[headline] == "heading"
    lead = ("衛生局今天上午召開防疫工作會議，要求各區公所加強關懷居家檢疫者，"
            "並請各里辦公處每日回報關懷情形")  # 47 characters: too long for a heading
    kinds = kinds_of(tmp_path, f"防疫會議\n{lead}\n各里辦公處每日電話關懷。\n")
    assert kinds[lead] == "body"


def test_macau_notices_joined_keep_their_signatures_out_of_the_body(tmp_path: Path) -> None:
    """Macau's notices are signed by the issuing centre and dated in Chinese numerals
    (二零二零年二月四日). Two notices saved into one file put the first one's signature and
    date and the second one's heading one under another: before, the date was a heading, and
    with the next lines they made a run of four short lines, read as a poem: body text."""
    notice = "\n\n".join([
        "新型冠狀病毒感染應變協調中心",
        "第 {n}/2020 號通告",
        "　　為預防及控制新型冠狀病毒感染的傳播，應變協調中心現公佈如下：",
        "　　一、所有公共部門的員工在家工作，維持緊急及必要公共服務者除外。",
        "　　特此通告。",
        "新型冠狀病毒感染應變協調中心\n{date}",
        "",
    ])
    text = (notice.format(n=12, date="二零二零年二月四日")
            + notice.format(n=13, date="二〇二〇年二月十日"))
    path = tmp_path / "notices.txt"
    path.write_bytes(text.encode("big5hkscs"))
    paragraphs = segment_file(path, Config()).paragraphs
    kinds = ["boilerplate", "heading", "body", "body", "boilerplate", "boilerplate", "boilerplate"]
    assert [p.kind for p in paragraphs] == kinds * 2
    assert paragraphs[9].heading == "第 13/2020 號通告"


@pytest.mark.parametrize("conversion", ["t2s", "tw2sp", "s2hk"])
def test_a_taiwan_release_converted_to_another_script_keeps_its_lines_kinds(
        tmp_path: Path, conversion: str) -> None:
    """The same release in Simplified characters (OpenCC ``t2s``, or ``tw2sp``, which changes
    Taiwan's words to the mainland's) or Hong Kong's: every line keeps its kind. ``tw2sp`` writes
    資料來源 (the source) as 数据源, which was a heading over the body."""
    text = "\n".join([
        "嚴防社區傳播　縣府召開防疫應變會議",
        "發布日期：109年2月10日",
        "資料來源：縣政府新聞處",
        "　　縣長今（10）日上午召開防疫應變會議，邀集衛生局及各鄉鎮市長與會。",
        "　　各鄉鎮市公所應結合村里長，每日電話關懷居家檢疫者。",
        "新聞聯絡人：新聞處　王科長",
        "聯絡電話：(08)732-0415 分機 3210",
        "（本新聞稿歡迎轉載，請註明出處）",
        "",
    ])
    converted = opencc.OpenCC(conversion).convert(text)
    assert converted != text
    kinds = ["heading", "boilerplate", "boilerplate", "body", "body", "boilerplate",
             "boilerplate", "boilerplate"]
    assert list(kinds_of(tmp_path, text).values()) == kinds
    assert list(kinds_of(tmp_path, converted).values()) == kinds, converted


def test_an_official_letters_parts_are_headed_by_their_labels(tmp_path: Path) -> None:
    """A Taiwan official notice (a village office's 公告) gives its subject (主旨：…) and then,
    under 說明： alone, its numbered points. Before, 說明： was body text and was labelled; the
    points had no heading."""
    text = "\n".join([
        "臺北市中正區文北里辦公處　公告",
        "中華民國109年3月10日",
        "主旨：本里自即日起暫停里民活動中心各項活動，請里民配合。",
        "說明：",
        "一、依據臺北市政府109年3月9日府授民字第1093012345號函辦理。",
        "二、里民如有居家檢疫期間生活需求，請洽里辦公處，鄰長將協助代購。",
        "里長　王大明",
        "",
    ])
    path = tmp_path / "notice.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("big5"))
    paragraphs = segment_file(path, Config()).paragraphs
    assert [(p.kind, p.heading) for p in paragraphs] == [
        ("heading", None), ("boilerplate", None), ("body", None), ("heading", None),
        ("body", "說明："), ("body", "說明："), ("boilerplate", "說明：")]


@pytest.mark.parametrize(("line", "kind"), [
    ("说明：", "heading"), ("特此说明。", "boilerplate"), ("阅读次数：1234", "boilerplate"),
    ("说明: DSC03235.JPG", "boilerplate"), ("他对村民们说：", "body"),
])
def test_hong_kong_characters_keep_a_lines_kind(tmp_path: Path, line: str, kind: str) -> None:
    """Hong Kong writes 説 and 閲 where Taiwan writes 說 and 閱 (OpenCC ``s2hk``): 説明：,
    特此説明。, 閲讀次數： and an image's 説明 were body text or headings, in Hong Kong's
    characters only."""
    for text in (line, opencc.OpenCC("s2t").convert(line), opencc.OpenCC("s2hk").convert(line)):
        got = kinds_of(tmp_path, f"標題\n{text}\n村幹部上門登記返鄉人員信息。\n")[text]
        assert got == kind, text


@pytest.mark.parametrize("numbers", ["⑴⑵⑶⑷", "㈠㈡㈢㈣", "⒈⒉⒊⒋", "甲乙丙丁"])
def test_an_outlines_numbers_as_word_processors_and_taiwan_write_them(
        tmp_path: Path, numbers: str) -> None:
    """Word processors write an outline's (1) and (一) as one character, ⑴ and ㈠, and 1. as ⒈;
    Taiwan's documents number a level 甲、乙、丙、. Four such short lines under a paragraph are
    an outline's headings, as (1) … (4) are: before, they were read as a poem, and all but the
    last were body text."""
    numbered = [f"{n}、" if n in "甲乙丙丁" else n for n in numbers]
    text = "\n".join(["防疫工作計畫", "壹、工作項目", "各區公所應落實下列事項。",
                      *(f"{n}居家檢疫者關懷" for n in numbered), "以上事項由區公所執行。", ""])
    assert list(kinds_of(tmp_path, text).values()) == [
        "heading", "heading", "body", "heading", "heading", "heading", "heading", "body"]


def test_more_fields_of_a_taiwan_release_page_are_furniture(tmp_path: Path) -> None:
    """A Taiwan agency's release page gives who wrote it (撰稿單位), who handles it (承辦人,
    本案聯絡人), how often it was read (點閱數, 瀏覽人次) and its date and hour by the ROC calendar.
    Before, each of these was a heading, the nearest one heading the body paragraphs."""
    fields = ["民國109年3月5日 下午3時", "撰稿單位：衛生局疾病管制科", "承辦人：王小明",
              "本案聯絡人：陳科長", "點閱數：1234", "瀏覽人次：1,234"]
    text = "\n".join(["北市防疫旅館啟用", "提供居家檢疫者安心住所", *fields,
                      "　　衛生局今日宣布啟動防疫旅館，提供居家檢疫者入住。", ""])
    kinds = kinds_of(tmp_path, text, "big5")
    assert [kinds[line] for line in fields] == ["boilerplate"] * len(fields)
    paragraphs = segment_file(tmp_path / "release.txt", Config()).paragraphs
    assert paragraphs[-1].heading is None


@pytest.mark.parametrize("encoding", ["utf-8", "big5hkscs"])
def test_a_release_issued_for_another_body_says_so_in_furniture(tmp_path: Path,
                                                                encoding: str) -> None:
    """A government release issued on behalf of another body (the Hospital Authority) says so
    on the line above its text, ``下稿代醫院管理局發出：``: who sent it out, no news of its own.
    It was body text, labelled with a theme."""
    text = "\n".join([
        "公立醫院呈報懷疑個案數字", "＊" * 11, "", "下稿代醫院管理局發出：", "",
        "截至今日中午十二時，公立醫院於過去二十四小時共接收三名懷疑個案病人。", "",
        "醫院管理局已向衞生署呈報有關個案，病人現正接受隔離治療。", "",
        "完", "", "2020年1月6日（星期一）", "香港時間17時00分", ""])
    kinds = kinds_of(tmp_path, text, encoding)
    assert kinds["下稿代醫院管理局發出："] == "boilerplate"
    assert kinds["醫院管理局已向衞生署呈報有關個案，病人現正接受隔離治療。"] == "body"
    said = "醫管局今日下午代衞生署發出新聞稿，公布最新個案。"
    assert kinds_of(tmp_path, f"標題\n正文一句。\n{said}\n", encoding)[said] == "body"
