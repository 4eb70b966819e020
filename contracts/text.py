"""Text cleaning shared by every stage (DESIGN §4, "Text").

PDF text layers break cell text over lines, leave stray spaces between CJK characters and mix full-width and
ASCII punctuation. `clean` turns all of that into one canonical spelling without changing meaning.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that are "wide" for spacing purposes: CJK ideographs, CJK punctuation and full-width forms.
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’、，。；：！？（）【】《》〔〕"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_MULTISPACE = re.compile(r"\s+")

# NFKC maps full-width ASCII to ASCII but leaves these alone, and maps some (： ，) that we want to keep
# in their CJK form; we restore the CJK punctuation after NFKC where it follows or precedes CJK text.
_PUNCT_TO_CJK = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}


def join_lines(text: str) -> str:
    """Join the lines of a wrapped cell: no separator, except a space between two Latin/digit tokens."""
    parts = [p.strip() for p in text.splitlines()]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and re.match(r"[A-Za-z0-9]", part) and re.search(r"[A-Za-z]$", out):
            out += " "
        out += part
    return out


def clean(text: str | None) -> str:
    """Canonical cell text: NFKC, lines joined, spaces next to CJK removed, CJK punctuation unified."""
    if text is None:
        return ""
    text = join_lines(unicodedata.normalize("NFKC", str(text)).replace("\u00a0", " "))
    text = _MULTISPACE.sub(" ", text)
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return _unify_punct(text).strip()


def _unify_punct(text: str) -> str:
    """ASCII , ; : ( ) next to CJK text become their full-width forms, so one spelling wins."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    out = []
    for i, ch in enumerate(text):
        if ch in _PUNCT_TO_CJK:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            # keep "1.5", "10:30" and "(1)" style ASCII constructs between digits/Latin
            if ch in ",:" and before.isdigit() and after.isdigit():
                out.append(ch)
                continue
            out.append(_PUNCT_TO_CJK[ch])
        else:
            out.append(ch)
    return "".join(out)


def compact(text: str | None) -> str:
    """Text with every space removed: the key used to compare labels and names."""
    return _MULTISPACE.sub("", clean(text))


def strip_star(text: str) -> tuple[str, bool]:
    """Remove a leading ★ (core-indicator marker); return the text and whether it was there."""
    stripped = text.lstrip()
    if stripped.startswith(("★", "☆")):
        return stripped[1:].lstrip(), True
    return text, False
