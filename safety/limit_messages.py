"""Messages of the upload and content limits that carry a configured number (a setting's
value: the decoding budget, the photos a hazard may hold). Each is registered under its
Chinese text when made, as ``safety.error_messages`` does for fixed texts, so the error
boundary shows it in one language (``safety.i18n.localise``) and ``message_en`` carries
the English. The values come from settings, so the catalogue stays small."""

from __future__ import annotations

from safety import i18n


def catalogued(zh: str, en: str) -> str:
    """``zh``, registered with its English ``en``: raise it as the message."""
    if zh not in i18n.MESSAGES:
        i18n.register({zh: (zh, en)})
    return zh
