#!/bin/sh
# The baseline of issue 5's benchmark: the plain sequential checks an operator would type.
# A missing tool is simply what this machine has: its line fails fast and the script goes on.
aws --version
terraform --version
kubectl version --client
helm version --short
docker --version
jq --version
git --version
aws sts get-caller-identity
exit 0
