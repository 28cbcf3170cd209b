"""Reading Terraform files with python-hcl2, and resolving the few expression shapes infra/ uses
(local references, `N * local.x.y`, `merge(local.x, {...})`) well enough to check them."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


class SyntaxProblem(Exception):
    pass


def parse_file(path: Path) -> dict:
    try:
        return copy.deepcopy(_parse_text(path.read_text()))
    except Exception as error:  # the parser raises lark errors of several kinds
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise SyntaxProblem(f"{path}: {first_line}") from error


# The self-tests parse many copies of mostly unchanged files; parsing is the slow part.
@functools.lru_cache(maxsize=256)
def _parse_text(text: str) -> dict:
    return hcl2.loads(text, serialization_options=_OPTIONS)


def _label(text: str) -> str:
    return text.strip('"')


@dataclass
class Directory:
    """The blocks of one Terraform module (one directory), by kind."""

    path: Path
    resources: dict[tuple[str, str], dict] = field(default_factory=dict)
    data: dict[tuple[str, str], dict] = field(default_factory=dict)
    modules: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, object] = field(default_factory=dict)
    variables: dict[str, dict] = field(default_factory=dict)

    def resolve(self, value, depth: int = 0):
        """The value of an expression if it is a literal or a local reference (or a list of them);
        otherwise the expression text itself."""
        if depth > 10:
            return value
        if isinstance(value, list):
            return [self.resolve(item, depth + 1) for item in value]
        if not isinstance(value, str):
            return value
        match = re.fullmatch(r"\$\{local\.([\w.]+)\}", value.strip())
        if match:
            found = self._local(match.group(1))
            return value if found is None else self.resolve(found, depth + 1)
        match = re.fullmatch(r"\$\{(\d+)\s*\*\s*local\.([\w.]+)\}", value.strip())
        if match:
            found = self.resolve(self._local(match.group(2)), depth + 1)
            if isinstance(found, (int, float)):
                return int(match.group(1)) * found
        return value

    def _local(self, dotted: str):
        node: object = self.locals
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def map_keys(self, value) -> set[str] | None:
        """The keys of a map expression: a map literal, a local holding one, or merge() of those."""
        resolved = self.resolve(value)
        if isinstance(resolved, dict):
            return set(resolved)
        if not isinstance(resolved, str):
            return None
        match = re.fullmatch(r"\$\{merge\((.*)\)\}", resolved.strip(), re.S)
        if not match:
            return None
        keys: set[str] = set()
        for name in re.findall(r"local\.([\w.]+)", match.group(1)):
            inner = self.resolve("${local." + name + "}")
            if isinstance(inner, dict):
                keys |= set(inner)
        for body in re.findall(r"\{([^{}]*)\}", match.group(1)):
            keys |= set(re.findall(r'(?:^|[{,\s])"?([A-Za-z_][A-Za-z0-9_]*)"?\s*=(?!=)', body))
        return keys


def load_directory(path: Path) -> Directory:
    directory = Directory(path)
    for tf in sorted(path.glob("*.tf")):
        parsed = parse_file(tf)
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    directory.resources[(_label(kind), _label(name))] = body
        for block in parsed.get("data", []):
            for kind, named in block.items():
                for name, body in named.items():
                    directory.data[(_label(kind), _label(name))] = body
        for block in parsed.get("module", []):
            for name, body in block.items():
                directory.modules[_label(name)] = body
        for block in parsed.get("locals", []):
            directory.locals.update(block)
        for block in parsed.get("variable", []):
            for name, body in block.items():
                directory.variables[_label(name)] = body
    return directory


def first(block, key, default=None):
    """A nested block's first instance (python-hcl2 gives blocks as lists)."""
    value = block.get(key, default) if isinstance(block, dict) else default
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value
