"""docker-compose.yml and the proxy's nginx configuration keep their shape: a proxy in front of
two web replicas, two default-queue workers, and every portal service on the shared settings.

No Docker engine runs the tests, and PyYAML is not a dependency: a small reader below takes the
part of YAML the compose file uses (block mappings and lists, flow collections, quoted scalars,
anchors, aliases and `<<` merges) and refuses anything else, so a new construct fails loudly
instead of being misread.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from complaints.open311.views import BODY_MAX_BYTES
from seoul_portal.images import IMAGE_MAX_BYTES
from voting.models import MAX_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
PORTAL_SERVICES = {"migrate", "web", "worker", "worker-text", "worker-bulk", "beat"}


# --- A reader for the compose file's YAML ------------------------------------------------------


class YamlSubsetError(ValueError):
    pass


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip()
    return line.rstrip()


def _scalar(text: str):
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


class _Flow:
    """One inline value: a flow list or mapping, a quoted or plain scalar, an alias."""

    def __init__(self, text: str, anchors: dict):
        self.text, self.pos, self.anchors = text, 0, anchors

    def parse(self):
        value = self.value(stops="")
        self.skip()
        if self.pos != len(self.text):
            raise YamlSubsetError(f"unexpected text after a value: {self.text!r}")
        return value

    def skip(self):
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def value(self, stops):
        self.skip()
        char = self.text[self.pos : self.pos + 1]
        if char == "[":
            return self.sequence()
        if char == "{":
            return self.mapping()
        if char in ("'", '"'):
            return self.quoted()
        if char == "*":
            name = self.plain(stops)[1:]
            return self.anchors[name]
        if char in ("&", "|", ">", "!"):
            raise YamlSubsetError(f"not supported here: {self.text!r}")
        return _scalar(self.plain(stops))

    def plain(self, stops):
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            if ":" in stops and self.text.startswith(": ", self.pos):
                break
            self.pos += 1
        return self.text[start : self.pos].strip()

    def quoted(self):
        quote = self.text[self.pos]
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote == "'" and self.text.startswith("''", self.pos):
                out.append("'")
                self.pos += 2
            elif quote == '"' and char == "\\":
                escaped = self.text[self.pos + 1]
                out.append({"n": "\n", "t": "\t"}.get(escaped, escaped))
                self.pos += 2
            elif char == quote:
                self.pos += 1
                return "".join(out)
            else:
                out.append(char)
                self.pos += 1
        raise YamlSubsetError(f"unterminated string: {self.text!r}")

    def expect(self, char):
        self.skip()
        if self.text[self.pos : self.pos + 1] != char:
            raise YamlSubsetError(f"expected {char!r} at {self.pos} in {self.text!r}")
        self.pos += 1

    def sequence(self):
        self.expect("[")
        items = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return items
        while True:
            items.append(self.value(stops=",]"))
            self.skip()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return items
            self.expect(",")

    def mapping(self):
        self.expect("{")
        items = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return items
        while True:
            self.skip()
            key = self.quoted() if self.text[self.pos] in "'\"" else self.plain(stops=":,}")
            self.expect(":")
            items[key] = self.value(stops=",}")
            self.skip()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return items
            self.expect(",")


def _split_key(content: str):
    """`key: rest` or `key:` at the start of a block line; None when it is no mapping entry."""
    match = re.match(r"""^("[^"]*"|'[^']*'|[^\s'"\[\]{}#,][^:]*?)\s*:(?:\s+(.*))?$""", content)
    if not match:
        return None
    key = match.group(1)
    if key[0] in "'\"":
        key = key[1:-1]
    return key, (match.group(2) or "").strip()


def load_compose_yaml(text: str):
    lines = []
    for raw in text.splitlines():
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise YamlSubsetError("tabs in indentation")
        line = _strip_comment(raw)
        if line.strip():
            lines.append((len(line) - len(line.lstrip(" ")), line.strip()))
    anchors: dict = {}
    value, end = _block(lines, 0, lines[0][0], anchors)
    if end != len(lines):
        raise YamlSubsetError(f"unexpected indentation at {lines[end][1]!r}")
    return value


def _block(lines, index, indent, anchors):
    if lines[index][1].startswith("- ") or lines[index][1] == "-":
        return _block_sequence(lines, index, indent, anchors)
    return _block_mapping(lines, index, indent, anchors)


def _value(rest, lines, index, indent, anchors):
    """The value after `key:` or `- `: inline, or the block on the following, deeper lines."""
    anchor = None
    if rest.startswith("&"):
        anchor, _, rest = rest[1:].partition(" ")
        rest = rest.strip()
    if rest:
        value = _Flow(rest, anchors).parse()
    elif index < len(lines) and lines[index][0] > indent:
        value, index = _block(lines, index, lines[index][0], anchors)
    else:
        value = None
    if anchor:
        anchors[anchor] = value
    return value, index


