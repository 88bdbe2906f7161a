"""Release progress: plain lines for CI and Terraform logs, rich on a terminal."""

from __future__ import annotations

from tierform.release import report as report_module
from tierform.release.report import Reporter


def test_plain_lines_when_not_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(report_module, "use_rich", lambda: False)
    reporter = Reporter("dbt", "local")
    reporter.info("dbt build of examples/dbt")
    reporter.fail("dbt build failed (1 fail)")
    reporter.detail("fail: test.northwind.x [tests/x.sql]")
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "tierform-release[dbt local] dbt build of examples/dbt",
        "tierform-release[dbt local]   fail: test.northwind.x [tests/x.sql]",
    ]
    assert err.splitlines() == ["tierform-release[dbt local] FAILED: dbt build failed (1 fail)"]


def test_rich_output_keeps_brackets_literal(capsys, monkeypatch):
    monkeypatch.setattr(report_module, "use_rich", lambda: True)
    reporter = Reporter("dags", "local")
    reporter.ok("published [red]release[/red] x")
    out, _ = capsys.readouterr()
    assert "tierform-release[dags local]" in out
    assert "[red]release[/red]" in out


def test_ci_gets_plain_output(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert report_module.use_rich() is False
