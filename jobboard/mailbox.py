"""Mail under `make run`, with no SMTP server configured: printed to the terminal, as Django's
console backend does, and kept as one .eml file per message in .local/mail/ (EMAIL_FILE_PATH),
which any mail program opens, so a developer can read the alerts and links the board sends.

Named by dotted path in settings.EMAIL_BACKEND only; no app imports it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


class ConsoleAndFilesBackend(ConsoleBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            self.stream.write(f"(kept as {path})\n")
        return super().send_messages(email_messages)
