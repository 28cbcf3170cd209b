"""infra/ against functions/manifest.json and the Rust code: every function deployed with a role,
every variable it reads set, every AWS action it calls allowed (and nothing more), every queue
with a dead-letter queue, the table as the code creates it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import rust
from .terraform import Directory, first, load_directory

VIGIL_MODULE = "infra/modules/vigil"

# Set by Lambda itself; Terraform may not set them.
LAMBDA_RESERVED = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

# SDK service name (manifest aws_actions keys) -> IAM service prefix.
IAM_PREFIX = {"dynamodb": "dynamodb", "s3": "s3", "sqs": "sqs", "sns": "sns", "eventbridge": "events", "ses": "ses", "apigatewaymanagement": "execute-api"}

# SDK operations whose IAM action has another name. TransactWriteItems has no action of its own:
# each write inside is authorised as a PutItem/UpdateItem/DeleteItem/ConditionCheckItem, which
# the manifest's iam_actions name.
OPERATION_ACTIONS = {
    ("dynamodb", "TransactWriteItems"): [],
    ("dynamodb", "TransactGetItems"): ["dynamodb:GetItem"],
    ("s3", "ListObjectsV2"): ["s3:ListBucket"],
    ("s3", "ListObjects"): ["s3:ListBucket"],
    ("s3", "DeleteObjects"): ["s3:DeleteObject"],
    ("s3", "HeadObject"): ["s3:GetObject"],
    ("s3", "CopyObject"): ["s3:GetObject", "s3:PutObject"],
    ("sqs", "SendMessageBatch"): ["sqs:SendMessage"],
    ("sqs", "DeleteMessageBatch"): ["sqs:DeleteMessage"],
    ("sqs", "ChangeMessageVisibilityBatch"): ["sqs:ChangeMessageVisibility"],
    ("sns", "PublishBatch"): ["sns:Publish"],
    ("apigatewaymanagement", "PostToConnection"): ["execute-api:ManageConnections"],
    ("apigatewaymanagement", "DeleteConnection"): ["execute-api:ManageConnections"],
    ("apigatewaymanagement", "GetConnection"): ["execute-api:ManageConnections"],
}

# Granted to every role for the deployment's sake, not the code's: a customer KMS key.
INFRASTRUCTURE_ACTIONS = {"kms:Decrypt", "kms:GenerateDataKey"}

# Actions that may have "*" as resource, and why: publishing to a phone number (SMS) has no ARN.
STAR_RESOURCE_ACTIONS = {"sns:Publish"}


def iam_actions_for(service: str, operation: str) -> list[str]:
    if (service, operation) in OPERATION_ACTIONS:
        return OPERATION_ACTIONS[(service, operation)]
    if service not in IAM_PREFIX:
        raise KeyError(f"no IAM mapping for the {service} service")
    return [f"{IAM_PREFIX[service]}:{operation}"]


def _ref(value, pattern: str) -> str | None:
    match = re.search(pattern, value) if isinstance(value, str) else None
    return match.group(1) if match else None


class Checker:
    def __init__(self, repo: Path):
        self.repo = repo
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.manifest = json.loads((repo / "functions/manifest.json").read_text())["functions"]
        self.vigil = load_directory(repo / VIGIL_MODULE)
        self.counts: dict[str, int] = {}

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def run(self) -> list[str]:
        self.check_crates()
        for function in self.manifest:
            self.check_function(function)
        self.check_queues()
        self.check_table()
        return self.problems

    # Every function crate is in the manifest, so the loop over the manifest covers it.
    def check_crates(self) -> None:
        packages = {f["package"] for f in self.manifest}
        for cargo in sorted(self.repo.glob("functions/*/Cargo.toml")):
            # The [package] name, without tomllib (Python 3.11+ only).
            found = re.search(r'^\[package\][^\[]*?^name\s*=\s*"([^"]+)"', cargo.read_text(), re.M | re.S)
            package = found.group(1) if found else cargo.parent.name
            if package not in packages:
                self.problem(f"{cargo.parent.name}: crate {package} has no entry in functions/manifest.json, so no Lambda")

    def module_of(self, name: str) -> tuple[str, dict] | None:
        for label, body in self.vigil.modules.items():
            if body.get("name") == name:
                return label, body
        return None

    def check_function(self, function: dict) -> None:
        name = function["name"]
        found = self.module_of(name)
        if not found:
            self.problem(f"{name}: no module call deploys it in {VIGIL_MODULE}")
            return
        label, call = found
        source = load_directory((self.vigil.path / call["source"]).resolve())
        lambdas = [body for (kind, _), body in source.resources.items() if kind == "aws_lambda_function"]
        if not lambdas:
            self.problem(f"{name}: module {call['source']} has no aws_lambda_function")
        if not any(kind == "aws_iam_role" for kind, _ in source.resources):
            self.problem(f"{name}: module {call['source']} has no aws_iam_role")
        for body in lambdas:
            for key, field in (("runtime", "runtime"), ("handler", "handler")):
                if body.get(key) != function[field]:
                    self.problem(f"{name}: {key} is {body.get(key)}, the manifest says {function[field]}")
            if body.get("architectures") != [function["architecture"]]:
                self.problem(f"{name}: architectures {body.get('architectures')}, the manifest says {function['architecture']}")
        if call.get("binary") != function["binary"]:
            self.problem(f"{name}: binary {call.get('binary')}, the manifest says {function['binary']}")
        for key, field in (("memory_mb", "memory_mb"), ("timeout_seconds", "timeout_seconds")):
            if self.vigil.resolve(call.get(key)) != function[field]:
                self.problem(f"{name}: {key} {self.vigil.resolve(call.get(key))}, the manifest says {function[field]}")
        if "reserved_concurrency" in function and self.vigil.resolve(call.get("reserved_concurrency")) != function["reserved_concurrency"]:
            self.problem(f"{name}: reserved_concurrency must be {function['reserved_concurrency']}")
        self.check_environment(name, function, call)
        self.check_policy(name, function, call)
        self.check_trigger(name, function, label)

    def check_environment(self, name: str, function: dict, call: dict) -> None:
        keys = self.vigil.map_keys(call.get("environment"))
        if keys is None:
            self.problem(f"{name}: cannot read the keys of its environment ({call.get('environment')})")
            return
        code = rust.config_variables(self.repo).get(name, {})
        required = set(function["env"]["required"]) | {v for v, req in code.items() if req}
        known = set(function["env"]["required"]) | set(function["env"]["optional"]) | set(code)
        ahead = sorted(set(function["env"]["required"]) - set(code)) if code else []
        if ahead:
            self.notes.append(f"{name}: {', '.join(ahead)}")
        for variable in sorted(required - LAMBDA_RESERVED - keys):
            self.problem(f"{name}: {variable} is read at start-up but not set in its environment")
        for variable in sorted(keys & LAMBDA_RESERVED):
            self.problem(f"{name}: {variable} is set by Lambda and may not be set in Terraform")
        for variable in sorted(keys - known):
            self.problem(f"{name}: sets {variable}, which the manifest does not list for it")

    def statements(self, document: dict, depth: int = 0) -> list[dict]:
        """A policy document's statements: its own, its dynamic ones, and those of the documents
        its source_policy_documents name."""
        found = list(document.get("statement", []))
        for dynamic in document.get("dynamic", []):
            if "statement" in dynamic:
                found += dynamic["statement"].get("content", [])
        for source in re.findall(r"data\.aws_iam_policy_document\.(\w+)\.json", str(document.get("source_policy_documents", ""))):
            included = self.vigil.data.get(("aws_iam_policy_document", source))
            if included is None or depth > 3:
                self.problem(f"policy document {source} is not an aws_iam_policy_document of {VIGIL_MODULE}")
            else:
                found += self.statements(included, depth + 1)
        return found

    def check_policy(self, name: str, function: dict, call: dict) -> None:
        document_name = _ref(call.get("policy_json"), r"data\.aws_iam_policy_document\.(\w+)\.json")
        document = self.vigil.data.get(("aws_iam_policy_document", document_name)) if document_name else None
        if document is None:
            self.problem(f"{name}: policy_json is not an aws_iam_policy_document of {VIGIL_MODULE}")
            return
        granted: set[str] = set()
        for statement in self.statements(document):
            actions = self.vigil.resolve(statement.get("actions", []))
            resources = self.vigil.resolve(statement.get("resources", []))
            if statement.get("effect", "Allow") != "Allow" or not isinstance(actions, list):
                continue
            granted |= set(actions)
            for action in actions:
                if "*" in action:
                    self.problem(f"{name}: wildcard action {action}")
            if isinstance(resources, list) and "*" in resources and not set(actions) <= STAR_RESOURCE_ACTIONS:
                self.problem(f"{name}: resource \"*\" for {', '.join(sorted(set(actions) - STAR_RESOURCE_ACTIONS))}")
        needed = set(function.get("iam_actions", []))
        for key in ("aws_actions", "event_source_actions"):
            for service, operations in function.get(key, {}).items():
                for operation in operations:
                    try:
                        needed |= set(iam_actions_for(service, operation))
                    except KeyError as error:
                        self.problem(f"{name}: {error.args[0]} ({operation})")
        for action in sorted(needed - granted):
            self.problem(f"{name}: its role does not allow {action}")
        for action in sorted(granted - needed - INFRASTRUCTURE_ACTIONS):
            self.problem(f"{name}: its role allows {action}, which its code does not use (manifest)")

    def check_trigger(self, name: str, function: dict, label: str) -> None:
        trigger = function["trigger"]["type"]
        if trigger.startswith("SQS"):
            mappings = [
                body
                for (kind, _), body in self.vigil.resources.items()
                if kind == "aws_lambda_event_source_mapping" and f"module.{label}." in str(body.get("function_name"))
            ]
            if not mappings:
                self.problem(f"{name}: no SQS event source mapping")
            for mapping in mappings:
                if mapping.get("function_response_types") != ["ReportBatchItemFailures"]:
                    self.problem(f"{name}: its event source mapping does not report batch item failures")
                queue = _ref(mapping.get("event_source_arn"), r"aws_sqs_queue\.(\w+)\.arn")
                body = self.vigil.resources.get(("aws_sqs_queue", queue or ""))
                visibility = self.vigil.resolve(body.get("visibility_timeout_seconds", 30)) if body else None
                if not isinstance(visibility, int) or visibility < 6 * function["timeout_seconds"]:
                    self.problem(f"{name}: queue {queue} visibility timeout {visibility} is under 6 x {function['timeout_seconds']} s")
        elif trigger.startswith("EventBridge"):
            rules = [
                body
                for (kind, rule), body in self.vigil.resources.items()
                if kind == "aws_cloudwatch_event_target" and f"module.{label}." in str(body.get("arn"))
            ]
            if not rules:
                self.problem(f"{name}: no EventBridge rule targets it")
        elif trigger.startswith("API Gateway WebSocket"):
            apis = [name for (kind, name), body in self.vigil.resources.items() if kind == "aws_apigatewayv2_api" and body.get("protocol_type") == "WEBSOCKET"]
            if not apis:
                self.problem(f"{name}: no WebSocket API")
            routes = [body for (kind, _), body in self.vigil.resources.items() if kind == "aws_apigatewayv2_route"]
            declared = set()
            for body in routes:
                keys = self.route_keys(body)
                if any(f"aws_apigatewayv2_api.{api}." in str(body.get("api_id")) for api in apis):
                    declared |= {k for k in keys if isinstance(k, str)}
            for route in function["trigger"]["routes"]:
                if route not in declared:
                    self.problem(f"{name}: no WebSocket route {route}")
        elif trigger.startswith("API Gateway"):
            # Each route of the manifest exists, and leads to this function's integration.
            integrations = {
                integration
                for (kind, integration), body in self.vigil.resources.items()
                if kind == "aws_apigatewayv2_integration" and f"module.{label}." in str(body.get("integration_uri"))
            }
            # A route key may be declared on more than one API ($default of each), so each
            # key leads to the integrations of all its routes.
            targets: dict[str, set[str | None]] = {}
            for (kind, _), body in self.vigil.resources.items():
                if kind != "aws_apigatewayv2_route":
                    continue
                for key in self.route_keys(body):
                    targets.setdefault(key, set()).add(_ref(body.get("target"), r"aws_apigatewayv2_integration\.(\w+)\.id"))
            for route in function["trigger"]["routes"]:
                if route not in targets:
                    self.problem(f"{name}: no HTTP API route {route}")
                elif not targets[route] & integrations:
                    elsewhere = ", ".join(sorted(str(t) for t in targets[route]))
                    self.problem(f"{name}: route {route} leads to integration {elsewhere}, not to this function's")

    def route_keys(self, body: dict) -> list:
        """The keys of one route block: its route_key, or one per item of its for_each."""
        if not body.get("for_each"):
            return [body.get("route_key")]
        return self.listed(str(body["for_each"]))

    def listed(self, text: str, depth: int = 0) -> list:
        """The strings an expression lists: its literal strings, and those of the locals it names
        (a list, or an expression such as concat() over others), so `toset(local.x)` and
        `concat(local.x, ["..."])` both read."""
        keys = re.findall(r'"([^"]+)"', re.sub(r"local\.[\w.]+", "", text))
        for name in re.findall(r"local\.([\w.]+)", text):
            found = self.vigil.resolve("${local." + name + "}")
            if isinstance(found, list):
                keys += [k for k in found if isinstance(k, str)]
            elif isinstance(found, str) and depth < 5:
                keys += self.listed(found, depth + 1)
        return keys

    def check_queues(self) -> None:
        queues = {name: body for (kind, name), body in self.vigil.resources.items() if kind == "aws_sqs_queue"}
        dead_letter = set()
        for name, body in queues.items():
            target = _ref(body.get("redrive_policy"), r"deadLetterTargetArn\s*=\s*aws_sqs_queue\.(\w+)\.arn")
            if target:
                dead_letter.add(target)
                if target not in queues:
                    self.problem(f"queue {name}: its dead-letter queue {target} does not exist")
                if not re.search(r"maxReceiveCount\s*=\s*\d+", body.get("redrive_policy", "")):
                    self.problem(f"queue {name}: redrive policy without maxReceiveCount")
        for name in sorted(set(queues) - dead_letter):
            if not _ref(queues[name].get("redrive_policy"), r"deadLetterTargetArn\s*=\s*aws_sqs_queue\.(\w+)\.arn"):
                self.problem(f"queue {name}: no dead-letter queue (redrive_policy)")
        self.counts["queues"] = len(set(queues) - dead_letter)

    def check_table(self) -> None:
        expected = rust.table_definition(self.repo)
        tables = [body for (kind, _), body in self.vigil.resources.items() if kind == "aws_dynamodb_table"]
        if len(tables) != 1:
            self.problem(f"expected one DynamoDB table, found {len(tables)}")
            return
        table = tables[0]
        kind = {"Hash": "hash_key", "Range": "range_key"}
        for key, role in expected["keys"]:
            if table.get(kind[role]) != key:
                self.problem(f"table: {kind[role]} is {table.get(kind[role])}, table.rs says {key}")
        attributes = {a["name"]: a["type"] for a in table.get("attribute", [])}
        if attributes != expected["attributes"]:
            self.problem(f"table: attributes {attributes}, table.rs says {expected['attributes']}")
        if expected["billing"] == "PayPerRequest" and table.get("billing_mode") != "PAY_PER_REQUEST":
            self.problem("table: billing_mode must be PAY_PER_REQUEST (on-demand)")
        projection = {"KeysOnly": "KEYS_ONLY", "Include": "INCLUDE", "All": "ALL"}
        for block, index in (("local_secondary_index", expected["lsi"]), ("global_secondary_index", expected["gsi"])):
            found = [i for i in table.get(block, []) if i.get("name") == index["name"]]
            if not found:
                self.problem(f"table: no {block} {index['name']}")
                continue
            got = found[0]
            keys = [(got.get("hash_key", table.get("hash_key")), "Hash"), (got.get("range_key"), "Range")]
            if keys != index["keys"]:
                self.problem(f"table: index {index['name']} keys {keys}, table.rs says {index['keys']}")
            if got.get("projection_type") != projection[index["projection"]]:
                self.problem(f"table: index {index['name']} projection {got.get('projection_type')}, table.rs says {index['projection']}")
            if sorted(got.get("non_key_attributes", [])) != sorted(index["non_key_attributes"]):
                self.problem(f"table: index {index['name']} projects {got.get('non_key_attributes')}, table.rs says {index['non_key_attributes']}")
        ttl = first(table, "ttl") or {}
        if ttl.get("attribute_name") != expected["ttl"] or ttl.get("enabled") is not True:
            self.problem(f"table: TTL must be enabled on {expected['ttl']}")
        if (first(table, "point_in_time_recovery") or {}).get("enabled") is not True:
            self.problem("table: point-in-time recovery is off")
        if (first(table, "server_side_encryption") or {}).get("enabled") is not True:
            self.problem("table: server-side encryption is off")


def check(repo: Path) -> Checker:
    checker = Checker(repo)
    checker.run()
    return checker
