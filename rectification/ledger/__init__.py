"""The hazard ledger (隐患台账) as a streamed .xlsx: ``service`` reads the rows, ``web``
serves them (the JSON API's ``/api/v1/hazards/export.xlsx`` and the page download)."""
