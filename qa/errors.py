"""The few errors a user can meet. The CLI prints their message; the API maps them to a status."""


class QaError(Exception):
    """Base class: the message is written for the person reading it."""


class SkipFile(QaError):
    """A corpus file that cannot be read as releases; ingest skips it and says why."""


class IndexMissing(QaError):
    """No index has been built yet in the index folder."""


class IndexIncompatible(QaError):
    """The index was built with another model or dimension, or by another version."""


class ConfigError(QaError):
    """A setting has a value that cannot work; the message names the setting."""


class AnswererUnavailable(QaError):
    """The generative answerer's endpoint failed, timed out or replied with garbage."""
