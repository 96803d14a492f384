"""Is a reply in the language that was asked for? Lingua's models ship inside its wheel (no
download at run time); Simplified and Traditional Chinese are told apart by their characters."""

from __future__ import annotations

import functools
import re

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


# Scripts of the CJK languages: a summary in one of them is full of English technical terms (LLM,
# Transformer, KV cache), which can outweigh its own script for a statistical detector.
_SCRIPTS = {
    "zh": re.compile(r"[\u3400-\u9fff]"),
    "zh-TW": re.compile(r"[\u3400-\u9fff]"),
    "ja": re.compile(r"[\u3040-\u30ff]"),  # kana: what tells Japanese from Chinese
    "ko": re.compile(r"[\uac00-\ud7af]"),
}
_SCRIPT_SHARE = 0.25  # of the letters, enough to be written in that language


def _in_own_script(text: str, language: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    if language.startswith("zh") and len(_SCRIPTS["ja"].findall(text)) >= 3:
        return False  # kana: Japanese, whatever its kanji share
    own = len(_SCRIPTS[language].findall(text))
    if language == "ja":  # kanji count too, once there is kana at all
        own += len(_SCRIPTS["zh"].findall(text)) if own else 0
    return letters > 0 and own / letters >= _SCRIPT_SHARE


def language_mismatch(text: str, language: str) -> str | None:
    """None when ``text`` reads as ``language`` (or is too short to tell), else the language it reads as."""
    if sum(ch.isalpha() for ch in text) < _MIN_LETTERS:
        return None
    if language in _SCRIPTS and _in_own_script(text, language):
        if language.startswith("zh") and (script := _chinese_script(text)) not in (None, language):
            return "Simplified Chinese" if script == "zh" else "Traditional Chinese"
        return None
    detected = _detector().detect_language_of(text)
    if detected is None:
        return None
    if detected != LINGUA[language]:
        return detected.name.title()
    if detected == Language.CHINESE and (script := _chinese_script(text)) not in (None, language):
        return "Simplified Chinese" if script == "zh" else "Traditional Chinese"
    return None
