"""Decode text input files without being told their encoding.

Supported: UTF-8 (with or without BOM), GB18030 (which includes GBK and
GB2312) and Shift-JIS as Windows writes it (CP932), plus UTF-16 when it has a
byte-order mark (Excel's "Unicode text").

Detection, in order:

1. a byte-order mark decides (UTF-8, UTF-16, GB18030);
2. bytes that decode as UTF-8 are UTF-8 (non-UTF-8 CJK text essentially never
   does); bytes that are UTF-8 except for a few bad sequences are a damaged
   UTF-8 file and are refused at the first bad byte, not read as mojibake;
3. otherwise GB18030 and CP932 are both tried. Short files are ambiguous
   (most Shift-JIS bytes are also valid GB18030 and vice versa), so each
   decoding is scored character by character: common ideographs (GB2312 level
   1 or JIS X 0208 level 1) and kana score up, rare ideographs, private-use
   characters and C1 controls score down, half-width katakana are neutral. The higher
   average wins; a tie goes to GB18030.
4. if even the winner reads as mostly implausible characters (average score
   below zero), charset-normalizer is asked; unless it also names GB18030 or
   Shift-JIS the file is rejected as being in some other encoding (Big5,
   cp1252, ...) rather than read as mojibake.

Undecodable bytes raise :class:`~dualuse.input.errors.InputError` naming the
byte offset and the row (line number) where decoding failed.
"""

from __future__ import annotations

import codecs
import functools
import re
from pathlib import Path

from dualuse.input.errors import InputError

SUPPORTED = "UTF-8, GB18030 or Shift-JIS (CP932)"
_ADVICE = "save it as UTF-8 (Excel: \"CSV UTF-8\") and try again"
_CANDIDATES = ("gb18030", "cp932")
_GB18030_BOM = b"\x84\x31\x95\x33"
_SCORE_SAMPLE = 200_000  # characters scored at most
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def read_text(path: str | Path, *, encoding: str | None = None) -> tuple[str, str]:
    """Read and decode a text file.

    Args:
        path: the file.
        encoding: force a codec instead of detecting one.

    Returns:
        ``(text, encoding)`` where ``encoding`` is the Python codec name used:
        ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030`` or ``cp932``. A
        leading BOM is removed from ``text``.

    Raises:
        InputError: the file cannot be read or is not in a supported encoding.
    """
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError.single(file, f"cannot read the file: {exc.strerror or exc}") from exc
    return decode_bytes(data, file, encoding=encoding)


