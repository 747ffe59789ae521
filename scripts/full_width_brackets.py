"""Turn the ASCII brackets of Chinese text in the data files into full-width ones.

    python scripts/full_width_brackets.py            # rewrite the files, print a summary
    python scripts/full_width_brackets.py --check    # list what would change, exit 1 if any

Run once to convert the built-in definitions (catalog, targets, coverage lists, record
sets and rules); ``tests/test_catalog_data.py`` then refuses an ASCII bracket next to
Chinese text in a Chinese field, so the files stay converted. Only TOML string values are
touched, never comments, keys, ids, URLs or the record rules' conditions.

A bracket pair ``(...)`` becomes ``（...）`` when it stands in Chinese text:

- in a Chinese field (``zh``, ``*.zh``, ``*_zh``), a Chinese alias, a Chinese code or a
  quoted Chinese wording, when its content or the character just before or after it is
  Chinese (Han characters, CJK and full-width punctuation);
- never a call or a part of an identifier (a letter, digit, ``_`` or ``.`` just before
  the opening bracket and no Chinese inside: ``.to('per_100k')``, ``SDG 2.2.2(a)``);
- in a citation (``document``, ``section``), only when the character just before the
  opening bracket, or just after the closing one, is Chinese and the content has no
  Latin letters: the edition of a Chinese title, ``规范(第三版)``; never the English
  remarks of a citation (``(中国青年报 report)``, ``(2015 baseline 20.1/10万)``).

A space between Chinese text and a converted bracket goes with it (``率 (/万)`` →
``率（/万）``): Chinese text has none there. Nothing else changes: not a comma, not a
number, not a word.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DEFINITIONS = Path(__file__).resolve().parents[1] / "src" / "mch_indicators" / "definitions"
FILES = sorted(
    [
        *DEFINITIONS.glob("catalog/*.toml"),
        DEFINITIONS / "targets.toml",
        DEFINITIONS / "coverage.toml",
        *DEFINITIONS.glob("records/*.toml"),
    ]
)

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2e80-\u2fdf]")
_LATIN = re.compile(r"[A-Za-z]")
_IDENTIFIER = re.compile(r"[A-Za-z0-9_.]")
#: Keys whose text is Chinese (the last part of a dotted key, or the key in an inline table).
_CHINESE_KEYS = re.compile(r"(?:^|[._])zh$")
#: Lists whose Chinese members are Chinese names (headers, codes, aliases).
_NAME_LISTS = {"aliases", "codes"}
#: Chinese quotations of a document.
_QUOTED = {"wording"}
#: Citations: a Chinese title's brackets only.
_CITATIONS = {"document", "section"}

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
#: The key a string is the value of (or a member of), the strings before it blanked.
_KEY_BEFORE = re.compile(r'([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?:\[(?:\s*"",?)*\s*)?$')


def _chinese(character: str) -> bool:
    return bool(character) and bool(_CJK.match(character))


def _pairs(text: str) -> list[tuple[int, int]]:
    """Positions of matched ASCII bracket pairs (innermost first), unmatched ones left out."""
    stack: list[int] = []
    pairs = []
    for position, character in enumerate(text):
        if character == "(":
            stack.append(position)
        elif character == ")" and stack:
            pairs.append((stack.pop(), position))
    return pairs


def _outside(text: str, position: int, step: int) -> tuple[str, bool]:
    """The character beside a bracket (past one space), and whether a space stood between."""
    near = position + step
    if 0 <= near < len(text) and text[near] == " ":
        far = near + step
        return (text[far] if 0 <= far < len(text) else ""), True
    return (text[near] if 0 <= near < len(text) else ""), False


def chinese_pair(text: str, start: int, end: int, kind: str = "chinese") -> bool:
    """Whether the bracket pair at ``start``, ``end`` of ``text`` stands in Chinese text.

    ``chinese`` (a Chinese field): its content or a character beside it (past one
    space) is Chinese. ``citation``: a character beside it is, and its content has
    no Latin letters.
    """
    content = text[start + 1 : end]
    if start and _IDENTIFIER.match(text[start - 1]) and not _CJK.search(content):
        return False  # code or a part of an identifier: .to('per_100k'), SDG 2.2.2(a)
    before, _ = _outside(text, start, -1)
    after, _ = _outside(text, end, 1)
    beside = _chinese(before) or _chinese(after)
    if kind == "citation":
        return beside and not _LATIN.search(content)
    return beside or bool(_CJK.search(content))


def convert_text(text: str, kind: str) -> str:
    """``text`` with the brackets of its Chinese text full-width (``kind``: how it is read).

    >>> convert_text("孕产妇死亡率(模型估计)", "chinese")
    '孕产妇死亡率（模型估计）'
    >>> convert_text("以每千活产计(‰)。", "chinese")
    '以每千活产计（‰）。'
    >>> convert_text("报告(2020年), press conference (中国青年报 report)", "citation")
    '报告（2020年）, press conference (中国青年报 report)'
    >>> convert_text("新生儿破伤风发病率 (/万) 以上", "chinese")
    '新生儿破伤风发病率（/万）以上'
    >>> convert_text("Live births (WHO)", "chinese")
    'Live births (WHO)'
    >>> convert_text("可用 .to('per_100k') 换算；目标2.2.2(a)。", "chinese")
    "可用 .to('per_100k') 换算；目标2.2.2(a)。"
    """
    characters = list(text)
    for start, end in _pairs(text):
        if not chinese_pair(text, start, end, kind):
            continue
        characters[start], characters[end] = "（", "）"
        before, spaced = _outside(text, start, -1)
        if spaced and _chinese(before):
            characters[start - 1] = ""
        after, spaced = _outside(text, end, 1)
        if spaced and _chinese(after):
            characters[end + 1] = ""
    return "".join(characters)


def _kind(key: str, value: str) -> str | None:
    last = key.rsplit(".", 1)[-1]
    if _CHINESE_KEYS.search(key):
        return "chinese"
    if last in _NAME_LISTS | _QUOTED and _CJK.search(value):
        return "chinese"
    if last in _CITATIONS:
        return "citation"
    return None


def _strings(line: str, key: str | None) -> list[tuple[int, int, str]]:
    """(start, end, key) of each string value on a line, by the key it is the value of."""
    found = []
    for match in _STRING.finditer(line):
        head = line[: match.start()]
        if "#" in _STRING.sub("", head):  # inside a comment
            break
        own = _KEY_BEFORE.search(_STRING.sub('""', head))
        found.append((match.start(1), match.end(1), own.group(1) if own else key or ""))
    return found


def convert_file(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    """The new text of ``path`` and each changed line (number, before, after)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    key: str | None = None  # the key of a list written over several lines
    changed = []
    out = []
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            out.append(line)
            continue
        opening = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*\[[^\]]*$", line)
        if opening:
            key = opening.group(1)
        new = line
        for start, end, own in reversed(_strings(line, key if not opening else None)):
            kind = _kind(own, line[start:end])
            if kind is not None:
                new = new[:start] + convert_text(new[start:end], kind) + new[end:]
        if re.match(r"\s*\]", line):
            key = None
        if new != line:
            changed.append((number, line.rstrip("\n"), new.rstrip("\n")))
        out.append(new)
    return "".join(out), changed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    total = 0
    for path in FILES:
        text, changed = convert_file(path)
        total += len(changed)
        for number, before, after in changed:
            if check or "--verbose" in argv:
                print(f"{path.relative_to(DEFINITIONS)}:{number}:\n  - {before}\n  + {after}")
        if changed and not check:
            path.write_text(text, encoding="utf-8")
        if changed:
            print(f"{path.relative_to(DEFINITIONS)}: {len(changed)} lines", file=sys.stderr)
    print(f"{total} lines {'to change' if check else 'changed'}", file=sys.stderr)
    return 1 if check and total else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
