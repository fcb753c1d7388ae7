"""The app is air-gap safe by construction: hub libraries are told they are offline before they load."""

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce_offline() -> None:
    """Set offline/no-telemetry variables; called at CLI start and before any model import."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
