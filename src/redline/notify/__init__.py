"""Notifications: who hears about which change (rules), in what words (payload, cards), and how
it gets there (apprise, Standard Webhooks) reliably (the deliverer over the storage outbox).

Kept empty on purpose: ``storage`` imports the pure ``notify.rules`` when it writes outbox rows,
so this package must not import storage (or anything that does) on import.
"""
