"""Documents as Taiwan, Hong Kong and Macau write them: press releases with their fields and ROC
dates, outlines numbered 壹、 / 一、 / （一） / 1. / (1), LegCo questions and answers, releases
that end with 完, in Big5, Big5-HKSCS and UTF-8. Each file is written here as such a document
is, then read and segmented as the command does."""

from __future__ import annotations

from pathlib import Path

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
