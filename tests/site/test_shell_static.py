"""Static files: what the pages reference exists, the vendored CSS's url(...) references resolve,
and the files survive the manifest storage production uses."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import render_to_string

from .markup import parse

STATIC_ROOT_DIR = Path(settings.BASE_DIR) / "static"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)['\"]")


def static_paths(content):
    """The static files a page links to (href and src starting with STATIC_URL)."""
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    page = parse(content)
    paths = []
    for element in page.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and value.startswith(prefix):
                paths.append(value[len(prefix):].split("?")[0])
    return paths


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/en/privacy/", "/proposals/", "/no-such-page/", "/admin/login/"])
def test_static_files_referenced_by_pages_exist(client, url):
    paths = static_paths(client.get(url).content)
    assert paths
    missing = [path for path in paths if not finders.find(path)]
    assert not missing


def test_static_files_referenced_by_the_500_page_exist():
    paths = static_paths(render_to_string("errors/500.html"))
    assert {"css/site.css", "vendor/krds/css/component/output.css"} <= set(paths)
    assert all(finders.find(path) for path in paths)


def our_stylesheets():
    return sorted(path for path in STATIC_ROOT_DIR.rglob("*.css"))


@pytest.mark.parametrize("stylesheet", our_stylesheets(), ids=lambda path: str(path.relative_to(STATIC_ROOT_DIR)))
def test_css_references_resolve(stylesheet):
    text = stylesheet.read_text(encoding="utf-8")
    references = CSS_URL.findall(text) + CSS_IMPORT.findall(text)
    local = [ref for ref in references if not ref.startswith(("data:", "#"))]
    remote = [ref for ref in local if "//" in ref]
    assert not remote, "the Content-Security-Policy allows only our own files"
    missing = [ref for ref in local if not (stylesheet.parent / ref.split("#")[0].split("?")[0]).resolve().is_file()]
    assert not missing


def test_vendor_stays_small():
    total = sum(path.stat().st_size for path in (STATIC_ROOT_DIR / "vendor").rglob("*") if path.is_file())
    assert total < 15 * 1024 * 1024


def test_vendored_versions_are_recorded():
    versions = (STATIC_ROOT_DIR / "vendor" / "VERSIONS.txt").read_text()
    for package in ("krds-uiux", "pretendard-gov", "htmx.org"):
        assert package in versions


def test_manifest_storage_accepts_every_file(settings, tmp_path):
    # Production stores static files with a manifest (whitenoise's CompressedManifestStaticFilesStorage),
    # which fails collectstatic on any url(...), @import or sourceMappingURL that points nowhere.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").is_file()
