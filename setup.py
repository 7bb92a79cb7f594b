"""The native pieces of the project, both optional: where one cannot be built, the
project does the same work without it, slower.

- checks/engine/_line_scan.c: checks/engine/line_scan.py holds its Python equivalents.
- checks/engine/_hs_native.c: Hyperscan through the system library (Debian's
  libhyperscan-dev, which `./dev setup` installs); checks/engine/hs_backend.py falls
  back to the `hyperscan` wheel without it.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("checks.engine._line_scan", ["checks/engine/_line_scan.c"], optional=True),
    Extension("checks.engine._hs_native", ["checks/engine/_hs_native.c"], libraries=["hs"], optional=True),
])
