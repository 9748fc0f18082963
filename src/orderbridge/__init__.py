"""orderbridge: the open-source hub between online ordering channels and restaurant POS.

``__version__`` is read from the installed package's metadata, whose one source is
``version`` in ``pyproject.toml``: the OpenAPI document, the ``User-Agent`` of outbound
calls and ``orderbridge --version`` all print it, and none can drift from the release.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("orderbridge")
except PackageNotFoundError:  # a source tree on sys.path without the package installed
    __version__ = "0+unknown"
