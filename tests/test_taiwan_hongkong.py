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
