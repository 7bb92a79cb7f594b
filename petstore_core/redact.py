"""Mask secrets in any text we show, store or export: AWS keys, secret keys and session
tokens, EKS tokens, JWTs, kubeconfig credentials, PEM private keys, forge tokens,
passwords in URLs, DSNs, headers, flags and key/value pairs of every syntax.

Every evidence line, report, journal entry and error message passes through `redact`.
Streams read line by line (the TUI's log view, a step's output) also pass through a
`KeyBlockMasker`, which masks the body lines of a PEM private key between its BEGIN and
END lines, where no single line says it is a secret.

Each rule runs only when a cheap substring test says it may apply, so an ordinary log
line costs a few `in` tests and one pass for long base64 runs (bench/bench_redact.py).
The shapes are listed, with an example of each, in tests/secrets/corpus.yaml; the facts
the rules rely on, and what they deliberately leave alone, in docs/knowledge/secrets.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter

MASK = "****"


class _Pattern:
    """`re.compile(pattern, flags)` on first use. Compiling every rule at import cost about
    8 ms of CPU on every start of the TUI (bench/bench_tui.py), where the first screen needs
    none or two of them. Each method, once used, is kept on the instance, so the calls after
    it cost what the compiled pattern's own do."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        method = getattr(re.compile(*self._source), name)
        setattr(self, name, method)
        return method

# -- PEM private keys (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8, PGP) ------------------------
# A whole block becomes one marker naming its kind; so does a BEGIN line whose END is not in
# this text (a stream's line), with the rest of its line. The marker keeps no "BEGIN ...
# PRIVATE KEY" header: scanners flag that header alone (docs/knowledge/secrets.md).
_PEM = _Pattern(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:(?!-----BEGIN ).){0,20000}?"
    r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", re.DOTALL)
_PEM_OPEN = _Pattern(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----([^\n]*)")


def _pem_open(m: re.Match) -> str:
    rest = m.group(2).strip()
    return f"-----MASKED {m.group(1)}-----" + (f" {MASK}" if rest else "")


# -- tokens recognised by their own shape, wherever they stand ------------------------------
_TOKENS = _Pattern(
    # AWS access key ids (long-term AKIA, temporary ASIA, the other principal prefixes): keep 8
    r"\b(?P<akid>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{4})[A-Z0-9]{12}\b"
    # STS session tokens by their well-known base64 prefixes
    r"|\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=%]{20,}"
    # EKS tokens: a presigned STS URL, base64url, after k8s-aws-v1.
    r"|\b(?P<eks>k8s-aws-v1\.)[A-Za-z0-9_\-]+"
    # JWTs (service-account tokens, OIDC) and base64 JSON (`aws ecr get-login-password`)
    r"|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"
    r"|\beyJ[A-Za-z0-9+/]{30,}={0,2}"
    # ECR authorization tokens: base64 of "AWS:<password>"
    r"|\bQVdTO[g-v][A-Za-z0-9+/]{16,}={0,2}"
    # GitHub (classic, OAuth, user, server, refresh; fine-grained) and GitLab tokens
    r"|\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"
    r"|\bgl(?:pat|dt|rt|cbt|ptt|oas|soat|ffct|agent|imt|ft|it|fl|wt)-[A-Za-z0-9_\-]{20,}"
    r"|\bGR1348941[A-Za-z0-9_\-]{20,}"
    # Slack and npm tokens
    r"|\bxox[abposr]-[A-Za-z0-9\-]{10,}"
    r"|\bnpm_[A-Za-z0-9]{36}\b")
# what every shape above starts with: one search of this is cheaper than `in` tests for each
_TOKEN_GATE = _Pattern(
    r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|IPA|NPA|NVA|PKA|ROA|SCA)|IQoJb3JpZ2lu|GZXIvYXdz|k8s-aws-v1\.|eyJ"
    r"|QVdTO|gh[pousr]_|github_pat_|gl[a-z]{2,5}-|GR1348941|xox|npm_")


def _token(m: re.Match) -> str:
    if m.group("akid"):
        return m.group("akid") + MASK
    if m.group("eks"):
        return m.group("eks") + MASK
    return MASK


