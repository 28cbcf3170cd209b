"""The checker's own tests: each breaks a copy of the repository's infra (or what it is checked
against) in one way, and the checker must name exactly that."""

from __future__ import annotations

import re
import shutil
import tempfile
import unittest
from pathlib import Path

from . import checkov_run, consistency
from .terraform import SyntaxProblem, parse_file

REPO = Path(__file__).resolve().parents[2]
COPIED = ["infra", "functions/manifest.json", "shared/aws/src/config.rs", "shared/aws/src/dynamo"]


class MutatedCopy(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="check-infra-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        for path in COPIED:
            source = REPO / path
            if source.is_dir():
                shutil.copytree(source, self.tmp / path)
            else:
                (self.tmp / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, self.tmp / path)
        for cargo in REPO.glob("functions/*/Cargo.toml"):
            target = self.tmp / cargo.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(cargo, target)

    def mutate(self, path: str, old: str, new: str, count: int = 1) -> None:
        file = self.tmp / path
        text = file.read_text()
        if old not in text:
            self.fail(f"the mutation's anchor {old[:40]!r} is gone from {path}; update the test")
        file.write_text(text.replace(old, new, count))

    def problems(self) -> list[str]:
        return consistency.check(self.tmp).problems

    def assertProblem(self, needle: str) -> None:
        problems = self.problems()
        self.assertTrue(any(needle in p for p in problems), f"no problem naming {needle!r} in {problems}")

    def test_the_unchanged_copy_passes(self) -> None:
        self.assertEqual(self.problems(), [])

    def test_a_dropped_environment_variable(self) -> None:
        self.mutate("infra/modules/vigil/functions.tf", "    VIGIL_NOTIFY_DLQ_URL = aws_sqs_queue.notifications_dlq.url\n", "")
        self.assertProblem("notifier: VIGIL_NOTIFY_DLQ_URL is read at start-up but not set")

    def test_a_variable_the_rust_code_requires(self) -> None:
        self.mutate("shared/aws/src/config.rs", 'pub const LOG: &str = "VIGIL_LOG";', 'pub const LOG: &str = "VIGIL_LOGS";')
        self.mutate("shared/aws/src/config.rs", "name: LOG,\n        functions: ALL,\n        default: Some(\"info\"),\n        required: false,",
                    "name: LOG,\n        functions: ALL,\n        default: Some(\"info\"),\n        required: true,")
        self.assertProblem("scheduler: VIGIL_LOGS is read at start-up but not set")

    def test_a_dropped_iam_action(self) -> None:
        self.mutate("infra/modules/vigil/policies.tf", '"dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]\n  event_bus',
                    '"dynamodb:UpdateItem"]\n  event_bus')
        self.assertProblem("api: its role does not allow dynamodb:ConditionCheckItem")

    def test_an_sdk_operation_mapped_to_its_iam_action(self) -> None:
        self.mutate("infra/modules/vigil/policies.tf", 'actions   = ["s3:ListBucket"]\n    resources = [aws_s3_bucket.artefacts.arn]\n  }\n  statement {\n    sid       = "Events"',
                    'actions   = ["s3:GetBucketLocation"]\n    resources = [aws_s3_bucket.artefacts.arn]\n  }\n  statement {\n    sid       = "Events"')
        problems = self.problems()
        self.assertTrue(any("its role does not allow s3:ListBucket" in p for p in problems), problems)

    def test_an_action_the_code_does_not_use(self) -> None:
        self.mutate("infra/modules/vigil/policies.tf", '    actions   = ["sqs:SendMessage"]\n    resources = [aws_sqs_queue.probe_jobs.arn]',
                    '    actions   = ["sqs:SendMessage", "sqs:PurgeQueue"]\n    resources = [aws_sqs_queue.probe_jobs.arn]')
        self.assertProblem("scheduler: its role allows sqs:PurgeQueue")

    def test_a_wildcard_action_or_resource(self) -> None:
        self.mutate("infra/modules/vigil/policies.tf", '    actions   = ["sqs:SendMessage"]\n    resources = [aws_sqs_queue.probe_jobs.arn]',
                    '    actions   = ["sqs:*"]\n    resources = ["*"]')
        problems = self.problems()
        self.assertTrue(any("scheduler: wildcard action sqs:*" in p for p in problems), problems)
        self.assertTrue(any('scheduler: resource "*" for sqs:*' in p for p in problems), problems)

    def test_a_queue_without_dead_letter_queue(self) -> None:
        self.mutate("infra/modules/vigil/messaging.tf",
                    "  redrive_policy             = jsonencode({ deadLetterTargetArn = aws_sqs_queue.notifications_dlq.arn, maxReceiveCount = 5 })\n", "")
        self.assertProblem("queue notifications: no dead-letter queue")

    def test_a_visibility_timeout_too_short(self) -> None:
        self.mutate("infra/modules/vigil/messaging.tf", "6 * local.timeouts.prober", "2 * local.timeouts.prober")
        self.assertProblem("prober: queue probe_jobs visibility timeout 180 is under 6 x 90 s")

    def test_a_function_crate_without_lambda(self) -> None:
        crate = self.tmp / "functions/ghost/Cargo.toml"
        crate.parent.mkdir(parents=True)
        crate.write_text('[package]\nname = "vigil-fn-ghost"\n')
        self.assertProblem("crate vigil-fn-ghost has no entry in functions/manifest.json")

    def test_a_manifest_function_without_module(self) -> None:
        self.mutate("infra/modules/vigil/functions.tf", 'name            = "sweeper"', 'name            = "sweeper-old"')
        self.assertProblem("sweeper: no module call deploys it")

    def test_a_timeout_that_differs_from_the_manifest(self) -> None:
        self.mutate("infra/modules/vigil/functions.tf", "heartbeat = 10", "heartbeat = 20")
        self.assertProblem("heartbeat: timeout_seconds 20, the manifest says 10")

    def test_a_route_leading_to_another_function(self) -> None:
        self.mutate("infra/modules/vigil/api.tf", 'target    = "integrations/${aws_apigatewayv2_integration.monitors.id}"',
                    'target    = "integrations/${aws_apigatewayv2_integration.api.id}"')
        self.assertProblem("monitors: route ANY /v1/monitors leads to integration api, not to this function's")

    def test_a_missing_route(self) -> None:
        self.mutate("infra/modules/vigil/api.tf", '"POST /monitors/{id}/check", "POST /monitors/try"', '"POST /monitors/{id}/checks", "POST /monitors/try"')
        self.assertProblem("check-now: no HTTP API route POST /monitors/{id}/check")

    def test_a_route_of_a_local_list_leading_elsewhere(self) -> None:
        self.mutate("infra/modules/vigil/api.tf", 'target    = "integrations/${aws_apigatewayv2_integration.status.id}"',
                    'target    = "integrations/${aws_apigatewayv2_integration.api.id}"')
        self.assertProblem("status: route GET /badges/{proxy+} leads to integration api, not to this function's")

    def test_a_default_route_missing_from_the_pages_domains(self) -> None:
        self.mutate("infra/modules/vigil/api.tf", 'target    = "integrations/${aws_apigatewayv2_integration.status_domains.id}"',
                    'target    = "integrations/${aws_apigatewayv2_integration.api.id}"')
        self.assertProblem("status: route $default leads to integration agents, api, dashboard, not to this function's")

    def test_a_policy_built_on_a_narrower_one(self) -> None:
        self.mutate("infra/modules/vigil/policies.tf", "source_policy_documents = [data.aws_iam_policy_document.monitors.json]",
                    "source_policy_documents = [data.aws_iam_policy_document.table_only.json]")
        self.assertProblem("dashboard: its role does not allow s3:DeleteObject")

    def test_the_table_drifting_from_table_rs(self) -> None:
        self.mutate("infra/modules/vigil/table.tf", 'non_key_attributes = ["interval_s"]', "non_key_attributes = []")
        self.assertProblem("table: index due projects")

    def test_a_syntax_error(self) -> None:
        self.mutate("infra/modules/vigil/api.tf", 'protocol_type = "HTTP"', 'protocol_type = "HTTP')
        with self.assertRaises(SyntaxProblem):
            parse_file(self.tmp / "infra/modules/vigil/api.tf")

    def test_a_checkov_skip_without_reason(self) -> None:
        self.mutate("infra/modules/vigil/bucket.tf", re.search(r"#checkov:skip=CKV_AWS_18:[^\n]*", (self.tmp / "infra/modules/vigil/bucket.tf").read_text()).group(0),
                    "#checkov:skip=CKV_AWS_18")
        found = checkov_run.unjustified_skips(self.tmp / "infra")
        self.assertEqual(len(found), 1, found)
        self.assertIn("CKV_AWS_18 without a reason", found[0])
