"""Side-by-side comparison of two revisions of a speech draft, word by word for Chinese.

Chinese has no spaces, so a line or character diff reads badly: the units here are jieba words
(`core.text.tokens`, every character kept). The diff itself is Google's diff-match-patch (a well-kept
library, `diff-match-patch` on PyPI): each distinct word is mapped to one character (the library's own
"lines to chars" trick, applied to words), diffed, cleaned up semantically (so a changed phrase shows as one
deletion and one insertion rather than a comb of one-word changes) and mapped back.

Paragraphs are aligned first (a paragraph-level diff), then each changed pair is compared word by word, so
the two columns stay level: one row per paragraph pair.
"""

from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from core.text import tokens

from .models import split_paragraphs

EQUAL, DELETE, INSERT = 0, -1, 1
# A pathological pair (two unrelated 30,000-character drafts) stops refining after this many seconds and
# still returns a correct, coarser diff.
TIMEOUT_SECONDS = 2.0


def _engine() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = TIMEOUT_SECONDS
    return dmp


def _encode(seqs: list[list[str]]) -> tuple[list[str], list[str]]:
    """Map each distinct unit to one character; return the encoded strings and the table to decode."""
    table: list[str] = []
    index: dict[str, int] = {}
    encoded = []
    for seq in seqs:
        chars = []
        for unit in seq:
            if unit not in index:
                index[unit] = len(table)
                table.append(unit)
            # Start above the surrogate range and control characters; 1.1 million code points is more
            # distinct words than any draft has.
            chars.append(chr(0xE000 + index[unit]) if index[unit] < 0x1000 else chr(0x10000 + index[unit]))
        encoded.append("".join(chars))
    return encoded, table


def _decode(ch: str, table: list[str]) -> str:
    code = ord(ch)
    return table[code - 0xE000] if code < 0x10000 else table[code - 0x10000]


def _diff_units(a: list[str], b: list[str], *, semantic: bool = True) -> list[tuple[int, list[str]]]:
    (ea, eb), table = _encode([a, b])
    dmp = _engine()
    diffs = dmp.diff_main(ea, eb, False)
    if semantic:
        dmp.diff_cleanupSemantic(diffs)
    return [(op, [_decode(ch, table) for ch in text]) for op, text in diffs]


def word_diff(old: str, new: str) -> list[tuple[int, str]]:
    """The word-level diff of two texts: (op, text) pieces, op −1 deleted, 0 kept, 1 inserted."""
    return [(op, "".join(units)) for op, units in _diff_units(tokens(old), tokens(new))]


@dataclass
class Row:
    """One row of the side-by-side view: a paragraph of the old revision and its counterpart in the new."""

    kind: str  # "equal", "changed", "removed", "added"
    left: list[tuple[int, str]] = field(default_factory=list)
    right: list[tuple[int, str]] = field(default_factory=list)
    left_number: int | None = None
    right_number: int | None = None


@dataclass
class Comparison:
    rows: list[Row]
    inserted: int  # characters inserted (white space not counted)
    deleted: int

    @property
    def changed(self) -> bool:
        return any(r.kind != "equal" for r in self.rows)


def _pair(old: str, new: str, ln: int, rn: int) -> Row:
    pieces = word_diff(old, new)
    left = [(op, text) for op, text in pieces if op != INSERT]
    right = [(op, text) for op, text in pieces if op != DELETE]
    return Row("changed", left, right, ln, rn)


def side_by_side(old: str, new: str) -> Comparison:
    """Rows of aligned paragraphs with word-level marks, and how many characters were added and removed."""
    pa, pb = split_paragraphs(old), split_paragraphs(new)
    rows: list[Row] = []
    i = j = 0
    pending_del: list[str] = []
    pending_ins: list[str] = []

    def flush():
        nonlocal i, j
        # A run of removed paragraphs next to a run of added ones: pair them in order (edited paragraphs),
        # the surplus on either side stands alone.
        for k in range(max(len(pending_del), len(pending_ins))):
            if k < len(pending_del) and k < len(pending_ins):
                rows.append(_pair(pending_del[k], pending_ins[k], i + 1, j + 1))
                i += 1
                j += 1
            elif k < len(pending_del):
                rows.append(Row("removed", [(DELETE, pending_del[k])], [], i + 1, None))
                i += 1
            else:
                rows.append(Row("added", [], [(INSERT, pending_ins[k])], None, j + 1))
                j += 1
        pending_del.clear()
        pending_ins.clear()

    for op, units in _diff_units(pa, pb, semantic=False):
        if op == EQUAL:
            flush()
            for p in units:
                rows.append(Row("equal", [(EQUAL, p)], [(EQUAL, p)], i + 1, j + 1))
                i += 1
                j += 1
        elif op == DELETE:
            pending_del.extend(units)
        else:
            pending_ins.extend(units)
    flush()
    inserted = sum(_count(t) for r in rows for op, t in r.right if op == INSERT)
    deleted = sum(_count(t) for r in rows for op, t in r.left if op == DELETE)
    return Comparison(rows, inserted, deleted)


def _count(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())