# -- scheme://user:password@host (user may be empty: redis://:pw@host) ----------------------
_URL_USERINFO = _Pattern(r"(?i)\b([a-z][a-z0-9+.\-]{0,30}://[^\s:/@'\"]*:)([^\s'\"]+)(@[^\s@/'\"?#]+)")
_PORT_PATH = _Pattern(r"\d{1,5}(?:/|$)")  # host:port/path@x is not user:password@host


def _userinfo(m: re.Match) -> str:
    if m.group(2) == MASK or _PORT_PATH.match(m.group(2)):
        return m.group(0)
    return f"{m.group(1)}{MASK}{m.group(3)}"


# -- key/value pairs whose key says secret: env files, flags, JSON, YAML, DSNs, logs ---------
# The keyword must end the key (`postgresPassword:`, `client-key-data:`, `x.password=`;
# not `tokenExpiration:` or `secretName:`). `:` takes no space before it: `volume "x" :` in
# a Kubernetes event is prose, not a key.
# password, passwd, passphrase, pwd, secret, token, signature, api/access/private/secret/
# signing/encryption/master/ssh/session key, key data, certificate data; factored by first
# letter and announced by a look-ahead, which lets `re` skip most positions at once
_SECRET_KEY = (r"(?:p(?:ass(?:word|wd|phrase)|wd|rivate[_\-]?key)"
               r"|s(?:ecret(?:[_\-]?key)?|ignature|igning[_\-]?key|sh[_\-]?key|ession[_\-]?key)"
               r"|token|a(?:pi|ccess)[_\-]?key|encryption[_\-]?key|master[_\-]?key|key[_\-]?data"
               r"|certificate[_\-]?data)")
_KV = _Pattern(
    rf"(?im)(?=[pstaemkc]){_SECRET_KEY}(?P<sep>\\?[\"']?(?:\s*=\s*|:[ \t]*))"
    # quoted values may lack their closing quote: evidence cuts long lines to a window
    r"(?:\\\"(?P<esc>.*?)(?:\\\"|$)|\"(?P<dq>(?:[^\"\\\n]|\\.)*)(?:\"|$)|'(?P<sq>[^'\n]*)(?:'|$)"
    r"|(?P<bare>[^\s\"',;&}\])]+))")
# YAML (`rootPassword: open sesame`, Helm values): an unquoted value runs to the end of the
# line (or a comment). The line may carry a stream's `[pod/x/app] ` or timestamp prefix.
# After a password-like key (not a token: tokens hold no spaces) that holds anywhere in a
# line, as a report's timeline or a step list quotes the YAML line.
_YAML_VALUE = r":[ \t]+)(?![\"'|>]|\*\*\*\*)([^\n#]*[^\s#])"
_YAML_KV = _Pattern(
    r"(?im)^((?:\[[^\]\n]{1,200}\] |\d{4}-\d\d-\d\dT[\d:.]+Z )?[ \t]*(?:- )?"
    rf"([A-Za-z0-9_.\-]*?{_SECRET_KEY}){_YAML_VALUE}")
_PASSWORD_KV = _Pattern(rf"(?i)(?=[ps])((p(?:ass(?:word|wd|phrase)|wd)|secret){_YAML_VALUE}")
_KV_GATES = ("pass", "pwd", "secret", "token", "signature", "key")
_KEY_CHARS = _Pattern(r"[A-Za-z0-9_.\-]*\Z")
# Keys that say token but hold none: AWS pagination and idempotency parameters
_NOT_SECRET_TOKEN = _Pattern(
    r"(?i)(?:request|client|next|continuation|pagination|idempotency|page|marker)[_\-]?token\Z")
# `ExpiredToken: The security token ...`, `IncompleteSignature: The request ...`: an AWS
# error code and its message, not a key and its value
_ERROR_CODE = _Pattern(r"(?:[A-Z][a-z]+)+(?:Token|Signature)\Z")
_PROSE_WORD = _Pattern(r"[A-Z][a-z]+(?:\s|\Z)")


