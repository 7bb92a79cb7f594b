"""Stand-ins the tests share: moto for AWS, PostgreSQL on loopback, Terraform's mirror."""
