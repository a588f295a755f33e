"""What the family and staff blueprints share: access rules, errors, headers, throttles."""
