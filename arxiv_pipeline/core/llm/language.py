"""Is a reply in the language that was asked for? Lingua's models ship inside its wheel (no
download at run time); Simplified and Traditional Chinese are told apart by their characters."""

from __future__ import annotations

import functools

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LINGUA: dict[str, Language] = {
    "en": Language.ENGLISH,
    "zh": Language.CHINESE,
    "zh-TW": Language.CHINESE,
    "ja": Language.JAPANESE,
    "ko": Language.KOREAN,
    "de": Language.GERMAN,
    "fr": Language.FRENCH,
    "es": Language.SPANISH,
    "pt": Language.PORTUGUESE,
    "ru": Language.RUSSIAN,
    "it": Language.ITALIAN,
}
# Frequent characters written differently in Simplified and Traditional Chinese, pair by pair.
_SIMPLIFIED = (
    "这们为说个时来对会发学实现种过进动经问题数据还没机关样开长间见让认体设计论显应变将优视资话读车门东试验结"
)
_TRADITIONAL = (
    "這們為說個時來對會發學實現種過進動經問題數據還沒機關樣開長間見讓認體設計論顯應變將優視資話讀車門東試驗結"
)
_MIN_LETTERS = 20  # shorter replies carry too little to judge


@functools.cache
def _detector() -> LanguageDetector:
    # Low-accuracy mode: 27 MB instead of 175 MB, and plenty for replies of a few sentences.
    return LanguageDetectorBuilder.from_languages(*set(LINGUA.values())).with_low_accuracy_mode().build()


def _chinese_script(text: str) -> str | None:
    simplified = sum(text.count(c) for c in _SIMPLIFIED)
    traditional = sum(text.count(c) for c in _TRADITIONAL)
    if max(simplified, traditional) < 3:
        return None
    return "zh" if simplified > traditional else "zh-TW"


def language_mismatch(text: str, language: str) -> str | None:
    """None when ``text`` reads as ``language`` (or is too short to tell), else the language it reads as."""
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return None
    detected = _detector().detect_language_of(text)
    if detected is None:
        return None
    if detected != LINGUA[language]:
        return detected.name.title()
    if detected == Language.CHINESE and (script := _chinese_script(text)) not in (None, language):
        return "Simplified Chinese" if script == "zh" else "Traditional Chinese"
    return None
