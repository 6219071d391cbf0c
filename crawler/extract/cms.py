"""Which CMS family a portal's page was made by: read from the page itself (its generator meta, the
paths of its scripts and styles, the markup each CMS leaves), for the crawl's hints about the
portal's feeds and URLs (crawler/fetch/discover.py) and for `tinbai sites`. Pure.

The families: "dcs", the ASP.NET CMSs of the *.dcs.vn portals (DotNetNuke underneath:
nghean.dcs.vn's <meta name="generator" content="DotNetNuke">; Orchard Core, Umbraco, Piranha,
Oqtane or BlogEngine.NET on others);
"nukeviet" (NukeViet 3-5, PHP); "wordpress"; "liferay" (Liferay Portal 6.2-7.x, Java); "sharepoint"
(Microsoft SharePoint); and two kinds of home-made portals, by the framework their pages show:
"aspnet-webforms" (an ASP.NET WebForms application of a local vendor: its ViewState and the control
ids and script handlers WebForms generates) and "homemade-php" (a PHP front script routing by query
string: "index.php?mod=news&cat=7").
"""

from __future__ import annotations

import re

from crawler.extract.record import Page
from crawler.extract.urls import host_of

FAMILIES = ("dcs", "nukeviet", "wordpress", "liferay", "sharepoint", "aspnet-webforms", "homemade-php")

# <meta name="generator" content="WordPress 6.8.1">, attributes in either order.
_GENERATOR = re.compile(
    rb"""<meta\s+(?:name\s*=\s*["']?generator["']?\s+content\s*=\s*["']([^"'>]*)|"""
    rb"""content\s*=\s*["']([^"'>]*)["']\s+name\s*=\s*["']?generator)""",
    re.I,
)
_BY_GENERATOR = (
    (re.compile(rb"nukeviet", re.I), "nukeviet"),
    (re.compile(rb"wordpress", re.I), "wordpress"),
    (re.compile(rb"liferay", re.I), "liferay"),
    (re.compile(rb"sharepoint", re.I), "sharepoint"),
    (re.compile(rb"dotnetnuke|\bdnn\b|orchard|piranha", re.I), "dcs"),
)
# What each CMS writes into every page whatever its theme: NukeViet's script globals
# ("var nv_base_siteurl"), WordPress's /wp-content/ and /wp-includes/ and its REST link,
# Liferay's themeDisplay and portlet ids ("p_p_id=com_liferay_asset_publisher_web_..."),
# SharePoint's _spPageContextInfo and /_layouts/15/, ASP.NET's ViewState on the dcs portals.
_BY_MARKUP = (
    (re.compile(rb"nv_base_siteurl|nv_assets_dir|/themes/[\w-]+/js/nv\.|NukeViet", re.I), "nukeviet"),
    (re.compile(rb"/wp-content/|/wp-includes/|https://api\.w\.org/", re.I), "wordpress"),
    (re.compile(rb"themeDisplay|Liferay\.(?:Portlet|Session|ThemeDisplay)|p_p_id=|/o/frontend-js-|/html/js/liferay",
                re.I), "liferay"),
    (re.compile(rb"_spPageContextInfo|/_layouts/1[45]/|MSOWebPartPage|SharePoint", re.I), "sharepoint"),
    (re.compile(rb"__VIEWSTATE|/Portals/_default/|/DesktopModules/", re.I), "dcs"),
)
# What DotNetNuke (DNN Platform) itself writes into every page, whatever the host and even with an
# empty generator meta (DNN 9 prints <meta name="generator" content="">): its script variable
# "__dnnVariable", its module wrappers "DnnModule DnnModule-Blog DnnModule-412", its skins and
# modules under /Portals/_default/ and /DesktopModules/. A .NET page without them is some other
# WebForms application (aspnet-webforms below).
_DNN = re.compile(rb"DotNetNuke|__dnnVariable|\bDnnModule\b|/Portals/_default/|/DesktopModules/")
# What Orchard Core (the family's ASP.NET Core CMS) writes whatever its theme, with no generator meta
# and no ViewState: every content item's display route "/Contents/ContentItems/4vaj5x8oxy4b99t0cm6u0o8bkt"
# (linked where a widget lists items by id), a list's feed "/rss?contentItemId=4035kbaqqwf67xdc27xbs27o9p"
# announced in <head>; and its answer's "X-Powered-By: OrchardCore" (PoweredByMiddleware).
# Classic Orchard (1.x, ASP.NET MVC) the same way: its modules' and core's resources
# ("/Modules/Orchard.Resources/scripts/jquery.min.js", "/Core/Shapes/scripts/html5.js") on every page
# whatever its theme, and a content item's display route "/Contents/Item/Display/231".
_ORCHARD = re.compile(
    rb"/Contents/ContentItems/\w+|[?&;]contentItemId=\w+|/Modules/Orchard\.\w+/|/Core/Shapes/|/Contents/Item/Display/\d+"
)
# What Umbraco (the family's other ASP.NET Core CMS) writes whatever its views, with no generator meta
# and no ViewState: its media library's folders, eight characters each ("/media/bn2lq0vx/banner.jpg",
# Umbraco 8 and later), a rich text's links to its items by UDI ("data-udi="umb://media/372a61a0..."),
# the route token every BeginUmbracoForm form carries ("<input name="ufprt" type="hidden">"), its
# packages' /App_Plugins/ and its back office's /umbraco/.
_UMBRACO = re.compile(
    rb"""umb://(?:media|document)/|name\s*=\s*["']?ufprt\b|/App_Plugins/|["'/]umbraco/|"""
    rb"""/media/(?=[a-z]*[0-9])[a-z0-9]{8}/[^"'\s/?]+\.(?:jpe?g|png|gif|webp|svg|pdf)\b""",
    re.I,
)
_UMBRACO_TO_TELL = 2  # media folders: two of them (one could be any site's "/media/<folder>/")
# What Piranha CMS (the family's ASP.NET Core CMS of posts in archives) writes whatever its views,
# when its generator meta is left out: its local file storage's folder per media item, named by the
# item's GUID ("/uploads/f8266878-269a-5a9c-9aa6-8ebf0352878d/hoi-nghi_1110x740.jpg", FileStorage
# with UniqueFolderNames), and its manager's "/manager" address.
_PIRANHA = re.compile(rb"/uploads/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^\"'\s/?]+", re.I)
# A WebForms page beyond its ViewState (which any .NET site has): the ids WebForms gives the controls
# of a master page ("ctl00_ContentPlaceHolder1_lblTieuDe") or its script handlers (WebResource.axd).
_WEBFORMS = re.compile(rb"\bctl00[_$]|/WebResource\.axd|/ScriptResource\.axd")
# The dcs CMS's own URL forms, on a portal that does not run under dcs.vn (a copy, a new domain):
# "/DetailView/25662/38/Kien-dinh-muc-tieu-....html", "/ListView/38/Xay-dung-Dang.html"
# (tuyenquang.dcs.vn's, as public sources show them).
_DCS_PATHS = re.compile(rb"""href\s*=\s*["']?[^"'>\s]*/(?:DetailView/\d+/\d+|ListView/\d+)/""", re.I)
# What BlogEngine.NET (the family's WebForms blog engine) writes whatever its theme, with no generator
# meta: its HTTP handlers for the blog's feeds and semantic-web documents, announced in every page's
# <head> ("/syndication.axd", "/sioc.axd", "/apml.axd", "/foaf.axd"), and its script object
# ("BlogEngine.search('/', 'txt-3f1c')").
_BLOGENGINE = re.compile(rb"/(?:syndication|sioc|apml|foaf)\.axd\b|\bBlogEngine\.\w+\(")
# What Oqtane (the family's ASP.NET Core CMS of Blazor modules) writes whatever its theme, with no
# generator meta and no ViewState: Blazor's script ("_framework/blazor.web.js"), and the marks of its
# own App and module frames, "<link id="app-stylesheet-page" />" in <head> and the render mode
# comment before every module ("<!-- rendermode: Static -->", ModuleInstance.razor); Blazor alone is
# any .NET application's.
_BLAZOR = re.compile(rb"_framework/blazor\.(?:web|server|webassembly)\.js")
_OQTANE = re.compile(rb"""<link\s+id\s*=\s*["']app-stylesheet-(?:page|module)["']|<!--\s*rendermode:\s*\w+\s*-->""")
# Links through a PHP front script that routes by query string: href='index.php?mod=news&cat=7'.
_PHP_ROUTES = re.compile(rb"""href\s*=\s*["']?[^"'>\s]*\.php\?\w+=""", re.I)
_ROUTES_TO_TELL = 3


