"""Text from arXiv and LLMs is untrusted: helpers that make it readable and inert in markdown."""

from __future__ import annotations

import html
import re
import unicodedata

_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
}
_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "in": "∈",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "sim": "~",
    "infty": "∞",
    "times": "×",
    "cdot": "·",
    "pm": "±",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "partial": "∂",
    "nabla": "∇",
    "sum": "Σ",
    "prod": "Π",
    "ell": "ℓ",
    "log": "log",
    "exp": "exp",
    "min": "min",
    "max": "max",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "$": "$",
}
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}

_ACCENT_RE = re.compile(r"""\\(["'`^~=.cvuH])\s*(?:\{\s*\\?([A-Za-z])\s*\}|\\?([A-Za-z]))""")
_MATHBB_RE = re.compile(r"\\mathbb\s*\{\s*([A-Z])\s*\}")
_SQRT_RE = re.compile(r"\\sqrt\s*\{([^{}]*)\}")
_TILDE_RE = re.compile(r"\\(?:tilde|widetilde)\s*\{?\s*([A-Za-z])\s*\}?")
_STYLE_RE = re.compile(
    r"\\(?:emph|textbf|textit|texttt|mathrm|mathbf|mathcal|mathit|text|"
    r"operatorname|boldsymbol|textsc|mbox)\s*\{([^{}]*)\}"
)
_MACRO_RE = re.compile(r"\\([A-Za-z]+|[%&_#$])")


def latex_to_text(text: str) -> str:
    """Turn the LaTeX that arXiv titles and abstracts carry into readable unicode.

    ``$\\alpha$-Divergence`` becomes ``α-Divergence``, ``Schr\\"odinger`` becomes ``Schrödinger``.
    Unknown macros lose their backslash rather than vanish, so nothing meaningful is dropped.
    """
    if "\\" not in text and "$" not in text and "{" not in text:
        return text

    def accent(m: re.Match[str]) -> str:
        return unicodedata.normalize("NFC", (m.group(2) or m.group(3)) + _ACCENTS[m.group(1)])

    out = _ACCENT_RE.sub(accent, text)
    out = _MATHBB_RE.sub(lambda m: _BLACKBOARD.get(m.group(1), m.group(1)), out)
    out = _TILDE_RE.sub(lambda m: unicodedata.normalize("NFC", m.group(1) + "\u0303"), out)
    for _ in range(3):  # nested styles like \textbf{\emph{x}}
        out = _STYLE_RE.sub(r"\1", out)
        out = _SQRT_RE.sub(r"√(\1)", out)
    out = _MACRO_RE.sub(lambda m: _SYMBOLS.get(m.group(1), m.group(1)), out)
    out = out.replace("$", "").replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", out).strip()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+\.)", re.M)


def md_inline(text: str | None) -> str:
    """Escape untrusted text for a markdown line: no raw HTML, links, emphasis or headings."""
    if not text:
        return ""
    flat = re.sub(r"\s+", " ", text).strip()
    escaped = html.escape(flat, quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def readable(text: str | None) -> str:
    """LaTeX made readable, then escaped: what every rendered title and abstract goes through."""
    return md_inline(latex_to_text(text or ""))


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "..."


def normalize_name(name: str) -> str:
    """Compare author names without accents, case, dots or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O")
    return re.sub(r"[\s.]+", " ", stripped).strip().casefold()


_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")


def md_block(text: str | None) -> str:
    """Untrusted multi-line markdown (an LLM's long summary): keep lists, emphasis and headings
    (demoted below the digest's own), drop raw HTML, links and images."""
    if not text:
        return ""
    out = html.escape(text.strip(), quote=False)
    out = _LINK.sub(lambda m: m.group(1), out)
    out = _HEADING.sub(lambda m: "##### " if len(m.group(1)) <= 2 else "###### ", out)
    return re.sub(r"\n{3,}", "\n\n", out)
