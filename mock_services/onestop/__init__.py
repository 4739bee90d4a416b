"""Một cửa điện tử: the one-stop shop where commune officials receive, hand over and return citizens'
dossiers for administrative procedures (thủ tục hành chính)."""
