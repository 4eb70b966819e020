"""Find the CJK fonts to draw with: the machine's (fontconfig), else the one the dev dependency group ships.

The machine's fonts come first: where it has a TrueType CJK font, its fonts are the whole list, as before.
Where it has none (a fresh machine; CFF fonts such as Noto CJK do not count, reportlab cannot embed them), the
generator draws with WenQuanYi Micro Hei from the `paperang-p2-fonts-cjk` wheel, the very file Debian ships
as fonts-wqy-microhei. FIXTUREGEN_FONTS=packaged
ignores the machine's fonts, to render what such a machine renders. The list is sorted by key, so one set
of fonts always gives the same PDFs for a seed.
"""

from __future__ import annotations

import functools
import html
import importlib.resources
import os
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
# (module, file inside it, face, family): TrueType CJK fonts from the dev dependency group (pyproject.toml).
PACKAGED = (("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"),)
# FIXTUREGEN_FONTS: "system" (default: the machine's, the packaged ones where it has none) | "packaged"
ENV = "FIXTUREGEN_FONTS"


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


def _packaged() -> list[tuple[str, int, str, str]]:
    faces = []
    for module, name, index, family in PACKAGED:
        try:
            path = importlib.resources.files(module).joinpath(name)
        except ModuleNotFoundError:
            continue
        if path.is_file():
            faces.append((str(path), index, family, "TrueType"))
    return faces


def _system() -> list[tuple[str, int, str, str]]:
    return _fc_list() or [(p, 0, Path(p).stem, "TrueType") for p in KNOWN_FILES if Path(p).exists()]


def _one_face_per_file(faces: list[tuple[str, int, str, str]]) -> list[CjkFont]:
    """One face per font file, preferring the simplified-Chinese face of a collection."""
    by_file: dict[str, tuple[str, int, str, str]] = {}
    for face in sorted(faces, key=lambda f: (f[0], f[1])):
        path, _, family, _ = face
        current = by_file.get(path)
        if current is None or (family.endswith((" CN", " SC")) and not current[2].endswith((" CN", " SC"))):
            by_file[path] = face
    return [CjkFont(Path(p).stem, p, i, fam, fmt == "TrueType") for p, i, fam, fmt in by_file.values()]


@functools.cache
def cjk_fonts() -> tuple[CjkFont, ...]:
    """The machine's CJK fonts, plus the packaged ones when none of them is TrueType; sorted by key."""
    mode = os.environ.get(ENV, "system")
    if mode not in ("system", "packaged"):
        raise FontsMissing(f"fixturegen: {ENV}={mode!r}; use system or packaged")
    fonts = _one_face_per_file(_system()) if mode == "system" else []
    if not any(f.truetype for f in fonts):
        have = {f.key for f in fonts}
        fonts += [f for f in _one_face_per_file(_packaged()) if f.key not in have]
    if not fonts:
        raise FontsMissing(
            "fixturegen: no CJK font found (fc-list :lang=zh is empty, and the dev dependency group's "
            "paperang-p2-fonts-cjk is not installed: `make sync`). Or install one, e.g. "
            f"`apt-get install -y {PACKAGES}`"
        )
    return tuple(sorted(fonts, key=lambda f: f.key))


def reportlab_fonts() -> tuple[CjkFont, ...]:
    """The CJK fonts reportlab can embed; raises FontsMissing naming the packages when there is none."""
    fonts = tuple(f for f in cjk_fonts() if f.truetype)
    if not fonts:
        raise FontsMissing(
            "fixturegen: no TrueType CJK font found for reportlab (CFF/OTF fonts such as Noto CJK cannot be "
            "embedded), and the dev dependency group's paperang-p2-fonts-cjk is not installed: `make sync`. "
            f"Or install one, e.g. `apt-get install -y {PACKAGES}`"
        )
    return fonts


def fontconfig_env(tmpdir: Path) -> dict[str, str]:
    """The environment for LibreOffice, which finds fonts through fontconfig: where the packaged fonts are in
    use, FONTCONFIG_FILE names a config (written into tmpdir) that adds their folders to the usual one."""
    env = dict(os.environ)
    packaged = {path for path, *_ in _packaged()}
    folders = sorted({str(Path(f.path).parent) for f in cjk_fonts() if f.path in packaged})
    if folders:
        usual = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
        conf = Path(tmpdir) / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{html.escape(usual)}</include>\n'
            + "".join(f"  <dir>{html.escape(d)}</dir>\n" for d in folders)
            + f"  <cachedir>{html.escape(str(Path(tmpdir) / 'fontconfig'))}</cachedir>\n</fontconfig>\n",
            encoding="utf-8",
        )
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def font_by_key(key: str) -> CjkFont:
    """The installed font with this key; "" means the first one."""
    if not key:
        return cjk_fonts()[0]
    for f in cjk_fonts():
        if f.key == key:
            return f
    raise FontsMissing(f"fixturegen: font {key!r} not installed; have {[f.key for f in cjk_fonts()]}")
