"""gsi-explorer: browse and question China's internal-security diplomacy event data, offline."""

from gsi_explorer.offline import enforce_offline

__version__ = "0.1.0"

# Set before any hub library can read them, even when a host program imports us as a library.
enforce_offline()
