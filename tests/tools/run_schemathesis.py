"""Runs the Schemathesis command line (`st`) with one guard around Hypothesis.

Hypothesis names a lambda in its reports by parsing the source module of that lambda. On
CPython 3.11 before 3.11.8 (Debian's 3.11 here), `ast.parse` called deep in a recursion can
raise `SystemError: AST constructor recursion depth mismatch` (CPython gh-106905), which
Schemathesis then reports as an error of the operation it was generating for. The name is
only for display, so a failure to compute it falls back to Hypothesis's own "<unknown>".
"""

import sys

from hypothesis.internal import lambda_sources

_describe = lambda_sources._lambda_description


def _described(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _described

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "st"
    sys.exit(schemathesis())
