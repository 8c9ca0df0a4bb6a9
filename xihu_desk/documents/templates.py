"""The fixed wording of the documents: one TOML file per document under resources/templates.

An office may edit those files (headings, the notice text, the copies sentence…) without code;
a copy in ``<data folder>/templates/`` takes precedence over the shipped file of the same name,
so an office's wording survives an upgrade. Values may use ``{name}`` placeholders that the
builder fills in; user text is filled in as typed and escaped afterwards, never interpreted.
"""

from __future__ import annotations

import threading
import tomllib
from pathlib import Path
from typing import Any

from xihu_desk.domain.errors import UserError
from xihu_desk.paths import resources_dir

_lock = threading.Lock()
_cache: dict[Path, tuple[float, dict[str, Any]]] = {}


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


class Template:
    """One document's wording: ``t["title"]``, ``t.fill("copies", copies_cn="三")``."""

    def __init__(self, name: str, values: dict[str, Any], path: Path):
        self.name = name
        self.values = values
        self.path = path

    def __getitem__(self, key: str) -> Any:
        node: Any = self.values
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise UserError(f"文书模板 {self.path.name} 中缺少“{key}”一项，请对照程序自带的模板补上。")
            node = node[part]
        return node

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except UserError:
            return default

    def fill(self, key: str, **values: Any) -> str:
        text = self[key]
        if not isinstance(text, str):
            raise UserError(f"文书模板 {self.path.name} 中“{key}”应为一段文字。")
        try:
            return text.format_map(_Missing({k: "" if v is None else v for k, v in values.items()}))
        except KeyError as exc:
            raise UserError(f"文书模板 {self.path.name} 的“{key}”用了未知的占位符 {{{exc.args[0]}}}。") from None
        except (ValueError, IndexError):
            raise UserError(f"文书模板 {self.path.name} 的“{key}”中的花括号不成对，请检查。") from None

    def lines(self, key: str) -> list[str]:
        value = self[key]
        if isinstance(value, str):
            return [line for line in value.strip().splitlines()]
        return [str(v) for v in value]


def template_dirs(override: Path | None) -> list[Path]:
    shipped = resources_dir() / "templates"
    return [override, shipped] if override is not None else [shipped]


def load(name: str, override: Path | None = None) -> Template:
    """``name`` is the file's stem: agreement, notice, _common…"""
    for folder in template_dirs(override):
        path = folder / f"{name}.toml"
        if path.is_file():
            return Template(name, _read(path), path)
    raise UserError(f"找不到文书模板 {name}.toml（安装不完整？）。")


def _read(path: Path) -> dict[str, Any]:
    mtime = path.stat().st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"文书模板 {path} 格式有误：{exc}") from None
    with _lock:
        _cache[path] = (mtime, values)
    return values
