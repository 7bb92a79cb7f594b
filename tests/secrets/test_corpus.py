"""petstore_core.redact against the secret corpus: every shape masked whole, line by line and as a
stream; readable text kept; detect-secrets finds the raw secrets and nothing after."""

from __future__ import annotations

import pytest

from petstore_core.redact import MASK, KeyBlockMasker, redact
from tests.secrets.corpus import SHAPES, detect_secrets, leaks

IDS = [s.shape for s in SHAPES]


def test_the_corpus_covers_every_kind_the_issue_names():
    """Stand-in: none; at least 40 shapes, of each kind issue 15 lists."""
    assert len(SHAPES) >= 40 and len(set(IDS)) == len(IDS)
    kinds = ("aws-access-key", "aws-secret-key", "session-token", "eks-", "kubeconfig-client-key-data",
             "kubeconfig-client-certificate-data", "pem-", "postgres", "mysql", "redis", "psycopg-keyword",
             "jwt-", "github-", "gitlab-", "authorization-basic", "authorization-bearer", "helm-",
             "docker-config", "ecr-", "json-password-with-spaces")
    for kind in kinds:
        assert any(kind in shape for shape in IDS), kind


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_shape_is_masked_and_stays_readable(shape):
    """Stand-in: none; the whole text, as a report or a journal would hold it."""
    out = redact(shape.text)
    assert not leaks(out, [shape]), out
    assert MASK in out or "-----MASKED " in out  # a whole key block becomes one marker
    assert [k for k in shape.keep if k not in out] == [], out
    assert redact(out) == out  # idempotent: outputs redact again on the way out


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_shape_is_masked_line_by_line(shape):
    """Stand-in: none; each line alone, as the log view and evidence see them. Only a
    key body's short last line needs the stream's state (next test)."""
    out = "\n".join(redact(line) for line in shape.text.splitlines())
    assert not leaks(out, [shape], stateless=True), out


def test_stream_masks_key_bodies_across_interleaved_pods():
    """Stand-in: the corpus's lines as two pods' followed logs, interleaved line by line
    with `[pod/...] ` prefixes, through KeyBlockMasker then redact (the TUI's path)."""
    masker = KeyBlockMasker()
    a = [f"[pod/petstore-1/app] {line}" for s in SHAPES for line in s.text.splitlines()]
    b = [f"[pod/petstore-2/app] healthy line {n}" for n in range(len(a))]
    shown = []
    for left, right in zip(a, b, strict=True):
        shown += [redact(masker(left, "pods")), redact(masker(right, "pods"))]
    text = "\n".join(shown)
    assert not leaks(text), [line for line in shown if leaks(line)]
    assert sum("healthy line" in line for line in shown) == len(b)  # the other pod untouched
    assert "[pod/petstore-1/app] -----END OPENSSH PRIVATE KEY-----" in shown


def test_an_unfinished_key_block_releases_the_stream():
    """Stand-in: none; a BEGIN whose END never comes masks at most MAX_LINES lines."""
    masker = KeyBlockMasker()
    masker("-----BEGIN RSA PRIVATE KEY-----", "s")
    masked = [masker(f"line {n}", "s") for n in range(KeyBlockMasker.MAX_LINES + 5)]
    assert masked[0] == f"line {MASK}" and masked[-1] == f"line {KeyBlockMasker.MAX_LINES + 4}"


def test_detect_secrets_finds_the_raw_corpus_and_nothing_redacted(tmp_path):
    """Stand-in: detect-secrets 1.5 (default plugins and filters) scanning the corpus as a
    file, before and after redaction."""
    raw = "\n".join(s.text for s in SHAPES)
    before = detect_secrets(raw, tmp_path, "raw.log")
    assert len(before) >= 30, before  # the scanner sees them: its silence below means something
    assert detect_secrets(redact(raw), tmp_path, "redacted.log") == []
    per_line = "\n".join(redact(line) for line in raw.splitlines())
    assert detect_secrets(per_line, tmp_path, "per-line.log") == []