def _not_secret(key: str, separator: str, value: str) -> bool:
    """A key/value match that holds no secret (see the two patterns above)."""
    return bool(_NOT_SECRET_TOKEN.search(key) or (
        separator.startswith(":") and _ERROR_CODE.fullmatch(key) and _PROSE_WORD.match(value)))


def _prose_token(key: str, value: str, after: str, before: str) -> bool:
    """`failed to fetch anonymous token: unexpected status: 403` (containerd): the word
    token inside a sentence, then another word of it. A token is random and has no
    sentence around it, so a short lower-case word that the sentence goes on after is
    not one; passwords, which can be words, are not let off this way."""
    return (key.lower() == "token" and before == " " and after == " "
            and value.isalpha() and value.islower() and len(value) <= 20)


def _path_end(text: str, key_start: int) -> bool:
    """The key is the last part of a path (`open .../serviceaccount/token: no such file`,
    `/etc/passwd: not found`): what follows is an error about the file, not its value."""
    return key_start > 0 and text[key_start - 1] == "/"


def _key_value(m: re.Match) -> str:
    for name in ("esc", "dq", "sq", "bare"):
        value = m.group(name)
        if value is not None:
            break
    if not value or value.startswith(MASK):
        return m.group(0)
    text = m.string
    before = _KEY_CHARS.search(text, max(0, m.start() - 60), m.start())
    key = before.group() + text[m.start():m.start("sep")]
    if _path_end(text, before.start()) or _not_secret(key, m.group("sep").lstrip("\\\"'"), value):
        return m.group(0)
    if name == "bare" and _prose_token(key, value, text[m.end():m.end() + 1], text[before.start() - 1:before.start()]):
        return m.group(0)
    start, end = m.span(name)
    return text[m.start():start] + MASK + text[end:m.end()]


def _yaml_value(m: re.Match) -> str:
    # the key as written: _PASSWORD_KV starts at its keyword, the rest of it stands before
    before = _KEY_CHARS.search(m.string, max(0, m.start(2) - 60), m.start(2))
    key = before.group() + m.group(2)
    if _path_end(m.string, before.start()) or _not_secret(key, ":", m.group(3)):
        return m.group(0)
    return m.group(1) + MASK


# -- headers, flags and the rest ------------------------------------------------------------
_AUTH_HEADER = _Pattern(
    r"(?i)(\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?"
    r"(?>(?P<scheme>(?:bearer|basic|token|digest|negotiate|aws4-hmac-sha256)\s+)?))(?!\*\*\*\*)([^\s\"',]+)")
_BEARER = _Pattern(r"(?i)\b(bearer\s+)(?!\*\*\*\*)([A-Za-z0-9\-._~+/]{12,}=*)")
_BASIC = _Pattern(r"(?i)\b(basic\s+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])")
_PRESIGNED = _Pattern(r"(?i)(X-Amz-(?:Security-Token|Signature|Credential)=)(?!\*\*\*\*)[^&\s'\"]+")
# `--password X`, `--token X` (docker login, psql, helm repo add; `--password-stdin` takes no
# value), `-u user:password` (curl), `login ... -p X` (docker, podman, helm registry)
_FLAGS = _Pattern(
    r"(?i)(--password[ =]|--token[ =]|(?<!\S)(?:-u|--user)[ =][^\s:]+:|\blogin\b[^\n]*?\s-p[ =]?)"
    r"(?!\*\*\*\*)(\S+)")
_FLAG_GATES = ("--password", "--token", "-u ", "--user", "login")
_DOCKER_AUTH = _Pattern(r"(\"auth\"\s*:\s*\")([^\"]+)(\")")


def _auth_header(m: re.Match) -> str:
    # without a scheme, `authorization: authorization failed` is prose: a credential has
    # digits or punctuation
    if m.group("scheme") or len(m.group(3)) >= 8 and not m.group(3).isalpha():
        return m.group(1) + MASK
    return m.group(0)


def _basic(m: re.Match) -> str:
    word = m.group(2)
    # `Basic authentication` is prose; base64 of user:password has digits, padding or
    # capitals past its first letter
    if any(c.isdigit() or c in "+/=" for c in word) or any(c.isupper() for c in word[1:]):
        return m.group(1) + MASK
    return m.group(0)


