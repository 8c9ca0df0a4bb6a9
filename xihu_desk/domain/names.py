"""Sort keys for names, so lists of people and committees follow the order of the dictionary and
of every paper roster — pinyin, then tone (丁 李 刘 王 张 赵) — instead of the order of code points
(丁 刘 张 李 王 赵).

The key is stored beside the name when the name is written (mediator.name_key,
committee.name_key) so SQL can sort and page by it; the same function orders lists that are
sorted in Python, so the screens, the exports and the command line agree.
"""

from __future__ import annotations

KEY_LENGTH = 400  # the stored column's width; a longer key is cut (only ties beyond it are affected)

# Surnames whose reading differs from the character's everyday one (单 is shàn as a surname, not
# dān); used for the first character of a person's name only.
SURNAME_READINGS = {
    "单": "shan4",
    "曾": "zeng1",
    "区": "ou1",
    "仇": "qiu2",
    "解": "xie4",
    "朴": "piao2",
    "查": "zha1",
    "盖": "ge3",
    "覃": "qin2",
    "乐": "yue4",
    "缪": "miao4",
    "翟": "zhai2",
    "种": "chong2",
    "秘": "bi4",
    "召": "shao4",
    "句": "gou1",
    "员": "yun4",
    "繁": "po2",
    "隗": "wei3",
    "冼": "xian3",
    "洗": "xian3",
    "折": "she2",
    "阚": "kan4",
    "尉": "yu4",
    "黑": "he4",
    "能": "nai4",
    "宓": "fu2",
    "蕃": "pi2",
}
SEPARATOR = " "  # between syllables: sorts before any letter or digit, so 李 comes before 李四
END = "\t"  # before the name itself, which breaks ties between names that read alike


def sort_key(name: str, *, person: bool = False) -> str:
    """The text a name sorts by: its pinyin with tone numbers, syllable by syllable, then the
    name itself. Letters and digits in the name sort as they are (lower case)."""
    # pypinyin's dictionaries take about 0.4 s to load: paid when a name is written, not by every
    # command and every start of the program.
    from pypinyin import Style, lazy_pinyin

    text = " ".join((name or "").split())
    syllables = [s.strip().lower() for s in lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)]
    syllables = [s for s in syllables if s]
    if person and text and text[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[text[0]]
    return (SEPARATOR.join(syllables) + END + text)[:KEY_LENGTH]


def person_key(name: str) -> str:
    return sort_key(name, person=True)
