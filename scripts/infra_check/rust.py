"""What the Rust code says: the variables each function reads (shared/aws/src/config.rs) and the
table it creates (shared/aws/src/dynamo/table.rs), read from the source text."""

from __future__ import annotations

import re
from pathlib import Path


def _string_constants(*paths: Path) -> dict[str, str]:
    constants: dict[str, str] = {}
    for path in paths:
        for name, value in re.findall(r'const\s+(\w+)\s*:\s*&str\s*=\s*"([^"]*)"\s*;', path.read_text()):
            constants[name] = value
    return constants


def config_variables(repo: Path) -> dict[str, dict[str, bool]]:
    """function -> {variable: required} from config.rs's VARIABLES table."""
    text = (repo / "shared/aws/src/config.rs").read_text()
    names = _string_constants(repo / "shared/aws/src/config.rs")
    groups = {
        name: re.findall(r'"(\w+)"', body)
        for name, body in re.findall(r"const\s+(\w+)\s*:\s*&\[&str\]\s*=\s*&\[([^\]]*)\]\s*;", text)
    }
    table = text.split("pub const VARIABLES", 1)[1].split("\n];", 1)[0]
    result: dict[str, dict[str, bool]] = {}
    for entry in re.findall(r"Variable\s*\{(.*?)\}\s*,", table, re.S):
        name = re.search(r"\bname:\s*(\w+)", entry).group(1)
        functions = re.search(r"\bfunctions:\s*(&\[[^\]]*\]|\w+)", entry).group(1)
        required = re.search(r"\brequired:\s*(true|false)", entry).group(1) == "true"
        readers = re.findall(r'"(\w+)"', functions) if functions.startswith("&") else groups[functions]
        for function in readers:
            result.setdefault(function, {})[names.get(name, name)] = required
    return result


def table_definition(repo: Path) -> dict:
    """The table as create_table builds it: keys, attribute types, indexes, TTL, billing."""
    dynamo = repo / "shared/aws/src/dynamo"
    text = (dynamo / "table.rs").read_text()
    names = _string_constants(dynamo / "keys.rs", dynamo / "monitor_item.rs")

    def name(constant: str) -> str:
        return names[constant]

    def keys(segment: str) -> list[tuple[str, str]]:
        return [(name(c), kind) for c, kind in re.findall(r"key\((\w+),\s*KeyType::(\w+)\)", segment)]

    lsi = text.split("LocalSecondaryIndex::builder()", 1)[1].split(".build()?;", 1)[0]
    gsi = text.split("GlobalSecondaryIndex::builder()", 1)[1].split(".build()?;", 1)[0]
    table = text.split(".create_table()", 1)[1].split(".send()", 1)[0]
    ttl = text.split("TimeToLiveSpecification::builder()", 1)[1]

    def index(segment: str) -> dict:
        return {
            "name": name(re.search(r"index_name\((\w+)\)", segment).group(1)),
            "keys": keys(segment),
            "projection": re.search(r"ProjectionType::(\w+)", segment).group(1),
            "non_key_attributes": [name(c) for c in re.findall(r"non_key_attributes\((\w+)\)", segment)],
        }

    return {
        "keys": keys(table.split(".attribute_definitions", 1)[0]),
        "attributes": {name(c): t for c, t in re.findall(r"attribute\((\w+),\s*ScalarAttributeType::(\w)\)", table)},
        "billing": re.search(r"BillingMode::(\w+)", table).group(1),
        "lsi": index(lsi),
        "gsi": index(gsi),
        "ttl": name(re.search(r"attribute_name\((\w+)\)", ttl).group(1)),
    }
