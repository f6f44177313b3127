"""Watch alerts that reach people: [[notify]] entries get each new watch hit once.

payload.py builds the public JSON object, send.py talks to a program, a webhook or an ntfy
topic, retry.py decides when to try again, deliver.py runs the pass after every poll.
"""
