"""Staff accounts: passwords and signing in."""
