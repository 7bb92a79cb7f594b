"""EKS Kubernetes versions and their support windows: a built-in calendar, `support_status`, and a live lookup (eks.describe_cluster_versions) that falls back to the calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from checks.versions import parse_version
from petstore_core.errors import error_code

# Amazon EKS release calendar (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
# Standard support lasts 14 months from the EKS release, extended support 12 more.
# version: (released on EKS, end of standard support, end of extended support)
CALENDAR: dict[str, tuple[date, date, date]] = {
    "1.23": (date(2022, 8, 11), date(2023, 10, 11), date(2024, 10, 11)),
    "1.24": (date(2022, 11, 15), date(2024, 1, 31), date(2025, 1, 31)),
    "1.25": (date(2023, 2, 21), date(2024, 5, 1), date(2025, 5, 1)),
    "1.26": (date(2023, 4, 11), date(2024, 6, 11), date(2025, 6, 11)),
    "1.27": (date(2023, 5, 24), date(2024, 7, 24), date(2025, 7, 24)),
    "1.28": (date(2023, 9, 26), date(2024, 11, 26), date(2025, 11, 26)),
    "1.29": (date(2024, 1, 23), date(2025, 3, 23), date(2026, 3, 23)),
    "1.30": (date(2024, 5, 23), date(2025, 7, 23), date(2026, 7, 23)),
    "1.31": (date(2024, 9, 26), date(2025, 11, 26), date(2026, 11, 26)),
    "1.32": (date(2025, 1, 23), date(2026, 3, 23), date(2027, 3, 23)),
    "1.33": (date(2025, 5, 29), date(2026, 7, 29), date(2027, 7, 29)),
    "1.34": (date(2025, 10, 2), date(2026, 12, 2), date(2027, 12, 2)),
    "1.35": (date(2026, 1, 27), date(2027, 3, 27), date(2028, 3, 27)),
}
# Known to exist but without published dates in our copy of the calendar: estimated from
# the 14 + 12 month rule; results say so.
ESTIMATED: dict[str, tuple[date, date, date]] = {
    "1.36": (date(2026, 5, 27), date(2027, 7, 27), date(2028, 7, 27)),
}

STANDARD = "standard"
EXTENDED = "extended"
UNSUPPORTED = "unsupported"  # past extended support: creation refused, clusters auto-upgraded
UNKNOWN = "unknown"  # not in the calendar (too new, or not a version)


@dataclass(frozen=True)
class SupportStatus:
    version: str
    status: str  # standard | extended | unsupported | unknown
    end_of_standard: date | None = None
    end_of_extended: date | None = None
    source: str = "calendar"  # calendar | calendar (estimated) | eks api
    days_left: int | None = None  # until the end of the current support window

    @property
    def ok(self) -> bool:
        return self.status == STANDARD

    def describe(self) -> str:
        if self.status == STANDARD:
            return (f"Kubernetes {self.version} is in standard support until "
                    f"{self.end_of_standard} ({self.source})")
        if self.status == EXTENDED:
            return (f"Kubernetes {self.version} is out of standard support since {self.end_of_standard}; "
                    f"extended support (extra cost) ends {self.end_of_extended} ({self.source})")
        if self.status == UNSUPPORTED:
            return (f"Kubernetes {self.version} is no longer supported by EKS "
                    f"(extended support ended {self.end_of_extended}) ({self.source})")
        return f"Kubernetes {self.version} is not in the EKS calendar we know ({self.source})"


def normalise(version: str | float | int) -> str:
    """'1.28', 1.28, 'v1.28.3-eks-abc', '1.30.0' -> '1.28'/'1.30'."""
    text = str(version).strip()
    parsed = parse_version(text)
    return text if parsed is None else f"{parsed[0]}.{parsed[1]}"


def support_status(version: str | float, today: date | None = None,
                   calendar: dict[str, tuple[date, date, date]] | None = None,
                   source: str = "calendar") -> SupportStatus:
    today = today or date.today()
    key = normalise(version)
    table = calendar if calendar is not None else CALENDAR
    entry = table.get(key)
    if entry is None and calendar is None and key in ESTIMATED:
        entry, source = ESTIMATED[key], "calendar (estimated)"
    if entry is None:
        return SupportStatus(key, UNKNOWN, source=source)
    _released, end_std, end_ext = entry
    if today <= end_std:
        return SupportStatus(key, STANDARD, end_std, end_ext, source, (end_std - today).days)
    if today <= end_ext:
        return SupportStatus(key, EXTENDED, end_std, end_ext, source, (end_ext - today).days)
    return SupportStatus(key, UNSUPPORTED, end_std, end_ext, source, 0)


def standard_versions(today: date | None = None) -> list[str]:
    today = today or date.today()
    known = {**ESTIMATED, **CALENDAR}
    return sorted((v for v in known if support_status(v, today).status == STANDARD),
                  key=lambda v: tuple(map(int, v.split("."))))


def live_status(eks_client, version: str, today: date | None = None) -> SupportStatus:
    """Ask EKS (describe_cluster_versions) for the version's support dates; fall back to
    the calendar when the API is missing (older endpoints, moto: 404) or fails, and say
    which source answered."""
    today = today or date.today()
    try:
        response = eks_client.describe_cluster_versions(clusterVersions=[normalise(version)])
    except Exception as exc:  # 404 in moto, AccessDenied, an old botocore without the API

        fallback = support_status(version, today)
        return SupportStatus(fallback.version, fallback.status, fallback.end_of_standard,
                             fallback.end_of_extended,
                             f"{fallback.source}; EKS API unavailable ({error_code(exc)})",
                             fallback.days_left)
    rows = response.get("clusterVersions") or []
    if not rows:
        return SupportStatus(normalise(version), UNSUPPORTED, source="eks api (version not offered)")
    row = rows[0]
    end_std = _as_date(row.get("endOfStandardSupportDate"))
    end_ext = _as_date(row.get("endOfExtendedSupportDate"))
    released = _as_date(row.get("releaseDate")) or date(1970, 1, 1)
    if end_std and end_ext:
        return support_status(version, today, {normalise(version): (released, end_std, end_ext)}, "eks api")
    status = str(row.get("versionStatus") or row.get("status") or "").upper()
    mapped = {"STANDARD_SUPPORT": STANDARD, "EXTENDED_SUPPORT": EXTENDED}.get(status, UNKNOWN)
    return SupportStatus(normalise(version), mapped, end_std, end_ext, "eks api")


def _as_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value if type(value) is date else value.date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
