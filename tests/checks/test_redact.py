"""petstore_core.redact on every secret shape the engine's evidence can carry."""

from __future__ import annotations

import pytest

from petstore_core.redact import MASK, redact


@pytest.mark.parametrize(("text", "secret"), [
    ("key AKIAIOSFODNN7EXAMPLE used", "IOSFODNN7EXAMPLE"[4:]),
    ("ASIAY34FZKBOKMUTVV7A", "KBOKMUTVV7A"),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
    ('"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG"', "wJalrXUtnFEMI"),
    ("aws_session_token=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ", "IQoJb3JpZ2lu"),
    ("Authorization: Bearer k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9u", "aHR0cHM6Ly9zdHM"),
    ("token: eyJhbGciOiJSUzI1NiIsImtpZCI6Ik.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50.sig_nature-x",
     "eyJpc3MiOiJrdWJl"),
    ("postgresql://petstore:hunter2pass@db.internal:5432/petstore", "hunter2pass"),
    ("DATABASE_URL=postgres://u:p%40ss@h/db", "p%40ss"),
    ("PGPASSWORD=topsecret psql", "topsecret"),
    ("docker login --password s3cr3t-value registry", "s3cr3t-value"),
    ("https://sts.amazonaws.com/?X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=abcdef0123", "abcdef0123"),
    ("Basic QVdTOmV5SndZWGxzYjJGa0lqb2lVVVpXTTFOc", "QVdTOmV5SndZWGxzYjJGa"),
])
def test_secret_is_masked(text, secret):
    """Stand-in: none; one line per secret shape, the secrets made up."""
    out = redact(text)
    assert secret not in out
    assert MASK in out


@pytest.mark.parametrize("text", [
    "GET /api/v1/pets 200",
    "not authorized to perform: elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/k8s-x/abc",
    "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'",
    "password authentication failed for user \"petstore\"",
    "aws ecr get-login-password | docker login --username AWS --password-stdin 1.dkr.ecr.us-east-1.amazonaws.com",
    # AWS error codes and their messages, and parameters that say token but hold none
    "InvalidIdentityToken: No OpenIDConnect provider found in your account",
    "api error ExpiredToken: The security token included in the request is expired",
    "IncompleteSignature: The request signature does not conform to AWS standards",
    '(RequestToken: 2b857f44-998a-d3d1-1a4c-f5bf1899f733, HandlerErrorCode: GeneralServiceException)',
    # prose around secret words, and long identifiers that are not random
    "may require authorization: authorization failed: no basic auth credentials",
    "Basic authentication failed for user petstore",
    'MountVolume.SetUp failed for volume "db-secret" : secret "db-secret" not found',
    "  tokenExpirationSeconds: 3600",
    "  secretName: db-credentials",
    "image: 1.dkr.ecr.us-east-1.amazonaws.com/petstore@sha256:57a96e192b6c225add846257664e1d23a9952ab8d5c55196e99ca77b9073445f",
    "docker://registry.internal:5000/petstore@sha256:57a96e192b6c225add846257664e1d23",
    "arn:aws:iam::123456789012:role/eksctl-petstore-cluster-ServiceRole-1A2B3C4D5E6F",
    # AWS managed policies named in a fix command (the ECR read policy was masked, so the
    # ecr-pull-forbidden fix could not be copied)
    "aws iam attach-role-policy --role-name petstore-nodes --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "reading /home/runner/work/Petstore2026/terraform/modules/eks/main.tf",
    # a path whose last part says secret, then an error about it (Go's os.Open wording, as
    # the controller prints it when IRSA's token is not mounted; our own usage errors)
    "caused by: open /var/run/secrets/eks.amazonaws.com/serviceaccount/token: no such file or directory",
    "open /run/secrets/db-password: permission denied",
    "petstore-tui diagnose: /etc/passwd: catalog folder not found",
    # the word token inside a sentence (containerd pulling from ECR Public): was `token: ****`
    "failed to resolve reference: failed to fetch anonymous token: unexpected status: 403 Forbidden",
])
def test_ordinary_text_is_left_alone(text):
    """Stand-in: none; lines the catalog matches, which must stay readable (the secret
    shapes themselves are in tests/secrets/corpus.yaml)."""
    assert redact(text) == text


def test_redact_is_idempotent_and_takes_extra_secrets():
    """Stand-in: none."""
    once = redact("pw=abc123 token=zzz key AKIAIOSFODNN7EXAMPLE", extra_secrets=["zzz-not-here", "abc123"])
    assert redact(once) == once
    assert "abc123" not in once
