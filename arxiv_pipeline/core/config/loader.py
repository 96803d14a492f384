"""Reading the configuration: the file, ARXIV_PIPELINE__ environment overrides and reader files, validated
with errors that name each bad key."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from arxiv_pipeline.core.config.base import (
    CONFIG_ENV_VAR,
    CONFIG_FILE_NAME,
    DEFAULT_CONFIG_PATH,
    ENV_PREFIX,
    ConfigError,
)
from arxiv_pipeline.core.config.pipeline import PipelineConfig

# A configuration is a few hundred values; anchors and aliases are welcome, but an alias bomb (a few
# hundred bytes that expand to billions of values) must stop before validation walks it.
MAX_CONFIG_BYTES = 1_000_000
MAX_CONFIG_VALUES = 100_000
# A value quoted back in an error message is cut to this many characters.
MAX_QUOTED = 200


def _quoted(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_QUOTED else f"{text[:MAX_QUOTED]}... ({len(text):,} characters)"


def _check_expansion(data: Any, source: str) -> None:
    """Refuse a document whose aliases expand past MAX_CONFIG_VALUES values (or refer to themselves)."""
    count = 0
    stack = [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_CONFIG_VALUES:
            raise ConfigError(
                f"{source}: the YAML expands to more than {MAX_CONFIG_VALUES:,} values (anchors and aliases "
                "repeated inside each other, or an alias to itself); write the values out instead"
            )
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _parse_yaml(text: str, source: str) -> Any:
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{source} is {len(text):,} characters; a configuration is at most {MAX_CONFIG_BYTES:,}"
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ConfigError(f"{source} is not valid YAML: {_cut(str(err))}") from None
    _check_expansion(data, source)
    return data


def _cut(text: str, limit: int = 4 * MAX_QUOTED) -> str:
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


def read_yaml_file(path: Path) -> Any:
    """A YAML file's data, or a ConfigError that says what is wrong with the file (not a traceback)."""
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give the path of the configuration file inside it")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{path} cannot be read: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {err.start + 1} on line {line}); save it as UTF-8"
        ) from None
    return _parse_yaml(text, str(path))


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):  # an item of a list of sections (readers, delivery targets)
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        # list[Section] and Section | None lead to Section.
        inner = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            current = annotation
        elif len(inner) == 1:
            current = inner[0]
        else:
            return []
    return list(current.model_fields)


def _format_errors(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = tuple(e["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        if e["type"] == "extra_forbidden":
            allowed = _allowed_keys(PipelineConfig, loc)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"  {key}: unknown key{hint}; allowed here: {', '.join(allowed)}")
            continue
        msg = e["msg"].removeprefix("Value error, ")
        secret = any(word in key.lower() for word in ("key", "secret", "password", "token"))
        if e["type"] not in ("value_error", "missing") and not secret:
            msg = f"{msg} (got {_quoted(e.get('input'))})"
        lines.append(f"  {key}: {_cut(msg, 2 * MAX_QUOTED)}")
    return f"invalid configuration in {source}:\n" + "\n".join(lines)


def parse_config(data: Any, base_dir: Path | None = None, source: str = "config") -> PipelineConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"invalid configuration in {source}: expected a mapping of keys at the top")
    try:
        config = PipelineConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_errors(err, source)) from None
    config._base_dir = (base_dir or Path.cwd()).resolve()
    return config


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The file to use: an explicit path, $ARXIV_PIPELINE_CONFIG, ./arxiv_pipeline.yaml, or the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV_VAR)
    if env:
        return Path(env)
    local = Path.cwd() / CONFIG_FILE_NAME
    return local if local.exists() else DEFAULT_CONFIG_PATH


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Config values set by ``ARXIV_PIPELINE__SECTION__KEY`` variables (values read as YAML, so
    ``[cs.AI, cs.LG]`` is a list and ``8`` a number), as a nested mapping to lay over the file."""
    overrides: dict[str, Any] = {}
    for name, raw in sorted((environ if environ is not None else os.environ).items()):
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX:
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__")]
        if not all(keys):
            raise ConfigError(f"{name}: use {ENV_PREFIX}SECTION__KEY, with double underscores between keys")
        value: Any = raw
        if raw.strip():
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:  # not YAML: the plain string
                value = raw
            _check_expansion(value, name)
        node = overrides
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{name}: {'.'.join(keys[:-1])} is set as a value and as a section")
        node[keys[-1]] = value
    return overrides


def overlay(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` laid over it, section by section."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = overlay(out[key], value)
        else:
            out[key] = value
    return out


def _env_names(changes: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[str]:
    names = []
    for key, value in changes.items():
        path = (*prefix, key)
        if isinstance(value, dict):
            names.extend(_env_names(value, path))
        else:
            names.append(ENV_PREFIX + "__".join(p.upper() for p in path))
    return names


def load_config(path: str | os.PathLike[str] | None = None) -> PipelineConfig:
    cfg_path = find_config_path(path)
    if not cfg_path.exists():
        raise ConfigError(
            f"configuration file {cfg_path} does not exist; "
            f"copy {DEFAULT_CONFIG_PATH} there or set {CONFIG_ENV_VAR}"
        )
    data = read_yaml_file(cfg_path)
    # The packaged default resolves its relative paths against the working directory.
    base = Path.cwd() if cfg_path.resolve() == DEFAULT_CONFIG_PATH else cfg_path.resolve().parent
    source = str(cfg_path)
    overrides = env_overrides()
    if overrides and isinstance(data, dict | None):
        data = overlay(data or {}, overrides)
        source += f" with {', '.join(_env_names(overrides))} from the environment"
    if isinstance(data, dict) and data.get("readers_dir"):
        data = {**data, "readers": [*(data.get("readers") or []), *_reader_files(base, data["readers_dir"])]}
    return parse_config(data, base_dir=base, source=source)


def _reader_files(base: Path, folder: str) -> list[dict[str, Any]]:
    """The readers of ``readers_dir``, one per *.yaml file, in file-name order."""
    path = Path(os.path.expanduser(str(folder)))
    path = path if path.is_absolute() else base / path
    if not path.is_dir():
        raise ConfigError(f"readers_dir: {path} is not a folder; create it, or remove readers_dir")
    readers = []
    for file in sorted(path.glob("*.yaml")):
        entry = read_yaml_file(file) or {}
        if not isinstance(entry, dict):
            raise ConfigError(f"{file}: expected the keys of a reader (categories, keywords, ...)")
        readers.append({"name": file.stem, **entry})
    return readers


def load_config_or_default(path: str | os.PathLike[str] | None = None) -> tuple[PipelineConfig, str | None]:
    """The configuration, or the defaults and the reason when it cannot be used: for code that must
    load even with a broken file (the UI), while runs stop on the error itself."""
    try:
        return load_config(path), None
    except ConfigError as err:
        return PipelineConfig(), str(err)


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of the configuration file, for editors (yaml-language-server) to validate it."""
    schema = PipelineConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "arxiv-pipeline configuration (arxiv_pipeline.yaml)"
    return schema


def config_hash(config: PipelineConfig) -> str:
    """Changes exactly when the choice or treatment of papers would change."""
    return hashlib.sha256(config.interests_fingerprint().encode()).hexdigest()[:16]
