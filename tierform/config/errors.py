"""Configuration problems, reported as `file: field.path: what was expected`."""

from __future__ import annotations

from dataclasses import dataclass

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in one file, at one field path (empty when it concerns the whole file)."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        # Last line of defence: whatever a message quotes, a secret is never printed.
        from tierform.config.secrets import mask_secrets

        # Mask first: a key cut short by the length limit would no longer be recognised.
        message = mask_secrets(self.message)
        # One line per problem, whatever a quoted value held.
        message = " ".join(part for part in message.splitlines() if part.strip())
        if len(message) > MAX_MESSAGE:  # a value quoted whole (up to 1 MiB) is no message
            message = message[: MAX_MESSAGE - 1] + "…"
        # A tier named like a token names its file too; a folder name holding a newline
        # (`--config $'a\nb'`) is shown escaped, so the problem stays one line.
        file = _one_line(mask_secrets(self.file))
        if self.path:
            return f"{file}: {_one_line(mask_secrets(self.path))}: {message}"
        return f"{file}: {message}"


def _one_line(text: str) -> str:
    """`text` with its control characters escaped (`\n`, `\x1b`), or as it is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


MAX_SHOWN_ISSUES = 100
# How tierform/config/secrets.py opens its message: a field that holds a secret.
SECRET_MESSAGE = "holds what looks like "
# How a message quotes a value holding a secret (error_format.shorten: `<a JWT, not shown>`).
NOT_SHOWN = ", not shown>"


def _one_per_secret_field(issues: list[ConfigIssue]) -> list[ConfigIssue]:
    """A field refused for holding a secret is said once: another problem of that field that
    quotes its value (a webhook URL with a token is no destination id either) would only
    show `<… not shown>` again. One that does not quote it (`rsa_public_key`: "this looks
    like a private key") says more, and stays."""
    secret = {(i.file, i.path) for i in issues if i.message.startswith(SECRET_MESSAGE)}
    if not secret:
        return issues
    from tierform.config.secrets import find_secret

    def moot(issue: ConfigIssue) -> bool:
        if issue.message.startswith(SECRET_MESSAGE) or (issue.file, issue.path) not in secret:
            return False
        return NOT_SHOWN in issue.message or find_secret(issue.message) is not None

    return [i for i in issues if not moot(i)]


class ConfigError(Exception):
    """Raised for any invalid configuration; carries every issue found, in file order."""

    def __init__(self, issues: list[ConfigIssue]):
        if not issues:
            raise ValueError("ConfigError needs at least one issue")
        self.issues = _one_per_secret_field(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        # A mistake repeated over a big platform (one unknown key in 11,000 schemas) would
        # print 11,000 lines: the first MAX_SHOWN_ISSUES say what is wrong, a count the rest.
        shown = [str(issue) for issue in self.issues[:MAX_SHOWN_ISSUES]]
        hidden = len(self.issues) - len(shown)
        if hidden > 0:
            shown.append(
                f"... and {hidden:,} more issue(s) not shown ({len(self.issues):,} in all); "
                "fix those above and validate again"
            )
        return "\n".join(shown)


# Exit code for bad input, shared by every command that reads configuration.
EXIT_BAD_INPUT = 2

# The configuration folder, for every command and make target (their --config wins; the
# default is `config`): one variable, so a platform kept elsewhere is never half-honoured.
CONFIG_VARIABLE = "TIERFORM_CONFIG"
