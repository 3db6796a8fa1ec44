"""The remote registry: every remote deployment declared once, validated up front.

Forkers edit one file, ``remotes.toml`` at the project root (or build
``RemoteSpec`` objects in code). Secrets are never written there: a remote names
the environment variable that holds its API key, and the key is read only when
its client is created.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from langgraph.types import RetryPolicy
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from remote_graphs.errors import ConfigError
from remote_graphs.retry import is_transient
from remote_graphs.urls import check_url

CONFIG_ENV = "REMOTE_GRAPHS_CONFIG"
"""Environment variable naming the registry file (default: ``remotes.toml`` in the cwd)."""
DEFAULT_CONFIG_FILE = "remotes.toml"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
"""Capitals only: a pasted secret is refused (and never echoed) instead of read as a name."""
_SECRET_HEADERS = {"x-api-key", "authorization", "cookie", "proxy-authorization"}


class Timeouts(BaseModel):
    """HTTP timeouts in seconds for one remote."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    connect: float = Field(5.0, gt=0)
    read: float = Field(300.0, gt=0)
    write: float = Field(30.0, gt=0)
    pool: float = Field(5.0, gt=0)


class Retry(BaseModel):
    """How a failed remote call is retried (turned into langgraph's ``RetryPolicy``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    max_attempts: int = Field(3, ge=1, le=20)
    initial_interval: float = Field(0.5, ge=0)
    backoff_factor: float = Field(2.0, ge=1)
    max_interval: float = Field(10.0, ge=0)
    jitter: bool = True
    connect_retries: int = Field(1, ge=0, le=10)
    """Immediate reconnects by the HTTP transport when a connection cannot be opened."""

    def policy(self) -> RetryPolicy:
        """Return the langgraph ``RetryPolicy`` that retries only transient failures."""
        return RetryPolicy(
            initial_interval=self.initial_interval,
            backoff_factor=self.backoff_factor,
            max_interval=self.max_interval,
            max_attempts=self.max_attempts,
            jitter=self.jitter,
            retry_on=is_transient,
        )


class RemoteSpec(BaseModel):
    """One remote graph on another Agent Server deployment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """Node and tool name; also seeds the child thread id, so keep it stable."""
    url: str
    """Base URL of the deployment, e.g. ``https://my-agent.example.com``."""
    url_env: str | None = None
    """Environment variable that, when set, overrides ``url`` (per-environment URLs)."""
    graph_id: str | None = None
    """Graph name on the remote deployment (its default assistant is used)."""
    assistant_id: str | None = None
    """A specific assistant UUID; use instead of ``graph_id``."""
    description: str = ""
    """What the remote does; becomes the tool description for supervisors."""
    api_key_env: str | None = None
    """Environment variable holding the API key sent as ``x-api-key``."""
    auth_scheme: Literal["api-key", "langsmith-api-key"] = "api-key"
    """``langsmith-api-key`` also sends ``X-Auth-Scheme`` for LangSmith personal access tokens."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra, non-secret request headers."""
    header_envs: dict[str, str] = Field(default_factory=dict)
    """Secret request headers: header name -> environment variable holding its value."""
    allow_insecure_http: bool = False
    """Allow sending credentials over plain http to a non-loopback host."""
    forward_user: bool = False
    """Send the calling user's identity (``x-remote-graphs-user``) to this remote."""
    timeout: Timeouts = Field(default_factory=Timeouts)  # type: ignore[arg-type]
    retry: Retry = Field(default_factory=Retry)  # type: ignore[arg-type]

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "must start with a letter and hold only letters, digits, '_' or '-' "
                "(at most 64 characters), because it becomes a node and tool name"
            )
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("url_env", "api_key_env")
    @classmethod
    def _check_env_name(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or _ENV_NAME.match(value):
            return value
        suffix, what = (
            ("URL", "the URL goes in url")
            if info.field_name == "url_env"
            else (
                "API_KEY",
                "the key itself goes in the environment, never in this file",
            )
        )
        raise ValueError(
            f"must name an environment variable in capitals, like "
            f"{_env_stem(info.data.get('name'))}_{suffix}; {what}"
        )

    @field_validator("graph_id")
    @classmethod
    def _check_graph_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip():
            raise ValueError(
                "is empty; set it to the graph's name on the remote deployment "
                '(a key of "graphs" in its langgraph.json)'
            )
        if value != value.strip():
            raise ValueError(f"{value!r} has spaces around it; write {value.strip()!r}")
        return value

    @field_validator("assistant_id")
    @classmethod
    def _check_assistant_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise ValueError(
                "must be an assistant UUID; to use a graph's default assistant set graph_id"
            ) from None

    @field_validator("headers")
    @classmethod
    def _check_headers(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.lower() in _SECRET_HEADERS:
                raise ValueError(
                    f"header {key!r} carries a secret; put it in header_envs "
                    f"(header name -> environment variable) or use api_key_env"
                )
        return value

    @field_validator("header_envs")
    @classmethod
    def _check_header_envs(cls, value: dict[str, str]) -> dict[str, str]:
        for header, env in value.items():
            if header.lower() == "x-api-key":
                raise ValueError("set the API key with api_key_env, not header_envs")
            if not _ENV_NAME.match(env):
                raise ValueError(
                    f"header {header!r} must map to an environment variable in capitals, "
                    f"like {_env_stem(header)}; its value goes in the environment"
                )
        return value

    @model_validator(mode="after")
    def _check_target(self) -> RemoteSpec:
        if (self.graph_id is None) == (self.assistant_id is None):
            raise ValueError("set exactly one of graph_id or assistant_id")
        return self

    @property
    def assistant(self) -> str:
        """Return what run requests name as ``assistant_id`` (graph name or UUID)."""
        return self.assistant_id or str(self.graph_id)

    def resolved_url(self) -> str:
        """Return the URL in force: ``url_env``'s value when set, else ``url``.

        Raises:
            ConfigError: The variable holds a bad URL; the message names the
                remote and the variable and never shows credentials.
        """
        if self.url_env and (override := os.environ.get(self.url_env, "").strip()):
            try:
                return check_url(override)
            except ConfigError as exc:
                raise ConfigError(f"remote {self.name!r}: {self.url_env}: {exc}") from None
        return self.url


class Registry(Mapping[str, RemoteSpec]):
    """The remotes this deployment may call, by name."""

    def __init__(self, remotes: Iterable[RemoteSpec | Mapping[str, Any]] = ()) -> None:
        self._remotes: dict[str, RemoteSpec] = {}
        for item in remotes:
            spec = item if isinstance(item, RemoteSpec) else parse_remote(item)
            if spec.name in self._remotes:
                raise ConfigError(f"remote {spec.name!r} is declared twice; names must be unique")
            self._remotes[spec.name] = spec

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> Registry:
        """Load ``remotes.toml`` (or ``$REMOTE_GRAPHS_CONFIG``, or ``path``) and check it.

        The URLs the ``url_env`` variables hold are checked too
        (``check_environment``), so every mistake surfaces here, before
        anything starts.
        """
        file = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"remote registry {file} not found; create it (see remotes.toml in the template) "
                f"or point {CONFIG_ENV} at it"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"remote registry {file} is not valid TOML: {exc}") from None
        remotes = data.get("remotes")
        if not isinstance(remotes, dict) or not remotes:
            hint = _did_you_mean(list(data), ["remotes"])
            raise ConfigError(
                f"{file}: declare remotes as [remotes.<name>] tables{hint and f' ({hint})'}"
            )
        specs = []
        for name, body in remotes.items():
            if not isinstance(body, dict):
                raise ConfigError(f"{file}: remotes.{name} must be a table ([remotes.{name}])")
            specs.append(parse_remote({"name": name, **body}))
        registry = cls(specs)
        registry.check_environment()
        return registry

    def check_environment(self) -> None:
        """Refuse a ``url_env`` variable that holds a bad URL, naming remote and variable.

        ``from_file`` calls it; call it again after changing those variables
        and before starting anything that uses the registry.
        """
        for spec in self._remotes.values():
            spec.resolved_url()

    def __getitem__(self, name: str) -> RemoteSpec:
        try:
            return self._remotes[name]
        except KeyError:
            known = ", ".join(sorted(self._remotes)) or "none"
            raise ConfigError(f"unknown remote {name!r}; declared remotes: {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._remotes)

    def __len__(self) -> int:
        return len(self._remotes)


def parse_remote(data: Mapping[str, Any]) -> RemoteSpec:
    """Validate one remote declaration, raising ``ConfigError`` that names remote and field."""
    name = data.get("name", "<unnamed>")
    try:
        return RemoteSpec.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(_problem(err) for err in exc.errors())
        raise ConfigError(f"remote {name!r} is invalid: {problems}") from None


def _problem(err: ErrorDetails) -> str:
    """Say what is wrong with one field, and how to fix it, without echoing its value."""
    loc = err["loc"]
    field = ".".join(str(part) for part in loc) or "remote"
    if err["type"] == "extra_forbidden":
        known = _fields_at(loc[:-1])
        hint = _did_you_mean([str(loc[-1])], known)
        return f"{field}: unknown field; {hint or 'the fields are ' + ', '.join(known)}"
    if err["type"] == "missing":
        return f"{field}: is required"
    return f"{field}: {err['msg'].removeprefix('Value error, ')}"


def _fields_at(path: Sequence[int | str]) -> list[str]:
    """Return the field names of the table at ``path`` in a remote's declaration."""
    model: type[BaseModel] = RemoteSpec
    for part in path:
        annotation = model.model_fields[str(part)].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name in model.model_fields if not (model is RemoteSpec and name == "name")]


def _did_you_mean(given: Iterable[str], known: Sequence[str]) -> str:
    for word in given:
        if close := difflib.get_close_matches(word, known, n=1, cutoff=0.6):
            return f"did you mean {close[0]}?"
    return ""


def _env_stem(name: object) -> str:
    """Turn a remote or header name into the stem of an environment variable name."""
    stem = re.sub(r"[^A-Z0-9]+", "_", str(name or "REMOTE").upper()).strip("_")
    return stem if stem[:1].isalpha() else f"REMOTE_{stem}"
