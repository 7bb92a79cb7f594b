"""petstore-tui: deploy and diagnose the Pet Store API on AWS EKS."""

__version__ = "0.1.0"
