"""gsi-explorer: browse and question China's internal-security diplomacy event data, offline."""

__version__ = "0.1.0"
