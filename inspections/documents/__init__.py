"""Printed documents of an inspection: the inspection report (检查报告) and the
rectification notice (隐患整改通知书, with a QR code). Context builders here, templates in
``inspections/templates/inspections/documents/``, rendering in ``safety.reports``."""
