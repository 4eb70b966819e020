"""Find the CJK fonts installed on this machine (fontconfig), or fail with the packages to install."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PACKAGES = "fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai"
# Used when fc-list is missing: where Debian puts the fonts named above.
KNOWN_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)


class FontsMissing(RuntimeError):
    """No usable CJK font: the generator cannot draw Chinese text."""


@dataclass(frozen=True)
class CjkFont:
    key: str  # file stem, e.g. "wqy-zenhei"
    path: str
    index: int  # face inside a .ttc
    family: str  # fontconfig family, for LibreOffice
    truetype: bool  # reportlab only embeds TrueType outlines (not CFF/OTF such as Noto CJK)


def _fc_list() -> list[tuple[str, int, str, str]]:
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(
        ["fc-list", ":lang=zh", "--format", "%{file}|%{index}|%{family[0]}|%{fontformat}\n"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 4 and parts[0]:
            faces.append((parts[0], int(parts[1] or 0), parts[2], parts[3]))
    return faces


@functools.cache
def cjk_fonts() -> tuple[CjkFont, ...]:
    """One face per font file, preferring the simplified-Chinese face of a collection; sorted by key."""
    faces = _fc_list() or [(p, 0, Path(p).stem, "TrueType") for p in KNOWN_FILES if Path(p).exists()]
    by_file: dict[str, tuple[str, int, str, str]] = {}
    for face in sorted(faces, key=lambda f: (f[0], f[1])):
        path, _, family, _ = face
        current = by_file.get(path)
        if current is None or (family.endswith((" CN", " SC")) and not current[2].endswith((" CN", " SC"))):
            by_file[path] = face
    fonts = [CjkFont(Path(p).stem, p, i, fam, fmt == "TrueType") for p, i, fam, fmt in by_file.values()]
    if not fonts:
        raise FontsMissing(
            "fixturegen: no CJK font found (fc-list :lang=zh is empty). Install one, e.g. "
            f"`apt-get install -y {PACKAGES}`"
        )
    return tuple(sorted(fonts, key=lambda f: f.key))


def reportlab_fonts() -> tuple[CjkFont, ...]:
    """The CJK fonts reportlab can embed; raises FontsMissing naming the Debian packages when there is none."""
    fonts = tuple(f for f in cjk_fonts() if f.truetype)
    if not fonts:
        raise FontsMissing(
            "fixturegen: no TrueType CJK font found for reportlab (CFF/OTF fonts such as Noto CJK cannot be "
            f"embedded). Install one, e.g. `apt-get install -y {PACKAGES}`"
        )
    return fonts


def font_by_key(key: str) -> CjkFont:
    """The installed font with this key; "" means the first one."""
    if not key:
        return cjk_fonts()[0]
    for f in cjk_fonts():
        if f.key == key:
            return f
    raise FontsMissing(f"fixturegen: font {key!r} not installed; have {[f.key for f in cjk_fonts()]}")