def generator(page: Page) -> str | None:
    """The page's <meta name="generator"> content ("WordPress 6.8.1", "NukeViet v4.5"), if any."""
    match = _GENERATOR.search(page.body[:65536])
    if match is None:
        return None
    value = (match.group(1) or match.group(2) or b"").strip()
    return value.decode("utf-8", "replace") or None


def cms_family(page: Page) -> str | None:
    """The CMS family the page shows, or None: its generator first, then the markup its CMS
    leaves in every page. A .NET page of a host under dcs.vn, or linking the dcs CMS's URL forms, is
    the dcs family."""
    named = generator(page)
    if named is not None:
        for pattern, family in _BY_GENERATOR:
            if pattern.search(named.encode("utf-8")):
                return family
        if _is_webforms_page(page):
            # A packaged ASP.NET CMS names itself ("<meta name="generator" content="mojoPortal">" over
            # a page in its ViewState form); a vendor's home-made WebForms application names nothing.
            return "dcs"
    for pattern, family in _BY_MARKUP:
        if pattern.search(page.body):
            if family == "dcs" and not host_of(page.url).endswith("dcs.vn") and not _DNN.search(page.body):
                if _DCS_PATHS.search(page.body) or _BLOGENGINE.search(page.body):
                    return family
                if b"__VIEWSTATE" in page.body and _WEBFORMS.search(page.body):
                    return "aspnet-webforms"
                continue  # ASP.NET alone is any .NET site
            return family
    if _ORCHARD.search(page.body) or any(key.lower() == "x-powered-by" and "orchard" in str(value).lower()
                                         for key, value in (page.headers or {}).items()):
        return "dcs"
    if _is_umbraco(page.body):
        return "dcs"
    if len(set(_PIRANHA.findall(page.body, 0, 262144))) >= _UMBRACO_TO_TELL and b"/manager" in page.body:
        return "dcs"
    if _BLAZOR.search(page.body) and _OQTANE.search(page.body):
        return "dcs"
    if len(_PHP_ROUTES.findall(page.body, 0, 262144)) >= _ROUTES_TO_TELL:
        return "homemade-php"
    return None


def _is_webforms_page(page: Page) -> bool:
    """A page of an ASP.NET WebForms application: its ViewState, or the version header ASP.NET sends."""
    return b"__VIEWSTATE" in page.body or any(
        key.lower() == "x-aspnet-version" for key in (page.headers or {})
    )


def _is_umbraco(body: bytes) -> bool:
    """Umbraco's own marks: one UDI, route token, package or back-office path, or its media folders
    twice."""
    found = [match.group() for match in _UMBRACO.finditer(body, 0, 262144)]
    return any(not mark.lower().startswith(b"/media/") for mark in found) or len(set(found)) >= _UMBRACO_TO_TELL
