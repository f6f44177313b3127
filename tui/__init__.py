"""The Textual dashboard: screens, widgets and one stylesheet. No SQL and no HTTP here."""
