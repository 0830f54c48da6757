"""Simplified/Traditional conversion, the normalised search form of text, and the one input cleaner.

Text is stored as users wrote it, less what `clean_text` drops at the door. Next to each searchable field a normalised form is kept
(Simplified, half-width, no spaces, lower-case), written by the services, so a search in either
script or in full-width characters finds the same rows.
"""

import functools
import re
import unicodedata

import opencc

from .hk_phrases import hk_wording


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified → Traditional, Hong Kong variant (委员 → 委員), in Hong Kong wording (登录 → 登入:
    core.hk_phrases)."""
    return hk_wording(_converter("s2hk").convert(text)) if text else text


def to_simplified(text: str) -> str:
    """Traditional (any variant) → Simplified."""
    return _converter("t2s").convert(text) if text else text


_SPACES = re.compile(r"\s+")

# Everything XML 1.0 (and so an .xlsx cell, a .docx paragraph) cannot hold: C0 controls except tab, newline and
# carriage return (NUL included, which PostgreSQL refuses in text), lone surrogates (a JSON "\\ud800" escape;
# not encodable as UTF-8) and the non-characters U+FFFE/U+FFFF.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Text as it may be stored: the characters no database, export or XML file can hold dropped.

    Applied at every door — form and query values (`core.middleware.CleanInputMiddleware`), API bodies
    (`core.api.InputSchema`) — so nothing downstream meets them. Nothing else is changed (no NFC, no
    trimming): what the user typed stays what they typed."""
    if not text:
        return text
    return _UNSTORABLE.sub("", text)


def normalise(text: str | None) -> str:
    """The search form: Simplified, NFKC (full-width → half-width), lower-case, no white space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = to_simplified(text)
    return _SPACES.sub("", text).lower()


def search_form(*parts: str | None) -> str:
    """Join several fields into one search column, separated so a match cannot span two fields."""
    return "|".join(normalise(p) for p in parts if p)


@functools.cache
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """Chinese words of a text (jieba, search mode), Simplified and lower-case, punctuation dropped."""
    norm = to_simplified(unicodedata.normalize("NFKC", text or "")).lower()
    return [w for w in _jieba().cut_for_search(norm) if w.strip() and not _is_punct(w)]


def _is_punct(word: str) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in word)


def tokens(text: str) -> list[str]:
    """jieba tokens (accurate mode) that join back to exactly `text`: every character kept, punctuation and
    white space as their own tokens — the units of a word-level diff of Chinese.

    jieba's dictionary is Simplified, so Traditional text is segmented through its Simplified form when the
    conversion keeps its length (character for character, the usual case) and cut back at the same places.
    """
    if not text:
        return []
    simplified = to_simplified(text)
    if len(simplified) != len(text):
        simplified = text
    out, start = [], 0
    for piece in _jieba().cut(simplified):
        out.append(text[start : start + len(piece)])
        start += len(piece)
    return out
