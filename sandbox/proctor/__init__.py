"""The proctor's (giám thị's) pages: a login of their own and the room's candidates at a glance."""
