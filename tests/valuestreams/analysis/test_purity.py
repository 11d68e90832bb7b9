"""The analysis package touches no model: it gets plain data from the loader in mapdata.py."""

from __future__ import annotations

import ast
from pathlib import Path

import valuestreams.analysis

PACKAGE = Path(valuestreams.analysis.__file__).parent


def test_no_analysis_module_imports_a_model_module():
    offenders = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("models"):
                offenders.append(f"{path.name}: from {'.' * node.level}{node.module}")
            if isinstance(node, ast.Import):
                offenders += [f"{path.name}: {a.name}" for a in node.names if "models" in a.name]
    assert offenders == []
