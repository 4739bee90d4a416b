"""The exam room: boots the servers, creates exams and accounts, draws and sets up tasks."""
