"""Encoding detection: UTF-8 (BOM or not), GB18030, Shift-JIS/CP932, refusals."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import pytest

from dualuse.input import InputError, read_text
from dualuse.input.encoding import decode_bytes, plausibility

NAMES_DEV = Path("/work/shared/eval/names_dev.csv")

JA_SHORT = [
    "出荷番号,荷受人\r\nS-1,株式会社日立製作所\r\n",
    "出荷番号,日付,荷受人,仕向地\r\n",  # kanji only: every byte pair is also valid GB18030
    "出荷番号,荷受人\r\nS-1,ｶﾌﾞｼｷｶﾞｲｼｬ ﾆｯｺｳ\r\n",  # legacy half-width katakana
    "品名・仕様,数量\r\nタングステン合金棒,800\r\n",
    "荷受人\r\n三菱重工業\r\n",
    "最終需要者\r\n防衛装備庁\r\n",
]
ZH_SHORT = [
    "货运编号,收货人\r\nS-1,北京航空材料研究院\r\n",
    "货运编号,日期,收货人,目的国\r\n",
    "品名\r\n金属镝\r\n",  # rare-earth names use GB2312 level-2 characters
    "貨運編號,收貨人\r\nS-1,台灣精密機械股份有限公司\r\n",  # traditional Chinese saved as GB18030
    "收货人\r\n中国航空工业集团有限公司\r\n",
    "最终用户,最终用途\r\n某研究所,稀土永磁材料研发\r\n",
]


@pytest.mark.parametrize("text", JA_SHORT)
def test_short_japanese_cp932(text: str) -> None:
    decoded, enc = decode_bytes(text.encode("cp932"), "ja.csv")
    assert (decoded, enc) == (text, "cp932")


@pytest.mark.parametrize("text", ZH_SHORT)
def test_short_chinese_gb18030(text: str) -> None:
    decoded, enc = decode_bytes(text.encode("gb18030"), "zh.csv")
    assert (decoded, enc) == (text, "gb18030")


@pytest.mark.parametrize("text", JA_SHORT + ZH_SHORT)
def test_utf8_preferred_and_bom_stripped(text: str) -> None:
    assert decode_bytes(text.encode("utf-8"), "f.csv") == (text, "utf-8")
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "f.csv") == (text, "utf-8-sig")


def test_utf16_with_bom() -> None:
    text = "出荷番号\tDate\r\nS-1\t2026-03-02\r\n"
    assert decode_bytes(text.encode("utf-16"), "f.txt") == (text, "utf-16")


def test_read_text_file(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes("收货人\r\n北京\r\n".encode("gb18030"))
    assert read_text(path) == ("收货人\r\n北京\r\n", "gb18030")
    assert read_text(path, encoding="gb18030")[1] == "gb18030"


@pytest.mark.skipif(not NAMES_DEV.exists(), reason="evaluation names not available")
def test_real_names_one_per_file() -> None:
    """Every non-ASCII name of the evaluation set, alone in a file, in each encoding that can hold it."""
    rows = list(csv.DictReader(NAMES_DEV.open(encoding="utf-8")))
    checked = 0
    for row in rows:
        name = row["query"]
        if name.isascii():
            continue
        for enc in ("gb18030", "cp932"):
            try:
                data = (name + "\r\n").encode(enc)
            except UnicodeEncodeError:
                continue
            assert decode_bytes(data, "n.csv") == (name + "\r\n", enc), (name, enc)
            checked += 1
    assert checked > 200


def test_undecodable_names_offset_and_row() -> None:
    data = b"id,name\r\nS-1,ok\r\nS-2,\xff\xfe bad\r\n"
    with pytest.raises(InputError) as info:
        decode_bytes(data, "bad.csv")
    (issue,) = info.value.issues
    assert issue.row == 3
    assert str(info.value) == (
        "bad.csv: row 3: byte 0xFF at byte offset 21 cannot be decoded: the file is not valid UTF-8, GB18030 or "
        'Shift-JIS (CP932); save it as UTF-8 (Excel: "CSV UTF-8") and try again')


def test_mostly_utf8_file_reports_the_utf8_failure() -> None:
    data = "收货人\n北京\n".encode() + b"\xe5\x8c\n"  # truncated UTF-8 sequence on row 3
    with pytest.raises(InputError) as info:
        decode_bytes(data, "trunc.csv")
    assert info.value.issues[0].row == 3


@pytest.mark.parametrize("text", ["收貨人,最終用戶\r\n", "台灣積體電路製造股份有限公司\r\n"])
def test_big5_is_refused_not_read_as_mojibake(text: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(text.encode("big5"), "big5.csv")
    assert "does not look like UTF-8, GB18030 or Shift-JIS" in str(info.value)


def test_cp1252_is_refused() -> None:
    with pytest.raises(InputError, match="cannot be decoded"):
        decode_bytes("Société Générale,Zürich\r\n".encode("cp1252"), "latin.csv")


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(InputError, match="NUL"):
        decode_bytes("id,name\r\n".encode("utf-16-le"), "u16.csv")


def test_forced_encoding_errors_name_offset() -> None:
    with pytest.raises(InputError, match="byte offset 3 cannot be decoded as ascii"):
        decode_bytes(b"id,\xe4\xb8\xad\n", "f.csv", encoding="ascii")
    with pytest.raises(InputError, match="unknown encoding"):
        decode_bytes(b"id\n", "f.csv", encoding="no-such-codec")


def test_plausibility_orders_right_and_wrong_decodings() -> None:
    ja = "荷受人,仕向地\r\n株式会社日立製作所".encode("cp932")
    assert plausibility(ja.decode("cp932")) > 1 > plausibility(ja.decode("gb18030"))
    zh = "收货人,目的国\r\n北京航空材料研究院".encode("gb18030")
    assert plausibility(zh.decode("gb18030")) > 1 > plausibility(zh.decode("cp932", errors="replace"))
    assert plausibility("plain ascii") == 0.0


def test_damaged_utf8_csv_is_refused_at_the_bad_byte() -> None:
    good = "货运编号,日期,收货人,目的国\r\n" + "".join(f"S-{i},2026-03-02,北京航空材料研究院,JP\r\n" for i in range(4))
    data = good.encode() + "S-9,2026-03-02,".encode() + "北京".encode()[:-1] + b",JP\r\n"
    with pytest.raises(InputError) as info:
        decode_bytes(data, "damaged.csv")
    (issue,) = info.value.issues
    assert issue.row == 6
    assert "is not valid UTF-8, although the rest of the file is UTF-8" in issue.message


def test_stray_cp932_bytes_are_undecodable_not_private_use() -> None:
    data = "荷受人\r\n日立\r\n".encode("cp932") + b"\xfd\r\n"
    with pytest.raises(InputError, match="byte 0xFD at byte offset 14 cannot be decoded"):
        decode_bytes(data, "sjis.csv")
