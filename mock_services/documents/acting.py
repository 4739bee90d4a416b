"""Who acts on a document, and when: the services share ``core.acting``; named here for the document
modules that import it from their own package."""

from mock_services.core.acting import Acting, emit

__all__ = ["Acting", "emit"]
