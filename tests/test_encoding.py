"""Encoding detection on short GB18030/Big5 files, and which files a folder search picks up."""

from __future__ import annotations

import contextlib
import json
import random
import sys
from pathlib import Path

import pytest
from conftest import HELDOUT, SEED

from pipeline import reading
from pipeline.reading import decode_bytes, find_documents, read_document

_CLASS_TABLE = reading._classes()


def lines(path: Path) -> list[str]:
    """The non-empty lines of a UTF-8 corpus file."""
    return [line for line in path.read_bytes().decode("utf-8").splitlines() if line.strip()]


HELDOUT_FILES = sorted(HELDOUT.glob("*.txt"))


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("醫院發熱門診\n", "big5"),  # reported as johab
        ("一、充分發揮黨委(黨組)領導作用", "big5"),  # reported as cp949 or the like
        ("不留盲區 密集出臺防控措施\n", "big5"),  # was cp949
        ("可可簡歷網\n", "gb18030"),  # was cp949
        ("医院\n", "gb18030"),  # d2bd d4ba is valid UTF-8: 'ҽԺ'
        ("……\n", "gb18030"),  # no ideographs: was johab
        ("……\n", "big5"),  # was cp949
    ],
)
def test_short_chinese_files_are_read_as_chinese(text: str, codec: str) -> None:
    doc = decode_bytes(text.encode(codec), source="a.txt")
    assert (doc.text, doc.encoding) == (text, codec)


def sweep_cases() -> list[tuple[str, str]]:
    """(codec, line) for each non-empty line: the seed (Traditional) in Big5 where Big5 can hold
    it and in GB18030, the held-out documents (Simplified) in GB18030."""
    cases = []
    for line in lines(SEED):
        for codec in ("big5", "gb18030"):
            try:
                line.encode(codec)
            except UnicodeEncodeError:
                continue
            cases.append((codec, line))
    cases += [("gb18030", line) for path in HELDOUT_FILES for line in lines(path)]
    return cases


def test_every_corpus_line_alone_in_a_file_decodes_exactly(tmp_path: Path) -> None:
    cases = sweep_cases()
    assert {codec for codec, _ in cases} == {"big5", "gb18030"} and len(cases) > 400
    wrong = []
    for i, (codec, line) in enumerate(cases):
        path = tmp_path / f"{i}.txt"
        path.write_bytes((line + "\n").encode(codec))
        doc = read_document(path)
        if doc.text != line + "\n":
            wrong.append((codec, doc.encoding, line[:30]))
    assert wrong == []


@pytest.mark.parametrize("codec", ["big5", "gb18030"])
def test_the_whole_seed_decodes_exactly(codec: str) -> None:
    text = SEED.read_bytes().decode("utf-8")
    if codec == "big5":  # the two characters of the seed Big5 lacks
        text = text.replace("\xa0", " ").replace("礴", "薄")
    doc = decode_bytes(text.encode(codec), source=str(SEED))
    assert (doc.text == text, doc.encoding) == (True, codec)


