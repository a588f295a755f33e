"""Running the service: database engine, backups, log privacy."""
