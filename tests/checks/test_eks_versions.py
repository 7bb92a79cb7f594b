"""checks.eks_versions: the support calendar and the live lookup (moto_server lacks describe_cluster_versions)."""

from __future__ import annotations

from datetime import date, datetime

import boto3
import pytest
from botocore.stub import Stubber

from checks import eks_versions as ev

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize("version, status", [
    ("1.28", ev.UNSUPPORTED), ("1.24", ev.UNSUPPORTED), ("1.31", ev.UNSUPPORTED),
    ("1.32", ev.EXTENDED), ("1.33", ev.EXTENDED),
    ("1.34", ev.STANDARD), ("1.35", ev.STANDARD), ("v1.35.2-eks-123", ev.STANDARD),
    ("1.99", ev.UNKNOWN), ("garbage", ev.UNKNOWN),
])
def test_support_status_on_the_day(version, status):
    """No stand-in: the built-in calendar on 2026-11-28."""
    assert ev.support_status(version, TODAY).status == status


def test_1_28_is_out_of_standard_support():
    """No stand-in."""
    status = ev.support_status(1.28, TODAY)
    assert not status.ok
    assert "no longer supported" in status.describe()
    assert ev.support_status("1.28", date(2024, 1, 1)).ok


def test_estimated_versions_say_so():
    """No stand-in."""
    assert ev.support_status("1.36", TODAY).source == "calendar (estimated)"


def test_standard_versions_lists_current_ones():
    """No stand-in."""
    assert ev.standard_versions(TODAY)[:2] == ["1.34", "1.35"]


def test_live_lookup_falls_back_when_api_missing(aws):
    """moto_server: describe_cluster_versions is not implemented (404)."""
    eks = boto3.client("eks", region_name="us-east-1")
    status = ev.live_status(eks, "1.35", TODAY)
    assert status.status == ev.STANDARD
    assert status.source.startswith("calendar; EKS API unavailable")


def test_live_lookup_uses_the_api_when_it_answers():
    """botocore Stubber standing in for EKS describe_cluster_versions."""
    eks = boto3.client("eks", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(eks) as stub:
        stub.add_response("describe_cluster_versions", {"clusterVersions": [{
            "clusterVersion": "1.33", "releaseDate": datetime(2025, 5, 29),
            "endOfStandardSupportDate": datetime(2026, 7, 29), "endOfExtendedSupportDate": datetime(2027, 7, 29),
            "status": "EXTENDED_SUPPORT"}]})
        status = ev.live_status(eks, "1.33", TODAY)
    assert (status.status, status.source) == (ev.EXTENDED, "eks api")