# -- long base64 runs: AWS secret keys, PEM body lines, kubeconfig *-data, docker auths -------
# 40+ characters of the base64 alphabet standing alone, with capitals, small letters and
# digits, and the entropy of random data (paths and words have less).
_BASE64_RUN = _Pattern(r"(?<![A-Za-z0-9+/=_.\-])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=_.\-])")
_MIN_ENTROPY = 4.0  # bits a character; random base64 of 40+ characters has about 4.7 or more


# An ARN's resource part (`arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly`) names a
# thing; it is never a secret, however random a long policy name looks.
_ARN_PREFIX = _Pattern(r"\barn:aws[\w-]*:[\w-]+:[\w-]*:[\w-]*:$")


def _random_looking(m: re.Match) -> str:
    run = m.group()
    if _ARN_PREFIX.search(m.string, max(0, m.start() - 80), m.start()):
        return run
    if (any(c.isupper() for c in run) and any(c.islower() for c in run)
            and any(c.isdigit() for c in run) and _entropy(run) >= _MIN_ENTROPY):
        return MASK
    return run


def _entropy(text: str) -> float:
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def redact(text: str, extra_secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Return `text` with every secret we know the shape of replaced by a mask.

    `extra_secrets` are literal values known to be secret in this context (a password
    read from a Secret, a token we minted) and are masked wherever they appear.
    """
    if not text:
        return text
    for secret in extra_secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    if "PRIVATE KEY" in text:
        text = _PEM.sub(r"-----MASKED \1-----", text)
        text = _PEM_OPEN.sub(_pem_open, text)
    if "://" in text and "@" in text:
        text = _URL_USERINFO.sub(_userinfo, text)
    if _TOKEN_GATE.search(text):
        text = _TOKENS.sub(_token, text)
    lowered = text.lower()
    if "x-amz-" in lowered:
        text = _PRESIGNED.sub(rf"\1{MASK}", text)
    if "authorization" in lowered:
        text = _AUTH_HEADER.sub(_auth_header, text)
    if "bearer" in lowered:
        text = _BEARER.sub(rf"\1{MASK}", text)
    if "basic" in lowered:
        text = _BASIC.sub(_basic, text)
    if any(gate in lowered for gate in _FLAG_GATES):
        text = _FLAGS.sub(rf"\1{MASK}", text)
    if '"auth"' in text:
        text = _DOCKER_AUTH.sub(rf"\1{MASK}\3", text)
    if any(gate in lowered for gate in _KV_GATES):
        text = _YAML_KV.sub(_yaml_value, text)
        if "pass" in lowered or "pwd" in lowered or "secret" in lowered:
            text = _PASSWORD_KV.sub(_yaml_value, text)
        text = _KV.sub(_key_value, text)
    return _BASE64_RUN.sub(_random_looking, text)


class KeyBlockMasker:
    """Masks the body of a PEM private key in a stream read one line at a time, where the
    body lines (and a short last one) look like nothing by themselves: every line after a
    `-----BEGIN ... PRIVATE KEY-----` line up to its END line. Lines of several pods come
    interleaved, so state is kept per stream and per `[prefix] ` a line starts with.
    Cheap: one substring test per line outside a block. Returns the line to show."""

    MAX_LINES = 400  # a key is never longer: a lost END line must not mask the rest of a log

    def __init__(self) -> None:
        self._open: dict[str, int] = {}

    def __call__(self, line: str, stream: str = "") -> str:
        if "PRIVATE KEY" not in line and not self._open:
            return line
        key = stream
        if line.startswith("["):
            close = line.find("] ")
            if close > 0:
                key = f"{stream}{line[:close + 1]}"
        if key in self._open:
            if "-----END" in line:
                del self._open[key]
                return line
            self._open[key] += 1
            if self._open[key] > self.MAX_LINES:
                del self._open[key]
                return line
            head, _space, body = line.rpartition(" ")
            return f"{head} {MASK}" if head and body else (MASK if line.strip() else line)
        if "-----BEGIN" in line and "PRIVATE KEY" in line and "-----END" not in line:
            self._open[key] = 0
        return line
