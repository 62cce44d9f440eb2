"""Printed documents of rectification: the re-inspection opinion (复查意见书) of a hazard
and the campaign summary. Context builders here, templates in
``rectification/templates/rectification/documents/``, rendering in ``safety.reports``."""
