"""Suite-wide setup: every test runs offline against a private GSI_HOME, never the user's cache.

Shared fixtures live in one module per part (data, index, Q&A), listed below.
"""

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="gsi-test-home-")
os.environ["GSI_HOME"] = _HOME
for _var in ("GSI_DB", "GSI_DATA", "GSI_INDEX_DIR", "GSI_MODEL", "GSI_EMBED_MODEL"):
    os.environ.pop(_var, None)

from gsi_explorer.offline import enforce_offline  # noqa: E402

enforce_offline()

pytest_plugins = [
    "tests.fixtures_data",
    "tests.fixtures_index",
    "tests.fixtures_qa",
]
