"""Thư điện tử công vụ: the SMTP listener and, with the mail issue, the webmail."""
