"""A small on-disk cache of parsed data files, keyed by a hash of their content.

The built-in catalog's TOML takes longer to parse than everything else a first
lookup does; its parsed form is kept as JSON (never pickle: the cache holds data,
not code) in a folder of the user's cache directory, under a name that is a hash
of the files' names and bytes and of this version of the package. A changed file
gets a new name; of each kind the four newest entries are kept when a new one is
written. Each entry starts with a hash of the rest, so a truncated or altered entry is
never used. Reading or writing the cache never fails a call: a missing, corrupt or
unwritable cache only means parsing again.

The folder is ``$MCH_INDICATORS_CACHE_DIR`` when set (an empty value turns the
cache off), else ``$XDG_CACHE_HOME/mch_indicators`` or ``~/.cache/mch_indicators``
(``mch_indicators/Cache`` under ``%LOCALAPPDATA%`` on Windows,
``~/Library/Caches/mch_indicators`` on macOS).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mch_indicators._version import __version__

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = [
    "CACHE_VARIABLE",
    "cache_folder",
    "can_write",
    "code_sources",
    "content_key",
    "package_data",
    "package_toml",
    "read_cached",
    "write_cached",
]

#: The environment variable naming the cache folder ("" turns the cache off).
CACHE_VARIABLE = "MCH_INDICATORS_CACHE_DIR"
#: Changes when the layout of a cached entry changes.
_FORMAT = "2"


def cache_folder() -> Path | None:
    """Where cached entries live, or None when caching is off.

    Examples
    --------
    >>> import os
    >>> folder = cache_folder()
    >>> named = folder is None or folder.name in ("mch_indicators", "Cache")
    >>> named or CACHE_VARIABLE in os.environ
    True
    """
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "mch_indicators" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "mch_indicators"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mch_indicators"


def can_write() -> bool:
    """Whether entries can be written: the cache is on and its folder exists or can be made.

    For work done only to be cached (a read-only or blocked folder would redo it in
    every process).

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {CACHE_VARIABLE: ""}):
    ...     can_write()
    False
    """
    folder = cache_folder()
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def content_key(kind: str, contents: Sequence[tuple[str, bytes]]) -> str:
    """``kind-<hash>``: a name for what is parsed from ``contents`` (file names and bytes).

    Examples
    --------
    >>> one, two = [("a.toml", b"x = 1")], [("a.toml", b"x = 2")]
    >>> content_key("catalog", one) == content_key("catalog", one)
    True
    >>> content_key("catalog", one) == content_key("catalog", two)
    False
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (__version__, _FORMAT, kind):
        digest.update(part.encode() + b"\0")
    for name, content in contents:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return f"{kind}-{digest.hexdigest()}"


def _path(key: str) -> Path | None:
    folder = cache_folder()
    return folder / f"{key}.json" if folder is not None else None


def _digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).hexdigest().encode()


def read_cached(key: str) -> Any | None:
    """The value stored under ``key``, or None (nothing stored, altered, or not JSON).

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {CACHE_VARIABLE: tempfile.mkdtemp()}):
    ...     write_cached("example-1", {"a": [1, 2]})
    ...     whole = read_cached("example-1")
    ...     path = cache_folder() / "example-1.json"
    ...     _ = path.write_bytes(path.read_bytes()[:-1])  # truncated
    ...     cut = read_cached("example-1")
    >>> whole, cut
    ({'a': [1, 2]}, None)
    """
    path = _path(key)
    if path is None:
        return None
    try:
        stored, _, body = path.read_bytes().partition(b"\n")
        return json.loads(body) if stored == _digest(body) else None
    except (OSError, ValueError, RecursionError):
        return None


#: Entries of one kind kept: the newest few, so that two installs of different versions
#: on one machine (two virtual environments, two checkouts) do not keep replacing
#: each other's entry, while old versions' entries do not pile up.
KEPT_PER_KIND = 4


def write_cached(key: str, value: Any) -> None:
    """Store ``value`` (JSON data) under ``key``; of its kind, the newest entries are kept."""
    path = _path(key)
    if path is None:
        return
    kind = key.rsplit("-", 1)[0]
    temporary: str | None = None
    try:
        import tempfile  # here: a process that only reads the cache never needs it

        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        with os.fdopen(handle, "wb") as file:
            file.write(_digest(body) + b"\n" + body)
        os.replace(temporary, path)  # atomic: a reader sees the old file or the new one
        temporary = None
        _prune(path, kind)
    except (OSError, TypeError, ValueError):
        pass  # no cache this time: the next call parses again
    finally:
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)


def _prune(written: Path, kind: str) -> None:
    """Remove the entries of ``kind`` beyond the :data:`KEPT_PER_KIND` newest."""
    others = [old for old in written.parent.glob(f"{kind}-*.json") if old != written]
    others.sort(key=lambda old: old.stat().st_mtime, reverse=True)
    for old in others[KEPT_PER_KIND - 1 :]:
        old.unlink(missing_ok=True)


def package_toml(name: str) -> dict[str, Any]:
    """The package's data file ``definitions/<name>`` parsed, from the cache when unchanged.

    ``name`` may name a file of a sub-folder (``records/births.toml``).

    Spares a first computation the TOML parser (importing it costs more than reading
    the cached JSON). Raises ``tomllib.TOMLDecodeError`` (a ValueError) on bad TOML.

    Examples
    --------
    >>> package_toml("units.toml")["units"]["percent"]["symbol"]
    '%'
    """
    raw = package_data().joinpath(name).read_bytes()
    key = content_key(f"data_{name.rsplit('.', 1)[0].replace('/', '_')}", [(name, raw)])
    cached = read_cached(key)
    if isinstance(cached, dict):
        return cached
    import tomllib  # here: only when the file is not cached

    data = tomllib.loads(raw.decode("utf-8"))
    write_cached(key, data)
    return data


def code_sources(modules: Sequence[str], tables: Sequence[str]) -> list[tuple[str, bytes]] | None:
    """The source of ``modules`` (paths in the package) and the bytes of its data files ``tables``.

    With the Python version: what a cache entry built by that code from those files is
    named by (:func:`content_key`). None where a source cannot be read.
    """
    package = Path(__file__).parent
    folder = package_data()
    try:
        code = [(name, package.joinpath(name).read_bytes()) for name in modules]
        data = [(name, folder.joinpath(name).read_bytes()) for name in tables]
    except (OSError, TypeError):
        return None
    return [*code, *data, ("python", sys.version.encode())]


def package_data() -> Traversable:
    """The package's data folder, ``mch_indicators/definitions``.

    The folder itself when the package is installed as files (as pip installs it):
    that needs no :mod:`importlib.resources`, whose import (it imports :mod:`tempfile`)
    costs a first lookup several milliseconds. Else (a zip archive) the resource the
    import system gives.

    Examples
    --------
    >>> package_data().joinpath("units.toml").is_file()
    True
    """
    folder = Path(__file__).with_name("definitions")
    if folder.is_dir():
        return folder
    from importlib import resources

    return resources.files("mch_indicators.definitions")
