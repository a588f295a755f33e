"""The rules of the service, free of request objects: windows, meetings, answering, closing."""
