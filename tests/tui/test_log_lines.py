"""Log lines parsed and drawn for the panel: JSON of any logger, plain lines, tracebacks."""

from __future__ import annotations

from petstore_tui.log_lines import message_of, parse, split_tag
from petstore_tui.widgets.log_line import render, short_origin, short_tag, shorten_middle
from tests.tui.fakes import MIXED_LINES

APP_JSON = MIXED_LINES[1]
CONTROLLER = MIXED_LINES[8]


def test_the_apps_json_line_splits_into_time_level_origin_message_and_fields():
    line = parse(APP_JSON)
    assert (line.kind, line.time, line.level, line.origin) == ("json", "03:00:01.120", "INFO", "petstore.access")
    assert line.message == "GET /api/v1/pets 200"
    assert ("status", "200") in line.extras and ("request_id", "4f1c") in line.extras


def test_the_controllers_line_names_its_pod_and_keeps_its_logger_among_the_fields():
    line = parse(CONTROLLER)
    assert line.origin == "aws-load-balancer-controller-7d9f8b6c5-x2k4l"
    assert (line.level, line.message, line.time) == ("ERROR", "Reconciler error", "03:00:04.500")
    assert line.extras[0] == ("logger", "controller-runtime.manager.controller.ingress")
    assert ("error", "AccessDenied: User is not authorized to perform: elasticloadbalancing:AddTags") in line.extras


def test_docker_json_file_around_a_json_line_is_opened_once_more():
    wrapped = '{"log": "{\\"level\\": \\"error\\", \\"msg\\": \\"boom\\"}\\n", "stream": "stderr", "time": "2026-12-05T03:00:09Z"}'
    line = parse(wrapped)
    assert (line.level, line.message, line.time) == ("ERROR", "boom", "03:00:09")


def test_plain_lines_gunicorn_klog_and_unknown():
    gunicorn = parse(MIXED_LINES[0])
    assert (gunicorn.time, gunicorn.level, gunicorn.message) == ("03:00:00", "INFO", "Booting worker with pid: 12")
    klog = parse("E1205 03:00:00.123456       1 reflector.go:138] failed to list *v1.Pod")
    assert (klog.level, klog.time, klog.origin, klog.message) == ("ERROR", "03:00:00.123", "reflector.go:138",
                                                                  "failed to list *v1.Pod")
    other = parse("something happened {not json")
    assert (other.kind, other.message, other.level) == ("plain", "something happened {not json", "")


def test_traceback_parts_are_told_apart():
    kinds = [parse(line, in_traceback=True).kind for line in MIXED_LINES[3:7]]
    assert kinds == ["traceback-start", "traceback-body", "traceback-body", "traceback-end"]


def test_evidence_shows_the_message_of_a_json_line():
    assert message_of("[app] " + APP_JSON) == "INFO petstore.access: GET /api/v1/pets 200"
    assert message_of("plain line") == "plain line"


def test_a_rendered_line_is_time_level_origin_message_then_dimmed_fields():
    text = render("[app] " + APP_JSON)
    assert text.plain.startswith("app        03:00:01.120 INFO  petstore.access GET /api/v1/pets 200 request_id=4f1c")
    dim = [text.plain[span.start:span.end] for span in text.spans if span.style == "dim"]
    assert "status=200" in dim
    assert render("[app] " + APP_JSON, raw=True).plain == "app        " + APP_JSON


def test_secrets_are_masked_in_rendered_fields_even_when_json_escaped():
    line = ('[app] {"level": "info", "msg": "connect", "db_url": "postgresql://app:s3\\u0063ret@db/pets", '
            '"password": "hunter2"}')
    for raw in (False, True):
        plain = render(line, raw=raw).plain
        assert "s3cret" not in plain and "hunter2" not in plain and "s3\\u0063ret" not in plain


def test_short_tags_and_names():
    assert short_tag("file:/var/log/petstore/app.log", 6) == "app.lo"
    assert short_tag("drill:controller-policy simulated", 6).endswith("~sim")  # simulated stays marked
    assert short_origin("controller-runtime.manager.controller.ingress") == "c.m.c.ingress"
    assert shorten_middle("aws-load-balancer-controller-7d9f8b6c5-x2k4l", 15) == "aws-loa…5-x2k4l"
    assert split_tag("[file:/tmp/a b.log] x") == ("file:/tmp/a b.log", "x")


def test_an_indented_line_is_part_of_an_open_traceback_only():
    code = MIXED_LINES[5]
    assert parse(code, in_traceback=True).kind == "traceback-body"
    assert parse(code).kind == "plain"  # indented output elsewhere (a plan, YAML) stays plain


def test_each_source_keeps_one_colour_on_its_tag():
    from petstore_tui.widgets.log_line import SOURCE_COLOURS, source_colour

    text = render("[controller] plain line")
    (tag_style,) = [span.style for span in text.spans if span.start == 0]
    assert tag_style == source_colour("controller") in SOURCE_COLOURS
    assert source_colour("controller") == source_colour("controller")
    assert len({source_colour(name) for name in ("app", "controller", "events", "runbook", "pods")}) > 1


CONTROL_CHARACTERS = {chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}


def test_terminal_escapes_in_a_log_never_reach_the_terminal():
    """Live: `troubleshoot --file` on a log holding ESC[2J ESC[H (and on a binary file)
    cleared the operator's screen: the panel's formatted lines went to the terminal with
    their escape sequences. Colour codes (common in app logs) are dropped; any other
    control character shows as one replacement character, in every mode; the text stays."""
    lines = ["[file] \x1b[31mERROR red colored line\x1b[0m",
             "[file] \x1b[2J\x1b[Hcleared screen line",
             "[file] \x1b]0;title\x07after an OSC title",
             '[file] {"level": "error", "msg": "json \\u001b[2J escaped \\u0007 bell"}',
             "[file] after\x08\x08\x08XXX backspace\rcarriage \x9b2J c1",
             "[file] \x00\x01binary\x7f\x1b"]
    for line in lines:
        for raw in (False, True):
            plain = render(line, raw=raw).plain
            assert not CONTROL_CHARACTERS & set(plain), (line, raw, plain)
    assert "ERROR red colored line" in render(lines[0], raw=True).plain
    assert "[31m" not in render(lines[0]).plain
    assert "cleared screen line" in render(lines[1]).plain
    assert "json" in render(lines[3]).plain and "escaped" in render(lines[3]).plain