@pytest.mark.parametrize("path", HELDOUT_FILES, ids=lambda p: p.stem)
def test_held_out_documents_decode_exactly_in_gb18030_and_as_utf8(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8")
    assert decode_bytes(text.encode("gb18030"), source=str(path)).text == text
    doc = decode_bytes(data, source=str(path))
    assert (doc.text == text, doc.encoding) == (True, "utf-8")


@pytest.mark.parametrize(
    "text",
    ["Привет, мир\n", "Как дела?\n", "да\n", "Καλημέρα\n", "El niño pequeño comió la piña.\n",
     "Müller\n", "café\n", "«ok» 20 °C\n"],
)
def test_european_utf8_stays_utf8(text: str) -> None:
    """Accented Latin letters and Cyrillic а-п are GB2312 byte pairs once encoded in UTF-8."""
    doc = decode_bytes(text.encode("utf-8"), source="a.txt")
    assert (doc.text, doc.encoding) == (text, "utf-8")


def test_cyrillic_has_no_confident_chinese_reading() -> None:
    """Even without the European-text guard, 'Привет, мир' would stay UTF-8."""
    assert reading._chinese("Привет, мир\n".encode()) is None


def test_folder_search_is_case_blind_and_skips_hidden_files(tmp_path: Path) -> None:
    for name in ["a.txt", "b.TXT", "c.Txt", "notes.md", "sub/d.txt", ".x.txt", ".hidden/x.txt",
                 "sub/.cache/e.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("社區網格員入戶排查。\n", encoding="utf-8")
    want = [tmp_path / n for n in ["a.txt", "b.TXT", "c.Txt", "sub/d.txt"]]
    assert find_documents([tmp_path]) == want
    assert find_documents([str(tmp_path), "-"]) == [*want, "-"]
    # Named, a hidden file or folder is wanted.
    assert find_documents([tmp_path / ".x.txt"]) == [tmp_path / ".x.txt"]
    assert find_documents([tmp_path / ".hidden"]) == [tmp_path / ".hidden" / "x.txt"]
    assert read_document(tmp_path / ".x.txt").text == "社區網格員入戶排查。\n"
    # A file named and also in a named folder (a corpus listing both) is found once.
    assert find_documents([tmp_path / "sub" / "d.txt", tmp_path]) == [want[3], *want[:3]]


def test_a_folder_that_cannot_be_read_and_a_name_not_utf8_are_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import os

    from pipeline.errors import InputError

    for name in ["open/a.txt", "locked/b.txt"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("社區網格員入戶排查。\n", encoding="utf-8")
    odd = os.fsdecode(os.fsencode(tmp_path / "open") + b"/bad\xffname.txt")
    Path(odd).write_text("醫院。\n", encoding="utf-8")
    scandir = os.scandir

    def locked(path: object = ".") -> object:  # as chmod 000 does for a user without root
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", locked)
    with caplog.at_level("WARNING", logger="pipeline"):
        assert find_documents([tmp_path]) == [tmp_path / "open" / "a.txt"]
    assert [r.getMessage() for r in caplog.records] == [
        f"{tmp_path / 'locked'}: cannot read this folder: Permission denied; its files are left "
        "out", f"{tmp_path / 'open'}/bad\\xffname.txt: the file name is not UTF-8; rename the "
        "file to read it"]
    with pytest.raises(InputError) as failed:  # --strict: it stops, so nothing is left out
        find_documents([tmp_path], strict=True)
    assert str(failed.value) == f"{tmp_path / 'locked'}: cannot read this folder: Permission denied"
    with pytest.raises(InputError, match=r"bad\\xffname.txt: the file name is not UTF-8"):
        find_documents([odd])


@pytest.mark.parametrize("cut", [1, 2])
def test_utf8_cut_short_inside_its_last_character_is_read_with_a_warning(
        cut: int, caplog: pytest.LogCaptureFixture) -> None:
    """A copy or download stopped mid-character was refused as 'not text in any known
    encoding'; everything before the unfinished character is the document."""
    text = SEED.read_text("utf-8")[:3000]
    data = (text + "疫").encode("utf-8")[:-3 + cut]
    doc = decode_bytes(data, source="cut.txt")
    assert (doc.text, doc.encoding, doc.bytes_left_out) == (text, "utf-8", cut)
    assert data[:-cut].decode(doc.encoding) == doc.text  # what the output records decodes it
    assert f"cut.txt: the last {cut} byte(s) are an unfinished UTF-8 character" in caplog.text


def test_utf8_broken_before_its_end_is_not_taken_for_cut_short(
        caplog: pytest.LogCaptureFixture) -> None:
    data = "防控".encode()[:4] + "工作".encode() * 3
    with contextlib.suppress(reading.InputError):  # whether another codec reads it or none
        assert decode_bytes(data, source="bad.txt").encoding != "utf-8"
    assert "unfinished" not in caplog.text


@pytest.mark.parametrize(("codec", "last", "kept", "read_as"), [
    ("gb18030", "疫", 1, "gb18030"),
    *[("gb18030", "𠮷", kept, "gb18030") for kept in (1, 2, 3)],  # a four-byte sequence
    ("gb18030", "㐀", 2, "gb18030"),  # four bytes in the BMP
    ("gbk", "疫", 1, "gb18030"),  # GB18030 holds GBK: a whole GBK file reads as gb18030 too
    ("big5", "疫", 1, "big5"),
    ("big5hkscs", "嘅", 1, "big5hkscs"),  # a lead byte Big5 lacks
])
def test_chinese_codecs_cut_short_inside_their_last_character_are_read_with_a_warning(
        tmp_path: Path, codec: str, last: str, kept: int, read_as: str,
        caplog: pytest.LogCaptureFixture) -> None:
    """A GB18030, GBK or Big5 file cut inside its last character was 'not text in any known
    encoding'; it now reads as the whole file does, without that character."""
    text = SEED.read_text("utf-8")[:3000].replace("\xa0", " ")
    whole = (text + last).encode(codec)
    data = whole[:len(text.encode(codec)) + kept]
    (tmp_path / "whole.txt").write_bytes(whole)
    (tmp_path / "cut.txt").write_bytes(data)
    assert (read_document(tmp_path / "whole.txt").encoding, caplog.text) == (read_as, "")
    doc = read_document(tmp_path / "cut.txt")
    assert (doc.text == text, doc.encoding, doc.bytes_left_out) == (True, read_as, kept)
    assert data[:-kept].decode(doc.encoding) == doc.text  # what the output records decodes it
    assert (f"cut.txt: the last {kept} byte(s) are an unfinished {read_as.upper()} character"
            in caplog.text)
    # Forced, the codec reads the whole file or nothing, as a forced utf-8 does.
    with pytest.raises(reading.InputError, match=f"cut.txt: cannot decode as {codec}: "
                                                 f"incomplete multibyte sequence at byte "
                                                 f"{len(data) - kept}$"):
        read_document(tmp_path / "cut.txt", encoding=codec)


@pytest.mark.parametrize("codec", ["gb18030", "gbk", "big5", "big5hkscs"])
def test_every_document_cut_inside_its_last_character_reads_as_the_whole_one(codec: str) -> None:
    """The seed and the held-out documents, in ``codec`` (what it cannot hold left out), ending
    in their own last character and in a four-byte or an HKSCS one, cut at every byte inside
    it: each reads as the whole file does, without that character."""
    endings = {"gb18030": ["", "㐀", "𠮷"], "big5hkscs": ["", "嘅"]}.get(codec, [""])
    tried = 0
    for path in [SEED, *HELDOUT_FILES]:
        text = path.read_text("utf-8").encode(codec, "ignore").decode(codec).rstrip()
        for ending in endings:
            whole_text = text + ending
            whole = whole_text.encode(codec)
            head = len(whole_text[:-1].encode(codec))
            expected = decode_bytes(whole, source=str(path))
            assert expected.text == whole_text
            for kept in range(1, len(whole) - head):
                doc = decode_bytes(whole[:head + kept], source=str(path))
                assert (doc.text == whole_text[:-1], doc.encoding, doc.bytes_left_out) == (
                    True, expected.encoding, kept), (path.name, ending, kept)
                tried += 1
    assert tried >= 9


def test_a_forced_codec_that_does_not_read_a_file_names_the_one_that_does(tmp_path: Path) -> None:
    # '--encoding gbk' on a UTF-8 file (or a reading.encoding copied from another project's
    # config) said only 'cannot decode as gbk: illegal multibyte sequence at byte 2': nothing of
    # what the file is, which detection finds at once.
    text = SEED.read_text("utf-8").replace("\xa0", " ")
    path = tmp_path / "a.txt"
    cases = [(text.encode(), "gbk", "utf-8"), (text.encode("big5hkscs"), "utf-8", "big5hkscs"),
             (text.encode("gb18030"), "utf-8", "gb18030"), (text.encode("utf-16"), "utf-8",
                                                            "utf-16"),
             (text.encode(), "latin-1", "utf-8")]
    for data, forced, found in cases:
        path.write_bytes(data)
        with pytest.raises(reading.InputError) as info:
            read_document(path, encoding=forced)
        assert str(info.value).endswith(
            f"; the file reads as {found} (encoding auto, the default, detects it)"), forced
        assert read_document(path).encoding == found
    # Nothing to offer for what detection refuses: Korean in EUC-KR, UTF-16 without a mark
    # (its NUL bytes are valid UTF-8), a file of a binary format's signature.
    refused = [(("서울시는 사회적 거리두기를 강화한다고 밝혔다. " * 20).encode("euc_kr"), "utf-8"),
               ("The city committee met on Monday.\n".encode("utf-16-le"), "cp1252"),
               (b"{\\rtf1 abc}", "utf-16")]
    for data, forced in refused:
        path.write_bytes(data)
        with pytest.raises(reading.InputError) as info:
            read_document(path, encoding=forced)
        assert "the file reads as" not in str(info.value), forced


def test_a_cut_utf8_file_forced_is_refused_as_a_cut_gb18030_one_is(tmp_path: Path) -> None:
    data = "市委召開會議".encode()[:-1]
    (tmp_path / "cut.txt").write_bytes(data)
    with pytest.raises(reading.InputError,
                       match=r"cut.txt: cannot decode as utf-8: unexpected end of data at byte "
                             r"15$"):
        read_document(tmp_path / "cut.txt", encoding="utf-8")


NOT_CUT_CHINESE = {
    "a stray 0xFF, no lead byte": "市委召開會議部署防控工作。".encode("gb18030") + b"\xff",
    "a stray 0x80 after Big5": "市委召開會議部署防控工作。".encode("big5") + b"\x80",
    "a four-byte start GB18030 has no character for":
        "市委召開會議部署防控工作。".encode("gb18030") + b"\x85\x30",
    "whole EUC-JP, which GB18030 pairs one off after a three-byte sequence":
        "市委召開會議，丂部署防控工作，成立領導小組。".encode("euc_jp"),
    "UTF-8 broken before its end": "防控".encode()[:4] + "工作".encode() * 3 + b"\xe5",
}


@pytest.mark.parametrize("why", NOT_CUT_CHINESE)
def test_what_is_not_a_cut_chinese_file_is_not_read_as_one(
        why: str, caplog: pytest.LogCaptureFixture) -> None:
    """Chinese decoders call any high byte at the end an incomplete sequence: only a real start
    of a character, in a file no codec reads whole, is an unfinished one."""
    with contextlib.suppress(reading.InputError):  # whether another codec reads it or none
        assert decode_bytes(NOT_CUT_CHINESE[why], source="x.txt").bytes_left_out == 0
    assert "unfinished" not in caplog.text


def test_utf16_cut_short_is_read_and_a_bad_one_named_for_its_bom(
        caplog: pytest.LogCaptureFixture) -> None:
    import codecs

    data = codecs.BOM_UTF16_LE + "市委召開會議".encode("utf-16-le")
    doc = decode_bytes(data + b"\x02", source="cut.txt")
    assert (doc.text, doc.encoding, doc.bytes_left_out) == ("市委召開會議", "utf-16", 1)
    assert decode_bytes(data, source="whole.txt").bytes_left_out == 0
    assert "cut.txt: the last 1 byte(s) are an unfinished UTF-16 character" in caplog.text
    with pytest.raises(reading.InputError,
                       match=r"^bad.txt: not utf-16 as its byte-order mark says: illegal"):
        decode_bytes(data + b"\x00\xd8\x41\x00", source="bad.txt")


def test_a_bom_in_front_of_other_bytes_is_named(caplog: pytest.LogCaptureFixture) -> None:
    import codecs

    text = "市委会议部署防控"
    doc = decode_bytes(codecs.BOM_UTF8 + text.encode()[:-1], source="sig.txt")  # cut short
    assert (doc.text, doc.encoding) == (text[:-1], "utf-8-sig")
    assert "sig.txt: the last 2 byte(s) are an unfinished UTF-8 character" in caplog.text
    for cut in (0, 1):  # a UTF-16 mark in front of UTF-8 text
        data = b"\xff\xfe" + "社区网格员入户排查".encode()[:27 - cut]
        with pytest.raises(reading.InputError, match=r"^l\.txt: not utf-16 as its byte-order "
                                                     r"mark says: the bytes after it are UTF-8"):
            decode_bytes(data, source="l.txt")


@pytest.mark.parametrize(("body", "named"), [
    ("一、醫院發熱門診\n本市衛生局與醫護人員攜手。\n".encode("gb18030"), "gb18030"),
    ("一、醫院發熱門診\n本市衛生局與醫護人員攜手。\n".encode("utf-16-le"), "UTF-16-LE")])
def test_a_utf16_mark_in_front_of_another_codec_is_named(body: bytes, named: str) -> None:
    import codecs

    bom = codecs.BOM_UTF16_LE if named != "UTF-16-LE" else codecs.BOM_UTF16_BE
    with pytest.raises(reading.InputError, match=f"the bytes after it are {named}$"):
        decode_bytes(bom + body, source="w.txt")


def test_a_short_gb18030_file_gives_no_cut_short_warning(caplog: pytest.LogCaptureFixture) -> None:
    doc = decode_bytes("医院洹".encode("gb18030"), source="g.txt")
    assert (doc.text, doc.encoding) == ("医院洹", "gb18030")
    assert "unfinished" not in caplog.text


NATIVE = "le" if sys.byteorder == "little" else "be"


@pytest.mark.parametrize(("forced", "bom", "body_codec", "recorded"), [
    ("utf-8", b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    ("UTF8", b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    ("utf-16-le", b"\xff\xfe", "utf-16-le", "utf-16"),
    ("utf_32_be", b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    ("UTF8", b"", "utf-8", "utf-8"),
    ("cp936", b"", "gbk", "gbk"),
    # Without a mark, utf-16 and utf-32 decode in the machine's byte order: that one is recorded.
    ("utf-16", b"", f"utf-16-{NATIVE}", f"utf-16-{NATIVE}"),
    ("UTF-32", b"", f"utf-32-{NATIVE}", f"utf-32-{NATIVE}"),
    ("utf-16", b"\xfe\xff", "utf-16-be", "utf-16"),
])
def test_a_forced_encoding_is_recorded_as_the_codec_that_gives_the_offsets(
        tmp_path: Path, forced: str, bom: bytes, body_codec: str, recorded: str) -> None:
    from pipeline.segment import segment_text

    path = tmp_path / "doc.txt"
    path.write_bytes(bom + "市委召開會議。\r\n\r\n醫院收治患者。\n".encode(body_codec))
    doc = read_document(path, encoding=forced)
    assert doc.encoding == recorded
    with open(path, encoding=doc.encoding, newline="") as f:  # as a consumer reads the source
        source = f.read()
    assert source == doc.text
    for p in segment_text(doc.id, doc.text):
        assert source[p.start : p.end] == p.text


def test_a_path_too_long_to_look_at_is_named(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.errors import InputError
    from pipeline.stages import input_files

    long = tmp_path / ("x" * 300 + ".txt")  # one name past the file system's 255 bytes
    with pytest.raises(InputError, match=r"x\.txt: cannot read: File name too long$"):
        input_files([long])
    (tmp_path / "a.txt").write_text("社區。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("醫院。", encoding="utf-8")
    is_file = Path.is_file

    def too_long(path: Path) -> bool:  # as a path of more than 4,096 bytes in a deep folder
        if path.name == "b.txt":
            raise OSError(36, "File name too long", str(path))
        return is_file(path)

    monkeypatch.setattr(Path, "is_file", too_long)
    assert find_documents([tmp_path]) == [tmp_path / "a.txt"]
    with pytest.raises(InputError, match=r"b\.txt: cannot read: File name too long"):
        find_documents([tmp_path], strict=True)


def test_a_device_is_refused_before_it_is_read() -> None:
    from pipeline.errors import InputError

    with pytest.raises(InputError, match=r"^/dev/zero: a device, not a file$"):
        read_document("/dev/zero")  # endless: reading it would fill the memory


def test_a_few_control_characters_are_named_with_their_share_and_the_limit() -> None:
    """6 control characters in 85 were 'mostly control characters': the message says the
    share found and the limit, which is what is true."""
    text = "市委召開會議，部署疫情防控工作。\x85社區網格員入戶排查。\x0c\x1c\x1d\x1e" * 5
    with pytest.raises(reading.InputError) as info:
        decode_bytes(text.encode(), source="seps.txt")
    share = 4 / 31  # the form feed is text
    assert str(info.value) == (f"seps.txt: not text: decoded as utf-8, {share:.1%} of its "
                               "characters are control, replacement or private-use characters "
                               "(text has at most 5%; a wrong decoding, or parts in different "
                               "encodings)")


def _judged(path: Path, caplog: pytest.LogCaptureFixture) -> tuple[str, str]:
    """How a file reads: its encoding or the error, and what was logged."""
    caplog.clear()
    try:
        outcome = read_document(path).encoding
    except reading.InputError as exc:
        outcome = str(exc)
    return outcome, caplog.text


def test_a_decoding_is_judged_the_same_with_numpy_loaded_or_not(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """classify has NumPy loaded and counts a decoding's control, private-use and kana
    characters in a table; segment, without it, with regular expressions: files read the same
    either way, near each class's bounds too."""
    import numpy  # noqa: F401  (loaded, as in classify)

    chinese = "市委召開會議，部署疫情防控工作。社區網格員入戶排查。"
    edges = "".join(chr(c) for first, last in
                    (*reading._JUNK_RANGES, *reading._PRIVATE_RANGES, *reading._KANA_RANGES)
                    for c in (first - 1, first, last, last + 1) if 0 <= c <= 0x10FFFF)
    texts = {
        "controls.txt": (chinese + "\x01\x85") * 20,  # 2 in 29: refused
        "few_controls.txt": chinese * 20 + "\x01\x1f\x7f",  # under the limit: read
        "private.txt": chinese * 3 + "\ue000" * 25,  # a few dozen private-use ones count
        "some_private.txt": chinese * 30 + "\uf8ff\U000f0000" * 9,  # under 20: they do not
        "japanese.txt": JAPANESE,  # in UTF-8: read, with a warning
        # Each class's bounds and the code points beside them (but NUL, which makes a file
        # binary, and surrogates, which no UTF-8 holds).
        "edges.txt": chinese * 40 + "".join(c for c in edges
                                            if not (c == "\0" or "\ud800" <= c <= "\udfff")),
    }
    paths = []
    for name, text in texts.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(text.encode("utf-8"))
    counts = reading._class_counts(edges)
    assert counts is not None and min(counts) > 0 and sum(counts) == len(edges)
    assert counts[1:] == [len(reading._JUNK.findall(edges)), len(reading._PRIVATE.findall(edges)),
                          len(reading._kana().findall(edges))]
    with_numpy = [_judged(path, caplog) for path in paths]
    monkeypatch.delitem(sys.modules, "numpy")
    assert reading._class_counts(edges) is None  # the regular expressions count
    without = [_judged(path, caplog) for path in paths]
    assert with_numpy == without
    assert [outcome.startswith(str(tmp_path)) for outcome, _ in without] == [
        True, False, True, False, False, False]
    assert "Japanese text in UTF-8" in without[4][1]


def test_a_file_joined_from_big5_and_gb18030_parts_is_not_read_as_one_of_them(
        tmp_path: Path) -> None:
    # Both halves decode as GB18030, the Big5 half into mojibake one character in seven of
    # which is a private-use one: it was read, segmented and labelled without a word.
    traditional = (HELDOUT / "hd02_xichuan_xinwen_zongshu.txt").read_text("utf-8")
    simplified = (HELDOUT / "hd01_yichun_jingyan_cailiao.txt").read_text("utf-8")
    big5, gb = traditional.encode("big5hkscs"), simplified.encode("gb18030")
    for name, data in (("big5_first.txt", big5 + gb), ("gb_first.txt", gb + big5)):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(reading.InputError) as info:
            read_document(path)
        assert str(info.value).startswith(f"{path}: not text: decoded as gb18030, 14.")
        assert "private-use characters" in str(info.value)
    # Each part alone reads, and a real text's few private-use characters (a glyph a font made
    # up for a name, 20 in under 400 characters at most) are kept, in a short file too.
    for data, codec in ((big5, "big5"), (gb, "gb18030")):
        assert decode_bytes(data, source="part.txt").encoding == codec
    short = "市委書記\ue000\ue001主持召開會議。\n" + "社區\U000f0001網格員入戶排查。\n"
    assert decode_bytes(short.encode(), source="short.txt").text == short


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [SEED.read_text("utf-8"), "市委召開會議部署防控工作",
                                  "The city committee met.\n"], ids=["seed", "no_ascii", "english"])
def test_utf16_without_a_bom_is_named_with_the_option_that_reads_it(
        tmp_path: Path, codec: str, text: str) -> None:
    # It was 'not a text file: it contains NUL bytes (binary, or UTF-16 without a BOM)', or,
    # Chinese without ASCII and so without NUL bytes, 'not text in any known encoding'. UTF-32
    # (every character four bytes, NUL bytes among them) was the first.
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(codec))
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    assert str(info.value) == (
        f"{path}: {codec.upper()} text without a byte-order mark (only a marked one is "
        f"detected): read it with --encoding {codec} (in a config, reading.encoding: {codec})")
    doc = read_document(path, encoding=codec)
    assert (doc.text, doc.encoding) == (text, codec)


def test_nul_bytes_in_a_text_are_named_with_where_they_are(tmp_path: Path) -> None:
    # Each was 'not a text file: it contains NUL bytes (binary, or UTF-16 without a BOM)': a
    # text whose end a stopped download or a crash left as zeros looked like any binary file,
    # and a stray NUL in a long text could not be found by it.
    data = SEED.read_bytes()
    path = tmp_path / "a.txt"
    cases = {
        data + bytes(4096): f"its last 4096 bytes, from byte {len(data)} on, are all NUL (a copy "
                            "or download that did not finish, or zeros a crash left?)",
        bytes(3000): "its 3000 bytes are all NUL (a copy or download that did not finish, or "
                     "zeros a crash left?)",
        data[:1000] + b"\x00" + data[1000:]: (
            f"it contains NUL bytes, the first at byte 1000, line {data[:1000].count(10) + 1} "
            "(binary, or UTF-16 without a BOM)"),
    }
    for given, why in cases.items():
        path.write_bytes(given)
        with pytest.raises(reading.InputError) as info:
            read_document(path)
        assert str(info.value) == f"{path}: not a text file: {why}"


@pytest.mark.parametrize(("first", "second"), [("utf-8", "gb18030"), ("gb18030", "utf-8"),
                                               ("utf-8", "big5"), ("big5", "utf-8"),
                                               ("gb18030", "big5"), ("big5", "gb18030")])
def test_a_file_joined_from_parts_in_two_encodings_says_where_the_second_starts(
        tmp_path: Path, first: str, second: str) -> None:
    # It was 'not text in any known encoding' (or the share of junk characters alone): nothing
    # to find the part in another encoding by.
    text = SEED.read_text("utf-8").replace("\xa0", " ").replace("礴", "薄")  # as Big5 holds it
    cut = text.rfind("\n", 0, len(text) // 2) + 1
    head, tail = text[:cut], text[cut:]
    line = head.count("\n") + 1
    path = tmp_path / "joined.txt"
    path.write_bytes(head.encode(first) + tail.encode(second))
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    byte = len(head.encode(first))
    if first == "utf-8":
        where = (f"valid UTF-8 up to byte {byte} (line {line}), not from there; that line "
                 f"reads as {second.upper()}")
    else:
        where = (f"{first.upper()} in lines 1 to {line - 1}, {second.upper()} from line {line} "
                 f"(byte {byte})")
    if "utf-8" in (first, second):
        assert str(info.value) == (f"{path}: not text in one encoding: {where} (parts in "
                                   "different encodings, or a damaged file)")
    else:  # GB18030 reads it whole, the Big5 part as junk
        assert str(info.value).startswith(f"{path}: not text: decoded as gb18030, ")
        assert str(info.value).endswith(f"or parts in different encodings); {where}")


def test_utf8_damaged_inside_a_line_is_named_at_its_first_bad_byte(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    bad = data.index("發熱門診".encode())  # a character's first byte lost
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:bad] + data[bad + 1:])
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    line = data[:bad].count(b"\n") + 1
    assert str(info.value) == (f"{path}: not text in one encoding: valid UTF-8 up to byte {bad} "
                               f"(line {line}), not from there (parts in different encodings, "
                               "or a damaged file)")


@pytest.mark.parametrize("codec", ["gb18030", "big5"])
def test_a_large_legacy_file_with_one_bad_line_is_refused_naming_where(
        tmp_path: Path, codec: str) -> None:
    # A 1 MB GB18030 (or Big5) file with bytes no codec reads in one line of the middle was
    # 'not text in any known encoding', with no place to look at.
    text = SEED.read_text("utf-8").replace("\xa0", " ").replace("礴", "薄")  # as Big5 holds it
    data = text.encode(codec) * (1_000_000 // len(text.encode(codec)) + 1)
    bad = data.index(b"\n", len(data) // 2) + 1  # the start of a line in the middle
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:bad] + b"\xff\xfe" + data[bad:])
    line = data[:bad].count(b"\n") + 1
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    assert str(info.value) == (
        f"{path}: not text in any known encoding: {codec.upper()} but for bytes it does not "
        f"read, the first at byte {bad} (line {line}): a damaged file, or bytes of another "
        "encoding")
    # Bytes that no codec reads most of still get no place.
    noise = bytes(b or 1 for b in random.Random(2).randbytes(4096))
    path.write_bytes(noise)
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    assert str(info.value) == f"{path}: not text in any known encoding"


@pytest.mark.parametrize("data", [b"\x96\x94k\xd2\xa0\x14", b"\xbe:+| \xc3", b"\xfetg1<\x90"])
def test_a_few_random_bytes_are_not_named_as_utf16(data: bytes) -> None:
    # Each reads as a common character or two in one byte order ('隔毒ꀔ'), which named them
    # 'UTF-16-BE text without a byte-order mark'; 57 of 600 random files of 6 to 256 bytes.
    try:
        decode_bytes(data, source="r.txt")
    except reading.InputError as exc:
        assert "UTF-16" not in str(exc)


@pytest.mark.parametrize(("data", "named"), [
    (b"\xed\xa0\x80abc", None),  # was read as cp1251, 'н Ђabc', and labelled
    ("Городской комитет провёл совещание. Волонтёры доставляли продукты.\n".encode("cp1251"),
     "cp1251"),
], ids=["random", "russian"])
def test_a_guessed_reading_without_a_chinese_character_is_refused(
        tmp_path: Path, data: bytes, named: str | None) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not Chinese text: not UTF-8, GB18030 or Big5, and ")
    guess = message.rsplit("--encoding ", 1)[1]
    assert "gives no Chinese character; if it is right, read it with --encoding" in message
    assert named in (None, guess)
    assert read_document(path, encoding=guess).encoding == reading.codecs.lookup(guess).name


def test_a_guessed_reading_with_chinese_characters_is_read_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "市役所は対策本部を設置しました。病院の医師が患者を治療しています。\n"
    path = tmp_path / "ja.txt"
    path.write_bytes(text.encode("shift_jis"))
    doc = read_document(path)
    assert doc.text == text
    assert (f"{path}: read as {doc.encoding}, a guess (neither UTF-8 nor a confident GB18030 or "
            "Big5 reading); --encoding forces another") in caplog.text
    # Japanese text in Shift_JIS, of as many kana as EUC-JP's warning asks for, gets that
    # warning (it got the guess's alone, which says nothing of Japanese).
    caplog.clear()
    path.write_bytes((text * 2).encode("shift_jis"))
    doc = read_document(path)
    assert doc.text == text * 2
    assert caplog.messages == [f"{path}: Japanese text in CP932 (28 kana), read as such: the "
                               "pipeline reads Chinese, and its paragraphs' kinds and labels say "
                               "little"]


def test_korean_in_euc_kr_is_refused_not_read_as_chinese(tmp_path: Path) -> None:
    # EUC-KR puts Hangul on GB2312's common byte pairs: the file read as confident GB18030
    # ('서울시' as '辑匡矫') and was labelled. Chinese text that EUC-KR also decodes (the seed's
    # first lines) gives hanja there, and is read as Chinese as before.
    text = ("서울시는 코로나19 확산을 막기 위해 모든 시민에게 마스크 착용을 권고했다. "
            "보건소는 선별진료소를 운영하고 있다.\n지역 주민들은 자원봉사에 참여했다.\n")
    path = tmp_path / "ko.txt"
    path.write_bytes(text.encode("euc_kr"))
    with pytest.raises(reading.InputError) as info:
        read_document(path)
    assert str(info.value) == (
        f"{path}: not Chinese text: it reads as Korean in EUC-KR (61 Hangul syllables, no "
        "Chinese character), which GB18030 reads as common Chinese characters; if it is right, "
        "read it with --encoding euc_kr")
    assert read_document(path, encoding="euc_kr").text == text
    chinese = tmp_path / "zh.txt"
    chinese.write_bytes("县委召开常委会议，研究部署疫情防控工作。社区网格员逐户排查登记。\n"
                        .encode("gb18030"))
    assert read_document(chinese).encoding == "gb18030"


JAPANESE = ("新型コロナウイルス感染症への対応について\n\n"
            "東京都は二月四日、新型コロナウイルスの感染拡大を防ぐため、都内の病院と保健所に対して"
            "発熱外来の設置を要請した。知事は記者会見で「都民の皆様には、不要不急の外出を控えて"
            "いただきたい」と述べた。\n\n"
            "市内の小学校では、三月から臨時休校が始まった。保護者の多くは仕事を休んで子どもの世話"
            "をしているが、医療従事者の家庭には学童保育が用意された。\n")


@pytest.mark.parametrize(("codec", "name"), [("euc_jp", "EUC-JP"), ("iso2022_jp", "ISO-2022-JP"),
                                             ("utf-8", "UTF-8")])
def test_japanese_text_is_read_as_japanese_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, codec: str, name: str) -> None:
    # EUC-JP read as confident GB18030, its kana right and every kanji a wrong Chinese character
    # ('新型' as '糠房'); ISO-2022-JP, 7-bit, as UTF-8 letters and escape characters.
    path = tmp_path / "ja.txt"
    path.write_bytes(JAPANESE.encode(codec))
    doc = read_document(path)
    assert (doc.text == JAPANESE, doc.encoding) == (True, codec)
    assert (f"{path}: Japanese text in {name} (84 kana), read as such: the pipeline reads "
            "Chinese, and its paragraphs' kinds and labels say little") in caplog.text


def chinese_units() -> list[str]:
    """Every corpus text (the seed, the held-out documents, the written paragraphs) and every
    line of them that is not ASCII alone, once each."""
    texts = [path.read_bytes().decode("utf-8") for path in [SEED, *HELDOUT_FILES]]
    for path in sorted((SEED.parent.parent / "written").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_bytes().decode().splitlines()]
    units = set(texts)
    for text in texts:
        units.update(line for line in text.splitlines() if line.strip())
    return sorted(unit for unit in units if not unit.isascii())


@pytest.mark.slow
def test_no_corpus_text_or_line_is_taken_for_japanese() -> None:
    """In GB18030, and in Big5 as written and converted to Traditional characters."""
    import opencc

    traditional = opencc.OpenCC("s2twp").convert
    units = chinese_units()
    assert len(units) > 8000
    wrong, decoded = [], 0
    for text in units:
        for codec, written in (("gb18030", text), ("big5", text), ("big5", traditional(text))):
            with contextlib.suppress(UnicodeEncodeError):
                doc = decode_bytes(written.encode(codec), source="a.txt")
                decoded += 1
                if doc.text != written or doc.encoding == "euc_jp":
                    wrong.append((codec, doc.encoding, written[:30]))
    assert wrong == [] and decoded > 19_000


@pytest.mark.parametrize("text", [
    "她在东京的“さくら食堂”吃了拉面，店名里的“の”字也很常见，比如“吉野家の牛丼”。\n",
    "日本友人山田さん发来慰问，“がんばれ武汉”，并寄来口罩。\n",
    "鲜の果水果店\n",
    "《ドラえもん》主题店开业\n",
    "日本网友留言：がんばってください、中国のみなさん。ありがとう、ありがとう！\n",
])
@pytest.mark.parametrize("codec", ["gb18030", "big5", "utf-8"])
def test_chinese_with_a_few_kana_is_not_taken_for_japanese(
        text: str, codec: str, caplog: pytest.LogCaptureFixture) -> None:
    doc = decode_bytes(text.encode(codec, errors="ignore"), source="a.txt")
    assert (doc.text, doc.encoding) == (text.encode(codec, errors="ignore").decode(codec), codec)
    assert "Japanese" not in caplog.text


# Decodes a file and prints its encoding, how far the peak resident memory rose while it did
# (from the process's own VmHWM: getrusage's peak counts the parent's at the fork) and the
# size of the text.
_DECODE_PEAK = """
import re, sys
from pathlib import Path
from pipeline.reading import decode_bytes
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]) << 10
data = Path(sys.argv[1]).read_bytes()
before = peak()
doc = decode_bytes(data, sys.argv[1])
print(doc.encoding, peak() - before, sys.getsizeof(doc.text))
"""


@pytest.mark.slow
@pytest.mark.parametrize("codec", ["gb18030", "big5"])
def test_a_large_chinese_file_is_decoded_holding_about_its_text_beside_its_bytes(
        tmp_path: Path, codec: str) -> None:
    # A 20 MB GB18030 file peaked at its text and two copies of its bytes more (each held by
    # the error of a codec tried whole and failing at its first bytes: Big5, then Big5-HKSCS
    # while Big5's error was still held); a Big5 one at its GB18030 reading and its Big5 one;
    # either, 16 MB more for the 200,000 characters scored, found one string each.
    import subprocess

    text = SEED.read_bytes().decode("utf-8").replace("\xa0", " ").replace("礴", "薄")
    path = tmp_path / "big.txt"
    path.write_bytes((text * (20_000_000 // len(text.encode(codec)))).encode(codec))
    out = subprocess.run([sys.executable, "-c", _DECODE_PEAK, str(path)], check=True,
                         capture_output=True, text=True, cwd=SEED.parent.parent.parent).stdout
    encoding, grown, size = out.split()
    assert encoding == codec
    assert int(grown) < 1.5 * int(size), (int(grown) >> 20, int(size) >> 20)


def test_a_files_first_characters_are_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """For kana and then for junk: the same characters, counted once (with NumPy, as classify
    reads); another text after it is counted afresh, and a text equal to the last one is not."""
    import numpy  # noqa: F401  (loaded, as classify has it)

    tables = []
    monkeypatch.setattr(reading, "_classes", lambda: tables.append(1) or _CLASS_TABLE)
    text = "醫院收治患者，社區網格員入戶排查。\n" * 50
    assert decode_bytes(text.encode("utf-8"), "a.txt").encoding == "utf-8"
    assert len(tables) == 1
    assert decode_bytes(("\x01" * 9 + text).encode("utf-8"), "b.txt").encoding == "utf-8"
    assert len(tables) == 2
    assert reading._class_counts(text) == [len(text), 0, 0, 0] and len(tables) == 3
    copied = "".join([text[:10], text[10:]])
    assert reading._class_counts(copied) == [len(text), 0, 0, 0] and len(tables) == 3