def decode_bytes(data: bytes, file: str, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` read from ``file``; see :func:`read_text`."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError.single(file, f"unknown encoding {encoding!r}") from exc
        return _finish(_strict(data, encoding, file, forced=True), encoding, file), encoding
    if data.startswith(codecs.BOM_UTF8):
        return _finish(_strict(data, "utf-8-sig", file), "utf-8-sig", file), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _finish(_strict(data, "utf-16", file), "utf-16", file), "utf-16"
    if data.startswith(_GB18030_BOM):
        return _finish(_strict(data, "gb18030", file), "gb18030", file), "gb18030"
    try:
        return _finish(data.decode("utf-8"), "utf-8", file), "utf-8"
    except UnicodeDecodeError as exc:
        failures = {"UTF-8": exc.start}
        if _mostly_utf8(data):
            row = data.count(b"\n", 0, exc.start) + 1
            raise InputError.single(
                file, f"byte 0x{data[exc.start]:02X} at byte offset {exc.start} is not valid UTF-8, although the "
                f"rest of the file is UTF-8 (a damaged or truncated character?); fix or retype the text on this row",
                row=row) from exc
    decoded: dict[str, str] = {}
    for name in _CANDIDATES:
        try:
            decoded[name] = _decode_legacy(data, name)
        except UnicodeDecodeError as exc:
            failures["GB18030" if name == "gb18030" else "Shift-JIS (CP932)"] = exc.start
    if not decoded:
        # report where the decoding that got furthest stopped: that is most
        # likely the file's real encoding with one bad byte
        offset = max(failures.values())
        raise _undecodable(data, file, offset)
    scores = {name: plausibility(text) for name, text in decoded.items()}
    best = max(decoded, key=lambda n: (scores[n], n == "gb18030"))
    if scores[best] < 0 and not _charset_normalizer_agrees(data, best):
        raise _implausible(data, file, decoded[best], best)
    return _finish(decoded[best], best, file), best


# Python's cp932 codec maps bytes that are not Shift-JIS at all (0x80, 0xA0,
# 0xFD-0xFF) to U+0080 and private-use characters instead of failing.
_CP932_STRAY = re.compile("[\u0080\uf8f0-\uf8f3]")


def _decode_legacy(data: bytes, encoding: str) -> str:
    """Strict decode; for CP932 also refuse the stray single bytes Python lets through."""
    text = data.decode(encoding)
    if encoding == "cp932":
        stray = _CP932_STRAY.search(text)
        if stray:
            offset = len(text[: stray.start()].encode("cp932", errors="replace"))
            raise UnicodeDecodeError(encoding, data, offset, offset + 1, "not a Shift-JIS byte")
    return text


def _mostly_utf8(data: bytes) -> bool:
    """True when ``data`` is UTF-8 apart from a few bad bytes.

    Text in GB18030 or CP932 contains few byte sequences that happen to be
    valid multi-byte UTF-8 (measured: under 0.5 per invalid one in realistic
    files, at most 3 in one-line files), so many valid sequences per invalid
    one mean a damaged UTF-8 file, which must not be read as mojibake.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in _NON_ASCII.findall(text) if ch != "\ufffd")
    return good >= 5 and good >= 4 * bad


def _strict(data: bytes, encoding: str, file: str, *, forced: bool = False) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if forced:
            row = data.count(b"\n", 0, exc.start) + 1
            raise InputError.single(
                file, f"byte 0x{data[exc.start]:02X} at byte offset {exc.start} cannot be decoded as {encoding}",
                row=row) from exc
        raise _undecodable(data, file, exc.start) from exc


def _finish(text: str, encoding: str, file: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    nul = text.find("\x00")
    if nul >= 0:
        row = text.count("\n", 0, nul) + 1
        hint = " (is it UTF-16 without a byte-order mark?)" if encoding.startswith("utf-8") else ""
        raise InputError.single(file, f"the file contains NUL characters{hint}; {_ADVICE}", row=row)
    return text


def _undecodable(data: bytes, file: str, offset: int) -> InputError:
    row = data.count(b"\n", 0, offset) + 1
    return InputError.single(
        file,
        f"byte 0x{data[offset]:02X} at byte offset {offset} cannot be decoded: "
        f"the file is not valid {SUPPORTED}; {_ADVICE}",
        row=row,
    )


def _implausible(data: bytes, file: str, text: str, best: str) -> InputError:
    first = next((i for i, b in enumerate(data) if b >= 0x80), 0)
    row = data.count(b"\n", 0, first) + 1
    guess = _charset_normalizer_guess(data)
    sample = "".join(_NON_ASCII.findall(text)[:12])
    return InputError.single(
        file,
        f"the text does not look like {SUPPORTED} (read as {best.upper()} it gives {sample!r})"
        + (f"; it may be {guess}" if guess else "")
        + f"; {_ADVICE}",
        row=row,
    )


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best.encoding)


def _charset_normalizer_agrees(data: bytes, encoding: str) -> bool:
    guess = _charset_normalizer_guess(data)
    if guess is None:
        return False
    family = {"gb18030": {"gb18030", "gbk", "gb2312", "hz"},
              "cp932": {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"}}
    return guess.lower() in family[encoding]


def plausibility(text: str) -> float:
    """Average per-character plausibility of the non-ASCII characters of ``text``.

    Positive means ordinary Chinese or Japanese text, negative means the
    characters are mostly rare ideographs, half-width katakana, private-use or
    control characters (typical of decoding with the wrong codec). Text with
    no non-ASCII character scores 0.
    """
    chars = _NON_ASCII.findall(text[:_SCORE_SAMPLE])
    if not chars:
        return 0.0
    return sum(_weight(ch) for ch in chars) / len(chars)


@functools.lru_cache(maxsize=65536)
def _weight(ch: str) -> int:
    o = ord(ch)
    if 0xE000 <= o <= 0xF8FF or o == 0xFFFD or 0x80 <= o <= 0x9F:
        return -10  # private use, replacement, C1 controls
    if 0xFF61 <= o <= 0xFF9F:
        return 0  # half-width katakana: legacy Japanese, but also what GBK looks like as CP932
    if 0x3040 <= o <= 0x30FF:
        return 2  # hiragana, katakana
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
        return 1  # CJK punctuation, full-width forms
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
        return _ideograph_weight(ch)
    return 0


def _ideograph_weight(ch: str) -> int:
    level = 3
    try:
        code = ch.encode("gb2312")
        level = 1 if code[0] <= 0xD7 else 2
    except UnicodeEncodeError:
        pass
    try:
        code = ch.encode("cp932")
        if len(code) == 2:
            level = min(level, 1 if 0x889F <= (code[0] << 8 | code[1]) <= 0x9872 else 2)
    except UnicodeEncodeError:
        pass
    return {1: 2, 2: 0, 3: -2}[level]
