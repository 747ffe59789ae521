r"""Chinese text that renders: find an installed CJK font, or say once how to install one.

Matplotlib's default fonts have no Chinese glyphs, so county names, the indicators'
Chinese names and units such as 1/10万 would be drawn as empty boxes. Every chart
passes its text through :func:`apply_fonts`, which gives it a font family list
ending in the first installed CJK font of ``definitions/plot_style.toml``
(matplotlib falls back glyph by glyph). Fonts installed after matplotlib cached its
font list are found by their file names. When no CJK font is installed and a chart
has Chinese text, a :class:`CJKFontWarning` says so once, with the command that
installs one on this system. The same pass draws every text as written: matplotlib reads
a text between two ``$`` as mathtext, so an area label or a definition's name holding
``$\alpha$`` was drawn as a formula and one holding ``$\frac{$`` made the chart fail
to draw (``ValueError``); no text of a chart is parsed as mathtext.
"""

from __future__ import annotations

import re
import shutil
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from mch_indicators.plot._style import font_settings

if TYPE_CHECKING:
    from types import FrameType

    from matplotlib.artist import Artist

__all__ = ["CJKFontWarning", "apply_fonts", "cjk_font", "install_command", "reset"]

_CHINESE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_UNSET = object()
#: This package's folder: a frame of a file under it is the library's, not the user's.
_PACKAGE = Path(__file__).resolve().parent.parent
_state: dict[str, object] = {"font": _UNSET, "warned": False}
#: matplotlib's warning, when a chart is drawn, for each Chinese character its fonts
#: lack ("Glyph 23381 (\\N{CJK UNIFIED IDEOGRAPH-5B55}) missing from font(s) ..."):
#: forty lines a chart, all said once by :class:`CJKFontWarning`.
_GLYPH_WARNING = r"Glyph \d+ \(\\N\{(CJK|FULLWIDTH|HALFWIDTH|IDEOGRAPHIC|KANGXI) "


class CJKFontWarning(UserWarning):
    """No installed font can draw the Chinese text of a chart (issued once)."""


def reset() -> None:
    """Forget the font found and the warning given (after installing a font)."""
    _state.update(font=_UNSET, warned=False)


def _installed(families: tuple[str, ...]) -> str | None:
    from matplotlib import font_manager

    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in families if family in names), None)


def _add_font_files(hints: tuple[str, ...]) -> None:
    """Register CJK font files matplotlib's cached font list does not know yet."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        name = Path(path).name.lower()
        if path in known or not any(hint in name for hint in hints):
            continue
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # pragma: no cover - a broken file
            continue


def cjk_font() -> str | None:
    """The installed font the charts use for Chinese text, or None.

    Examples
    --------
    >>> from mch_indicators.plot import cjk_font
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    found = _state["font"]
    if found is _UNSET:
        settings = font_settings()
        found = _installed(settings.families)
        if found is None:
            _add_font_files(settings.files)
            found = _installed(settings.families)
        _state["font"] = found
    return found if isinstance(found, str) else None


def install_command() -> str:
    """The one command that installs a CJK font on this system."""
    install = font_settings().install
    for tool, command in install.items():
        if tool != "other" and shutil.which(tool):
            return command
    return install["other"]


def _outside_stacklevel() -> int:
    """``stacklevel`` of the first caller outside this package, for a warning of its caller.

    A chart reaches :func:`apply_fonts` through one or more of its own helpers; the
    warning points at the user's line that drew the chart, whichever path it took.
    """
    level = 2  # the caller of apply_fonts
    frame: FrameType | None = sys._getframe(level)
    while frame is not None and Path(frame.f_code.co_filename).resolve().is_relative_to(_PACKAGE):
        level, frame = level + 1, frame.f_back
    return level


def apply_fonts(artist: Artist) -> None:
    """Give every text of ``artist`` (an Axes or a Figure) a family that draws Chinese.

    Every text is also drawn as written, never as mathtext (a label's ``$`` is data).

    When no CJK font is installed and some text is Chinese, warn once (a
    :class:`CJKFontWarning` naming the command that installs one), and let
    matplotlib's warnings for each missing Chinese glyph, which come when the
    chart is drawn, say it no more (a filter of those warnings only, set again
    for each such chart: a ``warnings.catch_warnings`` block may have reset it).
    """
    from matplotlib.text import Text

    texts = [t for t in artist.findobj(Text) if isinstance(t, Text)]
    for text in texts:
        text.set_parse_math(False)
    font = cjk_font()
    if font is None:
        if not any(_CHINESE.search(t.get_text()) for t in texts):
            return
        warnings.filterwarnings("ignore", message=_GLYPH_WARNING, category=UserWarning)
        if not _state["warned"]:
            _state["warned"] = True
            warnings.warn(
                "no installed font draws Chinese, so the Chinese text of this chart shows "
                f"as empty boxes; install one with: {install_command()} (then restart Python)",
                CJKFontWarning,
                stacklevel=_outside_stacklevel(),
            )
        return
    for text in texts:
        text.set_fontfamily(["sans-serif", font])
