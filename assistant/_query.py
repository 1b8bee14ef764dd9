"""Follow-up questions become self-contained search queries (rule-based, no LLM)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_FOLLOW_UP_START = re.compile(
    r"^\s*(and|but|also|what about|how about|and what about|what if|same for|ok(ay)?,?|so)\b",
    re.IGNORECASE,
)
_PRONOUNS = {"it", "they", "them", "this", "that", "these", "those", "its", "their", "there"}
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "at",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "we",
        "you",
        "he",
        "she",
        "it",
        "they",
        "them",
        "our",
        "your",
        "their",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "must",
        "shall",
        "will",
        "not",
        "no",
        "yes",
        "about",
        "into",
        "over",
        "under",
        "than",
        "then",
        "so",
        "such",
        "also",
        "any",
        "some",
        "more",
        "most",
        "other",
        "there",
        "here",
        "just",
        "very",
        "much",
        "many",
        "own",
        "same",
        "both",
        "each",
        "few",
        "only",
        "too",
        "out",
        "up",
        "down",
        "off",
        "again",
        "further",
        "once",
        "all",
        "me",
        "my",
        "us",
        "his",
        "her",
        "its",
        "am",
        "please",
        "tell",
        "know",
        "want",
        "need",
        "get",
        "make",
    ]
)


_SUFFIXES = ("ations", "ation", "ies", "ing", "ed", "es", "s", "al", "ly")


def stem(word: str) -> str:
    """A crude stem, enough to match a question's word with its other forms in a passage."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 2]


def is_follow_up(question: str) -> bool:
    """Short, or opens like a continuation, or leans on a pronoun with little topic of its own."""
    words = _WORD.findall(question.lower())
    if _FOLLOW_UP_START.match(question):
        return True
    own_topic = content_words(question)
    return len(words) <= 4 or (bool(_PRONOUNS & set(words)) and len(own_topic) <= 2)


def search_query(question: str, history: Sequence[str]) -> str:
    """The question, plus the topic words of the previous question when it is a follow-up.

    "What about costs?" after "How should training be organised?" searches for
    "What about costs? (training organised)".
    """
    previous = [h for h in history if h.strip()]
    if not previous or not is_follow_up(question):
        return question
    carried = [w for w in content_words(previous[-1]) if w not in content_words(question)]
    return f"{question} ({' '.join(dict.fromkeys(carried))})" if carried else question
