"""Background job kinds of this app (registered on import from AppConfig.ready)."""
