#!/usr/bin/env python3
"""Checks the shipped Prometheus and Grafana files against the metrics flowfeatd really serves.

Every metric name in a PromQL expression of the Grafana dashboard or the alerting rules must be a
family of README.md's metrics block (itself checked against the code by the metrics tests), and
every dashboard query must select its sensors with the dashboard's instance variable. promtool then
checks the scrape configuration, the rules, the rules' unit tests and the syntax of every dashboard
query; without promtool that part is skipped, saying so.

Usage: check_dashboards.py SOURCE_DIR
"""

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Series Prometheus makes itself for every target, usable beside the families flowfeatd serves.
SCRAPE_SERIES = {"up"}

PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "offset", "inf", "nan",
}

# Values Grafana gives its built-in variables; any valid duration does for a syntax check.
GRAFANA_VARIABLES = {"$__rate_interval": "20s", "$__interval": "5s", "$__range": "1h", "$instance": ".*"}

INSTANCE_MATCHER = 'instance=~"$instance"'

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}")


def readme_families(readme):
    text = readme.read_text()
    match = re.search(r"<!-- begin metrics -->(.*?)<!-- end metrics -->", text, re.S)
    if not match:
        sys.exit(f"{readme}: no metrics block")
    families = set(re.findall(r"^\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \|", match.group(1), re.M))
    if not families:
        sys.exit(f"{readme}: the metrics block lists no family")
    return families


def metric_names(expr):
    """Metric names of a PromQL expression: identifiers that are not functions, keywords or labels."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    names = set()
    for match in re.finditer(r"(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?", text):
        name, is_call = match.group(1), match.group(2)
        if is_call or name.lower() in PROMQL_KEYWORDS:
            continue
        names.add(name)
    return names


def dashboard_queries(dashboard):
    """(where, expression) of every panel target, nested rows included, and of every query variable."""
    queries = []

    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    queries.append((f'panel "{panel.get("title")}" {target.get("refId")}', target["expr"]))
            walk(panel.get("panels", []))

    walk(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else query or ""
        inner = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query)
        queries.append((f'variable "{variable["name"]}"', inner.group(1) if inner else query))
    return queries


def rule_expressions(rules_file):
    """The expr of every rule; the files keep each expression on one line, which this relies on."""
    return [line.split("expr:", 1)[1].strip() for line in rules_file.read_text().splitlines()
            if line.strip().startswith("expr:")]


def check_metric_names(where, expr, families):
    names = metric_names(expr)
    if not names:
        fail(f"{where}: no metric in {expr!r}")
    for name in sorted(names - families - SCRAPE_SERIES):
        fail(f"{where}: {name} is not a metric family of README.md ({expr!r})")
    return names


def check_dashboard(path, families):
    dashboard = json.loads(path.read_text())
    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    if variables.get("DS_PROMETHEUS", {}).get("type") != "datasource":
        fail(f"{path.name}: no datasource variable DS_PROMETHEUS")
    if variables.get("instance", {}).get("type") != "query":
        fail(f"{path.name}: no instance variable")

    used = set()
    panel_ids = []

    def walk(panels):
        for panel in panels:
            panel_ids.append(panel.get("id"))
            if panel.get("targets") and panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
                fail(f'panel "{panel.get("title")}": datasource is not ${{DS_PROMETHEUS}}')
            walk(panel.get("panels", []))

    walk(dashboard.get("panels", []))
    if len(panel_ids) != len(set(panel_ids)):
        fail(f"{path.name}: panel ids repeat")

    queries = dashboard_queries(dashboard)
    for where, expr in queries:
        used |= check_metric_names(where, expr, families)
        # Each selector of a flowfeat family must follow the sensor chosen at the top of the dashboard.
        if where.startswith("panel"):
            for selector in re.finditer(r"\b(flowfeat_\w+)(\{[^}]*\})?", expr):
                if INSTANCE_MATCHER not in (selector.group(2) or ""):
                    fail(f"{where}: {selector.group(1)} not filtered by {INSTANCE_MATCHER}")
    print(f"{path.name}: {len(queries)} queries, {len(used & families)} metric families")
    unused = sorted(families - used)
    if unused:
        print(f"  families not on the dashboard: {', '.join(unused)}")
    return [expr for where, expr in queries if where.startswith("panel")]


def check_rules(path, families):
    expressions = rule_expressions(path)
    if not expressions:
        fail(f"{path.name}: no rule expression found")
    for expr in expressions:
        check_metric_names(path.name, expr, families)
    print(f"{path.name}: {len(expressions)} rule expressions")


def run_promtool(*arguments):
    result = subprocess.run(["promtool", *arguments], capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        fail(f"promtool {' '.join(arguments)}:\n{output}")
    else:
        print(f"ok: promtool {' '.join(arguments)}")


def check_tls_variant(config):
    """The commented TLS and basic-auth job of the scrape configuration, uncommented, is accepted too."""
    text = config.read_text()
    start = text.find("  # - job_name: flowfeat_tls")
    if start < 0:
        fail(f"{config}: the commented job flowfeat_tls is missing")
    job = [line[:2] + line[4:] for line in text[start:].splitlines() if line.startswith(("  # -", "  #   "))]
    with tempfile.TemporaryDirectory() as folder:
        variant = Path(folder) / "prometheus-tls.yml"
        # The rule file is relative to the shipped configuration's folder: left out of the copy.
        variant.write_text(text[:start].replace("rule_files:\n  - flowfeat-rules.yml\n", "") + "\n".join(job) + "\n")
        run_promtool("check", "config", str(variant))


def check_with_promtool(dashboards, rules_tests, panel_queries):
    if shutil.which("promtool") is None:
        print("SKIPPED: promtool not found (Debian package prometheus); the scrape configuration, the "
              "rules and the PromQL syntax of the dashboard were NOT checked")
        return
    run_promtool("check", "config", str(dashboards / "prometheus.yml"))
    check_tls_variant(dashboards / "prometheus.yml")
    run_promtool("check", "rules", str(dashboards / "flowfeat-rules.yml"))
    run_promtool("test", "rules", str(rules_tests))
    # promtool parses PromQL only inside rules: one recording rule per dashboard query.
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "dashboard-queries.yml"
        lines = ["groups:", "  - name: dashboard", "    rules:"]
        for number, expr in enumerate(panel_queries):
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            lines += [f"      - record: dashboard:query_{number}", f"        expr: {json.dumps(expr)}"]
        rules.write_text("\n".join(lines) + "\n")
        run_promtool("check", "rules", str(rules))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    source = Path(sys.argv[1])
    dashboards = source / "dashboards"
    families = readme_families(source / "README.md")
    print(f"README.md: {len(families)} metric families")
    panel_queries = check_dashboard(dashboards / "grafana-flowfeat.json", families)
    check_rules(dashboards / "flowfeat-rules.yml", families)
    check_with_promtool(dashboards, source / "tests/dashboards/flowfeat-rules.test.yml", panel_queries)
    if failures:
        print(f"{len(failures)} problem(s)")
        return 1
    print("dashboards: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
