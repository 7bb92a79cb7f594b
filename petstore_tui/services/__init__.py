"""All I/O of petstore-tui: processes, Terraform, Docker, Helm, Kubernetes, AWS. No Textual here."""
