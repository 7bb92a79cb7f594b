"""The ground both the knowledge (checks/) and the app (petstore_tui/) stand on: which
target we talk to and where state lives (settings), how a tool is run (process), how AWS
and Kubernetes are reached (aws, kube), what their errors mean (errors), the Terraform
variables of a target (terraform_vars), and redaction (redact). No Textual, no catalog,
no I/O at import."""
