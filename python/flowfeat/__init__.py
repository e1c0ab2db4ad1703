"""flowfeat: per-flow feature records for network anomaly detection, from pcap files or a live
interface, straight into pandas, Arrow, Polars and DuckDB.

    import flowfeat
    df = flowfeat.Streamer("capture.pcap", labels="truth.csv").to_pandas()

The records are those of the flowfeatd daemon (the same C++ library): NFStream's flow columns, fan
metrics, labels, encodings, derived and standardized features.
"""

from . import _flowfeat
from ._errors import CaptureError, ConfigError, Error, PipelineError
from ._settings import configuration_keys
from ._streamer import Streamer, schema

__version__: str = _flowfeat.__version__

_flowfeat._set_error_types(ConfigError, CaptureError, PipelineError)

__all__ = ["Streamer", "schema", "configuration_keys", "Error", "ConfigError", "CaptureError", "PipelineError", "__version__"]
