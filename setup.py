"""The one native piece of the project: checks/engine/_line_scan.c. Optional: where it
cannot be built, checks/engine/line_scan.py does the same work in Python, slower."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("checks.engine._line_scan", ["checks/engine/_line_scan.c"], optional=True)])