def _block_mapping(lines, index, indent, anchors):
    mapping, merged = {}, []
    while index < len(lines) and lines[index][0] == indent:
        entry = _split_key(lines[index][1])
        if entry is None:
            raise YamlSubsetError(f"not a mapping entry: {lines[index][1]!r}")
        key, rest = entry
        value, index = _value(rest, lines, index + 1, indent, anchors)
        if key == "<<":
            merged.extend(value if isinstance(value, list) else [value])
        elif key in mapping:
            raise YamlSubsetError(f"duplicate key {key!r}")
        else:
            mapping[key] = value
    # Merged keys never override the mapping's own (YAML's merge key).
    for source in merged:
        if not isinstance(source, dict):
            raise YamlSubsetError("<< merges a mapping only")
        for key, value in source.items():
            mapping.setdefault(key, value)
    return mapping, index


def _block_sequence(lines, index, indent, anchors):
    items = []
    while index < len(lines) and lines[index][0] == indent and lines[index][1].startswith("-"):
        rest = lines[index][1][1:].strip()
        if _split_key(rest):
            raise YamlSubsetError(f"mappings inside a block list are not supported: {rest!r}")
        value, index = _value(rest, lines, index + 1, indent, anchors)
        items.append(value)
    return items, index


def test_the_reader_reads_what_the_compose_file_uses():
    document = load_compose_yaml(
        'x-a: &a\n  env: &e {A: "1", B: \'it\'\'s\'}\n  list: [x, "y, z"]  # comment\n'
        "b:\n  <<: *a\n  env:\n    <<: *e\n    C: 3\n  seq:\n    - one\n    - 'two # not a comment'\n"
    )
    assert document["b"]["list"] == ["x", "y, z"]
    assert document["b"]["env"] == {"A": "1", "B": "it's", "C": 3}
    assert document["b"]["seq"] == ["one", "two # not a comment"]
    with pytest.raises(YamlSubsetError):
        load_compose_yaml("a: |\n  text\n")


# --- The nginx configuration ---------------------------------------------------------------------


def load_nginx(text: str):
    """nginx's configuration as [(directive, [arguments], [children] or None)]."""
    tokens = re.findall(r'"(?:\\.|[^"\\])*"|\'[^\']*\'|[{};]|[^\s{};]+', re.sub(r"(?m)(^|\s)#.*$", "", text))
    position = 0

    def block():
        nonlocal position
        directives, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                directives.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                directives.append((words[0], words[1:], block()))
                words = []
            elif token == "}":
                return directives
            else:
                words.append(token)
        assert not words, f"unterminated directive {words}"
        return directives

    return block()


def directives(tree, name):
    return [directive for directive in tree if directive[0] == name]


def walk(tree):
    for directive in tree:
        yield directive
        if directive[2] is not None:
            yield from walk(directive[2])


def size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


# --- The compose file ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return load_compose_yaml(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def nginx_conf_path(services):
    mounts = [volume.split(":") for volume in services["proxy"]["volumes"]]
    [(source, _target, mode)] = [mount for mount in mounts if mount[1] == "/etc/nginx/conf.d/default.conf"]
    assert mode == "ro"
    path = (ROOT / source).resolve()
    assert path.is_relative_to(ROOT) and path.is_file()
    return path


@pytest.fixture(scope="module")
def nginx(nginx_conf_path):
    return load_nginx(nginx_conf_path.read_text(encoding="utf-8"))


def public_server(nginx):
    [server] = [
        server
        for server in directives(nginx, "server")
        if any(args[0].split(":")[-1] == "80" for _, args, _ in directives(server[2], "listen"))
    ]
    return server[2]


def test_the_compose_file_has_its_services(services):
    assert set(services) == PORTAL_SERVICES | {"proxy", "db", "redis"}


def test_web_runs_two_replicas_and_publishes_no_host_port(services):
    web = services["web"]
    assert web["deploy"]["replicas"] == 2
    # Replicas cannot share a host port: the proxy publishes the site.
    assert "ports" not in web
    assert "container_name" not in web


def test_only_the_proxy_publishes_a_port(services):
    assert {name for name, service in services.items() if "ports" in service} == {"proxy"}


