"""The exceptions of flowfeat."""


class Error(Exception):
    """Base class of flowfeat's own exceptions."""


class ConfigError(Error, ValueError):
    """The configuration is not valid: an unknown key, a value of the wrong type or out of range, a
    labels file that does not load. The message lists every problem, one per line, as
    ``flowfeatd --check-config`` does."""


class CaptureError(Error, OSError):
    """A source or an output cannot be used: a capture file that is missing or not a capture, an
    interface that does not open, Kafka brokers that do not answer."""


class PipelineError(Error, RuntimeError):
    """A stage of the pipeline failed while running; the message names the stage."""
