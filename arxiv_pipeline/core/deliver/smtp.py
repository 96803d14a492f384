"""Sending the email over SMTP (STARTTLS, implicit TLS, or a plain local relay)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from arxiv_pipeline.core.config import EmailTarget
from arxiv_pipeline.core.deliver import DeliveryError


def smtp_password(target: EmailTarget, environ: Mapping[str, str]) -> str | None:
    if not target.password_env:
        return None
    password = environ.get(target.password_env)
    if not password:
        raise DeliveryError(
            f"the environment variable {target.password_env} (delivery target {target.name}'s SMTP "
            "password) is not set",
            retriable=False,
        )
    return password


def send_email(
    target: EmailTarget,
    message: EmailMessage,
    environ: Mapping[str, str],
    tls: ssl.SSLContext | None = None,
) -> str:
    """Hand the message to the server; returns the server's reply to the end of DATA (it says
    the message was queued). Errors name the step that failed, never the password."""
    password = smtp_password(target, environ)
    context = tls or ssl.create_default_context()
    recipients = [address for _, address in getaddresses(target.to)]
    step = "connect"
    try:
        if target.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                target.host, target.port, timeout=target.timeout_s, context=context
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=target.timeout_s)
        with client:
            step = "EHLO"
            client.ehlo()
            if target.security == "starttls":
                step = "STARTTLS"
                client.starttls(context=context)
                client.ehlo()
            if target.username:
                step = "AUTH"
                client.login(target.username, password or "")
            step = "send"
            sender = parseaddr(target.sender)[1]
            refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
            reply = f"queued for {len(recipients) - len(refused)} of {len(recipients)} recipients"
            if refused:
                raise DeliveryError(
                    f"the server refused {', '.join(sorted(refused))}: {reply}", retriable=False
                )
            return reply
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"SMTP {target.host}:{target.port} refused the login of {target.username} "
            f"({exc.smtp_code}); check the user and ${target.password_env}",
            retriable=False,
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"SMTP {target.host}:{target.port}: {step} is not offered ({exc})") from None
    except smtplib.SMTPResponseException as exc:
        # 4xx: try again later; 5xx: the server will not take it as it is.
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        raise DeliveryError(
            f"SMTP {target.host}:{target.port} answered {exc.smtp_code} at {step}: {text}",
            retriable=400 <= exc.smtp_code < 500,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        kind = "timed out" if isinstance(exc, TimeoutError) else "failed"
        raise DeliveryError(
            f"SMTP {target.host}:{target.port} {kind} at {step}: {exc.__class__.__name__}: {exc}"
        ) from None
