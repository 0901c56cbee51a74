"""The data-protection records of stakeholders (see docs/data-protection.md)."""
