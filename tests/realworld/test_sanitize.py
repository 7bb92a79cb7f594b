"""add_cases.sanitize: what a pasted log must not keep (real ids), replaced by fakes of the same shape."""

from __future__ import annotations

import re

from tests.realworld.add_cases import sanitize

UPPER = "0A1B2C3D4E5F60718293A4B5C6D7E8F9"


def test_an_eks_endpoint_id_is_replaced_in_either_case_keeping_its_case():
    for real in (UPPER, UPPER.lower()):
        text, changed = sanitize(f"server: https://{real}.gr7.eu-west-1.eks.amazonaws.com")
        fake = re.search(r"//(\w{32})\.", text).group(1)
        assert fake != real and fake.isupper() == real.isupper() and len(fake) == 32
        assert changed == ["EKS endpoint id"]


def test_access_key_ids_are_replaced_and_the_documentation_example_kept():
    pasted = "key ASIAZ7EXAMPLEKEY1234 and AKIAQ2RSTUVWXYZ23456; doc AKIAIOSFODNN7EXAMPLE"
    assert sanitize(pasted) == sanitize(pasted)  # deterministic: a case added twice reads the same
    text, changed = sanitize(pasted)
    keys = re.findall(r"\b(A[KS]IA[A-Z0-9]{16})\b", text)
    assert len(keys) == 3 and keys[2] == "AKIAIOSFODNN7EXAMPLE"
    assert keys[0].startswith("ASIA") and keys[0] != "ASIAZ7EXAMPLEKEY1234"
    assert keys[1].startswith("AKIA") and keys[1] != "AKIAQ2RSTUVWXYZ23456"
    assert changed == ["access key id"]


def test_account_ids_outside_arns_are_replaced_where_aws_names_them():
    real = "731209457236"
    for pasted in (f"does not exist in the registry with id '{real}'",
                   f'{{"registryId": "{real}", "repositoryName": "petstore"}}',
                   f'\\"Account\\": \\"{real}\\"'):
        text, changed = sanitize(pasted)
        assert real not in text and re.search(r"\b4\d{11}\b", text), text
        assert changed == ["account id"]
    assert sanitize("request id 123456789012345")[1] == []  # not 12 digits on their own


def test_an_account_id_wrapped_across_two_lines_is_replaced_keeping_the_wrap():
    # a terminal or the writer broke the ARN inside its account id; the sealed-v25 collector
    # that met it had to skip the thread
    real = "731209457236"
    pasted = "User: arn:aws:sts::7312094\n  57236:assumed-role/node/i-0abc is not authorized"
    text, changed = sanitize(pasted)
    head, tail = re.search(r"arn:aws:sts::(\d+)\n  (\d+):assumed-role", text).groups()
    assert (len(head), len(tail)) == (7, 5) and head + tail != real
    assert re.fullmatch(r"4\d{11}", head + tail) and changed == ["account id"]
    # the same account unwrapped elsewhere in the paste gets the same fake
    both, _ = sanitize(pasted + f"\narn:aws:iam::{real}:role/node")
    assert f"arn:aws:iam::{head}{tail}:role" in both and real not in both


def test_an_account_id_leading_any_amazonaws_host_is_replaced():
    # A writer who dropped `dkr.ecr` from an ECR host still pasted the account id (round 28).
    real = "731209457236"
    for pasted in (f"Pulling {real}.eu-west-2.amazonaws.com/petstore:latest",
                   f"https://{real}.s3-control.us-east-1.amazonaws.com/v20180820"):
        text, changed = sanitize(pasted)
        assert real not in text and re.search(r"\b4\d{11}\.", text), text
        assert changed == ["account id"]
    assert sanitize("ec2-203-0-113-25.compute-1.amazonaws.com")[1] == []
