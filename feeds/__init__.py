"""Fetching and parsing feeds: HTTP, limits, feedparser -> plain article records.

Nothing here touches the database or the UI; the poller hands records to whoever called it.
"""
