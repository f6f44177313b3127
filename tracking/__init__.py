"""The domain, as pure logic over records: stories, partnership tagging, timelines, questions,
watch items and export. Nothing here does I/O of its own."""
