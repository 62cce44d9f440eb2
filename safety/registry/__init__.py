"""The enterprise registry (企业台账): enterprises, their codes and contacts, the ledger
import/export.

- ``rules``: pure field rules (USCC via ``safety.rules``, phones, vocabularies).
- ``service``: async use cases (create, update, list, scope) over the tables.
- ``sheets``: reading/writing ledger files (.xlsx/.csv), pure.
- ``sync``: the import plan (preview) and its application.
- ``api`` / ``pages``: the JSON API and the server pages, both over ``service``.
- ``messages``: the message keys of the pages (Chinese and English).
"""