def test_the_proxy_publishes_the_site_and_waits_for_web(services, nginx):
    proxy = services["proxy"]
    image, _, tag = proxy["image"].partition(":")
    assert image == "nginx"
    # The upstream's `resolve` parameter is in open-source nginx from 1.27.3 on.
    version = tuple(int(part) for part in re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", tag).groups(default="99"))
    assert version >= (1, 27, 3)
    assert proxy["ports"] == ["8000:80"]
    assert proxy["depends_on"]["web"] == {"condition": "service_healthy"}
    assert proxy["restart"] == "unless-stopped"
    # The port the proxy publishes is the one its server listens on.
    listens = [args[0] for _, args, _ in directives(public_server(nginx), "listen")]
    assert listens[0].split(":")[-1] == "80"


def test_the_proxy_health_check_asks_a_server_of_its_configuration(services, nginx):
    test = services["proxy"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    [url] = [arg for arg in test if arg.startswith("http://")]
    host_port, path = re.fullmatch(r"http://([^/]+)(/.*)", url).groups()
    [server] = [
        server[2]
        for server in directives(nginx, "server")
        if [args[0] for _, args, _ in directives(server[2], "listen")] == [host_port]
    ]
    # Bound to the container's loopback: neither published nor reachable by the other containers.
    assert host_port.startswith("127.0.0.1:")
    assert any(args == ["=", path] for _, args, _ in directives(server, "location"))


def test_worker_runs_two_replicas_and_beat_one(services):
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1


@pytest.mark.parametrize("name", sorted(PORTAL_SERVICES))
def test_every_portal_service_keeps_the_shared_settings(compose, services, name):
    shared = compose["x-portal"]
    service = services[name]
    assert service["build"] == "."
    assert service["env_file"] == [".env"]
    # The shared environment, added to but never replaced.
    assert service["environment"].items() >= shared["environment"].items()
    assert "@db:5432/" in service["environment"]["DATABASE_URL"]
    assert service["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
    # The shared dependencies: PostgreSQL and Redis healthy before any portal process starts.
    assert service["depends_on"].items() >= shared["depends_on"].items()
    assert service["depends_on"]["db"] == {"condition": "service_healthy"}
    assert service["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert service["volumes"] == ["media:/app/var/media"]


def test_web_starts_after_the_migrations(services):
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_gunicorn_trusts_the_proxy_forwarded_headers(services):
    # Read by gunicorn.conf.py; web publishes no port, so its only peers are the compose network's.
    assert services["web"]["environment"]["FORWARDED_ALLOW_IPS"] == "*"
    assert 'os.environ.get("FORWARDED_ALLOW_IPS"' in (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")


# --- The proxy's nginx configuration -------------------------------------------------------------


def test_the_upstream_is_every_web_replica_through_dockers_dns(nginx):
    assert [args[0] for _, args, _ in directives(nginx, "resolver")] == ["127.0.0.11"]
    [(_, [upstream_name], upstream)] = directives(nginx, "upstream")
    [(_, server_args, _)] = directives(upstream, "server")
    assert server_args[0] == "web:8000"
    # Re-resolved while nginx runs (a zone is required for it): every replica, and a restarted one.
    assert "resolve" in server_args[1:]
    assert directives(upstream, "zone")
    [location] = [block for _, args, block in directives(public_server(nginx), "location") if args == ["/"]]
    assert [args for _, args, _ in directives(location, "proxy_pass")] == [[f"http://{upstream_name}"]]


def test_the_proxy_forwards_host_client_and_scheme(nginx):
    [location] = [block for _, args, block in directives(public_server(nginx), "location") if args == ["/"]]
    headers = {args[0].lower(): args[1] for _, args, _ in directives(location, "proxy_set_header")}
    # With its port: ALLOWED_HOSTS and the CSRF origin check compare the host the browser used.
    assert headers["host"] == "$http_host"
    # Appended, so that TRUSTED_PROXY_COUNT counts this proxy as one hop.
    assert headers["x-forwarded-for"] == "$proxy_add_x_forwarded_for"
    proto = headers["x-forwarded-proto"]
    if proto != "$scheme":
        # A map that keeps the scheme the TLS terminator in front reports, else this connection's.
        [(_, map_args, entries)] = [m for m in directives(nginx, "map") if m[1][1] == proto]
        assert map_args[0] == "$http_x_forwarded_proto"
        assert {(name, tuple(args)) for name, args, _ in entries} >= {
            ("default", ("$http_x_forwarded_proto",)),
            ('""', ("$scheme",)),
        }


def test_the_proxy_serves_nothing_itself(nginx):
    # Static files come from whitenoise in the web containers, uploads from the views that check
    # who may see them.
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    used = {name for name, _, _ in walk(nginx)}
    assert not used & {"root", "alias", "try_files", "autoindex", "index"}
    locations = [args for _, args, _ in directives(public_server(nginx), "location")]
    assert locations == [["/"]], "the public server passes every request on"


def test_the_proxy_takes_the_largest_upload_the_portal_accepts(nginx):
    [(_, [limit], _)] = directives(public_server(nginx), "client_max_body_size")
    # A poll proposal with an image on every option, its text besides; an Open311 post.
    largest = max(MAX_OPTIONS * IMAGE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE, BODY_MAX_BYTES)
    assert largest <= size_in_bytes(limit) <= 2 * largest
